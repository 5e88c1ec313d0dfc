-- Issue 12: taxes net of refunds and the cash-rounding difference (ADR 0061); the first stream entry ever
-- applied, so that a rebuild can tell whether the stream still holds the whole history (ADR 0062).

-- Cash rounding of a sale (cash due rounded to 0.05 $ − the exact cash part), and of the cash a return paid
-- out (paid − exact); 0 for online orders and refunds to cards. Filled by the events from now on, and by a
-- rebuild for the history before.
ALTER TABLE receipts ADD COLUMN cash_rounding_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE refunds ADD COLUMN cash_rounding_cents bigint NOT NULL DEFAULT 0;

-- The stream position of the first event reporting ever applied. Not a read model: a rebuild keeps it
-- (and it survives the retention of processed_events).
CREATE TABLE stream_history (
  singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  first_stream_id text NOT NULL,
  first_ms        bigint NOT NULL,
  first_seq       bigint NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO stream_history (first_stream_id, first_ms, first_seq)
SELECT stream_id, split_part(stream_id, '-', 1)::bigint, split_part(stream_id, '-', 2)::bigint
FROM processed_events WHERE stream_id ~ '^[0-9]+-[0-9]+$'
ORDER BY split_part(stream_id, '-', 1)::bigint, split_part(stream_id, '-', 2)::bigint LIMIT 1
ON CONFLICT DO NOTHING;
