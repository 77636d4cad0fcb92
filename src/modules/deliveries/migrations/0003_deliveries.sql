-- Dispatch: deliveries, the offers made to drivers, and who holds each delivery. Orders, customers,
-- merchants and drivers are plain uuids without foreign keys (architecture rule 3); what a
-- delivery needs of its order is copied here (rule 4). Points are WGS 84 degrees.

-- What an order.created event told us, kept until order.accepted makes a delivery of it (or the
-- order is rejected or cancelled first). order.accepted itself carries no addresses.
CREATE TABLE deliveries.order_snapshots (
  order_id          uuid        PRIMARY KEY,
  customer_id       uuid        NOT NULL,
  merchant_id       uuid        NOT NULL,
  merchant_owner_id uuid        NOT NULL,
  -- {name, phone, address, lat, lng}
  pickup            jsonb       NOT NULL CHECK (jsonb_typeof(pickup) = 'object'),
  -- {customer_first_name, address, instructions, notes, lat, lng}
  dropoff           jsonb       NOT NULL CHECK (jsonb_typeof(dropoff) = 'object'),
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deliveries.deliveries (
  id                uuid        PRIMARY KEY,
  -- One delivery per order: a redelivered order.accepted creates nothing twice.
  order_id          uuid        NOT NULL UNIQUE,
  customer_id       uuid        NOT NULL,
  merchant_id       uuid        NOT NULL,
  merchant_owner_id uuid        NOT NULL,
  status            text        NOT NULL CHECK (status IN ('pending', 'offered', 'assigned', 'at_pickup',
                                  'picked_up', 'at_dropoff', 'delivered', 'cancelled', 'failed')),
  pickup_name       text        NOT NULL,
  pickup_phone      text        NOT NULL,
  pickup_address    text        NOT NULL,
  pickup_lat        float8      NOT NULL CHECK (pickup_lat BETWEEN -90 AND 90),
  pickup_lng        float8      NOT NULL CHECK (pickup_lng BETWEEN -180 AND 180),
  dropoff_first_name text       NOT NULL,
  dropoff_address   text        NOT NULL,
  dropoff_instructions text,
  dropoff_notes     text,
  dropoff_lat       float8      NOT NULL CHECK (dropoff_lat BETWEEN -90 AND 90),
  dropoff_lng       float8      NOT NULL CHECK (dropoff_lng BETWEEN -180 AND 180),
  pin               char(4)     NOT NULL CHECK (pin ~ '^[0-9]{4}$'),
  pin_attempts      smallint    NOT NULL DEFAULT 0 CHECK (pin_attempts >= 0),
  -- The driver holding it (mirror of the active assignment), null while nobody does.
  driver_id         uuid,
  failure_reason    text        CHECK (char_length(failure_reason) BETWEEN 1 AND 500),
  -- Dispatch's bookkeeping: the ring searched last, when to search again, when it went out
  -- unassigned (delivery.unassigned published once per wait).
  search_radius_m   integer,
  next_search_at    timestamptz,
  waiting_since     timestamptz NOT NULL DEFAULT now(),
  unassigned_at     timestamptz,
  version           integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  assigned_at       timestamptz,
  picked_up_at      timestamptz,
  delivered_at      timestamptz
);
-- The dispatcher's queue: deliveries waiting for a driver, soonest search first.
CREATE INDEX deliveries_waiting ON deliveries.deliveries (next_search_at) WHERE status = 'pending';
-- The admin list of active deliveries, newest first.
CREATE INDEX deliveries_active ON deliveries.deliveries (created_at DESC, id DESC)
  WHERE status NOT IN ('delivered', 'cancelled', 'failed');

-- Every state a delivery went through, written in the transaction that changed it.
CREATE TABLE deliveries.status_history (
  id          bigserial   PRIMARY KEY,
  delivery_id uuid        NOT NULL REFERENCES deliveries.deliveries (id) ON DELETE CASCADE,
  from_status text,
  to_status   text        NOT NULL,
  action      text,
  actor_kind  text        NOT NULL CHECK (actor_kind IN ('driver', 'admin', 'system')),
  actor_id    uuid,
  reason      text        CHECK (char_length(reason) BETWEEN 1 AND 500),
  at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((actor_kind = 'system') = (actor_id IS NULL))
);
CREATE INDEX status_history_delivery ON deliveries.status_history (delivery_id, id);

-- Offers: a driver may take the delivery until expires_at. The deadline lives here, not only in a
-- timer, so that a restarted server still expires what was offered before it stopped.
CREATE TABLE deliveries.offers (
  id          uuid        PRIMARY KEY,
  delivery_id uuid        NOT NULL REFERENCES deliveries.deliveries (id) ON DELETE CASCADE,
  driver_id   uuid        NOT NULL,
  status      text        NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
  distance_m  integer     NOT NULL CHECK (distance_m >= 0),
  eta_seconds integer     NOT NULL CHECK (eta_seconds >= 0),
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  answered_at timestamptz,
  -- A driver is offered a delivery once: a decline is final.
  UNIQUE (delivery_id, driver_id)
);
CREATE INDEX offers_expiring ON deliveries.offers (expires_at) WHERE status = 'pending';
CREATE INDEX offers_driver_pending ON deliveries.offers (driver_id, expires_at) WHERE status = 'pending';

-- Who holds a delivery. The partial unique index is the guarantee that exactly one driver does:
-- of concurrent accepts, the database lets one insert win and refuses the others.
CREATE TABLE deliveries.assignments (
  id          uuid        PRIMARY KEY,
  delivery_id uuid        NOT NULL REFERENCES deliveries.deliveries (id) ON DELETE CASCADE,
  driver_id   uuid        NOT NULL,
  offer_id    uuid        REFERENCES deliveries.offers (id),
  active      boolean     NOT NULL DEFAULT true,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz,
  CHECK (active = (ended_at IS NULL))
);
CREATE UNIQUE INDEX assignments_one_active ON deliveries.assignments (delivery_id) WHERE active;
CREATE INDEX assignments_driver_active ON deliveries.assignments (driver_id) WHERE active;
