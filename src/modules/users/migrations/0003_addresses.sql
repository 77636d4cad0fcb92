-- Delivery addresses. The profile row is the per-user lock every address write takes first
-- (SELECT ... FOR UPDATE), which serialises "which address is the default" decisions; the
-- partial unique index is the last line of defence: at most one default per user, whatever
-- the code does.
CREATE TABLE users.addresses (
  id           uuid                   PRIMARY KEY,
  user_id      uuid                   NOT NULL REFERENCES users.profiles (user_id) ON DELETE CASCADE,
  label        text                   NOT NULL CHECK (char_length(label) BETWEEN 1 AND 50),
  line1        text                   NOT NULL CHECK (char_length(line1) BETWEEN 1 AND 200),
  line2        text                   CHECK (char_length(line2) BETWEEN 1 AND 200),
  city         text                   NOT NULL CHECK (char_length(city) BETWEEN 1 AND 100),
  postal_code  text                   NOT NULL CHECK (char_length(postal_code) BETWEEN 1 AND 20),
  country      char(2)                NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  location     geography(Point, 4326) NOT NULL,
  instructions text                   CHECK (char_length(instructions) BETWEEN 1 AND 500),
  is_default   boolean                NOT NULL DEFAULT false,
  created_at   timestamptz            NOT NULL DEFAULT now(),
  updated_at   timestamptz            NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX addresses_one_default_per_user ON users.addresses (user_id) WHERE is_default;
-- Listing (newest first, keyset-paginated) and "most recent remaining" both walk this index.
CREATE INDEX addresses_user_created ON users.addresses (user_id, created_at DESC, id DESC);
