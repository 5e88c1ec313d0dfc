// The head-office dashboard: chain totals, the online shop, one card per store, a 7-day revenue chart
// per store (uPlot, loaded with this page) and the best sellers. It asks reporting again every 0.5 s
// while the tab is visible, so a sale at any till shows within 2 s without reloading.
import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlotType from 'uplot';
import { reports } from '../api/office';
import type { Dashboard, SalesByDay, StoreCard, TopProduct } from '../api/types';
import { dateTime, day, money, percent } from '../format';
import { t } from '../strings';
import { Failure, Loading, usePageTitle } from '../ui/components';

const POLL_MS = 500;
const COLORS = ['#0b4f8a', '#b42318', '#1e6b34', '#7a4d00', '#5b2a9a', '#0f766e'];

function Trend({ value }: { value: number | null }) {
  const cls = value === null ? '' : value >= 0 ? 'trend-up' : 'trend-down';
  return <span class={cls}>{percent(value)}</span>;
}

type Row = [label: string, value: ComponentChildren, testId?: string];

/** One card: a title, today's revenue in large, then label/value rows. */
function Kpi({ id, title, level, extraClass, todayCents, rows }: { id: string; title: string; level: 2 | 3; extraClass?: string; todayCents: number; rows: Row[] }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <li class={`kpi ${extraClass ?? ''}`} data-testid={id} aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`} class="h3">
        {title}
      </Heading>
      <p class="headline" data-testid="revenue-today">
        {money(todayCents)}
      </p>
      <dl>
        {rows.map(([label, value, testId]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </li>
  );
}

/** The rows a store and the whole chain share. */
function storeRows(s: Pick<StoreCard, 'revenue_7d_cents' | 'trend_pct' | 'transactions_today' | 'average_basket_cents' | 'low_stock_count' | 'pending_restock_requests'>): Row[] {
  return [
    [t.dashboard.sevenDays, money(s.revenue_7d_cents)],
    [t.dashboard.trend, <Trend value={s.trend_pct} />],
    [t.dashboard.transactions, s.transactions_today, 'transactions-today'],
    [t.dashboard.basket, money(s.average_basket_cents)],
    [t.dashboard.lowStock, s.low_stock_count],
    [t.dashboard.pendingRestock, s.pending_restock_requests],
  ];
}

export function DashboardPage() {
  usePageTitle(`${t.dashboard.title} — ${t.office.title}`);
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [series, setSeries] = useState<{ name: string; days: SalesByDay }[] | null>(null);
  const [top, setTop] = useState<TopProduct[] | null>(null);
  const revenueKey = useRef('');

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const d = await reports.dashboard();
          if (stopped) return;
          setData(d);
          setError(null);
          // The chart and the best sellers change only when revenue does: ask for them then.
          const key = `${d.business_day}:${d.totals.revenue_7d_cents}:${d.online?.revenue_7d_cents ?? 0}`;
          if (key !== revenueKey.current) {
            revenueKey.current = key;
            void loadDetails(d);
          }
        } catch (e) {
          if (!stopped) setError(e);
        }
      }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    const loadDetails = async (d: Dashboard) => {
      const stores = d.stores.map((s) => ({ id: s.location_id as number | null, name: s.name }));
      if (d.online) stores.push({ id: null, name: t.dashboard.online });
      const [days, best] = await Promise.all([
        Promise.all(stores.map(async (s) => ({ name: s.name, days: await reports.salesByDay(s.id) }))),
        reports.topProducts(5).then((r) => r.rows),
      ]).catch(() => [null, null] as const);
      if (stopped) return;
      if (days) setSeries(days);
      if (best) setTop(best);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);

  if (!data) return error ? <Failure error={error} /> : <Loading />;
  const totals = data.totals;
  return (
    <section class="dashboard">
      <h1>{t.dashboard.title}</h1>
      <p class="as-of" aria-live="off">
        {t.dashboard.asOf(dateTime(data.as_of))} · {t.dashboard.live}
      </p>
      {error ? <Failure error={error} /> : null}
      <ul class="cards">
        <Kpi id="totals" title={t.dashboard.totals} level={2} extraClass="totals-card" todayCents={totals.revenue_today_cents} rows={storeRows(totals)} />
        {data.online && (
          <Kpi
            id="online"
            title={t.dashboard.online}
            level={2}
            todayCents={data.online.revenue_today_cents}
            rows={[
              [t.dashboard.sevenDays, money(data.online.revenue_7d_cents)],
              [t.dashboard.trend, <Trend value={data.online.trend_pct} />],
              [t.dashboard.ordersToday, data.online.orders_today],
              [t.dashboard.basket, money(data.online.average_basket_cents)],
              [t.dashboard.openOrders, data.online.open_orders],
            ]}
          />
        )}
      </ul>
      <h2>{t.dashboard.stores}</h2>
      <ul class="cards">
        {data.stores.map((s) => (
          <Kpi key={s.location_id} id={`store-${s.location_id}`} title={s.name} level={3} todayCents={s.revenue_today_cents} rows={storeRows(s)} />
        ))}
      </ul>
      <h2 id="chart-title">{t.dashboard.chart}</h2>
      {series ? <RevenueChart series={series} /> : <Loading />}
      <h2>{t.dashboard.topProducts}</h2>
      {top ? <TopTable rows={top} /> : <Loading />}
    </section>
  );
}

function TopTable({ rows }: { rows: TopProduct[] }) {
  return (
    <table class="list">
      <thead>
        <tr>
          <th scope="col">{t.dashboard.rank}</th>
          <th scope="col">{t.dashboard.product}</th>
          <th scope="col" class="num">
            {t.dashboard.quantity}
          </th>
          <th scope="col" class="num">
            {t.dashboard.sales}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.product_id}>
            <td data-label={t.dashboard.rank}>{r.rank}</td>
            <th scope="row" data-label={t.dashboard.product}>
              {r.name}
            </th>
            <td class="num" data-label={t.dashboard.quantity}>
              {r.quantity}
            </td>
            <td class="num" data-label={t.dashboard.sales}>
              {money(r.sales_cents)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** uPlot's data: x = the 7 days (epoch seconds), one series of dollars (for the axis only) per store. */
export function chartData(series: { name: string; days: SalesByDay }[]): { x: number[]; ys: number[][]; days: string[] } {
  const days = series[0]?.days.rows.map((r) => r.day) ?? [];
  const x = days.map((d) => Date.parse(`${d}T12:00:00Z`) / 1000);
  const ys = series.map((s) => days.map((d) => (s.days.rows.find((r) => r.day === d)?.net_cents ?? 0) / 100));
  return { x, ys, days };
}

function RevenueChart({ series }: { series: { name: string; days: SalesByDay }[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlotType | null>(null);
  const { x, ys, days } = chartData(series);

  useEffect(() => {
    let cancelled = false;
    const el = box.current;
    if (!el) return;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (cancelled) return;
      const width = Math.max(280, el.clientWidth - 8);
      const opts: uPlotType.Options = {
        width,
        height: 280,
        legend: { show: false },
        scales: { x: { time: false } },
        axes: [
          // One tick per business day, named like the table below ("mer. 25").
          { splits: () => x, values: (_u, ticks) => ticks.map((v) => day(new Date(v * 1000).toISOString().slice(0, 10))) },
          { values: (_u, ticks) => ticks.map((v) => `${Math.round(v)} $`), size: 70 },
        ],
        series: [{}, ...series.map((s, i) => ({ label: s.name, stroke: COLORS[i % COLORS.length], width: 2 }))],
      };
      plot.current?.destroy();
      plot.current = new UPlot(opts, [x, ...ys] as uPlotType.AlignedData, el);
    });
    return () => {
      cancelled = true;
    };
  }, [JSON.stringify(ys)]);
  // The chart follows its box (a phone turned, a window resized).
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, el.clientWidth - 8), height: 280 }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
    };
  }, []);

  return (
    <figure class="chart-box" aria-labelledby="chart-title">
      <div ref={box} role="img" aria-label={t.dashboard.chart} />
      <ul class="legend" aria-hidden="true">
        {series.map((s, i) => (
          <li key={s.name}>
            <span class="swatch" style={{ background: COLORS[i % COLORS.length] }} />
            {s.name}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t.dashboard.chart}</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t.dashboard.stores}</th>
                {days.map((d) => (
                  <th scope="col" class="num" key={d}>
                    {day(d)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  {days.map((d) => (
                    <td class="num" key={d}>
                      {money(s.days.rows.find((r) => r.day === d)?.net_cents ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
