#include "modules/deliveries/repositories/offer_repository.hpp"

#include <stdexcept>
#include <string_view>

#include "core/db/errors.hpp"
#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kAssignmentIndex = "assignments_one_active";

constexpr std::string_view kExpireDue =
    "UPDATE deliveries.offers SET status = 'expired', answered_at = now()"
    " WHERE status = 'pending' AND expires_at <= now()";

constexpr std::string_view kClaimOrphanedOffered =
    "SELECT d.id FROM deliveries.deliveries d"
    " WHERE d.status = 'offered'"
    "   AND NOT EXISTS (SELECT 1 FROM deliveries.offers o WHERE o.delivery_id = d.id AND o.status = 'pending')"
    " LIMIT 1 FOR UPDATE OF d SKIP LOCKED";

constexpr std::string_view kClaimDue =
    "SELECT d.id FROM deliveries.deliveries d"
    " WHERE d.status = 'pending' AND d.next_search_at <= now()"
    " ORDER BY d.next_search_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED";

constexpr std::string_view kReschedule =
    "UPDATE deliveries.deliveries SET search_radius_m = $2, next_search_at = now() + make_interval(secs => $3)"
    " WHERE id = $1";

constexpr std::string_view kWaiting =
    "SELECT floor(extract(epoch FROM now() - waiting_since))::integer AS waited, unassigned_at IS NOT NULL AS announced"
    " FROM deliveries.deliveries WHERE id = $1";

constexpr std::string_view kMarkAnnounced = "UPDATE deliveries.deliveries SET unassigned_at = now() WHERE id = $1";

// Load: what the driver holds plus what it is offered now (an offer may become an assignment).
constexpr std::string_view kOnlineDrivers =
    "SELECT r.user_id, r.vehicle, r.capacity,"
    "       (SELECT count(*) FROM deliveries.assignments a WHERE a.driver_id = r.user_id AND a.active)"
    "     + (SELECT count(*) FROM deliveries.offers o"
    "         WHERE o.driver_id = r.user_id AND o.status = 'pending' AND o.expires_at > now()) AS load"
    " FROM deliveries.drivers r WHERE r.user_id = ANY($1::uuid[]) AND r.online";

constexpr std::string_view kOfferedDrivers = "SELECT driver_id FROM deliveries.offers WHERE delivery_id = $1";

constexpr std::string_view kInsert =
    "INSERT INTO deliveries.offers (id, delivery_id, driver_id, distance_m, eta_seconds, expires_at)"
    " VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))";

constexpr std::string_view kFind =
    "SELECT id, delivery_id, driver_id, status, distance_m, eta_seconds, expires_at, created_at,"
    "       expires_at <= now() AS expired"
    " FROM deliveries.offers WHERE id = $1";

constexpr std::string_view kAnswer =
    "UPDATE deliveries.offers SET status = $2, answered_at = now() WHERE id = $1 AND status = 'pending'";

constexpr std::string_view kWithdrawOthers =
    "UPDATE deliveries.offers SET status = 'withdrawn', answered_at = now()"
    " WHERE delivery_id = $1 AND status = 'pending' AND id <> $2";

constexpr std::string_view kPendingCount =
    "SELECT count(*) FROM deliveries.offers WHERE delivery_id = $1 AND status = 'pending'";

constexpr std::string_view kLockDriver =
    "SELECT capacity, online FROM deliveries.drivers WHERE user_id = $1 FOR UPDATE";

constexpr std::string_view kActiveCount =
    "SELECT count(*) FROM deliveries.assignments WHERE driver_id = $1 AND active";

constexpr std::string_view kAssign =
    "INSERT INTO deliveries.assignments (id, delivery_id, driver_id, offer_id) VALUES ($1, $2, $3, $4)";

