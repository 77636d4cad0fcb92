-- order.created no longer carries the card token (it goes to payments during the placement
-- request, and nowhere else: docs/api/payments.md, "The saga"). Events written before that kept it
-- in their payload until the outbox's retention purge: remove it from them now.
UPDATE orders.outbox SET payload = payload #- '{payment,token}'
 WHERE name = 'order.created' AND payload->'payment' ? 'token';
