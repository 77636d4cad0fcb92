-- The admin list of deliveries beyond the active ones (deliveries_active, 0003): by state (the
-- delivered, failed or cancelled ones of a day) and by driver, each newest first, so that every
-- page is an index range scan however deep the cursor goes.
CREATE INDEX deliveries_by_status ON deliveries.deliveries (status, created_at DESC, id DESC);
CREATE INDEX deliveries_by_driver ON deliveries.deliveries (driver_id, created_at DESC, id DESC)
  WHERE driver_id IS NOT NULL;
