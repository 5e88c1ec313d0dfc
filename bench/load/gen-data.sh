#!/usr/bin/env bash
# The load-test data set, written in bulk SQL into each service's own database (ADR 0120), the way each
# service's own seed writes: every row with the event its service would have emitted, in the same
# transaction, so that reporting builds its read models from the stream as usual.
#   product    5,000 products in all (the 18 of the demo and generated ones, in the 5 categories), each
#              with its ProductChanged "created" event
#   customer   1,000 shoppers shopper00001..01000@example.com, password comptoir-demo (the Argon2id hash
#              of a demo shopper's password, which is the same, so no password is weakened), each with its
#              CustomerRegistered event
#   staff      LOADTEST_CASHIERS_PER_STORE (8) cashiers per store caisse<store>.<nn>@loadtest.comptoir.local and
#              LOADTEST_MANAGERS (10) managers gerance.<nn>@loadtest.comptoir.local, the demo's staff password: a
#              load-test VU signs in as an account of its own, as each till does
#   inventory  every product at every store (100,000) and at the centre (1,000,000): adjustment movements
#              in the ledger (on_hand = sum of movements) with their StockChanged events
#   sales      a year of store sales before the demo week: LOADTEST_SALES_PER_DAY (40) per store and day,
#              1-3 lines priced from the catalogue, GST and QST on the taxable lines by money::QuebecTaxes' rule, paid by card, each
#              with its SaleCompleted event (historical sales move no stock, as in the demo seed)
# Idempotent: a part already generated (seed_runs / a marker row) is skipped.
# Environment: LOADTEST_PSQL (postgresql://user@host:port, a role that owns the service databases),
#              LOADTEST_PRODUCTS (5000), LOADTEST_SHOPPERS (1000), LOADTEST_CASHIERS_PER_STORE (8),
#              LOADTEST_MANAGERS (10), LOADTEST_SALES_PER_DAY (40), LOADTEST_DAYS (365).
set -euo pipefail
base=${LOADTEST_PSQL:?LOADTEST_PSQL=postgresql://user@host:port}
products=${LOADTEST_PRODUCTS:-5000}
shoppers=${LOADTEST_SHOPPERS:-1000}
cashiers_per_store=${LOADTEST_CASHIERS_PER_STORE:-8}
managers=${LOADTEST_MANAGERS:-10}
per_day=${LOADTEST_SALES_PER_DAY:-40}
days=${LOADTEST_DAYS:-365}
q() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 "$base/$db" "$@"; }
start=$SECONDS

# --- product ----------------------------------------------------------------------------------------
q product -v n="$products" <<'SQL'
BEGIN;
CREATE TEMP TABLE words (category int, k int, noun text);
INSERT INTO words VALUES
  (1,0,'Casque audio'),(1,1,'Enceinte'),(1,2,'Chargeur'),(1,3,'Câble USB-C'),(1,4,'Souris'),(1,5,'Clavier'),(1,6,'Écran'),(1,7,'Montre'),
  (2,0,'Chemise'),(2,1,'Pantalon'),(2,2,'Chandail'),(2,3,'Tuque'),(2,4,'Mitaines'),(2,5,'Foulard'),(2,6,'Robe'),(2,7,'Manteau'),
  (3,0,'Sirop d''érable'),(3,1,'Fromage'),(3,2,'Biscuits'),(3,3,'Confiture'),(3,4,'Pâtes'),(3,5,'Huile d''olive'),(3,6,'Granola'),(3,7,'Tisane'),
  (4,0,'Coussin'),(4,1,'Chandelle'),(4,2,'Vase'),(4,3,'Tapis'),(4,4,'Bol'),(4,5,'Cafetière'),(4,6,'Poêle'),(4,7,'Couverture'),
  (5,0,'Gourde'),(5,1,'Tapis de yoga'),(5,2,'Casque de vélo'),(5,3,'Bâtons de marche'),(5,4,'Corde à sauter'),(5,5,'Haltère'),(5,6,'Sac à dos'),(5,7,'Raquette');
