import { useState } from 'preact/hooks';
import { orders } from '../api/shop';
import type { Order } from '../api/types';
import { dateTime, money } from '../format';
import { navigate } from '../router';
import { errorMessage, t } from '../strings';
import { Failure, Loading, Message, Pager, useAsync, usePageTitle } from '../ui/components';
import { receiptBody } from '../ui/receipt-html';
import { Totals } from './CartPage';

export function OrdersPage({ query }: { query: URLSearchParams }) {
  usePageTitle(`${t.order.title} — ${t.brand}`);
  const page = Math.max(1, Number(query.get('page')) || 1);
  const list = useAsync(() => orders.mine(page), [page]);
  return (
    <section>
      <h1>{t.order.title}</h1>
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.data.length === 0 ? (
        <p>{t.order.none}</p>
      ) : (
        <>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.online.number}</th>
                <th scope="col">{t.order.date}</th>
                <th scope="col">{t.order.status}</th>
                <th scope="col" class="num">
                  {t.order.total}
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((o) => (
                <tr key={o.id}>
                  <th scope="row" data-label={t.online.number}>
                    <a href={`/commandes/${encodeURIComponent(o.id)}`}>{o.number}</a>
                  </th>
                  <td data-label={t.order.date}>{dateTime(o.created_at)}</td>
                  <td data-label={t.order.status}>
                    <StatusBadge order={o} />
                  </td>
                  <td class="num" data-label={t.order.total}>
                    {money(o.total_cents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} perPage={20} total={list.data.meta.total} onPage={(n) => navigate(`/commandes?page=${n}`)} />
        </>
      )}
    </section>
  );
}

export function StatusBadge({ order }: { order: Pick<Order, 'status'> }) {
  return <span class={`badge status-${order.status}`}>{t.statuses[order.status]}</span>;
}

export function OrderPage({ id, query }: { id: string; query: URLSearchParams }) {
  const order = useAsync(() => orders.get(id), [id]);
  const confirmed = query.get('confirmee') === '1';
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const o = order.data;
  usePageTitle(`${confirmed ? t.order.confirmedTitle : o ? t.order.number(o.number) : t.loading} — ${t.brand}`);

  if (order.error) return <Failure error={order.error} onRetry={order.reload} />;
  if (!o) return <Loading />;

  const cancel = async () => {
    if (!window.confirm(t.order.cancelConfirm)) return;
    setBusy(true);
    try {
      order.set(await orders.cancel(o.id));
      setMessage({ text: t.order.cancelled, error: false });
    } catch (e) {
      setMessage({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="order-page">
      {confirmed ? (
        <>
          <h1>{t.order.confirmedTitle}</h1>
          <p class="message message-success">{t.order.confirmedText(o.number)}</p>
        </>
      ) : (
        <h1>{t.order.number(o.number)}</h1>
      )}
      <p>
        {t.order.status} : <StatusBadge order={o} /> · {dateTime(o.created_at)}
      </p>
      {message && <Message kind={message.error ? 'error' : 'success'}>{message.text}</Message>}
      <h2>{t.order.items}</h2>
      <ul class="plain">
        {o.items.map((l) => (
          <li key={l.product_id}>
            {l.quantity} × {l.name} — {money(l.line_total_cents)}
          </li>
        ))}
      </ul>
      <Totals value={o} shippingCents={o.shipping_cents} />
      {o.shipping_address && (
        <p>
          {t.order.shipTo} : {o.shipping_address.line1}, {o.shipping_address.city} ({o.shipping_address.province}) {o.shipping_address.postal_code}
        </p>
      )}
      {o.payment?.card_last4 && <p>{t.order.paidWith(o.payment.card_last4)}</p>}
      {(o.status === 'paid' || o.status === 'preparing') && (
        <button type="button" class="button danger" onClick={cancel} disabled={busy}>
          {t.order.cancel}
        </button>
      )}
      <OrderReceipt id={o.id} />
      <p>
        <a href="/commandes">{t.order.title}</a>
      </p>
    </section>
  );
}

/** The order's receipt, shown on demand and printable (the print style keeps it alone). */
function OrderReceipt({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const receipt = useAsync(() => (open ? orders.receipt(id).then(receiptBody) : Promise.resolve(undefined)), [id, open]);
  if (!open) {
    return (
      <p class="no-print">
        <button type="button" class="button secondary" onClick={() => setOpen(true)}>
          {t.order.showReceipt}
        </button>
      </p>
    );
  }
  if (receipt.error) return <Failure error={receipt.error} onRetry={receipt.reload} />;
  if (receipt.data === undefined) return <Loading />;
  return (
    <>
      <h2>{t.order.receipt}</h2>
      <div class="receipt-sheet" data-testid="receipt" dangerouslySetInnerHTML={{ __html: receipt.data }} />
      <p class="no-print">
        <button type="button" class="button" onClick={() => window.print()}>
          {t.order.printReceipt}
        </button>
      </p>
    </>
  );
}
