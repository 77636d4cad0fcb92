-- The saga with orders (docs/api/payments.md, "The saga"). A card payment's authorization is asked
-- at most once, by the order's placement request, which alone ever holds the card token: when it
-- is asked is recorded before the provider is called, so that the sweep can tell a payment whose
-- token was lost (a crash between the order's commit and the call: failed after the authorization
-- timeout) from one the provider is still deciding (tok_slow, 3-D Secure).
ALTER TABLE payments.payments
  ADD COLUMN authorization_requested_at timestamptz,
  -- While the provider waits for the customer's confirmation (3-D Secure): the page to open.
  ADD COLUMN action_url text CHECK (char_length(action_url) BETWEEN 1 AND 500);
