// Registers (ADR 0150): the sessions of a store (a cashier: theirs; head office: any or all), the X report of
// an open one and the stored Z of a closed one.
import { useState } from 'preact/hooks';
import { registers } from '../api/office';
import type { RegisterReport } from '../api/types';
import { dateTime, money } from '../format';
import { t } from '../strings';
import { Failure, Loading, Select, useAsync, usePageTitle } from '../ui/components';
import { myLocation, nameOf, role, stores, useLocations } from './shared';
import { reportRows, reportTitle } from './registers';

function Report({ id }: { id: number }) {
  const report = useAsync<RegisterReport>(() => registers.report(id), [id]);
  if (report.error) return <Failure error={report.error} onRetry={report.reload} />;
  if (!report.data) return <Loading />;
  const r = report.data;
  return (
    <section aria-labelledby="register-report-title" class="card">
      <h2 id="register-report-title">{reportTitle(r)}</h2>
      <p class="muted">{r.type === 'Z' ? t.registers.zNote : t.registers.xNote}</p>
      <table class="list report">
        <tbody>
          {reportRows(r).map((row) =>
            row.kind === 'heading' ? (
              <tr key={row.label}>
                <th scope="colgroup" colSpan={2}>
                  {row.label}
                </th>
              </tr>
            ) : (
              <tr key={row.label} class={row.kind === 'total' ? 'total' : undefined}>
                <th scope="row">{row.label}</th>
                <td class="num">{row.value}</td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}

export function RegistersPage() {
  usePageTitle(`${t.registers.title} — ${t.office.title}`);
  const locations = useLocations();
  const cashierStore = role() === 'cashier' ? myLocation() : null;
  const [locationId, setLocationId] = useState<string>(cashierStore === null ? '' : String(cashierStore));
  const [shown, setShown] = useState<number | null>(null);
  const sessions = useAsync(
    () => registers.list(locationId === '' ? {} : { location_id: Number(locationId) }).then((p) => p.data),
    [locationId],
  );
  const options = [
    ...(cashierStore === null ? [{ value: '', label: t.registers.all }] : []),
    ...stores(locations.data).map((l) => ({ value: String(l.id), label: l.name })),
  ];
  return (
    <section>
      <h1>{t.registers.title}</h1>
      <div class="toolbar">
        <Select
          label={t.registers.store}
          value={locationId}
          onValue={(v) => {
            setLocationId(v);
            setShown(null);
          }}
          disabled={cashierStore !== null}
          options={options.length > 0 ? options : [{ value: locationId, label: locationId || t.registers.all }]}
        />
      </div>
      {sessions.error ? (
        <Failure error={sessions.error} onRetry={sessions.reload} />
      ) : !sessions.data ? (
        <Loading />
      ) : sessions.data.length === 0 ? (
        <p>{t.registers.none}</p>
      ) : (
        <div class="table-wrap">
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.registers.store}</th>
                <th scope="col">{t.registers.register}</th>
                <th scope="col">{t.registers.status}</th>
                <th scope="col">{t.registers.opened}</th>
                <th scope="col">{t.registers.closedAt}</th>
                <th scope="col" class="num">
                  {t.registers.overShort}
                </th>
                <th scope="col">{t.registers.z}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((s) => (
                <tr key={s.id}>
                  <th scope="row" data-label={t.registers.store}>
                    {nameOf(locations.data, s.location_id)}
                  </th>
                  <td data-label={t.registers.register}>{s.register}</td>
                  <td data-label={t.registers.status}>{s.status === 'open' ? t.registers.open : t.registers.closed}</td>
                  <td data-label={t.registers.opened}>{dateTime(s.opened_at)}</td>
                  <td data-label={t.registers.closedAt}>{s.closed_at ? dateTime(s.closed_at) : '—'}</td>
                  <td class="num" data-label={t.registers.overShort}>
                    {s.over_short_cents === null ? '—' : money(s.over_short_cents)}
                  </td>
                  <td data-label={t.registers.z}>
                    <button type="button" class="link" aria-pressed={shown === s.id} onClick={() => setShown(s.id)}>
                      {s.status === 'open' ? t.registers.showX(s.register) : t.registers.showZ(s.z_number ?? 0)}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shown !== null && <Report id={shown} />}
    </section>
  );
}
