import { useState } from 'preact/hooks';
import { onlineOrders } from '../api/office';
import type { Order, OrderStatus } from '../api/types';
import { dateTime, money } from '../format';
import { errorMessage, t } from '../strings';
import { Failure, Loading, Pager, Select, Status, useAsync, usePageTitle } from '../ui/components';
import { StatusBadge } from '../shop/OrdersPages';

const NEXT: Partial<Record<OrderStatus, 'preparing' | 'shipped' | 'delivered'>> = {
  paid: 'preparing',
  preparing: 'shipped',
  shipped: 'delivered',
};

export function OnlineOrdersPage() {
  usePageTitle(`${t.online.title} — ${t.office.title}`);
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const [page, setPage] = useState(1);
  const list = useAsync(() => onlineOrders.list({ status: status || undefined, page }), [status, page]);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const replace = (o: Order) => {
    if (list.data) list.set({ ...list.data, data: list.data.data.map((x) => (x.id === o.id ? o : x)) });
    setNote({ text: t.online.moved(o.number, t.statuses[o.status]), error: false });
  };
  const act = async (id: string, work: () => Promise<Order>) => {
    setBusy(id);
    try {
      replace(await work());
    } catch (e) {
      setNote({ text: errorMessage(e), error: true });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section>
      <h1>{t.online.title}</h1>
      <Status text={note?.text ?? null} error={note?.error} />
      <div class="toolbar">
        <Select
          label={t.online.status}
          value={status}
          onValue={(v) => {
            setStatus(v as OrderStatus | '');
            setPage(1);
          }}
          options={[{ value: '', label: t.online.all }, ...(Object.keys(t.statuses) as OrderStatus[]).map((s) => ({ value: s, label: t.statuses[s] }))]}
        />
      </div>
      {list.error ? (
        <Failure error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.data.length === 0 ? (
        <p>{t.online.none}</p>
      ) : (
        <>
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{t.online.number}</th>
                  <th scope="col">{t.online.date}</th>
                  <th scope="col">{t.online.status}</th>
                  <th scope="col">{t.online.address}</th>
                  <th scope="col" class="num">
                    {t.online.total}
                  </th>
                  <th scope="col">{t.online.actions}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.data.map((o) => {
                  const next = NEXT[o.status];
                  return (
                    <tr key={o.id} data-testid={`order-${o.number}`}>
                      <th scope="row" data-label={t.online.number}>
                        {o.number}
                      </th>
                      <td data-label={t.online.date}>{dateTime(o.created_at)}</td>
                      <td data-label={t.online.status}>
                        <StatusBadge order={o} />
                      </td>
                      <td data-label={t.online.address}>{o.shipping_address ? `${o.shipping_address.city} (${o.shipping_address.province})` : '—'}</td>
                      <td class="num" data-label={t.online.total}>
                        {money(o.total_cents)}
                      </td>
                      <td data-label={t.online.actions}>
                        <div class="actions">
                          {next && (
                            <button type="button" class="button small" disabled={busy === o.id} onClick={() => act(o.id, () => onlineOrders.move(o.id, next))}>
                              {t.online.moveTo(t.statuses[next])}
                            </button>
                          )}
                          {(o.status === 'paid' || o.status === 'preparing') && (
                            <button
                              type="button"
                              class="button danger small"
                              disabled={busy === o.id}
                              onClick={() => window.confirm(t.online.cancelConfirm(o.number)) && act(o.id, () => onlineOrders.cancel(o.id))}
                            >
                              {t.online.cancel}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager page={page} perPage={25} total={list.data.meta.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}
