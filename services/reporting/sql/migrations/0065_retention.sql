-- Index of the retention job (ADR 0065): it deletes, a batch at a time, processed_events rows older than
-- reporting.retention.processed_events_days whose entry the stream no longer holds.
CREATE INDEX processed_events_processed_at ON processed_events (processed_at);
