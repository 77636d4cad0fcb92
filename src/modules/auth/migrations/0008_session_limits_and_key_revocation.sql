-- Sessions beyond the per-account cap are revoked with reason 'session_limit'; a signing key
-- revoked by `nelo auth revoke-key` (compromised) stops verifying at once: revoked_at, unlike
-- retired_at, has no overlap and may come before activation.
ALTER TABLE auth.refresh_token_families DROP CONSTRAINT refresh_token_families_revoked_reason;
ALTER TABLE auth.refresh_token_families ADD CONSTRAINT refresh_token_families_revoked_reason CHECK (revoked_reason IN (
  'logout', 'logout_all', 'password_changed', 'reuse_detected', 'user_disabled', 'roles_changed', 'session_limit'));

-- The live sessions of an account, newest first: the cap keeps the first N.
CREATE INDEX refresh_token_families_user_created_idx ON auth.refresh_token_families (user_id, created_at DESC)
  WHERE revoked_at IS NULL;

ALTER TABLE auth.signing_keys ADD COLUMN revoked_at timestamptz;
