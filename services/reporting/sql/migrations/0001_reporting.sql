-- reporting's own database: read models fed only by events from the stream (DESIGN §6), never by reading
-- another service's tables. Everything below `processed_events` except the reference tables can be rebuilt
-- from the stream (POST /api/v1/reports/rebuild).

-- Events applied, by id: a duplicate delivery inserts nothing and changes nothing (libs/events/consumer.hpp).
CREATE TABLE processed_events (
  event_id text PRIMARY KEY,
  type text NOT NULL,
  source text NOT NULL,
  stream_id text NOT NULL,
  skipped text,  -- why the event could not be applied (contract mismatch), NULL when applied
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Reference data: the demo chain of DESIGN §7 (no event carries location names); products and their
-- categories are kept current by ProductChanged.
CREATE TABLE locations (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('store', 'logistics', 'head_office'))
);
CREATE TABLE categories (
  id bigint PRIMARY KEY,
  name text NOT NULL
);
CREATE TABLE products (
  id bigint PRIMARY KEY,
  sku text,
  name text NOT NULL,
  category_id bigint,
  active boolean NOT NULL DEFAULT true
);

-- What customers paid: in-store sales (SaleCompleted) and online orders (OrderPlaced). Amounts in cents,
-- taxes included in total_cents.
CREATE TABLE receipts (
  channel text NOT NULL CHECK (channel IN ('store', 'online')),
  ref text NOT NULL,               -- sale id / order id
  location_id bigint,              -- the store; NULL for online orders
  receipt_number text,
  occurred_at timestamptz NOT NULL,
  subtotal_cents bigint NOT NULL,
  gst_cents bigint NOT NULL,
  qst_cents bigint NOT NULL,
  total_cents bigint NOT NULL,
  status text NOT NULL DEFAULT 'completed',  -- online: the order's status
  PRIMARY KEY (channel, ref)
);
CREATE INDEX receipts_occurred_at ON receipts (occurred_at);
CREATE TABLE receipt_lines (
  channel text NOT NULL,
  ref text NOT NULL,
  line_no int NOT NULL,
  product_id bigint NOT NULL,
  name text NOT NULL,
  quantity bigint NOT NULL,
  line_total_cents bigint NOT NULL,
  PRIMARY KEY (channel, ref, line_no),
  FOREIGN KEY (channel, ref) REFERENCES receipts ON DELETE CASCADE
);

-- Money given back: in-store returns (SaleReturned) and cancelled online orders (OrderCancelled).
CREATE TABLE refunds (
  channel text NOT NULL CHECK (channel IN ('store', 'online')),
  ref text NOT NULL,               -- return id / order id
  receipt_ref text NOT NULL,       -- the sale / order refunded
  location_id bigint,
  occurred_at timestamptz NOT NULL,
  subtotal_cents bigint NOT NULL,
  gst_cents bigint NOT NULL,
  qst_cents bigint NOT NULL,
  total_cents bigint NOT NULL,
  reason text NOT NULL DEFAULT '',
  PRIMARY KEY (channel, ref)
);
CREATE INDEX refunds_occurred_at ON refunds (occurred_at);
CREATE TABLE refund_lines (
  channel text NOT NULL,
  ref text NOT NULL,
  line_no int NOT NULL,
  product_id bigint NOT NULL,
  name text NOT NULL,
  quantity bigint NOT NULL,
  line_total_cents bigint NOT NULL,
  PRIMARY KEY (channel, ref, line_no),
  FOREIGN KEY (channel, ref) REFERENCES refunds ON DELETE CASCADE
);

-- Stock per location and product (StockChanged carries the levels after the change). The stream position
-- of the last event applied keeps the newest level when events are replayed.
CREATE TABLE stock_levels (
  location_id bigint NOT NULL,
  product_id bigint NOT NULL,
  on_hand bigint NOT NULL,
  reserved bigint NOT NULL,
  available bigint NOT NULL,
  reorder_point bigint,            -- when the event says; else the reporting.reorder_point_* settings
  stream_ms bigint NOT NULL,
  stream_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (location_id, product_id)
);

-- Restock requests (Restock* events), their latest status.
CREATE TABLE restock_requests (
  id bigint PRIMARY KEY,
  location_id bigint NOT NULL,
  status text NOT NULL,
  requested_quantity bigint NOT NULL,
  stream_ms bigint NOT NULL,
  stream_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL
);

INSERT INTO locations (id, name, type) VALUES
  (1, 'Vieux-Montréal', 'store'), (2, 'Plateau Mont-Royal', 'store'), (3, 'Quartier des Spectacles', 'store'),
  (4, 'Mile End', 'store'), (5, 'Westmount', 'store'), (6, 'Anjou', 'logistics'), (7, 'Siège social', 'head_office')
ON CONFLICT DO NOTHING;
INSERT INTO categories (id, name) VALUES
  (1, 'Électronique'), (2, 'Vêtements'), (3, 'Alimentation'), (4, 'Maison & Jardin'), (5, 'Sport & Loisirs')
ON CONFLICT DO NOTHING;
INSERT INTO products (id, sku, name, category_id) VALUES
  (1, 'ELEC-0001', 'iPhone 16 Pro Max', 1), (2, 'ELEC-0002', 'MacBook Air', 1), (3, 'ELEC-0003', 'AirPods Pro', 1),
  (4, 'ELEC-0004', 'iPad', 1), (5, 'VETE-0001', 'T-shirt', 2), (6, 'VETE-0002', 'Jean', 2),
  (7, 'VETE-0003', 'Veste d''hiver', 2), (8, 'VETE-0004', 'Baskets', 2), (9, 'ALIM-0001', 'Café', 3),
  (10, 'ALIM-0002', 'Chocolat Noir', 3), (11, 'ALIM-0003', 'Thé Vert', 3), (12, 'ALIM-0004', 'Miel', 3),
  (13, 'MAIS-0001', 'Aspirateur Dyson', 4), (14, 'MAIS-0002', 'Plante Verte', 4), (15, 'MAIS-0003', 'Lampe LED', 4),
  (16, 'SPOR-0001', 'Ballon Football', 5), (17, 'SPOR-0002', 'Raquette Tennis', 5), (18, 'SPOR-0003', 'Vélo VTT', 5)
ON CONFLICT DO NOTHING;
