-- The double-entry ledger: every movement of money is one transaction of at least two lines
-- whose amounts sum to zero (positive: debit, negative: credit), written in the same database
-- transaction as the payment's change. The database checks the balance at commit and keeps the
-- ledger append-only: a mistake is corrected by a new transaction, never by editing an old one.
--
-- Accounts: customer (what the customer paid us, and got back), merchant_payable (what we owe
-- merchants), platform_fees (the platform's revenue), driver_cash_float (cash a driver collected
-- and owes the platform), provider_clearing (money held at the card provider, not yet paid out).
-- party_id names whose account it is (the customer, the merchant, the driver), when it is someone's.
CREATE TABLE payments.ledger_transactions (
  id          uuid        PRIMARY KEY,
  payment_id  uuid        NOT NULL REFERENCES payments.payments (id),
  refund_id   uuid        UNIQUE REFERENCES payments.refunds (id),
  kind        text        NOT NULL CHECK (kind IN ('capture', 'cash_collection', 'refund')),
  currency    char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'refund') = (refund_id IS NOT NULL))
);
CREATE INDEX ledger_transactions_payment ON payments.ledger_transactions (payment_id, created_at);
-- A payment's money comes in once, however often its capture is retried.
CREATE UNIQUE INDEX ledger_transactions_one_capture ON payments.ledger_transactions (payment_id)
  WHERE kind IN ('capture', 'cash_collection');

CREATE TABLE payments.ledger_lines (
  transaction_id uuid     NOT NULL REFERENCES payments.ledger_transactions (id),
  line_no        smallint NOT NULL CHECK (line_no BETWEEN 1 AND 20),
  account        text     NOT NULL CHECK (account IN ('customer', 'merchant_payable', 'platform_fees',
                                            'driver_cash_float', 'provider_clearing')),
  party_id       uuid,
  amount         bigint   NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (transaction_id, line_no)
);
CREATE INDEX ledger_lines_account ON payments.ledger_lines (account, party_id);

-- Checked at commit (DEFERRABLE INITIALLY DEFERRED), once every line of the transaction is in:
-- at least two lines, summing to zero. Fired by a new transaction (so one without lines fails)
-- and by each new line.
CREATE FUNCTION payments.ledger_transaction_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx    uuid;
  total numeric;
  lines integer;
BEGIN
  IF TG_TABLE_NAME = 'ledger_transactions' THEN
    tx := NEW.id;
  ELSE
    tx := NEW.transaction_id;
  END IF;
  SELECT coalesce(sum(l.amount), 0), count(*) INTO total, lines
    FROM payments.ledger_lines l WHERE l.transaction_id = tx;
  IF lines < 2 OR total <> 0 THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced',
      MESSAGE = format('ledger transaction %s does not balance: %s line(s) summing to %s', tx, lines, total);
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER ledger_transactions_balanced AFTER INSERT ON payments.ledger_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments.ledger_transaction_balances();
CREATE CONSTRAINT TRIGGER ledger_lines_balanced AFTER INSERT ON payments.ledger_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION payments.ledger_transaction_balances();

CREATE FUNCTION payments.ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', CONSTRAINT = 'ledger_append_only',
    MESSAGE = format('the ledger is append-only: %s on %s refused (write a correcting transaction)',
                     TG_OP, TG_TABLE_NAME);
END
$$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON payments.ledger_transactions
  FOR EACH ROW EXECUTE FUNCTION payments.ledger_is_append_only();
CREATE TRIGGER ledger_lines_append_only BEFORE UPDATE OR DELETE ON payments.ledger_lines
  FOR EACH ROW EXECUTE FUNCTION payments.ledger_is_append_only();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON payments.ledger_transactions
  FOR EACH STATEMENT EXECUTE FUNCTION payments.ledger_is_append_only();
CREATE TRIGGER ledger_lines_no_truncate BEFORE TRUNCATE ON payments.ledger_lines
  FOR EACH STATEMENT EXECUTE FUNCTION payments.ledger_is_append_only();
