-- ADR 0140: every product has a GST/QST tax class. Basic groceries are zero-rated; confectionery is taxable.
ALTER TABLE products ADD COLUMN tax_class text NOT NULL DEFAULT 'taxable'
  CONSTRAINT products_tax_class_check CHECK (tax_class IN ('taxable', 'zero_rated', 'exempt'));

-- The demo catalogue seeded before this migration: Café (coffee beans), Thé Vert (tea leaves) and Miel
-- (honey) are basic groceries, and so are the cheese and smoked salmon weighed in store (0170). Only the seeded rows (same id and SKU) are reclassified.
UPDATE products SET tax_class = 'zero_rated', updated_at = now()
 WHERE (id, sku) IN ((9, 'ALIM-0001'), (11, 'ALIM-0003'), (12, 'ALIM-0004'), (19, 'ALIM-0005'), (20, 'ALIM-0006'));

-- ProductChanged events carry the tax class (and, as since 0170, the barcode and scale code).
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
        'tax_class', COALESCE(p->'tax_class', '"taxable"'::jsonb),
        'created_at', f_rfc3339((p->>'created_at')::timestamptz),
        'updated_at', f_rfc3339((p->>'updated_at')::timestamptz),
        'change', change))
  $fn$;
