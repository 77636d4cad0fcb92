-- The providers' answers to authorizations, written together (db::GroupCommit): the answers that
-- placement requests got at about the same time go to the database in one statement and one
-- commit, with their payment.* events. Each answer moves its payment only if the payment still
-- awaits it, at the version its request claimed it at. When one of them no longer does (a
-- webhook, the sweep or a cancellation settled it meanwhile), the statement raises NP409
-- (PaymentRepository::kAnswerNotAwaited): nothing of the group is kept, and each answer is then
-- written alone, so that only the one whose payment moved on is refused, and its request reads
-- the payment again.
CREATE FUNCTION payments.answer_authorizations(
  ids uuid[], versions integer[], refs text[], brands text[], last4s text[], action_urls text[],
  tos text[], failure_codes text[], failure_messages text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  answered bigint;
BEGIN
  UPDATE payments.payments AS p
  SET provider_reference = a.ref,
      card_brand = COALESCE(a.brand, p.card_brand),
      card_last4 = COALESCE(a.last4, p.card_last4),
      action_url = a.action_url,
      updated_at = now(),
      status = a.to_status,
      version = p.version + CASE WHEN p.status = a.to_status THEN 0 ELSE 1 END,
      authorized_at = CASE WHEN a.to_status = 'authorized' THEN now() ELSE p.authorized_at END,
      failure_code = CASE WHEN a.to_status = 'failed' THEN a.failure_code ELSE p.failure_code END,
      failure_message = CASE WHEN a.to_status = 'failed' THEN a.failure_message ELSE p.failure_message END,
      failed_at = CASE WHEN a.to_status = 'failed' THEN now() ELSE p.failed_at END
  FROM unnest(ids, versions, refs, brands, last4s, action_urls, tos, failure_codes, failure_messages)
    AS a (id, version, ref, brand, last4, action_url, to_status, failure_code, failure_message)
  WHERE p.id = a.id AND p.status = 'requires_authorization' AND p.version = a.version;
  GET DIAGNOSTICS answered = ROW_COUNT;
  IF answered <> cardinality(ids) THEN
    RAISE EXCEPTION USING ERRCODE = 'NP409',
      MESSAGE = format('%s of %s payments no longer await their authorization''s answer',
                       cardinality(ids) - answered, cardinality(ids));
  END IF;
END
$$;
