-- Index of the retention job (ADR 0065): it deletes, a batch at a time, outbox rows published more than
-- product.retention.outbox_days ago (never an unpublished one).
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
