-- The highest version of each order whose event was handled: an order event older than it (a
-- retry that arrives after the next step, a replay) tells nobody "being prepared" once the order
-- is delivered. Rows older than the retention are purged with the notifications.
CREATE TABLE notifications.order_progress (
  order_id   uuid        PRIMARY KEY,
  version    integer     NOT NULL CHECK (version >= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_progress_by_age ON notifications.order_progress (updated_at);
