import { useState } from 'preact/hooks';
import { sales } from '../api/office';
import type { Tender } from '../api/types';
import { dateTime, money } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Pager, Select, Status, useAsync, usePageTitle } from '../ui/components';
import { Totals } from '../shop/CartPage';
import { FindReceipt } from './ReceiptPage';
import { myLocation, nameOf, role, stores, useLocations } from './shared';

export function SalesPage() {
  usePageTitle(`${t.sales.title} — ${t.office.title}`);
  const locations = useLocations();
  const own = role() === 'cashier' ? myLocation() : null;
  const [store, setStore] = useState(own ? String(own) : '');
  const [page, setPage] = useState(1);
  const list = useAsync(() => sales.list({ location_id: store ? Number(store) : undefined, page }), [store, page]);
  return (
    <section>
      <h1>{t.sales.title}</h1>
      <FindReceipt />
      <div class="toolbar">
        <Select
          label={t.sales.store}
          value={store}
          disabled={own !== null}
          onValue={(v) => {
            setStore(v);
            setPage(1);
          }}
          options={[{ value: '', label: t.online.all }, ...stores(locations.data).map((l) => ({ value: String(l.id), label: l.name }))]}
        />
      </div>
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.data.length === 0 ? (
        <p>{t.sales.none}</p>
      ) : (
        <>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.sales.receipt}</th>
                <th scope="col">{t.sales.store}</th>
                <th scope="col">{t.sales.date}</th>
                <th scope="col" class="num">
                  {t.sales.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((s) => (
                <tr key={s.id}>
                  <th scope="row" data-label={t.sales.receipt}>
                    <a href={`/gestion/ventes/${s.id}`} aria-label={t.sales.open(s.receipt_number)}>
                      {s.receipt_number}
                    </a>
                  </th>
                  <td data-label={t.sales.store}>{nameOf(locations.data, s.location_id)}</td>
                  <td data-label={t.sales.date}>{dateTime(s.created_at)}</td>
                  <td class="num" data-label={t.sales.total}>
                    {money(s.total_cents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} perPage={25} total={list.data.meta.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}

export function SalePage({ id }: { id: number }) {
  const sale = useAsync(() => sales.get(id), [id]);
  const returns = useAsync(() => sales.returns(id).then((p) => p.data), [id]);
  const locations = useLocations();
  const [quantities, setQuantities] = useState<Record<number, string>>({});
  const [reason, setReason] = useState('');
  const [refund, setRefund] = useState<Tender | ''>('');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const s = sale.data;
  usePageTitle(`${s ? t.sales.receiptTitle(s.receipt_number) : t.loading} — ${t.office.title}`);
  if (sale.error) return <Failure error={sale.error} onRetry={sale.reload} />;
  if (!s) return <Loading />;

  const submit = async (e: Event) => {
    e.preventDefault();
    const lines = s.lines
      .map((l) => ({ product_id: l.product_id, quantity: Number(quantities[l.product_id] ?? 0) }))
      .filter((l) => l.quantity > 0);
    if (lines.length === 0 || !reason.trim()) {
      setNote({ text: t.sales.nothingToReturn, error: true });
      return;
    }
    setBusy(true);
    try {
      const done = await sales.returnItems(s.id, lines, reason.trim(), refund || undefined);
      setNote({ text: t.sales.returnDone(money(done.total_cents)), error: false });
      setQuantities({});
      setReason('');
      sale.reload();
      returns.reload();
    } catch (err) {
      setNote({ text: errorMessage(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <p>
        <a href="/gestion/ventes">{t.sales.back}</a>
      </p>
      <h1>{t.sales.receiptTitle(s.receipt_number)}</h1>
      <p class="muted">
        {nameOf(locations.data, s.location_id)} · {dateTime(s.created_at)}
      </p>
      <p>
        <a href={`/gestion/recus/${encodeURIComponent(s.receipt_number)}`}>{t.sales.showReceipt}</a>
      </p>
      <Status text={note?.text ?? null} error={note?.error} />
      <form onSubmit={submit} noValidate>
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t.cart.product}</th>
              <th scope="col" class="num">
                {t.cart.unitPrice}
              </th>
              <th scope="col" class="num">
                {t.sales.sold}
              </th>
              <th scope="col" class="num">
                {t.sales.returned}
              </th>
              <th scope="col" class="num">
                {t.cart.lineTotal}
              </th>
              <th scope="col">{t.sales.returnTitle}</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((l) => {
              const left = l.quantity - (l.returned_quantity ?? 0);
              return (
                <tr key={l.product_id}>
                  <th scope="row" data-label={t.cart.product}>
                    {l.name}
                  </th>
                  <td class="num" data-label={t.cart.unitPrice}>
                    {money(l.unit_price_cents)}
                  </td>
                  <td class="num" data-label={t.sales.sold}>
                    {l.quantity}
                  </td>
                  <td class="num" data-label={t.sales.returned}>
                    {l.returned_quantity ?? 0}
                  </td>
                  <td class="num" data-label={t.cart.lineTotal}>
                    {money(l.line_total_cents)}
                  </td>
                  <td data-label={t.sales.returnTitle}>
                    <input
                      type="number"
                      min={0}
                      max={left}
                      disabled={left <= 0}
                      aria-label={t.sales.returnQuantity(l.name)}
                      value={quantities[l.product_id] ?? '0'}
                      onInput={(e) => setQuantities({ ...quantities, [l.product_id]: (e.currentTarget as HTMLInputElement).value })}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <div class="cart-layout">
          <div>
            <h2>{t.sales.returnTitle}</h2>
            <Field label={t.sales.reason} value={reason} onValue={setReason} />
            <Select
              label={t.sales.refundMethod}
              value={refund}
              onValue={(v) => setRefund(v as Tender | '')}
              options={[{ value: '', label: t.sales.sameAsPaid }, ...(Object.keys(t.tenders) as Tender[]).map((m) => ({ value: m, label: t.tenders[m] }))]}
            />
            <button type="submit" class="button" disabled={busy}>
              {t.sales.submitReturn}
            </button>
          </div>
          <aside class="summary">
            <Totals value={s} />
            <h2>{t.sales.payments}</h2>
            <ul class="plain">
              {s.payments.map((p, i) => (
                <li key={i}>
                  {t.tenders[p.method]} : {money(p.amount_cents)}
                </li>
              ))}
              {(s.change_cents ?? 0) > 0 && (
                <li>
                  {t.sales.change} : {money(s.change_cents ?? 0)}
                </li>
              )}
            </ul>
          </aside>
        </div>
      </form>
      {(returns.data?.length ?? 0) > 0 && (
        <>
          <h2>{t.sales.returnsList}</h2>
          <ul class="plain">
            {returns.data?.map((r) => (
              <li key={r.id}>
                {dateTime(r.created_at)} — {r.lines.map((l) => `${l.quantity} × ${l.name}`).join(', ')} — {money(r.total_cents)} ({r.reason})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
