// The shapes of the gateway's answers, as the services' openapi.json files describe them
// (services/*/openapi.json). Money is integer cents everywhere.

export interface Page<T> {
  data: T[];
  meta: { page: number; per_page: number; total: number };
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  request_id?: string;
  errors?: { field: string; message: string }[];
}

// product
export interface Product {
  id: number;
  sku: string;
  name: string;
  description: string;
  category_id: number | null;
  price_cents: number;
  active: boolean;
  tax_class?: TaxClass;
  /** GTIN-13 (a UPC-A with its leading 0), ADR 0170. */
  barcode: string | null;
  /** 5-digit item code of a good weighed in store (price-embedded labels). */
  scale_code: string | null;
  created_at: string;
  updated_at: string;
}
/** GST/QST class (ADR 0140). */
export type TaxClass = 'taxable' | 'zero_rated' | 'exempt';
export interface ProductInput {
  sku: string;
  name: string;
  description?: string | null;
  category_id?: number | null;
  price_cents: number;
  tax_class?: TaxClass;
  barcode?: string | null;
  scale_code?: string | null;
}
export type ProductPatch = Partial<ProductInput> & { active?: boolean };
export interface Category {
  id: number;
  name: string;
  description: string;
}

// cart
export interface CartLine {
  product_id: number;
  sku: string;
  name: string;
  unit_price_cents: number;
  quantity: number;
  /** After the line's promotions (ADR 0141). */
  line_total_cents: number;
  tax_class?: TaxClass;
  gross_cents?: number;
  discount_cents?: number;
  discounts?: { promotion_id: number | null; label: string; amount_cents: number }[];
}
export interface Cart {
  id: string;
  customer_id: number | null;
  items: CartLine[];
  item_count: number;
  subtotal_cents: number;
  gst_cents: number;
  qst_cents: number;
  total_cents: number;
  served_by?: string;
  discount_cents?: number;
  taxable_cents?: number;
  zero_rated_cents?: number;
  exempt_cents?: number;
  promotions?: AppliedPromotion[];
}

/** A promotion that gave something to a cart, a sale or an order (ADR 0141). */
export interface AppliedPromotion {
  id: number;
  name: string;
  kind: PromotionKind;
  amount_cents: number;
}
export type PromotionKind = 'percent_off' | 'buy_x_get_y' | 'bundle';
/** A promotion as product owns it (`/api/v1/promotions`). */
export interface Promotion {
  id: number;
  name: string;
  kind: PromotionKind;
  product_ids: number[];
  category_id: number | null;
  percent: number;
  buy_quantity: number;
  get_quantity: number;
  bundle: { product_id: number; quantity: number }[];
  bundle_price_cents: number;
  starts_at: string;
  ends_at: string | null;
  location_ids: number[];
  online: boolean;
  active: boolean;
  created_at: string;
  updated_at: string;
}
export type PromotionInput = Omit<Promotion, 'id' | 'active' | 'created_at' | 'updated_at'>;

// customer
export interface Tokens {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
}
export interface Customer {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
}
export type Role = 'cashier' | 'logistics' | 'manager' | 'admin';
export interface Staff {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  role: Role;
  location_id: number | null;
  /** false once an admin disabled the account. */
  active: boolean;
  disabled_at: string | null;
  created_at: string;
}
export interface StaffInput {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  role: Role;
  location_id?: number | null;
}
export type Province = 'AB' | 'BC' | 'MB' | 'NB' | 'NL' | 'NS' | 'NT' | 'NU' | 'ON' | 'PE' | 'QC' | 'SK' | 'YT';
export interface AddressInput {
  type: 'delivery' | 'billing';
  line1: string;
  line2?: string | null;
  city: string;
  province: Province;
  postal_code: string;
  is_default?: boolean;
}
export interface Address extends AddressInput {
  id: number;
  is_default: boolean;
}

// order
export type OrderStatus = 'paid' | 'preparing' | 'shipped' | 'delivered' | 'cancelled';
export interface ShippingAddress {
  line1: string;
  city: string;
  province: Province;
  postal_code: string;
}
export interface Order {
  id: string;
  number: string;
  customer_id: string;
  status: OrderStatus;
  items: CartLine[];
  subtotal_cents: number;
  shipping_cents: number;
  gst_cents: number;
  qst_cents: number;
  total_cents: number;
  shipping_address?: ShippingAddress;
  payment?: { charge_id?: string; card_last4?: string; refunded?: boolean };
  created_at: string;
  updated_at: string;
}
export interface CheckoutRequest {
  cart_id: string;
  shipping_address?: ShippingAddress;
  address_id?: number;
  payment: { method: 'card'; card_number: string };
}

