import { describe, expect, it } from 'vitest';
import { quote } from './quote';

describe('quote', () => {
  it('ships free from 100 $ and gives the cart service’s taxes then', () => {
    // 2 × Veste d'hiver + 1 × Miel: the cart answers 27597 / 1380 / 2753 / 31730.
    expect(quote({ subtotal_cents: 27597 })).toEqual({ subtotal_cents: 27597, shipping_cents: 0, gst_cents: 1380, qst_cents: 2753, total_cents: 31730 });
    expect(quote({ subtotal_cents: 10000 }).shipping_cents).toBe(0);
  });
  it('adds 9,99 $ below 100 $, taxed with the goods', () => {
    // 1 × Miel: 15,99 + 9,99 = 25,98; GST 1,299 → 1,30; QST 2,5915 → 2,59.
    expect(quote({ subtotal_cents: 1599 })).toEqual({ subtotal_cents: 1599, shipping_cents: 999, gst_cents: 130, qst_cents: 259, total_cents: 2987 });
    expect(quote({ subtotal_cents: 9999 }).shipping_cents).toBe(999);
  });
  it('taxes only the taxable goods (ADR 0140) and the shipping', () => {
    // 2 × Veste d'hiver (taxable) + 1 × Miel (zero-rated): the cart answers 27597, taxable 25998 → 1300 / 2593.
    expect(quote({ subtotal_cents: 27597, taxable_cents: 25998 })).toEqual({ subtotal_cents: 27597, shipping_cents: 0, gst_cents: 1300, qst_cents: 2593, total_cents: 31490 });
    // 3 T-shirts with Buy 2 get 1 (39,98 $) + shipping 9,99: GST 2,4985 → 2,50; QST 4,9845 → 4,98 (the order's).
    expect(quote({ subtotal_cents: 3998, taxable_cents: 3998 })).toEqual({ subtotal_cents: 3998, shipping_cents: 999, gst_cents: 250, qst_cents: 498, total_cents: 5745 });
    // Only groceries: the shipping alone is taxed.
    expect(quote({ subtotal_cents: 1599, taxable_cents: 0 })).toMatchObject({ gst_cents: 50, qst_cents: 100 });
  });
  it('rounds half up, in integers', () => {
    // 10 ¢ + 9,99 $ = 1009 ¢: GST 50,45 → 50; QST 100,64775 → 101.
    expect(quote({ subtotal_cents: 10 })).toMatchObject({ gst_cents: 50, qst_cents: 101 });
    // 1010 ¢ of base: GST 50,5 → 51.
    expect(quote({ subtotal_cents: 11 })).toMatchObject({ gst_cents: 51 });
  });
});
