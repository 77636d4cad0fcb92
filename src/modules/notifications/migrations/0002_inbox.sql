-- The in-app inbox: one row per (event, recipient). The unique key is what makes a redelivered
-- event harmless even if it ever got past the bus's inbox (docs/api/notifications.md). recipient_id
-- is an account id (auth): a plain uuid, no foreign key leaves the schema. in_app is the
-- recipient's preference when it was written: a row with in_app false exists for its pushes and
-- its real-time event, and never shows in the inbox.
CREATE TABLE notifications.notifications (
  id           uuid        PRIMARY KEY,
  event_id     uuid        NOT NULL,
  event_name   text        NOT NULL,
  recipient_id uuid        NOT NULL,
  audience     text        NOT NULL CHECK (audience IN ('customer', 'merchant', 'driver', 'admin')),
  category     text        NOT NULL,
  locale       text        NOT NULL CHECK (locale IN ('fr', 'en')),
  title        text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  body         text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  in_app       boolean     NOT NULL,
  read_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT notifications_once_per_event UNIQUE (event_id, recipient_id)
);

-- The inbox, newest first, and its unread part (the count and ?unread=true).
CREATE INDEX notifications_inbox ON notifications.notifications (recipient_id, created_at DESC, id DESC)
  WHERE in_app;
CREATE INDEX notifications_unread ON notifications.notifications (recipient_id, created_at DESC, id DESC)
  WHERE in_app AND read_at IS NULL;

-- A user's choices per category; a category without a row takes the defaults
-- (modules/notifications/preferences.cpp).
CREATE TABLE notifications.preferences (
  user_id    uuid        NOT NULL,
  category   text        NOT NULL,
  in_app     boolean     NOT NULL,
  push       boolean     NOT NULL,
  realtime   boolean     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, category)
);
