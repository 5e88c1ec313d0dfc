import { describe, expect, it } from 'vitest';
import type { RegisterReport } from '../api/types';
import { money } from '../format';
import { reportRows, reportTitle } from './registers';

const z: RegisterReport = {
  type: 'Z',
  z_number: 3,
  register_session_id: 12,
  location_id: 4,
  register: '1',
  generated_at: '2026-12-06T22:00:00Z',
  sales: { count: 4, subtotal_cents: 6995, gst_cents: 350, qst_cents: 698, total_cents: 10542, cash_rounding_cents: 0, revenue_cents: 8042 },
  tenders: {
    cash: { count: 2, amount_cents: 5745 },
    card: { count: 2, amount_cents: 4797 },
    debit: { count: 0, amount_cents: 0 },
    gift_card: { count: 0, amount_cents: 0 },
  },
  taxes: { gst: { collected_cents: 350, refunded_cents: 100, net_cents: 250 }, qst: { collected_cents: 698, refunded_cents: 199, net_cents: 499 } },
  refunds: { count: 1, subtotal_cents: 1999, gst_cents: 100, qst_cents: 199, total_cents: 2298, by_tender: { cash: 2300 } },
  discounts_cents: 0,
  gift_cards: { count: 1, activations: 1, top_ups: 0, amount_cents: 2500 },
  voids: { count: 2, lines: 1, sales: 1, amount_cents: 4996 },
  no_sales: { count: 1 },
  drops: { count: 1, amount_cents: 5000 },
  payouts: { count: 1, amount_cents: 1250 },
  cash: { opening_float_cents: 15000, sales_cents: 5745, refunds_cents: 2300, drops_cents: 5000, payouts_cents: 1250, expected_cents: 12195, counted_cents: 12180, over_short_cents: -15 },
  late_sales: { count: 0, total_cents: 0 },
};

const find = (rows: ReturnType<typeof reportRows>, label: string) => rows.find((r) => r.label === label)?.value;

describe('register reports', () => {
  it('shows every total of a Z in French, the over/short last', () => {
    const rows = reportRows(z);
    expect(reportTitle(z)).toBe('Rapport Z n° 3 — caisse 1');
    expect(find(rows, 'Comptant (2)')).toBe(money(5745));
    expect(find(rows, 'Remboursements (1)')).toBe(money(2298));
    expect(find(rows, 'Cartes-cadeaux vendues (1)')).toBe(money(2500));
    expect(find(rows, 'Annulations (2)')).toBe(money(4996));
    expect(find(rows, 'Ouvertures sans vente')).toBe('1');
    expect(find(rows, 'Dépôts au coffre (1)')).toBe(money(5000));
    expect(find(rows, 'Sorties de caisse (1)')).toBe(money(1250));
    expect(rows.at(-1)).toEqual({ label: 'Manque', value: money(-15), kind: 'total' });
  });
  it('shows the discounts by kind and the sales per tax class (issue 15)', () => {
    const cls = (net: number) => ({ sales_cents: net, refunded_cents: 0, net_cents: net, gst_cents: 0, qst_cents: 0 });
    const priced: RegisterReport = {
      ...z,
      discounts_cents: 2199,
      discounts: { count: 2, total_cents: 2199, promotions_cents: 1999, line_cents: 200 },
      taxes: { ...z.taxes, by_class: { taxable: cls(6396), zero_rated: cls(1299), exempt: cls(0) } },
    };
    const rows = reportRows(priced);
    expect(find(rows, 'Rabais')).toBe(money(2199));
    expect(find(rows, '  dont promotions')).toBe(money(1999));
    expect(find(rows, '  dont rabais de ligne')).toBe(money(200));
    expect(find(rows, 'Ventes taxables')).toBe(money(6396));
    expect(find(rows, 'Ventes détaxées')).toBe(money(1299));
    expect(find(rows, 'Ventes exonérées')).toBeUndefined();
    expect(reportRows(z).some((r) => r.label === 'Ventes taxables')).toBe(false);
  });
  it('an X has no counted cash and no over/short', () => {
    const x: RegisterReport = { ...z, type: 'X', z_number: null };
    const rows = reportRows(x);
    expect(reportTitle(x)).toBe('Rapport X — caisse 1');
    expect(rows.some((r) => r.label === 'Manque' || r.label === 'Comptant compté')).toBe(false);
  });
});
