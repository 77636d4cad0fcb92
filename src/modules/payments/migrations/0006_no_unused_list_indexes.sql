-- 0002 indexed a customer's and a merchant owner's payments, newest first, for lists that were
-- never built: no route or command reads payments by customer or by owner (a customer sees a
-- payment through its order). Every payment's insert and every move that could not stay on its
-- page (the provider's answer, a capture) wrote both for nothing. A list that needs one brings its
-- index with it.
DROP INDEX payments.payments_customer_created;
DROP INDEX payments.payments_owner_created;
