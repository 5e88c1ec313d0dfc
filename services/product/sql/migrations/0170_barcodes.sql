-- ADR 0170: barcodes. `barcode` is a GTIN-13 (a UPC-A is stored with its leading 0), its GS1 check digit verified
-- by the API; `scale_code` is the 5-digit item code that the store's scales print in price-embedded codes
-- (prefixes 02 and 20-29) for goods weighed in store. Both optional, each unique across products (archived too).
ALTER TABLE products
  ADD COLUMN barcode text CONSTRAINT products_barcode_format CHECK (barcode ~ '^[0-9]{13}$'),
  ADD COLUMN scale_code text CONSTRAINT products_scale_code_format CHECK (scale_code ~ '^[0-9]{5}$');
ALTER TABLE products ADD CONSTRAINT products_barcode_key UNIQUE (barcode);
ALTER TABLE products ADD CONSTRAINT products_scale_code_key UNIQUE (scale_code);

-- The ProductChanged envelope carries them too.
CREATE OR REPLACE FUNCTION f_product_changed(event_id uuid, p jsonb, change text, correlation_id text)
  RETURNS jsonb LANGUAGE sql STABLE
  AS $fn$
    SELECT jsonb_build_object(
      'id', event_id,
      'type', 'ProductChanged',
      'source', 'product',
      'occurred_at', f_rfc3339(now()),
      'correlation_id', correlation_id,
      'data', jsonb_build_object(
        'id', p->'id',
        'sku', p->'sku',
        'name', p->'name',
        'description', p->'description',
        'category_id', p->'category_id',
        'price_cents', p->'price_cents',
        'active', p->'active',
        'barcode', COALESCE(p->'barcode', 'null'::jsonb),
        'scale_code', COALESCE(p->'scale_code', 'null'::jsonb),
        'created_at', f_rfc3339((p->>'created_at')::timestamptz),
        'updated_at', f_rfc3339((p->>'updated_at')::timestamptz),
        'change', change))
  $fn$;
