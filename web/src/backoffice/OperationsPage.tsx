// The operations page (ADR 0103), for managers and admins: what Prometheus knows of the platform, for a machine
// without Grafana. The state of every scrape target, the cart instances and the gateway's view of them, the
// alerts, refreshed every 2 s; four uPlot charts (requests/s, p95 latency, 5xx ratio per service, load per cart
// instance) every 5 s. The browser asks the web service only (GET /api/v1/operations/…), never Prometheus.
import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlotType from 'uplot';
import { operations } from '../api/office';
import type { OpsPanelId, OpsSeriesAnswer, OpsStatus, OpsWindow } from '../api/types';
import { dateTime } from '../format';
import { errorMessage, t } from '../strings';
import { Loading, usePageTitle } from '../ui/components';
import { cartInstances, chartData, firing, latest, upCount, type ChartData } from './operations-data';

const STATUS_MS = 2000;
const SERIES_MS = 5000;
const WINDOWS: OpsWindow[] = ['5m', '15m', '1h', '6h'];
const PANELS: OpsPanelId[] = ['requests', 'latency', 'errors', 'cart_load'];
const COLORS = ['#0b4f8a', '#b42318', '#1e6b34', '#7a4d00', '#5b2a9a', '#0f766e', '#9d174d', '#374151', '#1d4ed8', '#a16207'];

/** Calls `load` now and every `ms` while the tab is visible; the latest answer or the latest failure. */
function usePoll<T>(load: () => Promise<T>, ms: number, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const d = await load();
          if (stopped) return;
          setData(d);
          setError(null);
        } catch (e) {
          if (!stopped) setError(e);
        }
      }
      if (!stopped) timer = setTimeout(tick, ms);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return { data, error };
}

const clock = new Intl.DateTimeFormat('fr-CA', { hour: '2-digit', minute: '2-digit', timeZone: 'America/Toronto' });

/** Enough decimals for the axis' ticks to differ (0,05 0,10 … or 100 200 …). */
function tickDigits(ticks: number[]): number {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  for (let d = 0; d < 3; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6) return d;
  }
  return 3;
}

function number(v: number | null, digits = 1): string {
  return v === null ? '—' : v.toFixed(digits).replace('.', ',');
}

function Health({ health }: { health: string }) {
  return <span class={`badge health-${health}`}>{t.operations.health[health] ?? health}</span>;
}

export function OperationsPage() {
  usePageTitle(`${t.operations.title} — ${t.office.title}`);
  const [span, setSpan] = useState<OpsWindow>('15m');
  const status = usePoll(() => operations.status(), STATUS_MS, []);
  const series = usePoll(() => operations.series(span), SERIES_MS, [span]);
  const error = status.error ?? series.error;

  return (
    <section class="operations">
      <h1>{t.operations.title}</h1>
      <p>{t.operations.intro}</p>
      {error ? (
        <div class="message message-error" role="alert" data-testid="operations-error">
          <p>{errorMessage(error)}</p>
          {status.data && <p>{t.operations.stale}</p>}
        </div>
      ) : null}
      {status.data ? <Status status={status.data} /> : !error && <Loading />}
      <div class="actions window-choice">
        <label for="ops-window">{t.operations.window}</label>
        <select id="ops-window" value={span} onChange={(e) => setSpan((e.currentTarget as HTMLSelectElement).value as OpsWindow)}>
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              {t.operations.windows[w]}
            </option>
          ))}
        </select>
      </div>
      {series.data ? (
        <div class="charts">
          {PANELS.map((id) => (
            <LiveChart key={id} id={id} answer={series.data as OpsSeriesAnswer} />
          ))}
        </div>
      ) : (
        !error && <Loading />
      )}
    </section>
  );
}

