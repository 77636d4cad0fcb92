#include "modules/payments/repositories/payment_repository.hpp"

#include <stdexcept>

#include "core/db/params.hpp"
#include "core/db/row_statement.hpp"
#include "core/uuid.hpp"
#include "modules/payments/names.hpp"
#include "modules/payments/repositories/payment_rows.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

// Recorded as ignored until mark_event says otherwise.
constexpr std::string_view kRecordEvent =
    "INSERT INTO payments.provider_events (provider, event_id, type, outcome, occurred_at)"
    " VALUES ($1, $2, $3, 'ignored', $4::timestamptz) ON CONFLICT (provider, event_id) DO NOTHING RETURNING 1";

constexpr std::string_view kMarkEvent =
    "UPDATE payments.provider_events SET outcome = $3, payment_id = $4::uuid WHERE provider = $1 AND event_id = $2";

// The statements read_snapshot() reads a row of: the same columns, three ways of finding it.
#define NELO_PAYMENT_SNAPSHOT "SELECT id, order_id, status, amount, currency, version FROM payments.payments WHERE "
constexpr std::string_view kFindByReference = NELO_PAYMENT_SNAPSHOT "provider = $1 AND provider_reference = $2";
constexpr std::string_view kLockByReference =
    NELO_PAYMENT_SNAPSHOT "provider = $1 AND provider_reference = $2 FOR UPDATE";
constexpr std::string_view kLockUnreferenced =
    NELO_PAYMENT_SNAPSHOT "provider = $1 AND id = $2::uuid AND provider_reference IS NULL FOR UPDATE";
#undef NELO_PAYMENT_SNAPSHOT

constexpr std::string_view kAdoptReference =
    "UPDATE payments.payments SET provider_reference = $2, updated_at = now()"
    " WHERE id = $1 AND provider_reference IS NULL";

constexpr std::string_view kRecordColumns =
    "id, order_id, customer_id, merchant_id, merchant_owner_id, method, provider, provider_reference, status,"
    " currency, amount, subtotal, delivery_fee, service_fee, captured_amount, refunded_amount, version, card_brand,"
    " card_last4, failure_code, failure_message, action_url, authorization_requested_at";

// Looks before it inserts: a payment that exists already (the placement request created it) is
// left alone without building the table's CHECK constraints for a row that is not written.
constexpr std::string_view kInsertIfMissing =
    "INSERT INTO payments.payments (id, order_id, customer_id, merchant_id, merchant_owner_id, method, provider,"
    " currency, amount, subtotal, delivery_fee, service_fee, status)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'requires_authorization'"
    " WHERE NOT EXISTS (SELECT 1 FROM payments.payments WHERE order_id = $2)"
    " ON CONFLICT (order_id) DO NOTHING RETURNING 1";

// Creates each payment as asked, or marks the one order.created made as asked, unless it was
// asked once already or is settled: a row comes back only for the payments whose provider may be
// asked now. A row statement (db::BatchedWrite): the claims of concurrent requests go together.
constexpr std::string_view kClaimAuthorizations =
    "INSERT INTO payments.payments AS p (id, order_id, customer_id, merchant_id, merchant_owner_id, method,"
    " provider, currency, amount, subtotal, delivery_fee, service_fee, status, authorization_requested_at)"
    " SELECT n.*, 'requires_authorization', now()"
    " FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[],"
    "             $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[])"
    "   AS n (id, order_id, customer_id, merchant_id, merchant_owner_id, method, provider, currency, amount,"
    "         subtotal, delivery_fee, service_fee)"
    " ON CONFLICT (order_id) DO UPDATE SET authorization_requested_at = now(), updated_at = now()"
    " WHERE p.status = 'requires_authorization' AND p.authorization_requested_at IS NULL"
    " RETURNING p.order_id, p.id, p.provider, p.version";

// The providers' answers and the moves they make, if their payments still await them
// (migration 0005); a row statement, merged by the answers' group commit.
constexpr std::string_view kAnswerAuthorizations =
    "SELECT payments.answer_authorizations($1::uuid[], $2::integer[], $3::text[], $4::text[], $5::text[],"
    " $6::text[], $7::text[], $8::text[], $9::text[])";

// Provider events recorded as ignored, each unless it was recorded already; a row statement.
constexpr std::string_view kRecordIgnoredEvents =
    "INSERT INTO payments.provider_events (provider, event_id, type, outcome, occurred_at, payment_id)"
    " SELECT e.provider, e.event_id, e.type, 'ignored', e.occurred_at, e.payment_id"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::uuid[])"
    "   AS e (provider, event_id, type, occurred_at, payment_id)"
    " ON CONFLICT (provider, event_id) DO NOTHING RETURNING provider || ' ' || event_id AS key";

