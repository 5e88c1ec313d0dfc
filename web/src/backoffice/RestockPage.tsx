import { useState } from 'preact/hooks';
import { restock } from '../api/office';
import type { Product, RestockRequest, RestockStatus } from '../api/types';
import { dateTime } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Field, Loading, Message, Select, Status, useAsync, usePageTitle, useSubmit } from '../ui/components';
import { myLocation, nameOf, productOptions, role, stores, useLocations, useProducts } from './shared';

type Note = { text: string; error: boolean } | null;

export function RestockPage() {
  usePageTitle(`${t.restock.title} — ${t.office.title}`);
  const r = role();
  const locations = useLocations();
  const productList = useProducts();
  const [status, setStatus] = useState<RestockStatus | ''>('');
  const list = useAsync(() => restock.list({ status: status || undefined }).then((p) => p.data), [status]);
  const [note, setNote] = useState<Note>(null);
  const canCreate = r === 'cashier' || r === 'manager' || r === 'admin';

  const replace = (req: RestockRequest) => {
    list.set((list.data ?? []).map((x) => (x.id === req.id ? req : x)));
    setNote({ text: t.restock.done(req.id, t.restockStatuses[req.status]), error: false });
  };

  return (
    <section>
      <h1>{t.restock.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      {canCreate && (
        <CreateRequest
          storeOptions={stores(locations.data).map((l) => ({ value: String(l.id), label: l.name }))}
          products={productList.data}
          onCreated={(req) => {
            list.set([req, ...(list.data ?? [])]);
            setNote({ text: t.restock.created(req.id), error: false });
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
        <p>{t.restock.none}</p>
      ) : (
        <ul class="plain">
          {list.data.map((req) => (
            <RequestCard key={req.id} request={req} store={nameOf(locations.data, req.location_id)} products={productList.data} onChanged={replace} onNote={setNote} />
          ))}
        </ul>
      )}
    </section>
  );
}

function RequestCard({
  request,
  store,
  products,
  onChanged,
  onNote,
}: {
  request: RestockRequest;
  store: string;
  products: Product[] | undefined;
  onChanged: (r: RestockRequest) => void;
  onNote: (n: Note) => void;
}) {
  const r = role();
  const logistics = r === 'logistics' || r === 'admin';
  const receiver = (r === 'cashier' && myLocation() === request.location_id) || r === 'manager' || r === 'admin';
  const [approved, setApproved] = useState<Record<number, string>>(() =>
    Object.fromEntries(request.lines.map((l) => [l.product_id, String(l.requested_quantity)])),
  );
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<RestockRequest>) => {
    setBusy(true);
    try {
      onChanged(await work());
    } catch (e) {
      onNote({ text: errorMessage(e), error: true });
    } finally {
      setBusy(false);
    }
  };
  const headingId = `restock-${request.id}`;
  return (
    <li class="panel" aria-labelledby={headingId} data-testid={`restock-${request.id}`}>
      <h2 id={headingId}>
        {t.restock.number(request.id)} — {store} <span class={`badge status-${request.status}`}>{t.restockStatuses[request.status]}</span>
      </h2>
      <p class="muted">
        {dateTime(request.created_at)}
        {request.note ? ` · ${t.restock.note} : ${request.note}` : ''}
        {request.reject_reason ? ` · ${t.restock.rejectReason} : ${request.reject_reason}` : ''}
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
          {request.lines.map((l) => (
            <tr key={l.product_id}>
              <th scope="row" data-label={t.restock.product}>
                {nameOf(products, l.product_id)}
              </th>
              <td class="num" data-label={t.restock.requested}>
                {l.requested_quantity}
              </td>
              <td class="num" data-label={t.restock.approved}>
                {request.status === 'requested' && logistics ? (
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
        {request.status === 'requested' && logistics && (
          <>
            <button
              type="button"
              class="button"
              disabled={busy}
              onClick={() =>
                act(() => restock.approve(request.id, request.lines.map((l) => ({ product_id: l.product_id, quantity: Number(approved[l.product_id] ?? 0) }))))
              }
            >
              {t.restock.approve}
            </button>
            <form
              class="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim()) void act(() => restock.reject(request.id, reason.trim()));
              }}
            >
              <Field label={t.restock.rejectReason} hideLabel placeholder={t.restock.rejectReason} value={reason} onValue={setReason} />
              <button type="submit" class="button danger" disabled={busy || !reason.trim()}>
                {t.restock.reject}
              </button>
            </form>
          </>
        )}
        {request.status === 'approved' && logistics && (
          <button type="button" class="button" disabled={busy} onClick={() => act(() => restock.ship(request.id))}>
            {t.restock.ship}
          </button>
        )}
        {request.status === 'shipped' && receiver && (
          <button type="button" class="button" disabled={busy} onClick={() => act(() => restock.receive(request.id))}>
            {t.restock.receive}
          </button>
        )}
      </div>
    </li>
  );
}

function CreateRequest({
  storeOptions,
  products,
  onCreated,
}: {
  storeOptions: { value: string; label: string }[];
  products: Product[] | undefined;
  onCreated: (r: RestockRequest) => void;
}) {
  const own = role() === 'cashier' ? myLocation() : null;
  const [store, setStore] = useState(own ? String(own) : '');
  const [lines, setLines] = useState<{ product: string; quantity: string }[]>([{ product: '', quantity: '10' }]);
  const [noteText, setNoteText] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const options = [{ value: '', label: '—' }, ...productOptions(products)];
  const storeId = own ?? Number(store || storeOptions[0]?.value);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const body = lines.filter((l) => l.product).map((l) => ({ product_id: Number(l.product), quantity: Number(l.quantity) }));
    if (body.length === 0 || body.some((l) => !Number.isInteger(l.quantity) || l.quantity < 1)) {
      setError(t.errors.validation);
      return;
    }
    await run(async () => {
      const created = await restock.create(storeId, body, noteText.trim());
      setLines([{ product: '', quantity: '10' }]);
      setNoteText('');
      onCreated(created);
    });
  };
  return (
    <details class="panel" open={own !== null}>
      <summary>
        <strong>{t.restock.create}</strong>
      </summary>
      <form onSubmit={submit} noValidate>
        <Select
          label={t.restock.store}
          value={String(storeId || '')}
          onValue={setStore}
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
          <button type="button" class="button secondary" onClick={() => setLines([...lines, { product: '', quantity: '10' }])}>
            {t.restock.addLine}
          </button>
        </p>
        <Field label={t.restock.note} value={noteText} onValue={setNoteText} />
        <Message kind="error">{error}</Message>
        <button type="submit" class="button" disabled={busy}>
          {t.restock.submit}
        </button>
      </form>
    </details>
  );
}