CREATE TEMP TABLE styles (k int, style text);
INSERT INTO styles VALUES (0,'boréal'),(1,'laurentien'),(2,'urbain'),(3,'classique'),(4,'compact'),(5,'deluxe'),
  (6,'gaspésien'),(7,'nordique'),(8,'montréalais'),(9,'saisonnier'),(10,'artisanal'),(11,'léger');
WITH todo AS (
  SELECT g FROM generate_series(1, GREATEST(0, :n - (SELECT count(*) FROM products))) g
), made AS (
  INSERT INTO products (sku, name, description, category_id, price_cents)
  SELECT format('GEN-%s', lpad(g::text, 5, '0')),
         w.noun || ' ' || s.style || ' ' || g,
         'Article ' || s.style || ' de la gamme ' || w.noun || ', modèle ' || g || '.',
         w.category,
         -- 1,99 $ to about 400 $, cheaper items far more common
         199 + ((g * 7919) % 97) * ((g * 104729) % 41) * 10
  FROM todo
  JOIN words w ON w.category = 1 + g % 5 AND w.k = (g / 5) % 8
  JOIN styles s ON s.k = (g / 40) % 12
  RETURNING *
)
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT e.event_id, 'product', e.p->>'id', 'ProductChanged', f_product_changed(e.event_id, e.p, 'created', 'loadtest:data')
FROM (SELECT gen_random_uuid() AS event_id, to_jsonb(m) AS p FROM made m) e;
COMMIT;
SQL
echo "product: $(q product -tAc "SELECT count(*) FROM products WHERE active") active products"

# --- customer -----------------------------------------------------------------------------------------
q customer -v n="$shoppers" <<'SQL'
BEGIN;
WITH hash AS (
  SELECT password_hash FROM customers WHERE email = 'jean.dupont@example.com'
), made AS (
  INSERT INTO customers (email, password_hash, first_name, last_name)
  SELECT format('shopper%s@example.com', lpad(g::text, 5, '0')), hash.password_hash,
         (ARRAY['Léa','Félix','Chloé','William','Emma','Thomas','Zoé','Samuel','Alice','Nathan'])[1 + g % 10],
         (ARRAY['Gagnon','Roy','Côté','Bouchard','Gauthier','Morin','Lavoie','Fortin','Gagné','Ouellet'])[1 + (g / 10) % 10]
  FROM generate_series(1, :n) g, hash
  ON CONFLICT (email) DO NOTHING
  RETURNING id, email, created_at
)
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT e.event_id, 'customer', e.id::text, 'CustomerRegistered',
       jsonb_build_object('id', e.event_id::text, 'type', 'CustomerRegistered', 'source', 'customer',
                          'occurred_at', f_rfc3339(now()), 'correlation_id', 'loadtest:data',
                          'data', jsonb_build_object('id', e.id, 'email', e.email, 'created_at', f_rfc3339(e.created_at)))
FROM (SELECT gen_random_uuid() AS event_id, * FROM made) e;
COMMIT;
SQL
echo "customer: $(q customer -tAc "SELECT count(*) FROM customers WHERE email LIKE 'shopper%@example.com'") generated shoppers"

# --- staff --------------------------------------------------------------------------------------------
# As the demo seed writes staff (no event): the demo cashier's password hash, so the password is the demo's.
q customer -v per_store="$cashiers_per_store" -v managers="$managers" <<'SQL'
BEGIN;
WITH hash AS (
  SELECT password_hash FROM staff WHERE email = 'cashier.mile-end@comptoir.local'
), people AS (
  SELECT format('caisse%s.%s@loadtest.comptoir.local', s, lpad(g::text, 2, '0')) AS email, 'cashier' AS role,
         s::bigint AS location_id, s * 100 + g AS k
  FROM generate_series(1, 5) s, generate_series(1, :per_store) g
  UNION ALL
  SELECT format('gerance.%s@loadtest.comptoir.local', lpad(g::text, 2, '0')), 'manager', NULL, g
  FROM generate_series(1, :managers) g
)
INSERT INTO staff (email, password_hash, first_name, last_name, role, location_id)
SELECT p.email, hash.password_hash,
       (ARRAY['Camille','Olivier','Juliette','Gabriel','Rosalie','Louis','Florence','Antoine','Maëlle','Jacob'])[1 + p.k % 10],
       (ARRAY['Tremblay','Pelletier','Bélanger','Lévesque','Bergeron','Leblanc','Girard','Simard','Boucher','Caron'])[1 + (p.k / 10) % 10],
       p.role, p.location_id
