// What the checkout will charge, shown before paying: the order service's shipping rule (ADR 0050:
// free from 100,00 $ of goods, else 9,99 $) and Quebec taxes on the taxable goods + shipping (GST 5 %,
// QST 9,975 %, each on the pre-tax amount, rounded half up to the cent; zero-rated basic groceries and
// exempt goods pay none — ADR 0140). The goods' amounts are the cart's, after its promotions (ADR 0141). The order service stays the authority: the
// confirmation shows the order's own amounts, and the browser test checks that they are these.
import type { Cart } from '../api/types';

export const FREE_SHIPPING_FROM_CENTS = 10000;
export const SHIPPING_FEE_CENTS = 999;

export interface Quote {
  subtotal_cents: number;
  shipping_cents: number;
  gst_cents: number;
  qst_cents: number;
  total_cents: number;
}

/** `amount × numerator / denominator`, rounded half up, in integers (amounts are never negative here). */
function share(amount: number, numerator: number, denominator: number): number {
  return Math.floor((amount * numerator + denominator / 2) / denominator);
}

export function quote(cart: Pick<Cart, 'subtotal_cents'> & Partial<Pick<Cart, 'taxable_cents'>>): Quote {
  const subtotal = cart.subtotal_cents;
  const shipping = subtotal >= FREE_SHIPPING_FROM_CENTS ? 0 : SHIPPING_FEE_CENTS;
  const taxed = (cart.taxable_cents ?? subtotal) + shipping;
  const gst = share(taxed, 5, 100);
  const qst = share(taxed, 9975, 100000);
  return {
    subtotal_cents: subtotal,
    shipping_cents: shipping,
    gst_cents: gst,
    qst_cents: qst,
    total_cents: subtotal + shipping + gst + qst,
  };
}
