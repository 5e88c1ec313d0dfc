-- Issue 12 (ADR 0008): who a service acted for, why stock was adjusted, and the reason of a cancelled online
-- order's stock coming back to the centre (no longer a store `return`).

-- The person a service acted for (its X-Comptoir-On-Behalf-Of: "cashier:4"), recorded for the audit only.
ALTER TABLE movements ADD COLUMN on_behalf_of text NOT NULL DEFAULT '';
ALTER TABLE movement_groups ADD COLUMN on_behalf_of text NOT NULL DEFAULT '';

ALTER TABLE movements DROP CONSTRAINT movements_reason_check;
ALTER TABLE movements ADD CONSTRAINT movements_reason_check
  CHECK (reason IN ('sale', 'return', 'adjustment', 'transfer_out', 'transfer_in', 'order', 'reversal', 'order_return'));

-- Every adjustment says why. Rows written before this migration: the demo seed is `initial_stock`, the rest
-- `unspecified` (both never accepted from a client).
ALTER TABLE movements ADD COLUMN adjustment_reason text;
ALTER TABLE movement_groups ADD COLUMN adjustment_reason text;
UPDATE movements SET adjustment_reason = 'initial_stock' WHERE reason = 'adjustment' AND reference = 'seed:demo';
UPDATE movements SET adjustment_reason = 'unspecified' WHERE reason = 'adjustment' AND adjustment_reason IS NULL;
UPDATE movement_groups SET adjustment_reason = 'unspecified' WHERE reason = 'adjustment' AND adjustment_reason IS NULL;
ALTER TABLE movements ADD CONSTRAINT movements_adjustment_reason CHECK (
  (reason = 'adjustment') = (adjustment_reason IS NOT NULL) AND
  (adjustment_reason IS NULL OR adjustment_reason IN ('count_correction', 'damaged', 'theft_or_loss', 'found', 'expired',
                                                      'return_to_vendor', 'internal_use', 'other', 'initial_stock',
                                                      'unspecified')));

-- The adjustments report reads the groups of adjustments and their movements by time.
CREATE INDEX movement_groups_adjustments ON movement_groups (key) WHERE reason = 'adjustment';
CREATE INDEX movements_by_time ON movements (created_at);
