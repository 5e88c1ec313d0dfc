-- Offline sales replayed from a till's journal (ADR 0090): the sale is kept when the store's stock is
-- short; the units the ledger could not cover are recorded per line, and the sale is flagged for a count.
ALTER TABLE sales ADD COLUMN offline boolean NOT NULL DEFAULT false;
ALTER TABLE sales ADD COLUMN stock_short boolean NOT NULL DEFAULT false;
ALTER TABLE sale_lines ADD COLUMN short_quantity int NOT NULL DEFAULT 0
  CONSTRAINT sale_lines_short_quantity CHECK (short_quantity >= 0 AND short_quantity <= quantity);
CREATE INDEX sales_stock_short ON sales (location_id, created_at DESC) WHERE stock_short;