function Status({ status }: { status: OpsStatus }) {
  const { up, total } = upCount(status);
  const carts = cartInstances(status);
  const active = firing(status);
  const pending = status.alerts.filter((a) => a.state === 'pending');
  return (
    <>
      <p class="as-of" aria-live="off" data-testid="operations-as-of">
        {t.operations.asOf(dateTime(status.as_of))} · {t.operations.live}
      </p>

      <h2 id="ops-alerts">{t.operations.alerts}</h2>
      {active.length + pending.length === 0 ? (
        <p data-testid="no-alerts">{t.operations.noAlerts}</p>
      ) : (
        <ul class="alerts" aria-labelledby="ops-alerts">
          {[...active, ...pending].map((a) => (
            <li key={`${a.name}:${JSON.stringify(a.labels)}`} class={`alert alert-${a.state} severity-${a.severity}`} data-testid={`alert-${a.name}`}>
              <strong>{a.name}</strong> — {t.operations.alertState[a.state] ?? a.state} · {t.operations.severity[a.severity] ?? a.severity}
              {a.summary && <p>{a.summary}</p>}
              <p class="muted">
                {Object.entries(a.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ')}
                {a.active_at && ` · ${t.operations.since} ${dateTime(a.active_at)}`}
              </p>
            </li>
          ))}
        </ul>
      )}

      <h2>{t.operations.cartInstances}</h2>
      <ul class="cards">
        {carts.map((c) => (
          <li key={c.instance} class={`kpi cart-card cart-${c.health}`} data-testid={`cart-${c.instance_id ?? c.instance}`}>
            <h3 class="h3">{c.instance_id ?? c.instance}</h3>
            <p class="headline">
              <Health health={c.health} />
            </p>
            <dl>
              <dt>{t.operations.instance}</dt>
              <dd>{c.instance}</dd>
              {c.last_error && (
                <>
                  <dt>{t.operations.lastError}</dt>
                  <dd>{c.last_error}</dd>
                </>
              )}
            </dl>
          </li>
        ))}
      </ul>

      <h2>
        {t.operations.targets} <span class="badge">{t.operations.targetsUp(up, total)}</span>
      </h2>
      <table class="list" data-testid="targets">
        <thead>
          <tr>
            <th scope="col">{t.operations.service}</th>
            <th scope="col">{t.operations.instance}</th>
            <th scope="col">{t.operations.state}</th>
            <th scope="col">{t.operations.lastScrape}</th>
            <th scope="col">{t.operations.lastError}</th>
          </tr>
        </thead>
        <tbody>
          {status.targets.map((target) => (
            <tr key={`${target.job}:${target.instance}`} data-testid={`target-${target.job}-${target.instance_id ?? target.instance}`}>
              <th scope="row" data-label={t.operations.service}>
                {target.job}
              </th>
              <td data-label={t.operations.instance}>{target.instance_id ? `${target.instance_id} (${target.instance})` : target.instance}</td>
              <td data-label={t.operations.state}>
                <Health health={target.health} />
              </td>
              <td data-label={t.operations.lastScrape}>{dateTime(target.last_scrape)}</td>
              <td data-label={t.operations.lastError}>{target.last_error || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {status.gateway_targets.length > 0 && (
        <>
          <h2>{t.operations.gateway}</h2>
          <table class="list">
            <thead>
              <tr>
                <th scope="col">{t.operations.instance}</th>
                <th scope="col">{t.operations.state}</th>
              </tr>
            </thead>
            <tbody>
              {status.gateway_targets.map((g) => (
                <tr key={`${g.upstream}:${g.target}`}>
                  <th scope="row" data-label={t.operations.instance}>
                    {g.target}
                  </th>
                  <td data-label={t.operations.state}>
                    <span class={`badge gateway-${g.state}`}>{t.operations.gatewayState[g.state] ?? g.state}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      <h2>{t.operations.notifications}</h2>
      {!status.notifications.available ? (
        <p class="muted">{t.operations.notificationsUnavailable}</p>
      ) : status.notifications.items.length === 0 ? (
        <p>{t.operations.noNotifications}</p>
      ) : (
        <ul class="notifications">
          {status.notifications.items.map((n, i) => (
            <li key={i}>
              <strong>{n.name}</strong> — {t.operations.notificationStatus[n.status] ?? n.status} · {dateTime(n.ends_at ?? n.starts_at)}
              {n.summary && ` · ${n.summary}`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** One chart, drawn again in place (setData) when only the values change. */
function LiveChart({ id, answer }: { id: OpsPanelId; answer: OpsSeriesAnswer }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<{ chart: uPlotType; names: string } | null>(null);
  const data: ChartData = chartData(answer, id);
  const names = data.names.join('\n');
  const titleId = `chart-${id}`;

  useEffect(() => {
    let cancelled = false;
    const el = box.current;
    if (!el) return;
    const aligned = [data.x, ...data.ys] as uPlotType.AlignedData;
    if (plot.current && plot.current.names === names) {
      plot.current.chart.setData(aligned);
      return;
    }
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const opts: uPlotType.Options = {
        width: Math.max(280, el.clientWidth - 8),
        height: 220,
        legend: { show: false },
        axes: [
          { values: (_u, ticks) => ticks.map((v) => clock.format(new Date(v * 1000))) },
          { size: 60, values: (_u, ticks) => ticks.map((v) => number(v, tickDigits(ticks))) },
        ],
        scales: { y: { range: (_u, min, max) => [0, Math.max(max ?? 0, min ?? 0, id === 'errors' ? 1 : 0.1) * 1.1] } },
        series: [{}, ...data.names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false }))],
      };
      plot.current?.chart.destroy();
      plot.current = { chart: new UPlot(opts, aligned, el), names };
    });
    return () => {
      cancelled = true;
    };
  }, [JSON.stringify(data.ys), names]);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => plot.current?.chart.setSize({ width: Math.max(280, el.clientWidth - 8), height: 220 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.chart.destroy();
      plot.current = null;
    };
  }, []);

  const last = latest(data);
  return (
    <figure class="chart-box" aria-labelledby={titleId} data-testid={`chart-${id}`}>
      <h3 id={titleId} class="h3">
        {t.operations.charts[id]}
      </h3>
      <div ref={box} role="img" aria-label={t.operations.charts[id]} />
      {data.names.length === 0 ? (
        <p class="muted">{t.operations.noData}</p>
      ) : (
        <table class="legend-table">
          <thead>
            <tr>
              <th scope="col">{t.operations.series}</th>
              <th scope="col" class="num">
                {t.operations.latest}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.names.map((n, i) => (
              <tr key={n}>
                <th scope="row">
                  <span class="swatch" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
                  {n}
                </th>
                <td class="num">{number(last[i] ?? null, id === 'requests' || id === 'cart_load' ? 2 : 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </figure>
  );
}
