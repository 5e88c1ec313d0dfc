-- Charges of the simulated card provider. The card number itself is never stored: only its last 4 digits.
CREATE OR REPLACE FUNCTION f_rfc3339(timestamptz) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE STRICT
  AS $fn$ SELECT to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $fn$;

CREATE TABLE charges (
  id               uuid PRIMARY KEY,
  idempotency_key  text NOT NULL UNIQUE,
  fingerprint      text NOT NULL,
  amount_cents     bigint NOT NULL CHECK (amount_cents > 0),
  currency         text NOT NULL CHECK (currency = 'CAD'),
  reference        text NOT NULL,
  card_last4       text NOT NULL,
  -- pending: the provider is still working on it (the timeout test card); declined: refused, no money moved.
  status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined', 'refunded')),
  -- A refund asked while pending: the charge ends refunded instead of succeeded.
  refund_requested boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  refunded_at      timestamptz
);
CREATE INDEX charges_by_reference ON charges (reference, created_at);
