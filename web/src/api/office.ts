// What the back office and the dashboard call, always with the staff member's token.
import { call, newKey } from './client';
import { staff } from './session';
import type {
  Dashboard,
  GiftCardBalance,
  IssuedGiftCard,
  Line,
  Location,
  OpsSeriesAnswer,
  OpsStatus,
  OpsWindow,
  Order,
  OrderStatus,
  Page,
  Product,
  ProductInput,
  ProductPatch,
  Promotion,
  PromotionInput,
  CountSheet,
  CountStatus,
  ReceiptEmail,
  RestockRequest,
  RestockStatus,
  Transfer,
  VarianceReport,
  Role,
  RegisterReport,
  RegisterSession,
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

export const transfers = {
  list: (q: { status?: RestockStatus; location_id?: number; page?: number }) =>
    call<Page<Transfer>>('GET', '/inventory/transfers', { query: { per_page: 50, ...q }, auth }),
  /** Asked by the destination store; the key makes a retried click the same transfer. */
  create: (from_location_id: number, to_location_id: number, lines: Line[], note: string, key: string = newKey()) =>
    call<Transfer>('POST', '/inventory/transfers', { body: { from_location_id, to_location_id, lines, note }, auth, idempotencyKey: key }),
  approve: (id: number, lines: Line[]) => call<Transfer>('POST', `/inventory/transfers/${id}/approve`, { body: { lines }, auth }),
  reject: (id: number, reason: string) => call<Transfer>('POST', `/inventory/transfers/${id}/reject`, { body: { reason }, auth }),
  ship: (id: number) => call<Transfer>('POST', `/inventory/transfers/${id}/ship`, { auth }),
  receive: (id: number) => call<Transfer>('POST', `/inventory/transfers/${id}/receive`, { auth }),
};

export const counts = {
  list: (q: { status?: CountStatus; location_id?: number; page?: number }) =>
    call<Page<CountSheet>>('GET', '/inventory/counts', { query: { per_page: 50, ...q }, auth }),
  open: (location_id: number, product_ids: number[] | null, note: string) =>
    call<CountSheet>('POST', '/inventory/counts', { body: { location_id, note, ...(product_ids ? { product_ids } : {}) }, auth }),
  /** quantity: the units counted (0 allowed). */
  record: (id: number, lines: Line[]) => call<CountSheet>('PUT', `/inventory/counts/${id}/lines`, { body: { lines }, auth }),
  post: (id: number) => call<CountSheet & { variance: VarianceReport }>('POST', `/inventory/counts/${id}/post`, { auth }),
  cancel: (id: number) => call<CountSheet>('POST', `/inventory/counts/${id}/cancel`, { auth }),
  variance: (id: number) => call<VarianceReport>('GET', `/inventory/counts/${id}/variance`, { auth }),
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

/** Receipts rendered by sales (ADR 0160); e-mails queued there (ADR 0161). */
export const receipts = {
  html: (number: string, reprint = false) =>
    call<string>('GET', `/receipts/${encodeURIComponent(number)}`, {
      query: { format: 'html', reprint: reprint ? 'true' : undefined },
      auth,
      responseType: 'text',
    }),
  email: (saleId: number, to: string, reprint = false) =>
    call<ReceiptEmail>('POST', `/sales/${saleId}/receipt/email`, { body: { to, ...(reprint ? { reprint } : {}) }, auth }),
};

export const registers = {
  list: (q: { location_id?: number; status?: 'open' | 'closed'; page?: number }) =>
    call<Page<RegisterSession>>('GET', '/register-sessions', { query: { per_page: 50, ...q }, auth }),
  /** X of an open session (nothing written), the stored Z of a closed one. */
  report: (id: number) => call<RegisterReport>('GET', `/register-sessions/${id}/report`, { auth }),
};

export const giftCards = {
  /** A new card with `balance_cents` (0: an inactive card for a till to sell); its code and PIN are shown once. */
  issue: (balance_cents: number) => call<IssuedGiftCard>('POST', '/gift-cards', { body: { balance_cents }, auth }),
  /** A wrong PIN counts towards the lockout (5), as at the till. */
  balance: (code: string, pin: string) => call<GiftCardBalance>('POST', '/gift-cards/balance', { body: { code, pin }, auth }),
  unlock: (id: number) => call<GiftCardBalance>('POST', `/gift-cards/${id}/unlock`, { auth }),
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

/** The operations page (ADR 0103): the web service asks Prometheus, with its allow-list of queries. */
export const operations = {
  status: () => call<OpsStatus>('GET', '/operations/status', { auth }),
  series: (window: OpsWindow) => call<OpsSeriesAnswer>('GET', '/operations/series', { query: { window }, auth }),
};
