import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { Totals } from './CartPage';

describe('Totals', () => {
  it('shows subtotal, GST and QST apart, and the total, as French money', () => {
    const root = document.createElement('div');
    render(<Totals value={{ subtotal_cents: 27597, gst_cents: 1380, qst_cents: 2753, total_cents: 31730 }} />, root);
    const text = (id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\u00a0/g, ' ');
    expect(text('subtotal')).toBe('275,97 $');
    expect(text('gst')).toBe('13,80 $');
    expect(text('qst')).toBe('27,53 $');
    expect(text('total')).toBe('317,30 $');
    expect(root.textContent).toContain('TPS (5 %)');
    expect(root.textContent).toContain('TVQ (9,975 %)');
  });
  it('shows the promotions, the discount and the untaxed groceries (ADR 0140, 0141)', () => {
    const root = document.createElement('div');
    const cart = {
      subtotal_cents: 5297,
      gst_cents: 200,
      qst_cents: 399,
      total_cents: 5896,
      discount_cents: 1999,
      zero_rated_cents: 1299,
      exempt_cents: 0,
      promotions: [{ id: 1, name: 'T-shirts : 2 achetés, 1 offert', kind: 'buy_x_get_y' as const, amount_cents: 1999 }],
    };
    render(<Totals value={cart} cart={cart} />, root);
    const text = (id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\u00a0/g, ' ');
    expect(root.querySelector('[data-testid="promotion"]')?.textContent).toContain('T-shirts : 2 achetés, 1 offert');
    expect(text('discount')).toBe('-19,99 $');
    expect(text('untaxed')).toBe('12,99 $');
    expect(text('gst')).toBe('2,00 $');
  });
});