FROM people p, hash
ON CONFLICT (email) DO NOTHING;
COMMIT;
SQL
echo "customer: $(q customer -tAc "SELECT count(*) FROM staff WHERE email LIKE '%@loadtest.comptoir.local'") generated staff"

# --- inventory ----------------------------------------------------------------------------------------
q product -tAc "SELECT id FROM products WHERE active ORDER BY id" >/tmp/comptoir-gen-ids.$$
q inventory <<SQL
BEGIN;
CREATE TEMP TABLE catalogue (id bigint PRIMARY KEY);
\copy catalogue FROM '/tmp/comptoir-gen-ids.$$'
-- Rows for products never stocked (on_hand 0: no movement yet), then one adjustment each up to the target.
INSERT INTO stock (location_id, product_id, on_hand, reorder_point)
SELECT l.id, c.id, 0, CASE WHEN l.type = 'logistics' THEN 20 ELSE 5 END
FROM locations l, catalogue c WHERE l.type IN ('store', 'logistics')
ON CONFLICT DO NOTHING;
WITH target AS (
  SELECT s.location_id, s.product_id, s.on_hand AS before,
         CASE WHEN l.type = 'logistics' THEN 1000000 ELSE 100000 END AS want
  FROM stock s JOIN locations l ON l.id = s.location_id JOIN catalogue c ON c.id = s.product_id
  WHERE l.type IN ('store', 'logistics')
  FOR UPDATE OF s
), raised AS (
  UPDATE stock s SET on_hand = t.want, updated_at = now()
  FROM target t
  WHERE s.location_id = t.location_id AND s.product_id = t.product_id AND t.want > t.before
  RETURNING s.location_id, s.product_id, s.on_hand, s.reserved, s.reorder_point, t.want - t.before AS delta
), moved AS (
  INSERT INTO movements (idempotency_key, location_id, product_id, quantity, reason, adjustment_reason, reference,
                         note, actor_subject, actor_role, on_hand_after)
  SELECT 'loadtest:data', location_id, product_id, delta, 'adjustment', 'initial_stock', 'loadtest:data',
         'load-test data set', 'system', 'system', on_hand
  FROM raised
  RETURNING id, location_id, product_id, quantity, on_hand_after
), events AS (
  SELECT gen_random_uuid() AS event_id, m.id AS movement_id, m.location_id, m.product_id, m.quantity,
         m.on_hand_after, r.reserved, r.reorder_point
  FROM moved m JOIN raised r USING (location_id, product_id)
)
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT event_id, 'stock', location_id || ':' || product_id, 'StockChanged',
       jsonb_build_object('id', event_id::text, 'type', 'StockChanged', 'source', 'inventory',
                          'occurred_at', f_rfc3339(now()), 'correlation_id', 'loadtest:data',
                          'data', jsonb_build_object('movement_id', movement_id, 'location_id', location_id,
                                                     'product_id', product_id, 'quantity', quantity,
                                                     'on_hand', on_hand_after, 'reserved', reserved,
                                                     'available', on_hand_after - reserved,
                                                     'reorder_point', reorder_point,
                                                     'reason', 'adjustment', 'reference', 'loadtest:data'))
FROM events;
COMMIT;
SQL
echo "inventory: $(q inventory -tAc "SELECT count(*) FROM stock WHERE on_hand >= 100000") stock rows at 100,000 or more"

