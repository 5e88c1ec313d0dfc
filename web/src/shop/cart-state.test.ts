import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shopper } from '../api/session';
import { addToCart, cart, itemCount, loadCart, mergeGuestCart } from './cart-state';

type Handler = (method: string, url: string, body: unknown) => [number, unknown];

function serve(handler: Handler) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const method = init.method ?? 'GET';
    calls.push(`${method} ${url}`);
    const [status, body] = handler(method, url, init.body ? JSON.parse(init.body as string) : undefined);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  });
  return calls;
}

const emptyCart = (id: string) => ({ id, customer_id: null, items: [], item_count: 0, subtotal_cents: 0, gst_cents: 0, qst_cents: 0, total_cents: 0 });
const withItems = (id: string, n: number) => ({ ...emptyCart(id), items: [{ product_id: 7, quantity: n }], item_count: n });

beforeEach(() => {
  localStorage.clear();
  shopper.end();
  cart.value = null;
});
afterEach(() => vi.unstubAllGlobals());

describe('the guest cart', () => {
  it('is created on the first add, then reused', async () => {
    const calls = serve((m, url) => {
      if (m === 'POST' && url === '/api/v1/carts') return [201, emptyCart('g-1')];
      if (m === 'POST' && url === '/api/v1/carts/g-1/items') return [200, withItems('g-1', 2)];
      return [404, { status: 404, code: 'x' }];
    });
    await addToCart(7, 2);
    expect(itemCount.value).toBe(2);
    expect(localStorage.getItem('comptoir.guest-cart')).toBe('g-1');
    await addToCart(7, 2);
    expect(calls.filter((c) => c === 'POST /api/v1/carts')).toHaveLength(1);
  });

  it('that expired is forgotten, and nothing is created just to look', async () => {
    localStorage.setItem('comptoir.guest-cart', 'old');
    const calls = serve(() => [404, { status: 404, code: 'cart.not_found' }]);
    await expect(loadCart()).resolves.toBeNull();
    expect(localStorage.getItem('comptoir.guest-cart')).toBeNull();
    await loadCart();
    expect(calls).toEqual(['GET /api/v1/carts/old']);
  });
});

describe('signing in', () => {
  it('merges a guest cart with items into the shopper cart, once', async () => {
    localStorage.setItem('comptoir.guest-cart', 'g-2');
    const calls = serve((m, url) => {
      if (m === 'GET' && url === '/api/v1/carts/g-2') return [200, withItems('g-2', 3)];
      if (m === 'POST' && url === '/api/v1/carts/g-2/merge') return [200, withItems('customer-5', 4)];
      return [500, { status: 500, code: 'x' }];
    });
    await expect(mergeGuestCart()).resolves.toBe(true);
    expect(cart.value?.id).toBe('customer-5');
    expect(itemCount.value).toBe(4);
    expect(localStorage.getItem('comptoir.guest-cart')).toBeNull();
    expect(calls).toEqual(['GET /api/v1/carts/g-2', 'POST /api/v1/carts/g-2/merge']);
  });

  it('without a guest cart loads the shopper cart', async () => {
    serve((m, url) => (m === 'GET' && url === '/api/v1/cart' ? [200, withItems('customer-5', 1)] : [500, {}]));
    await expect(mergeGuestCart()).resolves.toBe(false);
    expect(cart.value?.id).toBe('customer-5');
  });
});
