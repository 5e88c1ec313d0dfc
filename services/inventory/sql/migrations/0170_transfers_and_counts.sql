-- Issue 15: store-to-store transfers (ADR 0171) and cycle counts (ADR 0172).

-- A transfer between two stores, with the life cycle of a restock request. Its stock leaves the source at ship
-- (movements transfer_out, reference transfer:<id>) and arrives at receive (transfer_in); in between it is in transit.
CREATE TABLE transfers (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_location_id bigint NOT NULL REFERENCES locations (id),
  to_location_id   bigint NOT NULL REFERENCES locations (id),
  status           text NOT NULL CHECK (status IN ('requested', 'approved', 'rejected', 'shipped', 'received')),
  note             text NOT NULL DEFAULT '',
  reject_reason    text,
  -- The optional Idempotency-Key of its creation and the fingerprint of that body: a retried POST finds it.
  idempotency_key  text UNIQUE,
  fingerprint      text,
  requested_by     text NOT NULL,
  approved_by      text,
  rejected_by      text,
  shipped_by       text,
  received_by      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  approved_at      timestamptz,
  rejected_at      timestamptz,
  shipped_at       timestamptz,
  received_at      timestamptz,
  CONSTRAINT transfers_two_locations CHECK (from_location_id <> to_location_id)
);
CREATE INDEX transfers_from ON transfers (from_location_id, id);
CREATE INDEX transfers_to ON transfers (to_location_id, id);

CREATE TABLE transfer_lines (
  transfer_id        bigint NOT NULL REFERENCES transfers (id),
  product_id         bigint NOT NULL CHECK (product_id > 0),
  requested_quantity bigint NOT NULL CHECK (requested_quantity > 0),
  approved_quantity  bigint CHECK (approved_quantity >= 0 AND approved_quantity <= requested_quantity),
  PRIMARY KEY (transfer_id, product_id)
);

-- A count sheet of one location: opened, its lines counted, then posted as one adjustment group
-- (count:<id>, adjustment_reason count_correction) or cancelled.
CREATE TABLE count_sheets (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  location_id  bigint NOT NULL REFERENCES locations (id),
  status       text NOT NULL CHECK (status IN ('open', 'posted', 'cancelled')),
  note         text NOT NULL DEFAULT '',
  opened_by    text NOT NULL,
  posted_by    text,
  movement_key text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  posted_at    timestamptz
);
CREATE INDEX count_sheets_by_location ON count_sheets (location_id, id);

-- expected_quantity is on_hand when the count was entered (ADR 0172), set together with counted_quantity.
CREATE TABLE count_lines (
  sheet_id          bigint NOT NULL REFERENCES count_sheets (id),
  product_id        bigint NOT NULL CHECK (product_id > 0),
  on_hand_at_open   bigint NOT NULL,
  counted_quantity  bigint CHECK (counted_quantity >= 0),
  expected_quantity bigint,
  counted_at        timestamptz,
  counted_by        text,
  unit_price_cents  bigint CHECK (unit_price_cents >= 0),
  PRIMARY KEY (sheet_id, product_id),
  CONSTRAINT count_lines_counted_with_expected CHECK ((counted_quantity IS NULL) = (expected_quantity IS NULL))
);

-- One open sheet per location: a second one would count the same shelves twice.
CREATE UNIQUE INDEX count_sheets_one_open ON count_sheets (location_id) WHERE status = 'open';
