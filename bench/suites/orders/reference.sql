-- The fixed reference transaction of bench/run orders: what placing an order minimally costs
-- PostgreSQL (one order row with JSONB snapshots, three item rows, one outbox row).
\set customer random(1, 1000000)
BEGIN;
INSERT INTO bench_ref.orders (id, customer_id, status, currency, subtotal, delivery_fee, service_fee, total,
                              delivery_address, merchant_snapshot, created_at)
VALUES (gen_random_uuid(), md5(:customer::text)::uuid, 'placed', 'EUR', 2450, 299, 123, 2872,
        '{"label":"Home","line1":"12 rue de Rivoli","city":"Paris","postal_code":"75004","country":"FR","lat":48.8556,"lng":2.3601}',
        '{"name":"Chez Bench","phone":"+33140000000","address":"1 place du Bench, 75001 Paris","lat":48.8606,"lng":2.3376}',
        now())
RETURNING id AS order_id \gset
INSERT INTO bench_ref.order_items (order_id, line_no, product_id, name, unit_price, quantity)
VALUES (:order_id::uuid, 1, gen_random_uuid(), 'Margherita', 1100, 1),
       (:order_id::uuid, 2, gen_random_uuid(), 'Tiramisu', 650, 1),
       (:order_id::uuid, 3, gen_random_uuid(), 'Lemonade', 350, 2);
INSERT INTO bench_ref.outbox (id, name, payload, occurred_at)
VALUES (gen_random_uuid(), 'order.created', jsonb_build_object('order_id', :order_id::uuid, 'total', 2872), now());
COMMIT;
