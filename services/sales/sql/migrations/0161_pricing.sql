-- ADR 0140/0141: tax classes, line discounts and promotions on receipts and returns.
-- Rows recorded before keep their meaning: every line taxable, no discount (gross = line total).
ALTER TABLE sales
  ADD COLUMN discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
  ADD COLUMN taxable_cents bigint,
  ADD COLUMN zero_rated_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN exempt_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN promotions jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN discount_approved_by text;
UPDATE sales SET taxable_cents = subtotal_cents WHERE taxable_cents IS NULL;
ALTER TABLE sales ALTER COLUMN taxable_cents SET NOT NULL,
  ADD CONSTRAINT sales_classes_add_up CHECK (taxable_cents + zero_rated_cents + exempt_cents = subtotal_cents);

ALTER TABLE sale_lines
  ADD COLUMN tax_class text NOT NULL DEFAULT 'taxable' CHECK (tax_class IN ('taxable', 'zero_rated', 'exempt')),
  ADD COLUMN gross_cents bigint,
  ADD COLUMN discount_cents bigint NOT NULL DEFAULT 0 CHECK (discount_cents >= 0),
  ADD COLUMN adjustments jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN line_discount jsonb;
UPDATE sale_lines SET gross_cents = line_total_cents WHERE gross_cents IS NULL;
ALTER TABLE sale_lines ALTER COLUMN gross_cents SET NOT NULL,
  ADD CONSTRAINT sale_lines_net CHECK (line_total_cents = gross_cents - discount_cents);

ALTER TABLE return_lines
  ADD COLUMN tax_class text NOT NULL DEFAULT 'taxable' CHECK (tax_class IN ('taxable', 'zero_rated', 'exempt'));