// $1 id, $2 from, $3 to, $4 brand, $5 last4, $6 failure code, $7 failure message, $8 captured.
constexpr std::string_view kMove =
    "UPDATE payments.payments SET status = $3, version = version + 1, updated_at = now(),"
    " captured_amount = COALESCE($8::bigint, captured_amount),"
    " captured_at = CASE WHEN $3 = 'captured' THEN now() ELSE captured_at END,"
    " action_url = CASE WHEN $3 = 'requires_authorization' THEN action_url END,"
    " card_brand = COALESCE($4, card_brand), card_last4 = COALESCE($5, card_last4),"
    " failure_code = CASE WHEN $3 = 'failed' THEN $6 ELSE failure_code END,"
    " failure_message = CASE WHEN $3 = 'failed' THEN $7 ELSE failure_message END,"
    " authorized_at = CASE WHEN $3 = 'authorized' THEN now() ELSE authorized_at END,"
    " voided_at = CASE WHEN $3 = 'voided' THEN now() ELSE voided_at END,"
    " failed_at = CASE WHEN $3 = 'failed' THEN now() ELSE failed_at END"
    " WHERE id = $1 AND status = $2 RETURNING version";

std::string select_record(std::string_view where) {
  return "SELECT " + std::string(kRecordColumns) + " FROM payments.payments WHERE " + std::string(where);
}

// A row of kFindByReference, kLockByReference or kLockUnreferenced.
PaymentSnapshot read_snapshot(const db::Row& row) {
  PaymentSnapshot out;
  out.id = row.get<std::string>(0);
  out.order_id = row.get<std::string>(1);
  out.status = stored_status(row.text(2));
  out.amount = row.get<std::int64_t>(3);
  out.currency = row.get<std::string>(4);
  out.version = row.get<std::int32_t>(5);
  return out;
}

PaymentRecord read_record(const db::Row& row) {
  PaymentRecord p;
  p.id = row.get<std::string>(0);
  p.order_id = row.get<std::string>(1);
  p.customer_id = row.get<std::string>(2);
  p.merchant_id = row.get<std::string>(3);
  p.merchant_owner_id = row.get<std::string>(4);
  p.method = stored_method(row.text(5));
  p.provider = row.get<std::string>(6);
  p.provider_reference = row.get<std::optional<std::string>>(7);
  p.status = stored_status(row.text(8));
  p.currency = row.get<std::string>(9);
  p.amount = row.get<std::int64_t>(10);
  p.subtotal = row.get<std::int64_t>(11);
  p.delivery_fee = row.get<std::int64_t>(12);
  p.service_fee = row.get<std::int64_t>(13);
  p.captured_amount = row.get<std::int64_t>(14);
  p.refunded_amount = row.get<std::int64_t>(15);
  p.version = row.get<std::int32_t>(16);
  p.card_brand = row.get<std::optional<std::string>>(17);
  p.card_last4 = row.get<std::optional<std::string>>(18);
  p.failure_code = row.get<std::optional<std::string>>(19);
  p.failure_message = row.get<std::optional<std::string>>(20);
  p.action_url = row.get<std::optional<std::string>>(21);
  p.authorization_requested_at = row.get<std::optional<Timestamp>>(22);
  return p;
}

}  // namespace

asio::awaitable<bool> PaymentRepository::insert_if_missing(db::Transaction& tx, const NewPayment& n) {
  db::Params p = db::params(n.id, n.order_id, n.customer_id, n.merchant_id, n.merchant_owner_id,
                            std::string(to_string(n.method)), n.provider, n.currency, n.amount, n.subtotal,
                            n.delivery_fee, n.service_fee);
  auto r = co_await tx.execute(kInsertIfMissing, p);
  co_return !r.empty();
}

asio::awaitable<std::optional<PaymentRecord>> PaymentRepository::lock_by_order(db::Transaction& tx,
                                                                               const std::string& order_id) {
  static const std::string kSql = select_record("order_id = $1::uuid FOR UPDATE");
  db::Params p = db::params(order_id);
  auto r = co_await tx.execute(kSql, p);
  if (r.empty()) co_return std::nullopt;
  co_return read_record(r.front());
}

PaymentRepository::PaymentRepository(db::ModuleDb& db, asio::any_io_executor executor, metrics::Registry* metrics)
    : by_order_(db, executor, select_record("order_id = ANY ($1::uuid[])"), "order_id",
                {.name = "payments.by_order"}, metrics),
      claims_(db, executor, std::string(kClaimAuthorizations), "order_id", {.name = "payments.claims"}, metrics),
      ignored_events_(db, std::move(executor), std::string(kRecordIgnoredEvents), "key",
                      {.name = "payments.ignored_events"}, metrics) {}

asio::awaitable<std::optional<PaymentRecord>> PaymentRepository::find_by_order(const std::string& order_id) {
  auto found = co_await by_order_.find_uuid(order_id);
  if (!found) co_return std::nullopt;
  co_return read_record(found->row());
}

asio::awaitable<std::optional<ClaimedAuthorization>> PaymentRepository::claim_authorization(const NewPayment& n) {
  // The key as the statement returns it: the order id in lowercase.
  std::string key = canonical_uuid(n.order_id).value_or(n.order_id);
  db::Params row = db::row(n.id, n.order_id, n.customer_id, n.merchant_id, n.merchant_owner_id,
                           std::string(to_string(n.method)), n.provider, n.currency, n.amount, n.subtotal,
                           n.delivery_fee, n.service_fee);
  auto claimed = co_await claims_.write(std::move(key), std::move(row));
  if (!claimed) co_return std::nullopt;
  const auto r = claimed->row();
  co_return ClaimedAuthorization{r.get<std::string>(1), r.get<std::string>(2), r.get<std::int32_t>(3)};
}

