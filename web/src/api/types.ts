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
