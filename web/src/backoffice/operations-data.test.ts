import { describe, expect, it } from 'vitest';
import type { OpsSeriesAnswer, OpsStatus } from '../api/types';
import { cartInstances, chartData, firing, latest, pointValue, seriesName, upCount } from './operations-data';

const answer: OpsSeriesAnswer = {
  window: '5m',
  step_s: 5,
  start: 1000,
  end: 1020,
  panels: [
    {
      id: 'latency',
      series: [
        { labels: { job: 'cart' }, values: [[1000, '0.012'], [1010, 'NaN'], [1015, '0.020'], [1100, '9']] },
        { labels: { job: 'sales' }, values: [[1020, '0.5']] },
      ],
    },
    { id: 'cart_load', series: [{ labels: { instance_id: 'cart-2', instance: '127.0.0.1:8016' }, values: [[1020, '3']] }] },
    { id: 'errors', series: [{ labels: { job: 'order' }, values: [[1005, '0.25'], [1010, '+Inf']] }] },
  ],
};

describe('operations charts', () => {
  it('aligns every series on the steps of the window, in the unit shown', () => {
    const d = chartData(answer, 'latency');
    expect(d.x).toEqual([1000, 1005, 1010, 1015, 1020]);
    expect(d.names).toEqual(['cart', 'sales']);
    // seconds → ms; NaN (no request) and points outside the window are gaps
    expect(d.ys[0]).toEqual([12, null, null, 20, null]);
    expect(d.ys[1]).toEqual([null, null, null, null, 500]);
    expect(latest(d)).toEqual([20, 500]);
  });

  it('shows the 5xx ratio as a percentage and infinities as gaps', () => {
    expect(chartData(answer, 'errors').ys[0]).toEqual([null, 25, null, null, null]);
  });

  it('names cart instances by their id, and a panel without series is an empty chart', () => {
    expect(chartData(answer, 'cart_load').names).toEqual(['cart-2']);
    expect(seriesName({ instance: '127.0.0.1:8016' })).toBe('127.0.0.1:8016');
    const empty = chartData(answer, 'requests');
    expect(empty.ys).toEqual([]);
    expect(empty.x).toHaveLength(5);
  });

  it('reads Prometheus numbers', () => {
    expect(pointValue('1.5e+00')).toBe(1.5);
    expect(pointValue('NaN')).toBeNull();
    expect(pointValue('-Inf')).toBeNull();
  });
});

describe('operations status', () => {
  const status: OpsStatus = {
    as_of: '2026-12-04T15:00:00Z',
    targets: [
      { job: 'cart', instance: '127.0.0.1:8006', instance_id: 'cart-1', health: 'up', last_error: '', last_scrape: null, last_scrape_duration_s: 0 },
      { job: 'cart', instance: '127.0.0.1:8016', instance_id: 'cart-2', health: 'down', last_error: 'refused', last_scrape: null, last_scrape_duration_s: 0 },
      { job: 'web', instance: '127.0.0.1:8008', instance_id: null, health: 'up', last_error: '', last_scrape: null, last_scrape_duration_s: 0 },
    ],
    gateway_targets: [],
    alerts: [
      { name: 'CartInstanceDown', state: 'pending', severity: 'warning', summary: '', labels: {}, active_at: null, value: '0' },
      { name: 'ServiceDown', state: 'firing', severity: 'critical', summary: '', labels: {}, active_at: null, value: '0' },
    ],
    notifications: { available: false, detail: 'down' },
  };
  it('counts targets up and keeps the cart instances and the firing alerts', () => {
    expect(upCount(status)).toEqual({ up: 2, total: 3 });
    expect(cartInstances(status).map((t) => t.instance_id)).toEqual(['cart-1', 'cart-2']);
    expect(firing(status).map((a) => a.name)).toEqual(['ServiceDown']);
  });
});
