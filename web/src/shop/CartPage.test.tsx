import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { Totals } from './CartPage';

describe('Totals', () => {
  it('shows subtotal, GST and QST apart, and the total, as French money', () => {
    const root = document.createElement('div');
    // The cart: 2 × Veste d'hiver (taxable) and 1 × Miel (zero-rated, ADR 0140).
    const cart = { subtotal_cents: 27597, gst_cents: 1300, qst_cents: 2593, total_cents: 31490, zero_rated_cents: 1599, exempt_cents: 0, promotions: [], discount_cents: 0 };
    render(<Totals value={cart} cart={cart} />, root);
    const text = (id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\u00a0/g, ' ');
    expect(text('subtotal')).toBe('275,97 $');
    expect(text('untaxed')).toBe('15,99 $');
    expect(text('gst')).toBe('13,00 $');
    expect(text('qst')).toBe('25,93 $');
    expect(text('total')).toBe('314,90 $');
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
    // One promotion is the whole discount: its line says it, no second line with the same amount.
    expect(text('discount')).toBeUndefined();
    expect(text('untaxed')).toBe('12,99 $');
    expect(text('gst')).toBe('2,00 $');
  });
  it('adds the total of the discounts when there is more than one', () => {
    const root = document.createElement('div');
    const cart = {
      subtotal_cents: 5000,
      gst_cents: 250,
      qst_cents: 499,
      total_cents: 5749,
      discount_cents: 2499,
      zero_rated_cents: 0,
      exempt_cents: 0,
      promotions: [
        { id: 1, name: 'T-shirts : 2 achetés, 1 offert', kind: 'buy_x_get_y' as const, amount_cents: 1999 },
        { id: 2, name: 'Café -10 %', kind: 'percent_off' as const, amount_cents: 500 },
      ],
    };
    render(<Totals value={cart} cart={cart} />, root);
    const text = (id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent?.replace(/\u00a0/g, ' ');
    expect(root.querySelectorAll('[data-testid="promotion"]').length).toBe(2);
    expect(text('discount')).toBe('-24,99 $');
    expect(root.textContent).toContain('Rabais au total');
  });
});
