import { describe, expect, it } from 'vitest';
import { EMPTY_PROMOTION, promotionBody } from './promotion-form';

describe('promotionBody', () => {
  it('builds buy 2 get 1 on T-shirts at Mile End and online', () => {
    expect(
      promotionBody({ ...EMPTY_PROMOTION, name: 'T-shirts : 2 achetés, 1 offert', kind: 'buy_x_get_y', products: '5', buy: '2', get: '1', starts: '2026-12-01', stores: '4', online: true }),
    ).toEqual({
      name: 'T-shirts : 2 achetés, 1 offert',
      kind: 'buy_x_get_y',
      product_ids: [5],
      category_id: null,
      percent: 0,
      buy_quantity: 2,
      get_quantity: 1,
      bundle: [],
      bundle_price_cents: 0,
      starts_at: '2026-12-01T00:00:00Z',
      ends_at: null,
      location_ids: [4],
      online: true,
    });
  });
  it('builds a bundle at a fixed price and a category percent', () => {
    const bundle = promotionBody({ ...EMPTY_PROMOTION, name: 'Déjeuner', kind: 'bundle', bundle: '9x1, 12×1', bundlePrice: '25,00', starts: '2026-12-01', ends: '2027-01-01', online: true });
    expect(bundle?.bundle).toEqual([
      { product_id: 9, quantity: 1 },
      { product_id: 12, quantity: 1 },
    ]);
    expect(bundle?.bundle_price_cents).toBe(2500);
    expect(bundle?.ends_at).toBe('2027-01-01T00:00:00Z');
    expect(promotionBody({ ...EMPTY_PROMOTION, name: 'Vêtements -10 %', category: '2', percent: '10', starts: '2026-12-01', stores: '1, 4' })).toMatchObject({ category_id: 2, percent: 10, location_ids: [1, 4] });
  });
  it('refuses what it cannot read', () => {
    expect(promotionBody({ ...EMPTY_PROMOTION, name: 'x', starts: 'demain' })).toBeNull();
    expect(promotionBody({ ...EMPTY_PROMOTION, name: 'x', starts: '2026-12-01', products: '5, a' })).toBeNull();
    expect(promotionBody({ ...EMPTY_PROMOTION, name: 'x', kind: 'bundle', bundle: '9-1', starts: '2026-12-01' })).toBeNull();
    expect(promotionBody({ ...EMPTY_PROMOTION, name: '', starts: '2026-12-01' })).toBeNull();
  });
});
