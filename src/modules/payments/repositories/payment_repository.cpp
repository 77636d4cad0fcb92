#include "modules/payments/repositories/payment_repository.hpp"

#include <stdexcept>

#include "core/db/params.hpp"
#include "modules/payments/names.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kRecordEvent =
    "INSERT INTO payments.provider_events (provider, event_id, type, outcome, occurred_at)"
    " VALUES ($1, $2, $3, 'ignored', $4::timestamptz) ON CONFLICT (provider, event_id) DO NOTHING RETURNING 1";

constexpr std::string_view kMarkEvent =
    "UPDATE payments.provider_events SET outcome = $3, payment_id = $4::uuid WHERE provider = $1 AND event_id = $2";

constexpr std::string_view kLockByReference =
    "SELECT id, order_id, status, amount, currency, version FROM payments.payments"
    " WHERE provider = $1 AND provider_reference = $2 FOR UPDATE";

// $1 id, $2 from, $3 to, $4 brand, $5 last4, $6 failure code, $7 failure message.
constexpr std::string_view kMove =
    "UPDATE payments.payments SET status = $3, version = version + 1, updated_at = now(),"
    " card_brand = COALESCE($4, card_brand), card_last4 = COALESCE($5, card_last4),"
    " failure_code = CASE WHEN $3 = 'failed' THEN $6 ELSE failure_code END,"
    " failure_message = CASE WHEN $3 = 'failed' THEN $7 ELSE failure_message END,"
    " authorized_at = CASE WHEN $3 = 'authorized' THEN now() ELSE authorized_at END,"
    " voided_at = CASE WHEN $3 = 'voided' THEN now() ELSE voided_at END,"
    " failed_at = CASE WHEN $3 = 'failed' THEN now() ELSE failed_at END"
    " WHERE id = $1 AND status = $2 RETURNING version";

}  // namespace

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

asio::awaitable<std::optional<LockedPayment>> PaymentRepository::lock_by_reference(db::Transaction& tx,
                                                                                   const std::string& provider,
                                                                                   const std::string& reference) {
  db::Params p = db::params(provider, reference);
  auto r = co_await tx.execute(kLockByReference, p);
  if (r.empty()) co_return std::nullopt;
  const auto row = r.front();
  LockedPayment out;
  out.id = row.get<std::string>(0);
  out.order_id = row.get<std::string>(1);
  const auto status = parse_payment_status(row.text(2));
  if (!status) throw std::logic_error("payments: unknown status in the database: " + std::string(row.text(2)));
  out.status = *status;
  out.amount = row.get<std::int64_t>(3);
  out.currency = row.get<std::string>(4);
  out.version = row.get<std::int32_t>(5);
  co_return out;
}

asio::awaitable<int> PaymentRepository::move(db::Transaction& tx, const std::string& id, PaymentStatus from,
                                             PaymentStatus to, const PaymentChange& change) {
  db::Params p = db::params(id, std::string(to_string(from)), std::string(to_string(to)));
  p.push_back(change.card_brand);
  p.push_back(change.card_last4);
  p.push_back(change.failure_code);
  p.push_back(change.failure_message);
  auto r = co_await tx.execute(kMove, p);
  if (r.empty()) throw std::logic_error("payments: payment " + id + " was not " + std::string(to_string(from)));
  co_return r.front().get<std::int32_t>(0);
}

}  // namespace nelo::payments
