#pragma once
// Every SQL statement of dispatch: offers (deadlines kept in the database), assignments (one
// active per delivery, by a unique partial index), the dispatcher's queue on deliveries, and what
// it reads of drivers (online, vehicle, capacity, load).

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "modules/deliveries/delivery_models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::deliveries {

enum class OfferStatus { Pending, Accepted, Declined, Expired, Withdrawn };

struct Offer {
  std::string id;
  std::string delivery_id;
  std::string driver_id;
  OfferStatus status = OfferStatus::Pending;
  int distance_m = 0;   // driver to pickup when offered
  int eta_seconds = 0;  // driver to pickup when offered
  Timestamp expires_at{};
  Timestamp created_at{};
  bool expired = false;  // expires_at has passed (by the database's clock)
};

// An offer as its driver sees it in the list: with what the delivery is.
struct OfferView {
  Offer offer;
  PickupSnapshot pickup;
  DropoffSnapshot dropoff;  // address and point (not the customer's name until assigned)
};

// A driver that may be offered work: online, with its vehicle and how much it holds or is offered.
struct DriverLoad {
  std::string driver_id;
  std::string vehicle;
  int capacity = 1;
  int load = 0;  // active assignments + pending offers
};

class OfferRepository {
 public:
  explicit OfferRepository(db::ModuleDb& db) : db_(db) {}

  // --- the dispatcher ---

  // Marks every pending offer past its deadline expired; returns how many.
  boost::asio::awaitable<std::int64_t> expire_due(db::Transaction& tx);
  // A delivery that is `offered` with no pending offer left (all declined or expired), locked,
  // skipping those another transaction holds; nullopt when none.
  boost::asio::awaitable<std::optional<std::string>> claim_orphaned_offered(db::Transaction& tx);
  // A pending delivery whose next search is due, locked (SKIP LOCKED); nullopt when none.
  boost::asio::awaitable<std::optional<std::string>> claim_due(db::Transaction& tx);
  // After a search found nobody: the ring reached, the next search in `retry_seconds`.
  boost::asio::awaitable<void> reschedule(db::Transaction& tx, const std::string& delivery_id, int radius_m,
                                          int retry_seconds);
  // Seconds the delivery has waited for a driver, and whether delivery.unassigned went out for it.
  struct Waiting {
    int waited_seconds = 0;
    bool announced = false;
  };
  boost::asio::awaitable<Waiting> waiting(db::Transaction& tx, const std::string& delivery_id);
  boost::asio::awaitable<void> mark_announced(db::Transaction& tx, const std::string& delivery_id);

  // The drivers among `driver_ids` that are online, with their vehicle, capacity and load.
  boost::asio::awaitable<std::vector<DriverLoad>> online_drivers(db::Transaction& tx,
                                                                 const std::vector<std::string>& driver_ids);
  // Drivers already offered this delivery (whatever they answered).
  boost::asio::awaitable<std::vector<std::string>> offered_drivers(db::Transaction& tx, const std::string& delivery_id);
  boost::asio::awaitable<void> insert(db::Transaction& tx, const Offer& offer, int timeout_seconds);

  // --- a driver answering ---

  // The offer, read without a lock: of drivers racing for one delivery each reads its own offer,
  // and the winner withdraws the others' while they wait on the assignment index (a lock here would
  // be a lock cycle with that withdrawal).
  boost::asio::awaitable<std::optional<Offer>> find(db::Transaction& tx, const std::string& offer_id);
  // Answers the offer if it is still pending; false when it is not any more.
  boost::asio::awaitable<bool> answer(db::Transaction& tx, const std::string& offer_id, OfferStatus status);
  // The other pending offers of the delivery, withdrawn (someone took it).
  boost::asio::awaitable<void> withdraw_others(db::Transaction& tx, const std::string& delivery_id,
                                               const std::string& offer_id);
  boost::asio::awaitable<std::int64_t> pending_count(db::Transaction& tx, const std::string& delivery_id);
  // The driver's row locked (its capacity cannot be raced); nullopt without a driver profile.
  struct DriverLock {
    int capacity = 1;
    bool online = false;
  };
  boost::asio::awaitable<std::optional<DriverLock>> lock_driver(db::Transaction& tx, const std::string& driver_id);
  boost::asio::awaitable<std::int64_t> active_count(db::Transaction& tx, const std::string& driver_id);
  // The driver takes the delivery. Conflict when another driver holds it (the unique partial
  // index assignments_one_active decides among concurrent accepts).
  boost::asio::awaitable<void> assign(db::Transaction& tx, const std::string& delivery_id,
                                      const std::string& driver_id, const std::string& offer_id);

  // --- reads ---

  // The driver's pending offers still open, soonest deadline first.
  boost::asio::awaitable<std::vector<OfferView>> open_offers(const std::string& driver_id);

 private:
  db::ModuleDb& db_;
};

std::string_view to_string(OfferStatus status) noexcept;

}  // namespace nelo::deliveries
