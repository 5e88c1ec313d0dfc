-- Late charges (issue 12 §8c, ADR 0052). When a checkout is undone without knowing whether the provider made the
-- charge (timeout, provider unreachable, crash while charging), a charge may still be recorded after compensation
-- listed the reference. Until charge_watch_until, the recovery pass lists the reference again (every
-- order.charge_watch_interval_ms, charge_checked_at) and refunds what it finds; then it stops watching.
ALTER TABLE checkouts
  ADD COLUMN charge_watch_until timestamptz,
  ADD COLUMN charge_checked_at  timestamptz;
CREATE INDEX checkouts_charge_watch ON checkouts (charge_checked_at NULLS FIRST) WHERE charge_watch_until IS NOT NULL;
