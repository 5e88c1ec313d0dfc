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
});