// inventory
export type LocationType = 'store' | 'logistics' | 'head_office';
export interface Location {
  id: number;
  code: string;
  name: string;
  type: LocationType;
  address?: string;
  city?: string;
}
export interface StockLevel {
  location_id: number;
  product_id: number;
  on_hand: number;
  reserved: number;
  available: number;
  reorder_point: number;
}
export interface Line {
  product_id: number;
  quantity: number;
}
export type RestockStatus = 'requested' | 'approved' | 'rejected' | 'shipped' | 'received';
export interface RestockRequest {
  id: number;
  location_id: number;
  status: RestockStatus;
  note: string;
  reject_reason: string | null;
  requested_by: string;
  created_at: string;
  updated_at: string;
  lines: { product_id: number; requested_quantity: number; approved_quantity: number | null }[];
}

// transfers between stores (ADR 0171) and cycle counts (ADR 0172)
export interface Transfer {
  id: number;
  from_location_id: number;
  to_location_id: number;
  status: RestockStatus;
  in_transit: boolean;
  note: string;
  reject_reason: string | null;
  requested_by: string;
  created_at: string;
  updated_at: string;
  lines: { product_id: number; requested_quantity: number; approved_quantity: number | null }[];
}
export type CountStatus = 'open' | 'posted' | 'cancelled';
export interface CountLine {
  product_id: number;
  on_hand_at_open: number;
  counted_quantity: number | null;
  expected_quantity: number | null;
  variance: number | null;
  counted_at: string | null;
  unit_price_cents: number | null;
}
export interface CountSheet {
  id: number;
  location_id: number;
  status: CountStatus;
  note: string;
  opened_by: string;
  posted_by: string | null;
  movement_key: string | null;
  created_at: string;
  updated_at: string;
  posted_at: string | null;
  lines: CountLine[];
}
export interface VarianceReport {
  count_id: number;
  location_id: number;
  status: CountStatus;
  rows: { product_id: number; expected: number; counted: number; variance: number; unit_price_cents: number | null; value_cents: number | null }[];
  not_counted: number[];
  totals: { units_over: number; units_short: number; net_units: number; value_over_cents: number; value_short_cents: number; net_value_cents: number };
}

// sales
export type Tender = 'cash' | 'card' | 'debit' | 'gift_card';
export interface SaleLine {
  product_id: number;
  sku: string;
  name: string;
  unit_price_cents: number;
  quantity: number;
  line_total_cents: number;
  returned_quantity?: number;
}
export interface Sale {
  id: number;
  receipt_number: string;
  location_id: number;
  cashier_id: string;
  customer_id: number | null;
  lines: SaleLine[];
  subtotal_cents: number;
  gst_cents: number;
  qst_cents: number;
  total_cents: number;
  cash_rounding_cents?: number;
  payments: { method: Tender; amount_cents: number }[];
  change_cents?: number;
  created_at: string;
}
/** A receipt e-mail queued at sales (ADR 0161). */
export interface ReceiptEmail {
  id: number;
  sale_id: number;
  to: string;
  reprint: boolean;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
  created_at: string;
}
export interface SaleInput {
  location_id: number;
  lines: { product_id: number; quantity: number }[];
  payments: { method: Tender; amount_cents: number }[];
}
export interface SaleReturn {
  id: number;
  sale_id: number;
  reason: string;
  lines: SaleLine[];
  subtotal_cents: number;
  gst_cents: number;
  qst_cents: number;
  total_cents: number;
  refund_method?: Tender;
  created_at: string;
}

// reporting
export interface StoreCard {
  location_id: number;
  name: string;
  revenue_today_cents: number;
  revenue_7d_cents: number;
  revenue_previous_7d_cents: number;
  trend_pct: number | null;
  transactions_today: number;
  average_basket_cents: number;
  low_stock_count: number;
  pending_restock_requests: number;
}
export interface Dashboard {
  stores: StoreCard[];
  online: {
    revenue_today_cents: number;
    revenue_7d_cents: number;
    revenue_previous_7d_cents: number;
    trend_pct: number | null;
    orders_today: number;
    average_basket_cents: number;
    open_orders: number;
  } | null;
  totals: {
    revenue_today_cents: number;
    revenue_7d_cents: number;
    revenue_previous_7d_cents: number;
    trend_pct: number | null;
    transactions_today: number;
    average_basket_cents: number;
    low_stock_count: number;
    pending_restock_requests: number;
  };
  business_day: string;
  time_zone: string;
  as_of: string;
}
export interface DayRow {
  day: string;
  transactions: number;
  total_cents: number;
  refunds_cents: number;
  net_cents: number;
}
export interface SalesByDay {
  from: string;
  to: string;
  rows: DayRow[];
}
export interface TopProduct {
  rank: number;
  product_id: number;
  name: string;
  category: string | null;
  quantity: number;
  sales_cents: number;
}

