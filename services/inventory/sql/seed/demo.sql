-- Demo data of DESIGN §7: locations 1–7, stock at every store for products 1–18 (10–40 units, varied but
-- deterministic), 100 of each at the Anjou logistics centre (6), none at head office. Existing rows are never
-- touched; the stock is inserted on the first run only (seed_runs), so re-seeding a database whose stock
-- changed changes nothing. Each seeded quantity is a ledger movement with its StockChanged event.
INSERT INTO locations (id, code, name, type, address, city) VALUES
  (1, 'VMTL', 'Vieux-Montréal', 'store', '215, rue Saint-Paul Ouest', 'Montréal'),
  (2, 'PLAT', 'Plateau Mont-Royal', 'store', '4380, boulevard Saint-Laurent', 'Montréal'),
  (3, 'QDSP', 'Quartier des Spectacles', 'store', '1500, rue Sainte-Catherine Ouest', 'Montréal'),
  (4, 'MEND', 'Mile End', 'store', '5225, boulevard Saint-Laurent', 'Montréal'),
  (5, 'WMNT', 'Westmount', 'store', '4848, rue Sherbrooke Ouest', 'Westmount'),
  (6, 'ANJO', 'Anjou', 'logistics', '7250, boulevard des Roseraies', 'Anjou'),
  (7, 'SIEG', 'Siège social', 'head_office', '1000, rue De La Gauchetière Ouest', 'Montréal')
ON CONFLICT DO NOTHING;

WITH first_run AS (
  INSERT INTO seed_runs (name) VALUES ('demo_stock') ON CONFLICT DO NOTHING RETURNING name
), wanted AS (
  SELECT l.id AS location_id, p.id AS product_id,
         CASE WHEN l.type = 'logistics' THEN 100 ELSE 10 + ((l.id * 7 + p.id * 11) % 31) END AS quantity,
         CASE WHEN l.type = 'logistics' THEN 20 ELSE 5 END AS reorder_point
  FROM first_run, locations l, generate_series(1, 18) AS p(id)
  WHERE l.id BETWEEN 1 AND 6
), stocked AS (
  INSERT INTO stock (location_id, product_id, on_hand, reorder_point)
  SELECT location_id, product_id, quantity, reorder_point FROM wanted
  ON CONFLICT DO NOTHING
  RETURNING location_id, product_id, on_hand, reserved, reorder_point
), moved AS (
  INSERT INTO movements (idempotency_key, location_id, product_id, quantity, reason, reference, note,
                         actor_subject, actor_role, on_hand_after, adjustment_reason)
  SELECT 'seed:demo', location_id, product_id, on_hand, 'adjustment', 'seed:demo', 'demo data',
         'system', 'system', on_hand, 'initial_stock'
  FROM stocked
  RETURNING id, location_id, product_id, quantity, on_hand_after
), events AS (
  SELECT gen_random_uuid() AS event_id, m.id AS movement_id, m.location_id, m.product_id, m.quantity,
         m.on_hand_after, s.reserved, s.reorder_point
  FROM moved m JOIN stocked s USING (location_id, product_id)
)
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT event_id, 'stock', location_id || ':' || product_id, 'StockChanged',
       jsonb_build_object('id', event_id::text, 'type', 'StockChanged', 'source', 'inventory',
                          'occurred_at', f_rfc3339(now()), 'correlation_id', 'seed:demo',
                          'data', jsonb_build_object('movement_id', movement_id, 'location_id', location_id,
                                                     'product_id', product_id, 'quantity', quantity,
                                                     'on_hand', on_hand_after, 'reserved', reserved,
                                                     'available', on_hand_after - reserved,
                                                     'reorder_point', reorder_point,
                                                     'reason', 'adjustment', 'reference', 'seed:demo'))
FROM events;

-- Issue 15 (ADR 0170): the goods weighed at the stores' counters (products 19 Fromage Oka, 20 Saumon fumé), counted
-- in labelled pieces, at the stores only; a run of its own so that databases seeded before it get them too.
WITH first_run AS (
  INSERT INTO seed_runs (name) VALUES ('demo_stock_weighed') ON CONFLICT DO NOTHING RETURNING name
), wanted AS (
  SELECT l.id AS location_id, p.id AS product_id,
         CASE WHEN l.type = 'logistics' THEN 100 ELSE 10 + ((l.id * 7 + p.id * 11) % 31) END AS quantity,
         CASE WHEN l.type = 'logistics' THEN 20 ELSE 5 END AS reorder_point
  FROM first_run, locations l, generate_series(19, 20) AS p(id)
  WHERE l.id BETWEEN 1 AND 5
), stocked AS (
  INSERT INTO stock (location_id, product_id, on_hand, reorder_point)
  SELECT location_id, product_id, quantity, reorder_point FROM wanted
  ON CONFLICT DO NOTHING
  RETURNING location_id, product_id, on_hand, reserved, reorder_point
), moved AS (
  INSERT INTO movements (idempotency_key, location_id, product_id, quantity, reason, reference, note,
                         actor_subject, actor_role, on_hand_after, adjustment_reason)
  SELECT 'seed:demo', location_id, product_id, on_hand, 'adjustment', 'seed:demo', 'demo data',
         'system', 'system', on_hand, 'initial_stock'
  FROM stocked
  RETURNING id, location_id, product_id, quantity, on_hand_after
), events AS (
  SELECT gen_random_uuid() AS event_id, m.id AS movement_id, m.location_id, m.product_id, m.quantity,
         m.on_hand_after, s.reserved, s.reorder_point
  FROM moved m JOIN stocked s USING (location_id, product_id)
)
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT event_id, 'stock', location_id || ':' || product_id, 'StockChanged',
       jsonb_build_object('id', event_id::text, 'type', 'StockChanged', 'source', 'inventory',
                          'occurred_at', f_rfc3339(now()), 'correlation_id', 'seed:demo',
                          'data', jsonb_build_object('movement_id', movement_id, 'location_id', location_id,
                                                     'product_id', product_id, 'quantity', quantity,
                                                     'on_hand', on_hand_after, 'reserved', reserved,
                                                     'available', on_hand_after - reserved,
                                                     'reorder_point', reorder_point,
                                                     'reason', 'adjustment', 'reference', 'seed:demo'))
FROM events;
