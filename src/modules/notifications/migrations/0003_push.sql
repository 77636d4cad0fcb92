-- Push: the devices of each user, the pushes to send (an outbox written in the transaction of
-- the notification, sent by a periodic sender: at least once, never lost) and every attempt.
CREATE TABLE notifications.devices (
  id         uuid        PRIMARY KEY,
  user_id    uuid        NOT NULL,
  platform   text        NOT NULL CHECK (platform IN ('ios', 'android', 'web')),
  token      text        NOT NULL CHECK (char_length(token) BETWEEN 1 AND 4096),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT devices_one_per_token UNIQUE (token)
);
CREATE INDEX devices_by_user ON notifications.devices (user_id, created_at);

-- device_id has no foreign key: a device removed (by its user, or as an invalid token) leaves its
-- pushes, and the failed ones stay visible to admins.
CREATE TABLE notifications.pushes (
  id               uuid        PRIMARY KEY,
  notification_id  uuid        NOT NULL REFERENCES notifications.notifications (id) ON DELETE CASCADE,
  device_id        uuid        NOT NULL,
  user_id          uuid        NOT NULL,
  platform         text        NOT NULL,
  status           text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
  attempts         integer     NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  last_http_status integer,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  CONSTRAINT pushes_once_per_device UNIQUE (notification_id, device_id)
);
CREATE INDEX pushes_due ON notifications.pushes (next_attempt_at) WHERE status = 'pending';
CREATE INDEX pushes_failed ON notifications.pushes (created_at DESC, id DESC) WHERE status = 'failed';

CREATE TABLE notifications.push_attempts (
  push_id     uuid        NOT NULL REFERENCES notifications.pushes (id) ON DELETE CASCADE,
  attempt     integer     NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  outcome     text        NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed', 'invalid_token', 'dropped')),
  http_status integer,
  error       text,
  PRIMARY KEY (push_id, attempt)
);
