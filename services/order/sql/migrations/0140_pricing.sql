-- ADR 0140/0141: order lines keep their tax class and the discount the online promotions gave.
-- line_total_cents is what the line cost after it (unit price × quantity − discount).
ALTER TABLE order_items
  ADD COLUMN tax_class text NOT NULL DEFAULT 'taxable' CHECK (tax_class IN ('taxable', 'zero_rated', 'exempt')),
  ADD COLUMN discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0);
ALTER TABLE order_items DROP CONSTRAINT order_items_check,
  ADD CONSTRAINT order_items_net CHECK (line_total_cents = unit_price_cents * quantity - discount_cents);