/** The operations page (GET /api/v1/operations/status, ADR 0103): Prometheus's view of the platform. */
export interface OpsTarget {
  job: string;
  instance: string;
  instance_id: string | null;
  health: 'up' | 'down' | 'unknown';
  last_error: string;
  last_scrape: string | null;
  last_scrape_duration_s: number;
}
export interface OpsGatewayTarget {
  upstream: string;
  target: string;
  state: string;
}
export interface OpsAlert {
  name: string;
  state: 'pending' | 'firing';
  severity: string;
  summary: string;
  labels: Record<string, string>;
  active_at: string | null;
  value: string;
}
export interface OpsNotification {
  status: 'firing' | 'resolved';
  name: string;
  severity: string;
  summary: string;
  labels: Record<string, string>;
  starts_at: string | null;
  ends_at: string | null;
}
export interface OpsStatus {
  as_of: string;
  targets: OpsTarget[];
  gateway_targets: OpsGatewayTarget[];
  alerts: OpsAlert[];
  notifications: { available: true; items: OpsNotification[] } | { available: false; detail: string };
}
export type OpsPanelId = 'requests' | 'latency' | 'errors' | 'cart_load';
export type OpsWindow = '5m' | '15m' | '1h' | '6h';
export interface OpsSeries {
  labels: Record<string, string>;
  /** [epoch seconds, value as Prometheus writes it ("1.5", "NaN")] */
  values: [number, string][];
}
/** GET /api/v1/operations/series?window=… */
export interface OpsSeriesAnswer {
  window: OpsWindow;
  step_s: number;
  start: number;
  end: number;
  panels: { id: OpsPanelId; series: OpsSeries[] }[];
}
/** sales: a cash-register session (closed ones carry their Z number). */
export interface RegisterSession {
  id: number;
  location_id: number;
  register: string;
  status: 'open' | 'closed';
  opening_float_cents: number;
  opened_by: string;
  opened_at: string;
  counted_cash_cents: number | null;
  expected_cash_cents: number | null;
  over_short_cents: number | null;
  closed_by: string | null;
  closed_at: string | null;
  z_number: number | null;
}

interface Counted {
  count: number;
  amount_cents: number;
}
interface ClassFigures {
  sales_cents: number;
  refunded_cents: number;
  net_cents: number;
  gst_cents: number;
  qst_cents: number;
}
interface TaxFigures {
  collected_cents: number;
  refunded_cents: number;
  net_cents: number;
}

/** sales: an X report (an open session now) or the stored Z of a closed one (ADR 0150). */
export interface RegisterReport {
  type: 'X' | 'Z';
  z_number: number | null;
  register_session_id: number;
  location_id: number;
  register: string;
  generated_at: string;
  sales: { count: number; subtotal_cents: number; gst_cents: number; qst_cents: number; total_cents: number; cash_rounding_cents: number; revenue_cents: number };
  tenders: { cash: Counted; card: Counted; debit: Counted; gift_card: Counted };
  /** by_class: per tax class (ADR 0140), absent from reports stored before tax classes. */
  taxes: { gst: TaxFigures; qst: TaxFigures; by_class?: Record<'taxable' | 'zero_rated' | 'exempt', ClassFigures> };
  refunds: { count: number; subtotal_cents: number; gst_cents: number; qst_cents: number; total_cents: number; by_tender: Record<string, number> };
  discounts_cents: number;
  /** ADR 0141: the promotions' part and the cashiers' line discounts. */
  discounts?: { count: number; total_cents: number; promotions_cents: number; line_cents: number };
  gift_cards: { count: number; activations: number; top_ups: number; amount_cents: number };
  voids: { count: number; lines: number; sales: number; amount_cents: number };
  no_sales: { count: number };
  drops: Counted;
  payouts: Counted;
  cash: {
    opening_float_cents: number | null;
    sales_cents: number | null;
    refunds_cents: number | null;
    drops_cents: number | null;
    payouts_cents: number | null;
    expected_cents: number | null;
    counted_cents: number | null;
    over_short_cents: number | null;
  };
  late_sales: { count: number; total_cents: number };
}

/** POST /gift-cards (managers, admins): the code in full and the PIN, shown once (ADR 0152). */
export interface IssuedGiftCard {
  id: number;
  code: string;
  pin: string;
  balance_cents: number;
  locked: boolean;
  active: boolean;
  created_at: string;
}

/** POST /gift-cards/balance: the code masked, the balance, whether wrong PINs locked it. */
export interface GiftCardBalance {
  id: number;
  code: string;
  balance_cents: number;
  locked: boolean;
  created_at: string;
}
