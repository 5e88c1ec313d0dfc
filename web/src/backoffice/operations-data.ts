// What the operations page makes of the web service's answers (ADR 0103): the charts' aligned data for uPlot,
// the series' names, the figures in the units shown. No I/O (unit-tested in operations-data.test.ts).
import type { OpsPanelId, OpsSeriesAnswer, OpsStatus, OpsTarget } from '../api/types';

/** How each chart shows its values: seconds become milliseconds, a ratio becomes a percentage. */
export const PANEL_SCALE: Record<OpsPanelId, number> = { requests: 1, latency: 1000, errors: 100, cart_load: 1 };

export interface ChartData {
  /** epoch seconds, every step of the window */
  x: number[];
  /** one row per series, null where Prometheus has no point (or NaN: no request in that minute) */
  ys: (number | null)[][];
  names: string[];
}

/** A series' name on the page: its service (job), or the cart instance (instance_id, else host:port). */
export function seriesName(labels: Record<string, string>): string {
  return labels.job ?? labels.instance_id ?? labels.instance ?? '—';
}

/** A Prometheus value as a number of the chart's unit; null when it is not a finite number. */
export function pointValue(text: string, scale = 1): number | null {
  const v = Number(text);
  return Number.isFinite(v) ? v * scale : null;
}

/** The panel `id` of an answer as uPlot's aligned data: one x per step from start to end. */
export function chartData(answer: OpsSeriesAnswer, id: OpsPanelId): ChartData {
  const step = answer.step_s > 0 ? answer.step_s : 1;
  const x: number[] = [];
  for (let t = answer.start; t <= answer.end; t += step) x.push(t);
  const index = new Map(x.map((t, i) => [t, i]));
  const panel = answer.panels.find((p) => p.id === id);
  const series = panel?.series ?? [];
  const ys = series.map((s) => {
    const row: (number | null)[] = new Array<number | null>(x.length).fill(null);
    for (const [t, v] of s.values) {
      const i = index.get(t);
      if (i !== undefined) row[i] = pointValue(v, PANEL_SCALE[id]);
    }
    return row;
  });
  return { x, ys, names: series.map((s) => seriesName(s.labels)) };
}

/** The last value of each series (what the table under a chart shows), null when the last point is missing. */
export function latest(data: ChartData): (number | null)[] {
  return data.ys.map((row) => {
    for (let i = row.length - 1; i >= 0; i--) if (row[i] !== null) return row[i];
    return null;
  });
}

/** The cart instances as Prometheus scrapes them (job "cart"), in instance order. */
export function cartInstances(status: OpsStatus): OpsTarget[] {
  return status.targets.filter((t) => t.job === 'cart');
}

/** Targets up, and all of them: "11 / 12". */
export function upCount(status: OpsStatus): { up: number; total: number } {
  return { up: status.targets.filter((t) => t.health === 'up').length, total: status.targets.length };
}

/** The alerts that are firing (pending ones are shown apart: their `for:` has not elapsed yet). */
export function firing(status: OpsStatus) {
  return status.alerts.filter((a) => a.state === 'firing');
}