void PaymentRepository::answer_at_commit(db::CommitWriter& tx, const ClaimedAuthorization& claimed,
                                         const ProviderAnswer& answer, PaymentStatus to,
                                         const PaymentChange& change) {
  tx.execute_rows_at_commit(std::string(kAnswerAuthorizations),
                            db::row(claimed.id, std::int32_t{claimed.version}, answer.reference, answer.card_brand,
                                    answer.card_last4, answer.action_url, std::string(to_string(to)),
                                    change.failure_code, change.failure_message));
}

asio::awaitable<std::vector<PaymentRecord>> PaymentRepository::lock_stale_authorizations(
    db::Transaction& tx, Timestamp unanswered_before, Timestamp unconfirmed_before, int limit) {
  static const std::string kSql = select_record(
      "status = 'requires_authorization' AND method = 'card' AND"
      " ((provider_reference IS NULL AND created_at < $1::timestamptz) OR created_at < $2::timestamptz)"
      " ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED");
  db::Params p = db::params(unanswered_before, unconfirmed_before, limit);
  auto r = co_await tx.execute(kSql, p);
  std::vector<PaymentRecord> out;
  for (const auto& row : r) out.push_back(read_record(row));
  co_return out;
}

asio::awaitable<bool> PaymentRepository::record_event(db::Transaction& tx, const std::string& provider,
                                                      const std::string& event_id, const std::string& type,
                                                      std::optional<Timestamp> occurred_at) {
  db::Params p = db::params(provider, event_id, type, occurred_at);
  auto r = co_await tx.execute(kRecordEvent, p);
  co_return !r.empty();
}

asio::awaitable<void> PaymentRepository::mark_event(db::Transaction& tx, const std::string& provider,
                                                    const std::string& event_id, bool applied,
                                                    const std::optional<std::string>& payment_id) {
  db::Params p = db::params(provider, event_id, std::string(applied ? "applied" : "ignored"), payment_id);
  co_await tx.execute(kMarkEvent, p);
}

asio::awaitable<std::optional<PaymentSnapshot>> PaymentRepository::lock_unreferenced(db::Transaction& tx,
                                                                                   const std::string& provider,
                                                                                   const std::string& payment_id) {
  if (!is_uuid(payment_id)) co_return std::nullopt;
  db::Params p = db::params(provider, payment_id);
  auto r = co_await tx.execute(kLockUnreferenced, p);
  if (r.empty()) co_return std::nullopt;
  co_return read_snapshot(r.front());
}

asio::awaitable<void> PaymentRepository::adopt_reference(db::Transaction& tx, const std::string& id,
                                                         const std::string& reference) {
  db::Params p = db::params(id, reference);
  co_await tx.execute(kAdoptReference, p);
}

asio::awaitable<bool> PaymentRepository::record_ignored_event(const std::string& provider, const std::string& event_id,
                                                              const std::string& type,
                                                              std::optional<Timestamp> occurred_at,
                                                              const std::string& payment_id) {
  auto recorded = co_await ignored_events_.write(provider + ' ' + event_id,
                                                 db::row(provider, event_id, type, occurred_at, payment_id));
  co_return recorded.has_value();
}

asio::awaitable<std::optional<PaymentSnapshot>> PaymentRepository::find_by_reference(db::ModuleDb& db,
                                                                                   const std::string& provider,
                                                                                   const std::string& reference) {
  db::Params p = db::params(provider, reference);
  auto r = co_await db.execute_pipelined(kFindByReference, p);
  if (r.empty()) co_return std::nullopt;
  co_return read_snapshot(r.front());
}

asio::awaitable<std::optional<PaymentSnapshot>> PaymentRepository::lock_by_reference(db::Transaction& tx,
                                                                                   const std::string& provider,
                                                                                   const std::string& reference) {
  db::Params p = db::params(provider, reference);
  auto r = co_await tx.execute(kLockByReference, p);
  if (r.empty()) co_return std::nullopt;
  co_return read_snapshot(r.front());
}

asio::awaitable<int> PaymentRepository::move(db::Transaction& tx, const std::string& id, PaymentStatus from,
                                             PaymentStatus to, const PaymentChange& change) {
  db::Params p = db::params(id, std::string(to_string(from)), std::string(to_string(to)));
  p.push_back(change.card_brand);
  p.push_back(change.card_last4);
  p.push_back(change.failure_code);
  p.push_back(change.failure_message);
  p.push_back(db::to_param(change.captured_amount));
  auto r = co_await tx.execute(kMove, p);
  if (r.empty()) throw std::logic_error("payments: payment " + id + " was not " + std::string(to_string(from)));
  co_return r.front().get<std::int32_t>(0);
}

}  // namespace nelo::payments
