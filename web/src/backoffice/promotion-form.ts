// The promotion form of the back office as product's body (ADR 0141): ids typed as "5, 6", bundles as
// "9x1, 12x1", dates as YYYY-MM-DD (midnight UTC), money as "25,00". Pure: unit-tested beside it.
import type { PromotionInput, PromotionKind } from '../api/types';
import { parseMoney } from '../format';

export interface PromotionForm {
  name: string;
  kind: PromotionKind;
  products: string;
  category: string;
  percent: string;
  buy: string;
  get: string;
  bundle: string;
  bundlePrice: string;
  starts: string;
  ends: string;
  stores: string;
  online: boolean;
}

export const EMPTY_PROMOTION: PromotionForm = {
  name: '',
  kind: 'percent_off',
  products: '',
  category: '',
  percent: '',
  buy: '',
  get: '',
  bundle: '',
  bundlePrice: '',
  starts: '',
  ends: '',
  stores: '',
  online: false,
};

function ids(text: string): number[] | null {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const out = parts.map(Number);
  return out.every((n) => Number.isInteger(n) && n > 0) ? out : null;
}

function day(text: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()}T00:00:00Z` : null;
}

/** The body for POST /promotions, or null when a field cannot be read (product checks the rest). */
export function promotionBody(f: PromotionForm): PromotionInput | null {
  const products = ids(f.products);
  const stores = ids(f.stores);
  const starts = day(f.starts);
  const ends = f.ends.trim() === '' ? null : day(f.ends);
  if (!products || !stores || !starts || (f.ends.trim() !== '' && !ends) || f.name.trim() === '') return null;
  const category = f.category.trim() === '' ? null : Number(f.category);
  if (category !== null && !(Number.isInteger(category) && category > 0)) return null;
  const bundle: { product_id: number; quantity: number }[] = [];
  for (const part of f.bundle.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(\d+)\s*[x×]\s*(\d+)$/.exec(part);
    if (!m) return null;
    bundle.push({ product_id: Number(m[1]), quantity: Number(m[2]) });
  }
  const int = (s: string) => (s.trim() === '' ? 0 : Number(s));
  const bundlePrice = f.kind === 'bundle' ? parseMoney(f.bundlePrice) : 0;
  if (bundlePrice === null) return null;
  return {
    name: f.name.trim(),
    kind: f.kind,
    product_ids: products,
    category_id: category,
    percent: f.kind === 'percent_off' ? int(f.percent) : 0,
    buy_quantity: f.kind === 'buy_x_get_y' ? int(f.buy) : 0,
    get_quantity: f.kind === 'buy_x_get_y' ? int(f.get) : 0,
    bundle: f.kind === 'bundle' ? bundle : [],
    bundle_price_cents: bundlePrice,
    starts_at: starts,
    ends_at: ends,
    location_ids: stores,
    online: f.online,
  };
}
