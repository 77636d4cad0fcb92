-- An order's two points (the delivery address and the merchant, as they were when it was placed)
-- become plain latitude and longitude columns. They are snapshots, read on every GET of the
-- order and never searched by place: as geography values each read converted them back to
-- numbers with four PostGIS calls, which cost about a fifth of the query. Spatial data the
-- platform does search (merchants near a customer, drivers near a pickup) stays in PostGIS, in
-- the modules that own it.
ALTER TABLE orders.orders
  ADD COLUMN dropoff_lat double precision,
  ADD COLUMN dropoff_lng double precision,
  ADD COLUMN pickup_lat double precision,
  ADD COLUMN pickup_lng double precision;

UPDATE orders.orders
SET dropoff_lat = ST_Y(dropoff::geometry), dropoff_lng = ST_X(dropoff::geometry),
    pickup_lat = ST_Y(pickup::geometry), pickup_lng = ST_X(pickup::geometry);

ALTER TABLE orders.orders
  ALTER COLUMN dropoff_lat SET NOT NULL,
  ALTER COLUMN dropoff_lng SET NOT NULL,
  ALTER COLUMN pickup_lat SET NOT NULL,
  ALTER COLUMN pickup_lng SET NOT NULL,
  DROP COLUMN dropoff,
  DROP COLUMN pickup;
