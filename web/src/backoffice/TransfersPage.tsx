// Transfers between stores (ADR 0171): the store that needs goods asks, logistics approves or refuses, the
// source ships (the stock leaves it: in transit), the destination receives. The services check every step.
import { useState } from 'preact/hooks';
import { newKey } from '../api/client';
import { transfers } from '../api/office';
import type { Product, RestockStatus, Transfer } from '../api/types';
import { dateTime } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, Select, Status, useAsync, usePageTitle, useSubmit } from '../ui/components';
import { myLocation, nameOf, productOptions, role, stores, useLocations, useProducts } from './shared';

type Note = { text: string; error: boolean } | null;

export function TransfersPage() {
  usePageTitle(`${t.transfers.title} — ${t.office.title}`);
  const r = role();
  const locations = useLocations();
  const productList = useProducts();
  const [status, setStatus] = useState<RestockStatus | ''>('');
  const list = useAsync(() => transfers.list({ status: status || undefined }).then((p) => p.data), [status]);
  const [note, setNote] = useState<Note>(null);
  const storeOptions = stores(locations.data).map((l) => ({ value: String(l.id), label: l.name }));
  const replace = (x: Transfer) => {
    list.set((list.data ?? []).map((y) => (y.id === x.id ? x : y)));
    setNote({ text: t.transfers.done(x.id, x.in_transit ? t.transfers.inTransit : t.restockStatuses[x.status]), error: false });
  };
  return (
    <section>
      <h1>{t.transfers.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      {(r === 'cashier' || r === 'manager' || r === 'admin') && (
        <CreateTransfer
          storeOptions={storeOptions}
          products={productList.data}
          onCreated={(x) => {
            list.set([x, ...(list.data ?? []).filter((y) => y.id !== x.id)]);
            setNote({ text: t.transfers.created(x.id), error: false });
          }}
        />
      )}
      <div class="toolbar">
        <Select
          label={t.restock.status}
          value={status}
          onValue={(v) => setStatus(v as RestockStatus | '')}
          options={[
            { value: '', label: t.restock.allStatuses },
            ...(Object.keys(t.restockStatuses) as RestockStatus[]).map((s) => ({ value: s, label: t.restockStatuses[s] })),
          ]}
        />
      </div>
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.length === 0 ? (
        <p>{t.transfers.none}</p>
      ) : (
        <ul class="plain">
          {list.data.map((x) => (
            <TransferCard
              key={x.id}
              transfer={x}
              route={t.transfers.route(nameOf(locations.data, x.from_location_id), nameOf(locations.data, x.to_location_id))}
              products={productList.data}
              onChanged={replace}
              onNote={setNote}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function TransferCard({
  transfer,
  route,
  products,
  onChanged,
  onNote,
}: {
  transfer: Transfer;
  route: string;
  products: Product[] | undefined;
  onChanged: (x: Transfer) => void;
  onNote: (n: Note) => void;
}) {
  const r = role();
  const here = myLocation();
  const approver = r === 'logistics' || r === 'admin';
  const shipper = (r === 'cashier' && here === transfer.from_location_id) || r === 'logistics' || r === 'manager' || r === 'admin';
  const receiver = (r === 'cashier' && here === transfer.to_location_id) || r === 'manager' || r === 'admin';
  const [approved, setApproved] = useState<Record<number, string>>(() =>
    Object.fromEntries(transfer.lines.map((l) => [l.product_id, String(l.requested_quantity)])),
  );
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<Transfer>) => {
    setBusy(true);
    try {
      onChanged(await work());
    } catch (e) {
      onNote({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const headingId = `transfer-${transfer.id}`;
  return (
    <li class="panel" aria-labelledby={headingId} data-testid={`transfer-${transfer.id}`}>
      <h2 id={headingId}>
        {t.transfers.number(transfer.id)} — {route}{' '}
        <span class={`badge status-${transfer.status}`}>{transfer.in_transit ? t.transfers.inTransit : t.restockStatuses[transfer.status]}</span>
      </h2>
      <p class="muted">
        {dateTime(transfer.created_at)}
        {transfer.note ? ` · ${t.restock.note} : ${transfer.note}` : ''}
        {transfer.reject_reason ? ` · ${t.restock.rejectReason} : ${transfer.reject_reason}` : ''}
      </p>
      <table class="list">
        <thead>
          <tr>
            <th scope="col">{t.restock.product}</th>
            <th scope="col" class="num">
              {t.restock.requested}
            </th>
            <th scope="col" class="num">
              {t.restock.approved}
            </th>
          </tr>
        </thead>
        <tbody>
          {transfer.lines.map((l) => (
            <tr key={l.product_id}>
              <th scope="row" data-label={t.restock.product}>
                {nameOf(products, l.product_id)}
              </th>
              <td class="num" data-label={t.restock.requested}>
                {l.requested_quantity}
              </td>
              <td class="num" data-label={t.restock.approved}>
                {transfer.status === 'requested' && approver ? (
                  <input
                    type="number"
                    min={0}
                    max={l.requested_quantity}
                    aria-label={t.restock.approvedQuantity(nameOf(products, l.product_id))}
                    value={approved[l.product_id]}
                    onInput={(e) => setApproved({ ...approved, [l.product_id]: (e.currentTarget as HTMLInputElement).value })}
                  />
                ) : (
                  l.approved_quantity ?? '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="actions">
        {transfer.status === 'requested' && approver && (
          <>
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() =>
                act(() => transfers.approve(transfer.id, transfer.lines.map((l) => ({ product_id: l.product_id, quantity: Number(approved[l.product_id] ?? 0) }))))
              }
            >
              {t.restock.approve}
            </button>
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) void act(() => transfers.reject(transfer.id, reason.trim()));
              }}
            >
              <Field label={t.restock.rejectReason} hideLabel placeholder={t.restock.rejectReason} value={reason} onValue={setReason} />
              <button type="submit" class="button danger" disabled={busy || !reason.trim()}>
                {t.restock.reject}
              </button>
            </form>
          </>
        )}
        {transfer.status === 'approved' && shipper && (
          <button type="button" class="button" disabled={busy} onClick={() => act(() => transfers.ship(transfer.id))}>
            {t.restock.ship}
          </button>
        )}
        {transfer.status === 'shipped' && receiver && (
          <button type="button" class="button" disabled={busy} onClick={() => act(() => transfers.receive(transfer.id))}>
            {t.restock.receive}
          </button>
        )}
      </div>
    </li>
  );
}

function CreateTransfer({
  storeOptions,
  products,
  onCreated,
}: {
  storeOptions: { value: string; label: string }[];
  products: Product[] | undefined;
  onCreated: (x: Transfer) => void;
}) {
  const own = role() === 'cashier' ? myLocation() : null;
  const [to, setTo] = useState(own ? String(own) : '');
  const [from, setFrom] = useState('');
  const [lines, setLines] = useState<{ product: string; quantity: string }[]>([{ product: '', quantity: '1' }]);
  const [noteText, setNoteText] = useState('');
  const [key, setKey] = useState(() => newKey());
  const { busy, error, setError, run } = useSubmit();
  const options = [{ value: '', label: '—' }, ...productOptions(products)];
  const toId = own ?? Number(to || storeOptions[0]?.value);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = lines.filter((l) => l.product).map((l) => ({ product_id: Number(l.product), quantity: Number(l.quantity) }));
    if (!from || body.length === 0 || body.some((l) => !Number.isInteger(l.quantity) || l.quantity < 1)) {
      setError(t.errors.validation);
      return;
    }
    if (Number(from) === toId) {
      setError(t.transfers.sameStore);
      return;
    }
    await run(async () => {
      const created = await transfers.create(Number(from), toId, body, noteText.trim(), key);
      setLines([{ product: '', quantity: '1' }]);
      setNoteText('');
      setKey(newKey()); // the next request is another transfer; a retried click of this one is not
      onCreated(created);
    });
  };
  return (
    <details class="panel" open={own !== null}>
      <summary>
        <strong>{t.transfers.create}</strong>
      </summary>
      <form onSubmit={submit} noValidate>
        <Select label={t.transfers.from} value={from} onValue={setFrom} options={[{ value: '', label: '—' }, ...storeOptions.filter((o) => o.value !== String(toId))]} />
        <Select
          label={t.transfers.to}
          value={String(toId || '')}
          onValue={setTo}
          disabled={own !== null}
          options={own !== null && !storeOptions.some((o) => o.value === String(own)) ? [{ value: String(own), label: `#${own}` }] : storeOptions}
        />
        {lines.map((line, i) => (
          <div class="inline-form" key={i}>
            <Select
              label={`${t.restock.product} ${i + 1}`}
              value={line.product}
              onValue={(v) => setLines(lines.map((l, j) => (j === i ? { ...l, product: v } : l)))}
              options={options}
            />
            <Field
              label={`${t.restock.quantity} ${i + 1}`}
              type="number"
              min={1}
              value={line.quantity}
              onValue={(v) => setLines(lines.map((l, j) => (j === i ? { ...l, quantity: v } : l)))}
            />
            {lines.length > 1 && (
              <button type="button" class="button link danger" onClick={() => setLines(lines.filter((_, j) => j !== i))}>
                {t.restock.removeLine}
              </button>
            )}
          </div>
        ))}
        <p>
          <button type="button" class="button secondary" onClick={() => setLines([...lines, { product: '', quantity: '1' }])}>
            {t.restock.addLine}
          </button>
        </p>
        <Field label={t.restock.note} value={noteText} onValue={setNoteText} />
        <Message kind="error">{error}</Message>
        <button type="submit" class="button" disabled={busy}>
          {t.transfers.submit}
        </button>
      </form>
    </details>
  );
}
