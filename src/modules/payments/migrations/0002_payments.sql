-- Payments, their refunds and the provider events already applied. Orders, customers and merchants
-- are plain uuids without foreign keys (architecture rule 3); what a payment needs of its order
-- (who pays, who is paid, the amounts) is copied here when it is created (rule 4).
-- Amounts are integer minor units of `currency`. A card token is never stored anywhere: only the
-- provider's reference for the payment and the last four digits it returns.
CREATE TABLE payments.payments (
  id                 uuid        PRIMARY KEY,
  -- One payment per order: a redelivered order event creates nothing twice.
  order_id           uuid        NOT NULL UNIQUE,
  customer_id        uuid        NOT NULL,
  merchant_id        uuid        NOT NULL,
  merchant_owner_id  uuid        NOT NULL,
  method             text        NOT NULL CHECK (method IN ('card', 'cash')),
  -- Which PaymentProvider handles it ('sandbox', 'cash', ...), and its id for the payment there
  -- (null until the provider answered).
  provider           text        NOT NULL CHECK (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  provider_reference text        CHECK (char_length(provider_reference) BETWEEN 1 AND 200),
  card_brand         text        CHECK (char_length(card_brand) BETWEEN 1 AND 40),
  card_last4         char(4)     CHECK (card_last4 ~ '^[0-9]{4}$'),
  currency           char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The order's total and its split, for the ledger: the merchant's part and the platform's fees.
  amount             bigint      NOT NULL CHECK (amount > 0),
  subtotal           bigint      NOT NULL CHECK (subtotal >= 0),
  delivery_fee       bigint      NOT NULL CHECK (delivery_fee >= 0),
  service_fee        bigint      NOT NULL CHECK (service_fee >= 0),
  status             text        NOT NULL CHECK (status IN ('requires_authorization', 'authorized', 'captured',
                                   'partially_refunded', 'refunded', 'failed', 'voided')),
  captured_amount    bigint      NOT NULL DEFAULT 0,
  refunded_amount    bigint      NOT NULL DEFAULT 0,
  -- Why the provider declined: a stable code ('card_declined', 'insufficient_funds', ...) and a
  -- message the customer can read.
  failure_code       text        CHECK (failure_code ~ '^[a-z][a-z0-9_]{0,63}$'),
  failure_message    text        CHECK (char_length(failure_message) BETWEEN 1 AND 500),
  version            integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  authorized_at      timestamptz,
  captured_at        timestamptz,
  voided_at          timestamptz,
  failed_at          timestamptz,
  UNIQUE (provider, provider_reference),
  CHECK (amount = subtotal + delivery_fee + service_fee),
  CHECK (method = 'card' OR (card_brand IS NULL AND card_last4 IS NULL)),
  -- Money only moves forward: captured at most once and in full or in part, refunded at most
  -- what was captured (refunds' own trigger below is the line of defence for the refund rows).
  CONSTRAINT payments_captured_within_amount CHECK (captured_amount BETWEEN 0 AND amount),
  CONSTRAINT payments_refunded_within_capture CHECK (refunded_amount BETWEEN 0 AND captured_amount),
  -- The status and the amounts tell the same story.
  CHECK ((captured_amount > 0) = (status IN ('captured', 'partially_refunded', 'refunded'))),
  CHECK ((refunded_amount > 0) = (status IN ('partially_refunded', 'refunded'))),
  CHECK (status <> 'refunded' OR refunded_amount = captured_amount),
  CHECK (status <> 'partially_refunded' OR refunded_amount < captured_amount),
  CHECK ((status = 'failed') = (failure_code IS NOT NULL))
);
-- The lists of a customer's and a merchant owner's payments, newest first.
CREATE INDEX payments_customer_created ON payments.payments (customer_id, created_at DESC, id DESC);
CREATE INDEX payments_owner_created ON payments.payments (merchant_owner_id, created_at DESC, id DESC);
-- The saga's sweep: card payments whose authorization never got an answer.
CREATE INDEX payments_awaiting_authorization ON payments.payments (created_at)
  WHERE status = 'requires_authorization';

-- Money given back to the customer, in one or more parts. A refund that failed at the provider
-- stays as a record and no longer counts.
CREATE TABLE payments.refunds (
  id                 uuid        PRIMARY KEY,
  payment_id         uuid        NOT NULL REFERENCES payments.payments (id),
  amount             bigint      NOT NULL CHECK (amount > 0),
  reason             text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  status             text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider_reference text        CHECK (char_length(provider_reference) BETWEEN 1 AND 200),
  failure_message    text        CHECK (char_length(failure_message) BETWEEN 1 AND 500),
  -- The admin who asked; null when the platform did (an order cancelled after capture).
  requested_by       uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_payment ON payments.refunds (payment_id, created_at);

-- The second line of defence behind the service's row lock: the refunds of a payment that still
-- count never add up to more than it captured. The payment's row is locked first, so concurrent
-- refunds of one payment are checked one after the other, each seeing those committed before it
-- (every statement of a PL/pgSQL function takes a fresh snapshot under READ COMMITTED).
CREATE FUNCTION payments.refunds_within_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  captured bigint;
  others   bigint;
BEGIN
  IF NEW.status = 'failed' THEN
    RETURN NEW;
  END IF;
  SELECT p.captured_amount INTO captured FROM payments.payments p WHERE p.id = NEW.payment_id FOR UPDATE;
  SELECT coalesce(sum(r.amount), 0) INTO others FROM payments.refunds r
   WHERE r.payment_id = NEW.payment_id AND r.id <> NEW.id AND r.status <> 'failed';
  IF others + NEW.amount > coalesce(captured, 0) THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'refunds_within_capture',
      MESSAGE = format('refunds of payment %s would total %s, more than the %s captured',
                       NEW.payment_id, others + NEW.amount, coalesce(captured, 0));
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER refunds_within_capture BEFORE INSERT OR UPDATE OF payment_id, amount, status ON payments.refunds
  FOR EACH ROW EXECUTE FUNCTION payments.refunds_within_capture();

-- Every provider event (webhook) applied, keyed by the provider's own id for it: recording it is
-- part of the transaction that applies it, so a replayed event finds its row and changes nothing.
CREATE TABLE payments.provider_events (
  provider    text        NOT NULL CHECK (provider ~ '^[a-z][a-z0-9_]{0,31}$'),
  event_id    text        NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 200),
  type        text        NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
  payment_id  uuid        REFERENCES payments.payments (id),
  -- applied: it moved the payment; ignored: late news (out of order) or about nothing we know.
  outcome     text        NOT NULL CHECK (outcome IN ('applied', 'ignored')),
  occurred_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);
CREATE INDEX provider_events_payment ON payments.provider_events (payment_id) WHERE payment_id IS NOT NULL;
