-- The checkout saga's state and the online orders (DESIGN §4, ADR 0050).
CREATE OR REPLACE FUNCTION f_rfc3339(timestamptz) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE STRICT
  AS $fn$ SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $fn$;

-- One row per checkout attempt (customer, Idempotency-Key). `step` is written BEFORE each remote call
-- (reserving, charging) and after it succeeded (reserved, charged, ...), so that a crash leaves enough to know
-- what may have happened elsewhere: recovery completes (from charged on) or compensates (before).
-- The card number is never stored, only its last 4 digits.
CREATE TABLE checkouts (
  id               uuid PRIMARY KEY,
  customer_id      text NOT NULL,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  cart_id          text NOT NULL,
  step             text NOT NULL CHECK (step IN ('started', 'reserving', 'reserved', 'charging', 'charged',
                                                 'order_created', 'committed', 'completed', 'compensating', 'failed')),
  shipping_address jsonb NOT NULL,
  card_last4       text NOT NULL,
  lines            jsonb,           -- priced lines (from product), set before reserving
  subtotal_cents   bigint,
  shipping_cents   bigint,
  gst_cents        bigint,
  qst_cents        bigint,
  total_cents      bigint,
  reservation_key  text NOT NULL,   -- Idempotency-Key of the reservation at inventory (derived)
  reservation_body text,            -- the exact body sent, so that recovery can replay it to learn the id
  reservation_id   uuid,
  charge_key       text NOT NULL,   -- Idempotency-Key of the charge at payment (derived)
  charge_reference text NOT NULL,   -- payment reference, to list the charges that may exist
  charge_asked     boolean NOT NULL DEFAULT false,  -- the charge was (maybe) sent: compensation lists charges
  charge_id        uuid,
  order_id         uuid,
  failure          text,            -- why compensation started
  answer_status    int,             -- the answer of a failed checkout, replayed for the same key
  answer_body      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX checkouts_open ON checkouts (updated_at) WHERE step NOT IN ('completed', 'failed');

CREATE SEQUENCE order_numbers;

CREATE TABLE orders (
  id               uuid PRIMARY KEY,
  number           text NOT NULL UNIQUE,
  checkout_id      uuid NOT NULL UNIQUE REFERENCES checkouts (id),
  customer_id      text NOT NULL,
  status           text NOT NULL CHECK (status IN ('paid', 'preparing', 'shipped', 'delivered', 'cancelled')),
  subtotal_cents   bigint NOT NULL CHECK (subtotal_cents >= 0),
  shipping_cents   bigint NOT NULL CHECK (shipping_cents >= 0),
  gst_cents        bigint NOT NULL CHECK (gst_cents >= 0),
  qst_cents        bigint NOT NULL CHECK (qst_cents >= 0),
  total_cents      bigint NOT NULL CHECK (total_cents = subtotal_cents + shipping_cents + gst_cents + qst_cents),
  shipping_address jsonb NOT NULL,
  charge_id        uuid NOT NULL,
  card_last4       text NOT NULL,
  reservation_id   uuid NOT NULL,
  -- Where the order's stock is: reserved at the centre, committed (left the centre), released (reservation
  -- undone) or returned (put back by a "return" movement after a cancellation).
  stock            text NOT NULL DEFAULT 'reserved' CHECK (stock IN ('reserved', 'committed', 'released', 'returned')),
  refunded         boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC);
CREATE INDEX orders_by_status ON orders (status, created_at DESC);
-- Cancelled orders whose refund or stock return is still to do (finished by the recovery pass).
CREATE INDEX orders_unsettled ON orders (updated_at)
  WHERE status = 'cancelled' AND (NOT refunded OR stock IN ('reserved', 'committed'));

CREATE TABLE order_items (
  order_id         uuid NOT NULL REFERENCES orders (id),
  line_no          int NOT NULL,
  product_id       bigint NOT NULL,
  sku              text NOT NULL,
  name             text NOT NULL,
  unit_price_cents bigint NOT NULL CHECK (unit_price_cents >= 0),
  quantity         int NOT NULL CHECK (quantity > 0),
  line_total_cents bigint NOT NULL CHECK (line_total_cents = unit_price_cents * quantity),
  PRIMARY KEY (order_id, line_no)
);
