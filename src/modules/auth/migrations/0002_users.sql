-- Accounts: credentials and roles. Profiles (phone, addresses, ...) belong to the users module,
-- which learns about new accounts from the user.registered event.
CREATE TABLE auth.users (
  id            uuid        PRIMARY KEY,
  email         text        NOT NULL,
  password_hash text        NOT NULL,
  name          text        NOT NULL,
  roles         text[]      NOT NULL,
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email),
  -- The service normalises (trim + ASCII lower-case); the database refuses anything else, so two
  -- spellings of one address can never both exist.
  CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email)) AND char_length(email) BETWEEN 3 AND 254),
  CONSTRAINT users_password_hash_argon2id CHECK (password_hash LIKE '$argon2id$%'),
  CONSTRAINT users_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
  CONSTRAINT users_roles_known CHECK (
    cardinality(roles) >= 1 AND roles <@ ARRAY['customer', 'merchant', 'driver', 'admin']::text[])
);

-- Admin list filtered by role.
CREATE INDEX users_roles_idx ON auth.users USING gin (roles);