constexpr std::string_view kOpenOffers =
    "SELECT o.id, o.delivery_id, o.driver_id, o.status, o.distance_m, o.eta_seconds, o.expires_at, o.created_at,"
    "       false AS expired, d.pickup_name, d.pickup_phone, d.pickup_address, d.pickup_lat, d.pickup_lng,"
    "       d.dropoff_address, d.dropoff_lat, d.dropoff_lng"
    " FROM deliveries.offers o JOIN deliveries.deliveries d ON d.id = o.delivery_id"
    " WHERE o.driver_id = $1 AND o.status = 'pending' AND o.expires_at > now()"
    " ORDER BY o.expires_at, o.id";

std::optional<OfferStatus> parse_offer_status(std::string_view text) {
  for (OfferStatus s : {OfferStatus::Pending, OfferStatus::Accepted, OfferStatus::Declined, OfferStatus::Expired,
                        OfferStatus::Withdrawn}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

Offer read_offer(const db::Row& row) {
  Offer o;
  o.id = row.get<std::string>("id");
  o.delivery_id = row.get<std::string>("delivery_id");
  o.driver_id = row.get<std::string>("driver_id");
  const auto status = parse_offer_status(row.text("status"));
  if (!status) throw std::logic_error("deliveries: stored offer status is unknown");
  o.status = *status;
  o.distance_m = row.get<std::int32_t>("distance_m");
  o.eta_seconds = row.get<std::int32_t>("eta_seconds");
  o.expires_at = row.get<Timestamp>("expires_at");
  o.created_at = row.get<Timestamp>("created_at");
  o.expired = row.get<bool>("expired");
  return o;
}

std::optional<std::string> first_id(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  return result.front().get<std::string>(0);
}

}  // namespace

std::string_view to_string(OfferStatus status) noexcept {
  switch (status) {
    case OfferStatus::Pending: return "pending";
    case OfferStatus::Accepted: return "accepted";
    case OfferStatus::Declined: return "declined";
    case OfferStatus::Expired: return "expired";
    case OfferStatus::Withdrawn: return "withdrawn";
  }
  return "unknown";
}

asio::awaitable<std::int64_t> OfferRepository::expire_due(db::Transaction& tx) {
  auto result = co_await tx.execute(kExpireDue);
  co_return result.affected_rows();
}

asio::awaitable<std::optional<std::string>> OfferRepository::claim_orphaned_offered(db::Transaction& tx) {
  auto result = co_await tx.execute(kClaimOrphanedOffered);
  co_return first_id(result);
}

asio::awaitable<std::optional<std::string>> OfferRepository::claim_due(db::Transaction& tx) {
  auto result = co_await tx.execute(kClaimDue);
  co_return first_id(result);
}

asio::awaitable<void> OfferRepository::reschedule(db::Transaction& tx, const std::string& delivery_id, int radius_m,
                                                  int retry_seconds) {
  co_await tx.execute(kReschedule, db::params(delivery_id, radius_m, retry_seconds));
}

asio::awaitable<OfferRepository::Waiting> OfferRepository::waiting(db::Transaction& tx,
                                                                   const std::string& delivery_id) {
  auto result = co_await tx.execute(kWaiting, db::params(delivery_id));
  Waiting w;
  if (result.empty()) co_return w;
  w.waited_seconds = result.front().get<std::int32_t>("waited");
  w.announced = result.front().get<bool>("announced");
  co_return w;
}

asio::awaitable<void> OfferRepository::mark_announced(db::Transaction& tx, const std::string& delivery_id) {
  co_await tx.execute(kMarkAnnounced, db::params(delivery_id));
}

asio::awaitable<std::vector<DriverLoad>> OfferRepository::online_drivers(db::Transaction& tx,
                                                                         const std::vector<std::string>& driver_ids) {
  std::vector<DriverLoad> out;
  if (driver_ids.empty()) co_return out;
  auto result = co_await tx.execute(kOnlineDrivers, db::params(driver_ids));
  out.reserve(static_cast<std::size_t>(result.size()));
  for (const db::Row row : result) {
    DriverLoad d;
    d.driver_id = row.get<std::string>("user_id");
    d.vehicle = row.get<std::string>("vehicle");
    d.capacity = row.get<std::int32_t>("capacity");
    d.load = static_cast<int>(row.get<std::int64_t>("load"));
    out.push_back(std::move(d));
  }
  co_return out;
}

asio::awaitable<std::vector<std::string>> OfferRepository::offered_drivers(db::Transaction& tx,
                                                                           const std::string& delivery_id) {
  auto result = co_await tx.execute(kOfferedDrivers, db::params(delivery_id));
  std::vector<std::string> out;
  for (const db::Row row : result) out.push_back(row.get<std::string>(0));
  co_return out;
}

asio::awaitable<void> OfferRepository::insert(db::Transaction& tx, const Offer& o, int timeout_seconds) {
  co_await tx.execute(kInsert, db::params(o.id, o.delivery_id, o.driver_id, o.distance_m, o.eta_seconds,
                                          timeout_seconds));
}

asio::awaitable<std::optional<Offer>> OfferRepository::find(db::Transaction& tx, const std::string& offer_id) {
  auto result = co_await tx.execute(kFind, db::params(offer_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_offer(result.front());
}

asio::awaitable<bool> OfferRepository::answer(db::Transaction& tx, const std::string& offer_id, OfferStatus status) {
  auto result = co_await tx.execute(kAnswer, db::params(offer_id, to_string(status)));
  co_return result.affected_rows() == 1;
}

asio::awaitable<void> OfferRepository::withdraw_others(db::Transaction& tx, const std::string& delivery_id,
                                                       const std::string& offer_id) {
  co_await tx.execute(kWithdrawOthers, db::params(delivery_id, offer_id));
}

asio::awaitable<std::int64_t> OfferRepository::pending_count(db::Transaction& tx, const std::string& delivery_id) {
  auto result = co_await tx.execute(kPendingCount, db::params(delivery_id));
  co_return result.front().get<std::int64_t>(0);
}

asio::awaitable<std::optional<OfferRepository::DriverLock>> OfferRepository::lock_driver(
    db::Transaction& tx, const std::string& driver_id) {
  auto result = co_await tx.execute(kLockDriver, db::params(driver_id));
  if (result.empty()) co_return std::nullopt;
  DriverLock lock;
  lock.capacity = result.front().get<std::int32_t>("capacity");
  lock.online = result.front().get<bool>("online");
  co_return lock;
}

asio::awaitable<std::int64_t> OfferRepository::active_count(db::Transaction& tx, const std::string& driver_id) {
  auto result = co_await tx.execute(kActiveCount, db::params(driver_id));
  co_return result.front().get<std::int64_t>(0);
}

asio::awaitable<void> OfferRepository::assign(db::Transaction& tx, const std::string& delivery_id,
                                              const std::string& driver_id, const std::string& offer_id) {
  try {
    co_await tx.execute(kAssign, db::params(new_uuid_v7(), delivery_id, driver_id, offer_id));
  } catch (const db::UniqueViolation& e) {
    if (e.constraint() != kAssignmentIndex) throw;
    throw Conflict("delivery-taken", "Another driver has taken this delivery");
  }
}

asio::awaitable<std::vector<OfferView>> OfferRepository::open_offers(const std::string& driver_id) {
  auto result = co_await db_.execute(kOpenOffers, db::params(driver_id));
  std::vector<OfferView> out;
  for (const db::Row row : result) {
    OfferView v;
    v.offer = read_offer(row);
    v.pickup.name = row.get<std::string>("pickup_name");
    v.pickup.phone = row.get<std::string>("pickup_phone");
    v.pickup.address = row.get<std::string>("pickup_address");
    v.pickup.point = {row.get<double>("pickup_lat"), row.get<double>("pickup_lng")};
    v.dropoff.address = row.get<std::string>("dropoff_address");
    v.dropoff.point = {row.get<double>("dropoff_lat"), row.get<double>("dropoff_lng")};
    out.push_back(std::move(v));
  }
  co_return out;
}

}  // namespace nelo::deliveries
