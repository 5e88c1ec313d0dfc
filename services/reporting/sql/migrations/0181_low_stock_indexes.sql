-- ADR 0182: the dashboard counts low stock per location at every request (100/s in the load test). Two
-- partial indexes let it read only the low rows: those with their own reorder point that are at or under it,
-- and, for the others (whose threshold is the location type's default, a setting), the available quantity.
CREATE INDEX stock_levels_low_by_own_point ON stock_levels (location_id)
  WHERE reorder_point IS NOT NULL AND available <= reorder_point;
CREATE INDEX stock_levels_available_by_default_point ON stock_levels (location_id, available)
  WHERE reorder_point IS NULL;
