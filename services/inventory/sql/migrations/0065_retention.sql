-- Indexes of the retention job (ADR 0065): it deletes, a batch at a time, idempotency answers older than
-- <service>.retention.idempotency_keys_days and outbox rows published more than <service>.retention.outbox_days ago.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
