-- ES256 keys that sign access tokens. The private key is sealed (XSalsa20-Poly1305) under
-- NELO_JWT_KEY_ENCRYPTION_KEY, so a dump of this table alone reveals nothing usable. A key signs
-- from activated_at (set a little in the future on rotation, so every instance knows it before it
-- is used) and verifies until retired_at (the previous key keeps verifying for an access-token
-- lifetime after its successor took over).
CREATE TABLE auth.signing_keys (
  kid                text        PRIMARY KEY,
  algorithm          text        NOT NULL DEFAULT 'ES256',
  public_pem         text        NOT NULL,
  private_key_sealed text        NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  activated_at       timestamptz NOT NULL,
  retired_at         timestamptz,
  CONSTRAINT signing_keys_algorithm CHECK (algorithm = 'ES256'),
  CONSTRAINT signing_keys_sealed_format CHECK (private_key_sealed LIKE 'v1:%'),
  CONSTRAINT signing_keys_retired_after_activation CHECK (retired_at IS NULL OR retired_at > activated_at)
);
