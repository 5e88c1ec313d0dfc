-- ADR 0140: what paid no tax, per receipt and refund, for the remittance view (zero-rated basic groceries
-- and exempt supplies). Facts from before tax classes count 0 (everything was taxed then).
ALTER TABLE receipts ADD COLUMN zero_rated_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN exempt_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN zero_rated_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN exempt_cents bigint NOT NULL DEFAULT 0;
