-- Failed-login counters in fixed windows, one row per key: 'account:<normalised email>' or
-- 'address:<client address>'. Kept in the database so that every instance counts together.
CREATE TABLE auth.login_throttle (
  key               text        PRIMARY KEY,
  failures          integer     NOT NULL CHECK (failures >= 0),
  window_started_at timestamptz NOT NULL
);

CREATE INDEX login_throttle_window_idx ON auth.login_throttle (window_started_at);
