-- The realtime schema and its role (nelo_realtime) are created by the platform migrator, and the event
-- outbox/inbox tables by the shared events template. The gateway keeps no state of its own in the
-- database: its inbox records the events it fanned out (order.*, delivery.*, notification.created).
COMMENT ON SCHEMA realtime IS 'Nelo real-time gateway (WebSocket fan-out)';
