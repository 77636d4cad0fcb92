-- The purge of notifications past their retention (services/inbox_purge.cpp) walks this index;
-- their pushes and attempts go with them (ON DELETE CASCADE).
CREATE INDEX notifications_by_age ON notifications.notifications (created_at);
