import { useState } from 'preact/hooks';
import { inventory } from '../api/office';
import { t } from '../strings';
import { Failure, Loading, Select, useAsync, usePageTitle } from '../ui/components';
import { myLocation, nameOf, role, useLocations, useProducts } from './shared';

export function StockPage() {
  usePageTitle(`${t.stock.title} — ${t.office.title}`);
  const locations = useLocations();
  const productList = useProducts();
  const cashierStore = role() === 'cashier' ? myLocation() : null;
  const [locationId, setLocationId] = useState<string>(String(cashierStore ?? 6));
  const [lowOnly, setLowOnly] = useState(false);
  const stock = useAsync(
    () => inventory.stock({ location_id: Number(locationId), low_stock: lowOnly }).then((p) => p.data),
    [locationId, lowOnly],
  );
  const rows = [...(stock.data ?? [])].sort((a, b) => nameOf(productList.data, a.product_id).localeCompare(nameOf(productList.data, b.product_id), 'fr'));

  return (
    <section>
      <h1>{t.stock.title}</h1>
      <div class="toolbar">
        <Select
          label={t.stock.location}
          value={locationId}
          onValue={setLocationId}
          disabled={cashierStore !== null}
          options={(locations.data ?? [{ id: Number(locationId), name: `#${locationId}` }]).map((l) => ({ value: String(l.id), label: l.name }))}
        />
        <label class="choice">
          <input type="checkbox" checked={lowOnly} onChange={(e) => setLowOnly((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t.stock.lowOnly}</span>
        </label>
      </div>
      {stock.error ? (
        <Failure error={stock.error} onRetry={stock.reload} />
      ) : !stock.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p>{t.stock.none}</p>
      ) : (
        <>
          <p class="muted" role="status">
            {t.stock.rows(rows.length)}
          </p>
          <div class="table-wrap">
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">{t.stock.product}</th>
                  <th scope="col" class="num">
                    {t.stock.onHand}
                  </th>
                  <th scope="col" class="num">
                    {t.stock.reserved}
                  </th>
                  <th scope="col" class="num">
                    {t.stock.available}
                  </th>
                  <th scope="col" class="num">
                    {t.stock.reorderPoint}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.product_id}>
                    <th scope="row" data-label={t.stock.product}>
                      {nameOf(productList.data, r.product_id)} {r.available <= r.reorder_point && <span class="badge low">{t.stock.low}</span>}
                    </th>
                    <td class="num" data-label={t.stock.onHand}>
                      {r.on_hand}
                    </td>
                    <td class="num" data-label={t.stock.reserved}>
                      {r.reserved}
                    </td>
                    <td class="num" data-label={t.stock.available}>
                      {r.available}
                    </td>
                    <td class="num" data-label={t.stock.reorderPoint}>
                      {r.reorder_point}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
