// The rows of an X or Z report as the back office shows them (ADR 0150): pure, tested beside it.
import type { RegisterReport } from '../api/types';
import { money } from '../format';
import { t } from '../strings';

export interface ReportRow {
  label: string;
  value: string;
  /** a heading row (no value) or a total */
  kind?: 'heading' | 'total';
}

const TENDERS = ['cash', 'card', 'debit', 'gift_card'] as const;

export function reportRows(r: RegisterReport): ReportRow[] {
  const s = t.registers;
  const rows: ReportRow[] = [
    { label: s.sales(r.sales.count), value: money(r.sales.total_cents), kind: 'total' },
    { label: s.subtotal, value: money(r.sales.subtotal_cents) },
    { label: s.revenue, value: money(r.sales.revenue_cents) },
    { label: s.byTender, value: '', kind: 'heading' },
    ...TENDERS.map((k) => ({ label: `${s.tender[k]} (${r.tenders[k].count})`, value: money(r.tenders[k].amount_cents) })),
    { label: s.taxes, value: '', kind: 'heading' },
    { label: s.gst, value: money(r.taxes.gst.net_cents) },
    { label: s.qst, value: money(r.taxes.qst.net_cents) },
    // Per tax class, net of refunds (ADR 0140): shown when some goods paid no tax.
    ...(r.taxes.by_class && (r.taxes.by_class.zero_rated.net_cents !== 0 || r.taxes.by_class.exempt.net_cents !== 0)
      ? [
          { label: s.taxableSales, value: money(r.taxes.by_class.taxable.net_cents) },
          ...(r.taxes.by_class.zero_rated.net_cents !== 0 ? [{ label: s.zeroRatedSales, value: money(r.taxes.by_class.zero_rated.net_cents) }] : []),
          ...(r.taxes.by_class.exempt.net_cents !== 0 ? [{ label: s.exemptSales, value: money(r.taxes.by_class.exempt.net_cents) }] : []),
        ]
      : []),
    { label: s.refunds(r.refunds.count), value: money(r.refunds.total_cents) },
    { label: s.discounts, value: money(r.discounts_cents) },
    ...(r.discounts && r.discounts.promotions_cents !== 0
      ? [
          { label: s.promotionDiscounts, value: money(r.discounts.promotions_cents) },
          { label: s.lineDiscounts, value: money(r.discounts.line_cents) },
        ]
      : []),
    { label: s.giftCards(r.gift_cards.count), value: money(r.gift_cards.amount_cents) },
    { label: s.voids(r.voids.count), value: money(r.voids.amount_cents) },
    { label: s.noSales, value: String(r.no_sales.count) },
    { label: s.drops(r.drops.count), value: money(r.drops.amount_cents) },
    { label: s.payouts(r.payouts.count), value: money(r.payouts.amount_cents) },
    { label: s.float, value: money(r.cash.opening_float_cents ?? 0) },
    { label: s.expected, value: money(r.cash.expected_cents ?? 0), kind: 'total' },
  ];
  if (r.type === 'Z') {
    const d = r.cash.over_short_cents ?? 0;
    rows.push({ label: s.counted, value: money(r.cash.counted_cents ?? 0) });
    rows.push({ label: d > 0 ? s.over : d < 0 ? s.short : s.even, value: money(d), kind: 'total' });
  }
  if (r.late_sales.count > 0) rows.push({ label: s.late(r.late_sales.count), value: money(r.late_sales.total_cents) });
  return rows;
}

export function reportTitle(r: RegisterReport): string {
  return r.type === 'Z' ? t.registers.zTitle(r.z_number ?? 0, r.register) : t.registers.xTitle(r.register);
}
