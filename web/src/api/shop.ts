// What the shop calls: the catalogue, carts, shopper accounts, checkout and orders.
import { call, newKey } from './client';
import { shopper } from './session';
import type {
  Address,
  AddressInput,
  Cart,
  Category,
  CheckoutRequest,
  Customer,
  Order,
  Page,
  Product,
  Tokens,
} from './types';

export const catalogue = {
  products: (q: { q?: string; category_id?: number; page?: number; per_page?: number; sort?: string }) =>
    call<Page<Product>>('GET', '/products', { query: q }),
  product: (id: number) => call<Product>('GET', `/products/${id}`),
  categories: () => call<Page<Category>>('GET', '/categories', { query: { per_page: 100 } }),
};

/** Carts: a guest's by its id; a shopper's through the shopper's token. */
export const carts = {
  create: () => call<Cart>('POST', '/carts'),
  get: (id: string) => call<Cart>('GET', `/carts/${encodeURIComponent(id)}`, { auth: shopper }),
  mine: () => call<Cart>('GET', '/cart', { auth: shopper }),
  add: (id: string, product_id: number, quantity: number) =>
    call<Cart>('POST', `/carts/${encodeURIComponent(id)}/items`, { body: { product_id, quantity }, auth: shopper }),
  set: (id: string, product_id: number, quantity: number) =>
    call<Cart>('PUT', `/carts/${encodeURIComponent(id)}/items/${product_id}`, { body: { quantity }, auth: shopper }),
  remove: (id: string, product_id: number) =>
    call<Cart>('DELETE', `/carts/${encodeURIComponent(id)}/items/${product_id}`, { auth: shopper }),
  /** Merges the guest cart `guestId` into the signed-in shopper's cart (and deletes it). */
  merge: (guestId: string) => call<Cart>('POST', `/carts/${encodeURIComponent(guestId)}/merge`, { auth: shopper }),
};

export const account = {
  register: (body: { email: string; password: string; first_name: string; last_name: string }) =>
    call<Tokens & { customer: Customer }>('POST', '/auth/register', { body }),
  login: (email: string, password: string) => call<Tokens>('POST', '/auth/login', { body: { email, password } }),
  me: () => call<Customer>('GET', '/customers/me', { auth: shopper }),
  addresses: () => call<Page<Address>>('GET', '/customers/me/addresses', { auth: shopper }),
  addAddress: (body: AddressInput) => call<Address>('POST', '/customers/me/addresses', { body, auth: shopper }),
};

export const orders = {
  /** `key`: the Idempotency-Key of this attempt (the same attempt sent again gives the same order). */
  checkout: (body: CheckoutRequest, key: string = newKey()) =>
    call<Order>('POST', '/checkout', { body, auth: shopper, idempotencyKey: key, timeoutMs: 30000 }),
  mine: (page = 1) => call<Page<Order>>('GET', '/orders', { auth: shopper, query: { page, per_page: 20 } }),
  get: (id: string) => call<Order>('GET', `/orders/${encodeURIComponent(id)}`, { auth: shopper }),
  cancel: (id: string) => call<Order>('POST', `/orders/${encodeURIComponent(id)}/cancel`, { auth: shopper }),
  /** The order's receipt as order renders it (HTML, ADR 0160). */
  receipt: (id: string) =>
    call<string>('GET', `/orders/${encodeURIComponent(id)}/receipt`, { query: { format: 'html' }, auth: shopper, responseType: 'text' }),
};
