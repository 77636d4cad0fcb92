-- Refresh-token families and their tokens. A login starts a family (its id is the access tokens'
-- "sid" claim: one family is one session); every refresh marks the presented token used and adds
-- the next one to the family. Presenting a used token again revokes the family (reuse detection).
-- The family row is the session's single point of truth for revocation and the lock that orders a
-- refresh against a concurrent revocation. Only the SHA-256 of a token is stored.
CREATE TABLE auth.refresh_token_families (
  id             uuid        PRIMARY KEY,
  user_id        uuid        NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  -- Expiry of the family's newest token: past it nothing in the family can be used any more.
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text,
  CONSTRAINT refresh_token_families_revocation CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
  CONSTRAINT refresh_token_families_revoked_reason CHECK (revoked_reason IN (
    'logout', 'logout_all', 'password_changed', 'reuse_detected', 'user_disabled', 'roles_changed'))
);

-- Revoking every session of a user.
CREATE INDEX refresh_token_families_live_user_idx ON auth.refresh_token_families (user_id)
  WHERE revoked_at IS NULL;
-- Recently revoked sessions, which every instance reloads to refuse their access tokens at once.
CREATE INDEX refresh_token_families_revoked_at_idx ON auth.refresh_token_families (revoked_at)
  WHERE revoked_at IS NOT NULL;
CREATE INDEX refresh_token_families_expires_at_idx ON auth.refresh_token_families (expires_at);

CREATE TABLE auth.refresh_tokens (
  id         uuid        PRIMARY KEY,
  family_id  uuid        NOT NULL REFERENCES auth.refresh_token_families (id) ON DELETE CASCADE,
  user_id    uuid        NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  token_hash text        NOT NULL,
  issued_at  timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash),
  CONSTRAINT refresh_tokens_token_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT refresh_tokens_expiry CHECK (expires_at > issued_at)
);

CREATE INDEX refresh_tokens_family_idx ON auth.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_at_idx ON auth.refresh_tokens (expires_at);
