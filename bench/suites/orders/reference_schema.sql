-- Tables for the reference transaction (bench/suites/orders/reference.sql).
CREATE SCHEMA IF NOT EXISTS bench_ref;
CREATE TABLE bench_ref.orders (
  id uuid PRIMARY KEY, customer_id uuid NOT NULL, status text NOT NULL, currency char(3) NOT NULL,
  subtotal bigint NOT NULL, delivery_fee bigint NOT NULL, service_fee bigint NOT NULL, total bigint NOT NULL,
  delivery_address jsonb NOT NULL, merchant_snapshot jsonb NOT NULL, created_at timestamptz NOT NULL);
CREATE INDEX ON bench_ref.orders (customer_id, created_at DESC);
CREATE TABLE bench_ref.order_items (
  order_id uuid NOT NULL REFERENCES bench_ref.orders (id), line_no smallint NOT NULL, product_id uuid NOT NULL,
  name text NOT NULL, unit_price bigint NOT NULL, quantity integer NOT NULL, PRIMARY KEY (order_id, line_no));
CREATE TABLE bench_ref.outbox (
  id uuid PRIMARY KEY, name text NOT NULL, payload jsonb NOT NULL, occurred_at timestamptz NOT NULL);