# --- sales --------------------------------------------------------------------------------------------
q product -tAc "SELECT id, sku, name, price_cents, tax_class FROM products WHERE active ORDER BY id" -F $'\t' >/tmp/comptoir-gen-products.$$
q sales -v per_day="$per_day" -v days="$days" <<SQL
BEGIN;
CREATE TEMP TABLE catalogue (n serial, id bigint, sku text, name text, price_cents bigint, tax_class text);
\copy catalogue (id, sku, name, price_cents, tax_class) FROM '/tmp/comptoir-gen-products.$$'
CREATE TEMP TABLE claimed AS
  WITH c AS (INSERT INTO seed_runs (name) VALUES ('loadtest_sales_year') ON CONFLICT DO NOTHING RETURNING name)
  SELECT * FROM c;
-- One row per sale to make: store, day (8 to 7 + days days ago: before the demo week), minute, counter.
CREATE TEMP TABLE wanted AS
SELECT row_number() OVER (PARTITION BY store ORDER BY d DESC, k) AS seq, store, d, k,
       (current_date - (7 + d)) + make_interval(mins => 14 * 60 + (k * 600 / :per_day)) AS at
FROM claimed, generate_series(1, 5) store, generate_series(1, :days) d, generate_series(1, :per_day) k;
CREATE TEMP TABLE picked AS
SELECT w.store, w.seq, w.at, line_no, c.id AS product_id, c.sku, c.name, c.price_cents, c.tax_class,
       1 + ((w.seq * 31 + line_no * 7 + w.store) % 4 = 0)::int AS quantity
FROM wanted w
CROSS JOIN LATERAL generate_series(1, 1 + ((w.seq * 13 + w.store) % 3)::int) line_no
JOIN catalogue c ON c.n = 1 + ((w.seq * 7919 + line_no * 104729 + w.store * 15485863) % (SELECT count(*) FROM catalogue));
-- A product scanned twice is one line (UNIQUE (sale_id, product_id)): keep the first.
DELETE FROM picked p USING picked q
WHERE p.store = q.store AND p.seq = q.seq AND p.product_id = q.product_id AND p.line_no > q.line_no;
CREATE TEMP TABLE totals AS
-- sum(bigint) is numeric: back to bigint, so that the taxes below round in integer arithmetic.
SELECT store, seq, min(at) AS at, sum(price_cents * quantity)::bigint AS subtotal,
       (sum(price_cents * quantity) FILTER (WHERE tax_class = 'taxable'))::bigint AS taxable,
       (sum(price_cents * quantity) FILTER (WHERE tax_class = 'zero_rated'))::bigint AS zero_rated,
       (sum(price_cents * quantity) FILTER (WHERE tax_class = 'exempt'))::bigint AS exempt
FROM picked GROUP BY store, seq;
CREATE TEMP TABLE made (sale_id bigint, store bigint, seq bigint, receipt text, subtotal bigint, taxable bigint,
                        zero_rated bigint, exempt bigint, gst bigint, qst bigint, total bigint, at timestamptz);
WITH base AS (
  -- GST and QST on the taxable part only (zero-rated groceries, ADR 0140), each rounded half-up.
  SELECT t.store, t.seq, t.at, t.subtotal, COALESCE(t.taxable, 0) AS taxable,
         COALESCE(t.zero_rated, 0) AS zero_rated, COALESCE(t.exempt, 0) AS exempt,
         (COALESCE(t.taxable, 0) * 5 + 50) / 100 AS gst, (COALESCE(t.taxable, 0) * 9975 + 50000) / 100000 AS qst,
         COALESCE((SELECT last_number FROM receipt_counters WHERE location_id = t.store), 0) AS counter
  FROM totals t
), inserted AS (
  INSERT INTO sales (receipt_number, location_id, cashier_id, subtotal_cents, taxable_cents, zero_rated_cents,
                     exempt_cents, gst_cents, qst_cents, total_cents, created_at)
  SELECT format('S%s-%s', store, lpad((counter + seq)::text, 6, '0')), store, store::text, subtotal, taxable,
         zero_rated, exempt, gst, qst, subtotal + gst + qst, at
  FROM base
  RETURNING id, location_id, receipt_number, subtotal_cents, taxable_cents, zero_rated_cents, exempt_cents, gst_cents,
            qst_cents, total_cents, created_at
)
INSERT INTO made
SELECT i.id, i.location_id, b.seq, i.receipt_number, i.subtotal_cents, i.taxable_cents, i.zero_rated_cents,
       i.exempt_cents, i.gst_cents, i.qst_cents, i.total_cents, i.created_at
