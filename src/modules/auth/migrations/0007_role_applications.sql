-- Merchant and driver roles are applied for, not self-granted: a registration (or a signed-in
-- customer) asking for one leaves an application here, and the account gets the role only when
-- an admin approves it.
CREATE TABLE auth.role_applications (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  role        text        NOT NULL,
  status      text        NOT NULL DEFAULT 'pending',
  created_at  timestamptz NOT NULL DEFAULT now(),
  decided_at  timestamptz,
  decided_by  uuid,
  CONSTRAINT role_applications_role CHECK (role IN ('merchant', 'driver')),
  CONSTRAINT role_applications_status CHECK (status IN ('pending', 'approved', 'rejected')),
  CONSTRAINT role_applications_decision CHECK ((status = 'pending') = (decided_at IS NULL))
);

-- One open application per account and role.
CREATE UNIQUE INDEX role_applications_one_pending_idx ON auth.role_applications (user_id, role)
  WHERE status = 'pending';
-- The admin queue: by status, in creation order (ids are UUIDv7).
CREATE INDEX role_applications_status_idx ON auth.role_applications (status, id);
