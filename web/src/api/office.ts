// What the back office and the dashboard call, always with the staff member's token.
import { call, newKey } from './client';
import { staff } from './session';
import type {
  Dashboard,
  Line,
  Location,
  Order,
  OrderStatus,
  Page,
  Product,
  ProductInput,
  ProductPatch,
  Promotion,
  PromotionInput,
  RestockRequest,
  RestockStatus,
  Role,
  Sale,
  SaleInput,
  SaleReturn,
  SalesByDay,
  Staff,
  StaffInput,
  StockLevel,
  Tender,
  Tokens,
  TopProduct,
} from './types';

const auth = staff;

export const staffAuth = {
  login: (email: string, password: string) =>
    call<Tokens>('POST', '/auth/staff/login', { body: { email, password } }),
  me: () => call<Staff>('GET', '/staff/me', { auth }),
  /** Ends the session on the server too: the refresh token's whole family is revoked. */
  logout: (refresh_token: string) => call<void>('POST', '/auth/logout', { body: { refresh_token }, auth }),
  /** The signed-in staff member changes their password (every refresh token of the account is revoked). */
  changePassword: (current_password: string, new_password: string) =>
    call<void>('POST', '/staff/me/password', { body: { current_password, new_password }, auth }),
  /** Sets a new password with the one-time code an admin's reset gave (no session needed). */
  completeReset: (reset_token: string, new_password: string) =>
    call<void>('POST', '/auth/staff/password-reset', { body: { reset_token, new_password } }),
};

export const products = {
  list: (q: { q?: string; active?: 'true' | 'false' | 'all'; page?: number; per_page?: number }) =>
    call<Page<Product>>('GET', '/products', { query: { per_page: 100, sort: 'id', ...q }, auth }),
  create: (body: ProductInput) => call<Product>('POST', '/products', { body, auth }),
  patch: (id: number, body: ProductPatch) => call<Product>('PATCH', `/products/${id}`, { body, auth }),
  archive: (id: number) => call<void>('DELETE', `/products/${id}`, { auth }),
};

export const promotions = {
  /** Every promotion, past and withdrawn too (manager/admin). */
  list: () => call<Page<Promotion>>('GET', '/promotions', { query: { status: 'all', per_page: 100 }, auth }),
  create: (body: PromotionInput) => call<Promotion>('POST', '/promotions', { body, auth }),
  withdraw: (id: number) => call<void>('DELETE', `/promotions/${id}`, { auth }),
};

export const inventory = {
  locations: () => call<Page<Location>>('GET', '/locations', { query: { per_page: 100 } }),
  stock: (q: { location_id?: number; product_id?: number; low_stock?: boolean; page?: number }) =>
    call<Page<StockLevel>>('GET', '/inventory', { query: { per_page: 100, ...q, low_stock: q.low_stock || undefined }, auth }),
};

export const restock = {
  list: (q: { status?: RestockStatus; location_id?: number; page?: number }) =>
    call<Page<RestockRequest>>('GET', '/restock-requests', { query: { per_page: 50, ...q }, auth }),
  create: (location_id: number, lines: Line[], note: string) =>
    call<RestockRequest>('POST', '/restock-requests', { body: { location_id, lines, note }, auth }),
  approve: (id: number, lines: Line[]) =>
    call<RestockRequest>('POST', `/restock-requests/${id}/approve`, { body: { lines }, auth }),
  reject: (id: number, reason: string) =>
    call<RestockRequest>('POST', `/restock-requests/${id}/reject`, { body: { reason }, auth }),
  ship: (id: number) => call<RestockRequest>('POST', `/restock-requests/${id}/ship`, { auth }),
  receive: (id: number) => call<RestockRequest>('POST', `/restock-requests/${id}/receive`, { auth }),
};

export const sales = {
  list: (q: { location_id?: number; page?: number }) =>
    call<Page<Sale>>('GET', '/sales', { query: { per_page: 25, ...q }, auth }),
  get: (id: number) => call<Sale>('GET', `/sales/${id}`, { auth }),
  create: (body: SaleInput, key: string = newKey()) => call<Sale>('POST', '/sales', { body, auth, idempotencyKey: key }),
  returns: (id: number) => call<Page<SaleReturn>>('GET', `/sales/${id}/returns`, { query: { per_page: 100 }, auth }),
  returnItems: (id: number, lines: Line[], reason: string, refund_method?: Tender, key: string = newKey()) =>
    call<SaleReturn>('POST', `/sales/${id}/returns`, {
      body: { lines, reason, ...(refund_method ? { refund_method } : {}) },
      auth,
      idempotencyKey: key,
    }),
};

export const onlineOrders = {
  list: (q: { status?: OrderStatus; page?: number }) =>
    call<Page<Order>>('GET', '/orders', { query: { per_page: 25, ...q }, auth }),
  move: (id: string, status: Exclude<OrderStatus, 'paid' | 'cancelled'>) =>
    call<Order>('POST', `/orders/${encodeURIComponent(id)}/status`, { body: { status }, auth }),
  cancel: (id: string) => call<Order>('POST', `/orders/${encodeURIComponent(id)}/cancel`, { auth }),
};

export const reports = {
  dashboard: () => call<Dashboard>('GET', '/dashboard', { auth }),
  /** The 7 days ending today (reporting's default period), day by day: a store's, or the online shop's (null). */
  salesByDay: (location_id: number | null) =>
    call<SalesByDay>('GET', '/reports/sales', {
      query: { group_by: 'day', ...(location_id === null ? { channel: 'online' } : { location_id }) },
      auth,
    }),
  topProducts: (limit = 5) => call<{ rows: TopProduct[] }>('GET', '/reports/top-products', { query: { limit }, auth }),
};

export const staffAccounts = {
  list: () => call<Page<Staff>>('GET', '/staff', { query: { per_page: 100 }, auth }),
  create: (body: StaffInput) => call<Staff>('POST', '/staff', { body, auth }),
  /** Admin: role, store, or active (false disables and revokes the sessions, true enables again). A
   *  location not given follows a new role (logistics 6, manager/admin none). */
  update: (id: number, body: { role?: Role; location_id?: number | null; active?: boolean }) =>
    call<Staff>('PATCH', `/staff/${id}`, { body, auth }),
  /** Admin: the old password stops working; the answer's one-time code is for the staff member. */
  resetPassword: (id: number) => call<{ reset_token: string; expires_at: string }>('POST', `/staff/${id}/password-reset`, { auth }),
};
