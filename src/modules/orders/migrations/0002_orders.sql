-- Orders, their lines and their status history. Everything an order needs from other modules is
-- copied here when it is placed (architecture rule 4): customer, merchant and products are plain
-- uuids without foreign keys, and the snapshots below never change afterwards.
-- Amounts are integer minor units of `currency` (the merchant's). Points are geography(Point, 4326).
CREATE TABLE orders.orders (
  id                uuid                   PRIMARY KEY,
  customer_id       uuid                   NOT NULL,
  merchant_id       uuid                   NOT NULL,
  merchant_owner_id uuid                   NOT NULL,
  status            text                   NOT NULL CHECK (status IN ('pending_payment', 'placed', 'accepted',
                                             'preparing', 'ready_for_pickup', 'picked_up', 'delivered',
                                             'rejected', 'cancelled')),
  payment_method    text                   NOT NULL CHECK (payment_method IN ('card', 'cash')),
  currency          char(3)                NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal          bigint                 NOT NULL CHECK (subtotal >= 0),
  delivery_fee      bigint                 NOT NULL CHECK (delivery_fee >= 0),
  service_fee       bigint                 NOT NULL CHECK (service_fee >= 0),
  total             bigint                 NOT NULL,
  distance_m        integer                NOT NULL CHECK (distance_m >= 0),
  notes             text                   CHECK (char_length(notes) BETWEEN 1 AND 500),
  -- {address_id, label, line1, line2, city, postal_code, country, instructions}
  delivery_address  jsonb                  NOT NULL CHECK (jsonb_typeof(delivery_address) = 'object'),
  dropoff           geography(Point, 4326) NOT NULL,
  -- {name, phone, address, time_zone, prep_time_minutes}
  merchant_snapshot jsonb                  NOT NULL CHECK (jsonb_typeof(merchant_snapshot) = 'object'),
  pickup            geography(Point, 4326) NOT NULL,
  -- {name, phone}
  customer_snapshot jsonb                  NOT NULL CHECK (jsonb_typeof(customer_snapshot) = 'object'),
  version           integer                NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at        timestamptz            NOT NULL DEFAULT now(),
  updated_at        timestamptz            NOT NULL DEFAULT now(),
  CHECK (total = subtotal + delivery_fee + service_fee)
);

-- The lists (newest first, keyset-paginated on (created_at, id)): a customer's orders, a merchant
-- owner's, everyone's (admins); each with and without a status filter.
CREATE INDEX orders_customer_created ON orders.orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_customer_status_created ON orders.orders (customer_id, status, created_at DESC, id DESC);
CREATE INDEX orders_owner_created ON orders.orders (merchant_owner_id, created_at DESC, id DESC);
CREATE INDEX orders_owner_status_created ON orders.orders (merchant_owner_id, status, created_at DESC, id DESC);
CREATE INDEX orders_created ON orders.orders (created_at DESC, id DESC);
CREATE INDEX orders_status_created ON orders.orders (status, created_at DESC, id DESC);

-- The products as they were priced when the order was placed.
CREATE TABLE orders.order_items (
  order_id   uuid     NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
  line_no    smallint NOT NULL CHECK (line_no BETWEEN 1 AND 50),
  product_id uuid     NOT NULL,
  name       text     NOT NULL CHECK (char_length(name) >= 1),
  unit_price bigint   NOT NULL CHECK (unit_price >= 0),
  quantity   integer  NOT NULL CHECK (quantity BETWEEN 1 AND 50),
  line_total bigint   NOT NULL,
  PRIMARY KEY (order_id, line_no),
  UNIQUE (order_id, product_id),
  CHECK (line_total = unit_price * quantity)
);

-- Every state an order went through, written in the transaction that changed it. The creation
-- is the row with from_status NULL; `id` orders rows of one transaction (they share `at`).
CREATE TABLE orders.status_history (
  id          bigserial   PRIMARY KEY,
  order_id    uuid        NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
  from_status text,
  to_status   text        NOT NULL,
  action      text,
  actor_kind  text        NOT NULL CHECK (actor_kind IN ('customer', 'merchant', 'admin', 'system')),
  actor_id    uuid,
  reason      text        CHECK (char_length(reason) BETWEEN 1 AND 500),
  at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((from_status IS NULL) = (action IS NULL)),
  CHECK ((actor_kind = 'system') = (actor_id IS NULL))
);
CREATE INDEX status_history_order ON orders.status_history (order_id, id);
