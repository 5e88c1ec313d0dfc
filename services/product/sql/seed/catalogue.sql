-- Demo catalogue (DESIGN §7), run in one transaction by `comptoir seed --service product`.
-- Idempotent and never destructive: rows that exist (same id, SKU or name) are left as they are,
-- so a manager's price change survives re-seeding. Each product actually inserted gets its
-- ProductChanged "created" event, like any other product write. Tax classes (ADR 0140): Café (coffee
-- beans), Thé Vert and Miel are zero-rated basic groceries; Chocolat Noir (confectionery) is taxable.

INSERT INTO categories (id, name, description) VALUES
  (1, 'Électronique', 'Téléphones, ordinateurs, tablettes et accessoires audio.'),
  (2, 'Vêtements', 'Vêtements et chaussures pour toutes les saisons.'),
  (3, 'Alimentation', 'Épicerie fine, boissons et produits du terroir québécois.'),
  (4, 'Maison & Jardin', 'Entretien, décoration et éclairage pour la maison.'),
  (5, 'Sport & Loisirs', 'Équipement de sport et de plein air.')
ON CONFLICT DO NOTHING;

WITH seeded (id, sku, name, description, category_id, price_cents, barcode, scale_code, tax_class) AS (
  VALUES
    (1, 'ELEC-0001', 'iPhone 16 Pro Max', 'Téléphone intelligent Apple, écran 6,9 po, 256 Go, titane naturel.', 1, 129999, '7540001000010', NULL, 'taxable'),
    (2, 'ELEC-0002', 'MacBook Air', 'Ordinateur portable Apple 13 po, puce M3, 16 Go de mémoire, SSD 512 Go.', 1, 109999, '7540001000027', NULL, 'taxable'),
    (3, 'ELEC-0003', 'AirPods Pro', 'Écouteurs sans fil avec réduction active du bruit et boîtier de recharge USB-C.', 1, 25999, '7540001000034', NULL, 'taxable'),
    (4, 'ELEC-0004', 'iPad', 'Tablette Apple 10,9 po, Wi-Fi, 64 Go.', 1, 44999, '7540001000041', NULL, 'taxable'),
    (5, 'VETE-0001', 'T-shirt', 'T-shirt unisexe en coton biologique, coupe classique.', 2, 1999, '7540001000058', NULL, 'taxable'),
    (6, 'VETE-0002', 'Jean', 'Jean coupe droite en denim extensible.', 2, 5999, '7540001000065', NULL, 'taxable'),
    (7, 'VETE-0003', 'Veste d''hiver', 'Veste d''hiver isolée, imperméable, conçue pour les grands froids du Québec.', 2, 12999, '7540001000072', NULL, 'taxable'),
    (8, 'VETE-0004', 'Baskets', 'Chaussures de course légères avec semelle amortissante.', 2, 8999, '7540001000089', NULL, 'taxable'),
    (9, 'ALIM-0001', 'Café', 'Café en grains torréfié à Montréal, mélange équilibré, sac de 340 g.', 3, 1299, '7540001000096', NULL, 'zero_rated'),
    (10, 'ALIM-0002', 'Chocolat Noir', 'Tablette de chocolat noir 70 % cacao, 100 g.', 3, 499, '7540001000102', NULL, 'taxable'),
    (11, 'ALIM-0003', 'Thé Vert', 'Thé vert biologique en feuilles, boîte de 100 g.', 3, 899, '7540001000119', NULL, 'zero_rated'),
    (12, 'ALIM-0004', 'Miel', 'Miel de fleurs sauvages du Québec, pot de 500 g.', 3, 1599, '7540001000126', NULL, 'zero_rated'),
    (13, 'MAIS-0001', 'Aspirateur Dyson', 'Aspirateur balai sans fil Dyson, autonomie de 60 minutes.', 4, 29999, '7540001000133', NULL, 'taxable'),
    (14, 'MAIS-0002', 'Plante Verte', 'Plante d''intérieur facile d''entretien, pot de 15 cm inclus.', 4, 2499, '7540001000140', NULL, 'taxable'),
    (15, 'MAIS-0003', 'Lampe LED', 'Lampe de bureau DEL à intensité réglable, port USB intégré.', 4, 3999, '7540001000157', NULL, 'taxable'),
    (16, 'SPOR-0001', 'Ballon Football', 'Ballon de soccer taille 5, cousu main.', 5, 2999, '7540001000164', NULL, 'taxable'),
    (17, 'SPOR-0002', 'Raquette Tennis', 'Raquette de tennis en graphite, 300 g, cordée.', 5, 7999, '7540001000171', NULL, 'taxable'),
    (18, 'SPOR-0003', 'Vélo VTT', 'Vélo de montagne 21 vitesses, cadre en aluminium, freins à disque.', 5, 49999, '7540001000188', NULL, 'taxable'),
    -- Weighed at the counter (ADR 0170): the scale prints a code with the item code and the price of the piece;
    -- price_cents is the price per kilogram, shown on the shelf. Cheese and fish are basic groceries (ADR 0140).
    (19, 'ALIM-0005', 'Fromage Oka au poids', 'Fromage à pâte demi-ferme affiné au Québec, coupé et pesé au comptoir; prix au kilo.', 3, 3990, NULL, '10001', 'zero_rated'),
    (20, 'ALIM-0006', 'Saumon fumé au poids', 'Saumon de l''Atlantique fumé à froid, tranché et pesé au comptoir; prix au kilo.', 3, 6990, NULL, '10002', 'zero_rated')
), inserted AS (
  INSERT INTO products (id, sku, name, description, category_id, price_cents, barcode, scale_code, tax_class)
  SELECT s.id, s.sku, s.name, s.description, c.id, s.price_cents, s.barcode, s.scale_code, s.tax_class
  FROM seeded s LEFT JOIN categories c ON c.id = s.category_id
  ORDER BY s.id
  ON CONFLICT DO NOTHING
  RETURNING *
)
INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload)
SELECT e.event_id, 'product', e.p->>'id', 'ProductChanged', f_product_changed(e.event_id, e.p, 'created', 'seed')
FROM (SELECT gen_random_uuid() AS event_id, to_jsonb(i) AS p FROM inserted i) e;

-- Explicit ids do not advance the identity sequences: move them past the highest id.
SELECT setval(pg_get_serial_sequence('categories', 'id'), GREATEST((SELECT max(id) FROM categories), 1));
SELECT setval(pg_get_serial_sequence('products', 'id'), GREATEST((SELECT max(id) FROM products), 1));
