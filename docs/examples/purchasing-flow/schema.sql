-- Tables and sample data of the four datasources of docs/examples/purchasing-flow.
-- A psql script (it switches databases with \connect): run it through setup.sh, which first creates
-- the databases oms_db, inventory_db, supplier_db and uom_db when they are missing.
-- Safe to run again: tables are created when missing and the sample rows are reset.
--
-- Three products:
--   PROD-001  stock below the reorder point, shortage above the MOQ  -> reorder, auto-approved
--   PROD-002  plenty of stock                                        -> no reorder
--   PROD-003  large shortage, MOQ raises it, order above 5000        -> reorder, needs approval

\connect oms_db
CREATE TABLE IF NOT EXISTS oms_history (
  product_id       text PRIMARY KEY,
  avg_daily_demand numeric(10, 2) NOT NULL, -- units sold per day, averaged over period_days
  period_days      integer NOT NULL,
  trend            text NOT NULL CHECK (trend IN ('increasing', 'stable', 'decreasing'))
);
INSERT INTO oms_history (product_id, avg_daily_demand, period_days, trend) VALUES
  ('PROD-001', 12.50, 28, 'increasing'),
  ('PROD-002',  4.00, 28, 'stable'),
  ('PROD-003', 40.00, 28, 'increasing')
ON CONFLICT (product_id) DO UPDATE SET avg_daily_demand = EXCLUDED.avg_daily_demand,
  period_days = EXCLUDED.period_days, trend = EXCLUDED.trend;

\connect inventory_db
CREATE TABLE IF NOT EXISTS stock_levels (
  product_id   text PRIMARY KEY,
  warehouse    text NOT NULL,
  on_hand      integer NOT NULL CHECK (on_hand >= 0),
  reserved     integer NOT NULL CHECK (reserved >= 0),  -- promised to open sales orders
  safety_stock integer NOT NULL CHECK (safety_stock >= 0)
);
INSERT INTO stock_levels (product_id, warehouse, on_hand, reserved, safety_stock) VALUES
  ('PROD-001', 'WH-NORTH',  60, 10,  20),
  ('PROD-002', 'WH-NORTH', 200, 30,  10),
  ('PROD-003', 'WH-SOUTH', 150, 50, 100)
ON CONFLICT (product_id) DO UPDATE SET warehouse = EXCLUDED.warehouse, on_hand = EXCLUDED.on_hand,
  reserved = EXCLUDED.reserved, safety_stock = EXCLUDED.safety_stock;

\connect supplier_db
CREATE TABLE IF NOT EXISTS supplier_offers (
  product_id     text NOT NULL,
  supplier_name  text NOT NULL,
  unit_price     numeric(10, 2) NOT NULL CHECK (unit_price > 0),
  moq            integer NOT NULL CHECK (moq > 0),  -- minimum order quantity, in units
  lead_time_days integer NOT NULL CHECK (lead_time_days > 0),
  preferred      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (product_id, supplier_name)
);
-- One preferred supplier per product.
CREATE UNIQUE INDEX IF NOT EXISTS supplier_offers_one_preferred
  ON supplier_offers (product_id) WHERE preferred;
INSERT INTO supplier_offers (product_id, supplier_name, unit_price, moq, lead_time_days, preferred) VALUES
  ('PROD-001', 'Acme Components', 18.75,   40,  6, true),
  ('PROD-001', 'Budget Parts',    17.90,  500, 21, false),
  ('PROD-002', 'Acme Components',  9.50,   24,  5, true),
  ('PROD-003', 'Northwind Supply', 6.25, 1000, 14, true)
ON CONFLICT (product_id, supplier_name) DO UPDATE SET unit_price = EXCLUDED.unit_price,
  moq = EXCLUDED.moq, lead_time_days = EXCLUDED.lead_time_days, preferred = EXCLUDED.preferred;

\connect uom_db
CREATE TABLE IF NOT EXISTS uom_conversions (
  product_id     text PRIMARY KEY,
  base_uom       text NOT NULL,  -- the unit stock and demand are counted in
  purchase_uom   text NOT NULL,  -- the unit the supplier sells
  units_per_pack integer NOT NULL CHECK (units_per_pack > 0)
);
INSERT INTO uom_conversions (product_id, base_uom, purchase_uom, units_per_pack) VALUES
  ('PROD-001', 'EA', 'CASE',   12),
  ('PROD-002', 'EA', 'BOX',     6),
  ('PROD-003', 'EA', 'PALLET', 50)
ON CONFLICT (product_id) DO UPDATE SET base_uom = EXCLUDED.base_uom,
  purchase_uom = EXCLUDED.purchase_uom, units_per_pack = EXCLUDED.units_per_pack;
