-- The demo datasource `demo_db` (worker-db: DATASOURCE_DEMO_DB_URL). Safe to run again.
CREATE TABLE IF NOT EXISTS products (
  id    text PRIMARY KEY,
  name  text NOT NULL,
  price numeric(10, 2) NOT NULL,
  stock integer NOT NULL
);
INSERT INTO products (id, name, price, stock) VALUES
  ('P-100', 'Espresso beans 1 kg', 18.50, 42),
  ('P-200', 'Milk frother', 34.90, 5),
  ('P-300', 'Paper filters (100)', 3.20, 0)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price, stock = EXCLUDED.stock;
