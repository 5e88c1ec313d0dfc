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
  it('rounds half up, in integers', () => {
    // 10 ¢ + 9,99 $ = 1009 ¢: GST 50,45 → 50; QST 100,64775 → 101.
    expect(quote({ subtotal_cents: 10 })).toMatchObject({ gst_cents: 50, qst_cents: 101 });
    // 1010 ¢ of base: GST 50,5 → 51.
    expect(quote({ subtotal_cents: 11 })).toMatchObject({ gst_cents: 51 });
  });
});
