-- Throttle counters impose a growing wait between attempts past their allowance instead of a
-- lock until the window ends: next_attempt_at is when the key accepts its next attempt. Keys are
-- now 'pair:<email> <address>', 'address:<address>', 'account:<email>' (the much higher ceiling
-- against distributed guessing) and 'register:<address>'.
ALTER TABLE auth.login_throttle ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
DELETE FROM auth.login_throttle;
