-- The orders schema and its role (nelo_orders) are created by the platform migrator, and the event
-- outbox/inbox tables by the shared events template; the module's own tables follow in later files.
COMMENT ON SCHEMA orders IS 'Nelo orders module';
