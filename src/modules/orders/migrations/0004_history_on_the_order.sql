-- An order's status history becomes a document of the order row, like its lines: it is short
-- (one entry per transition), only ever appended to in the transaction that changes the status,
-- and always read with the order, so GET /orders/{id} no longer aggregates rows of another table
-- and a status change no longer writes a second row with its index entries and foreign-key check.
-- Each entry: {from_status, to_status, action, actor_kind, actor_id, reason, at}, oldest first;
-- the creation has from_status and action null.
ALTER TABLE orders.orders ADD COLUMN history jsonb;

UPDATE orders.orders o
SET history = (
  SELECT COALESCE(jsonb_agg(jsonb_build_object('from_status', h.from_status, 'to_status', h.to_status,
                                               'action', h.action, 'actor_kind', h.actor_kind,
                                               'actor_id', h.actor_id, 'reason', h.reason, 'at', h.at)
                            ORDER BY h.id), '[]'::jsonb)
  FROM orders.status_history h
  WHERE h.order_id = o.id);

-- The history starts with the creation and ends in the order's current status.
ALTER TABLE orders.orders
  ALTER COLUMN history SET NOT NULL,
  ADD CONSTRAINT orders_history_valid CHECK (
    jsonb_typeof(history) = 'array'
    AND jsonb_array_length(history) >= 1
    AND history->0->'from_status' = 'null'::jsonb
    AND history->-1->>'to_status' = status);

DROP TABLE orders.status_history;
