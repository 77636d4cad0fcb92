-- The deliveries schema and its role (nelo_deliveries) are created by the platform migrator, and the event
-- outbox/inbox tables by the shared events template; the module's own tables follow in later files.
COMMENT ON SCHEMA deliveries IS 'Nelo deliveries module';