FROM inserted i JOIN base b ON b.store = i.location_id
 AND format('S%s-%s', b.store, lpad((b.counter + b.seq)::text, 6, '0')) = i.receipt_number;
INSERT INTO receipt_counters (location_id, last_number)
SELECT store, max(substring(receipt from '-(\d+)$')::bigint) FROM made GROUP BY store
ON CONFLICT (location_id) DO UPDATE SET last_number = GREATEST(receipt_counters.last_number, EXCLUDED.last_number);
INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, unit_price_cents, quantity, tax_class, gross_cents,
                        line_total_cents)
SELECT m.sale_id, row_number() OVER (PARTITION BY m.sale_id ORDER BY p.line_no), p.product_id, p.sku, p.name,
       p.price_cents, p.quantity, p.tax_class, p.price_cents * p.quantity, p.price_cents * p.quantity
FROM made m JOIN picked p ON p.store = m.store AND p.seq = m.seq;
INSERT INTO sale_payments (sale_id, line_no, method, amount_cents) SELECT sale_id, 1, 'card', total FROM made;
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT e.event_id, 'sale', m.sale_id::text, 'SaleCompleted',
       jsonb_build_object('id', e.event_id::text, 'type', 'SaleCompleted', 'source', 'sales',
                          'occurred_at', f_rfc3339(now()), 'correlation_id', 'loadtest:data',
                          'data', jsonb_build_object(
                            'id', m.sale_id, 'receipt_number', m.receipt, 'location_id', m.store,
                            'cashier_id', m.store::text, 'customer_id', NULL, 'register_session_id', NULL,
                            'lines', (SELECT jsonb_agg(jsonb_build_object('product_id', l.product_id, 'sku', l.sku,
                                        'name', l.name, 'unit_price_cents', l.unit_price_cents, 'quantity', l.quantity,
                                        'tax_class', l.tax_class, 'gross_cents', l.gross_cents, 'discount_cents', 0,
                                        'line_total_cents', l.line_total_cents, 'returned_quantity', 0) ORDER BY l.line_no)
                                      FROM sale_lines l WHERE l.sale_id = m.sale_id),
                            'subtotal_cents', m.subtotal, 'discount_cents', 0, 'taxable_cents', m.taxable,
                            'zero_rated_cents', m.zero_rated, 'exempt_cents', m.exempt, 'gst_cents', m.gst, 'qst_cents', m.qst,
                            'total_cents', m.total, 'cash_rounding_cents', 0,
                            'payments', jsonb_build_array(jsonb_build_object('method', 'card', 'amount_cents', m.total,
                                                                             'refunded_cents', 0)),
                            'change_cents', 0, 'cash_taken_cents', 0, 'cash_paid_out_cents', 0, 'refunded_cents', 0,
                            'created_at', f_rfc3339(m.at), 'channel', 'store'))
FROM (SELECT gen_random_uuid() AS event_id, * FROM made) m, LATERAL (SELECT m.event_id) e;
COMMIT;
SQL
rm -f /tmp/comptoir-gen-ids.$$ /tmp/comptoir-gen-products.$$
echo "sales: $(q sales -tAc "SELECT count(*) FROM sales") sales, the oldest $(q sales -tAc "SELECT min(created_at)::date FROM sales")"
echo "data set written in $((SECONDS - start)) s (events are published by each service's relay when it runs)"
