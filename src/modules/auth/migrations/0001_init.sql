-- The auth schema and its role (nelo_auth) are created by the platform migrator, and the event
-- outbox/inbox tables by the shared events template; the module's own tables follow in later files.
COMMENT ON SCHEMA auth IS 'Nelo auth module';
