#pragma once
// Every SQL statement on deliveries.order_snapshots, deliveries.deliveries and
// deliveries.status_history. The rest of the module sees only the structs of models.hpp.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/db/batched_lookup.hpp"
#include "modules/deliveries/delivery_models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::metrics {
class Registry;
}  // namespace nelo::metrics

namespace nelo::deliveries {

// One status change, as the history keeps it.
struct StatusChange {
  DeliveryStatus from = DeliveryStatus::Pending;
  DeliveryStatus to = DeliveryStatus::Pending;
  DeliveryAction action = DeliveryAction::Offer;
  Actor actor;
  std::optional<std::string> reason;
};

class DeliveryRepository {
 public:
  // Reads of an order's delivery are batched (db::BatchedLookup) on `executor`, and counted in
  // `metrics` when given.
  DeliveryRepository(db::ModuleDb& db, boost::asio::any_io_executor executor, metrics::Registry* metrics = nullptr);

  // --- inside the caller's transaction ---

  // Keeps what order.created said of an order; a second copy of the same order is ignored.
  boost::asio::awaitable<void> save_snapshot(db::Transaction& tx, const OrderSnapshot& snapshot);
  // Removes and returns the snapshot of an order (nullopt when there is none).
  boost::asio::awaitable<std::optional<OrderSnapshot>> take_snapshot(db::Transaction& tx, std::string order_id);

  // Inserts `delivery` (status pending, its creation in the history) unless its order already has
  // one. True when inserted; created_at, updated_at and version are set on `delivery` then.
  boost::asio::awaitable<bool> insert(db::Transaction& tx, Delivery& delivery);

  // The delivery, its row locked until tx ends; nullopt when there is none.
  boost::asio::awaitable<std::optional<Delivery>> find_for_update(db::Transaction& tx, std::string delivery_id);
  boost::asio::awaitable<std::optional<Delivery>> find_by_order_for_update(db::Transaction& tx, std::string order_id);

  struct StatusUpdate {
    int version = 0;
    Timestamp updated_at{};
  };
  // Moves the delivery from change.from to change.to (only if it is still there), bumps its
  // version, stamps the milestone of change.to (assigned_at, picked_up_at, delivered_at), keeps a
  // failure's reason, sets the holding driver (`driver_id`, or clears it when the delivery ends
  // unheld) and appends the history row. nullopt when it is not in change.from any more.
  boost::asio::awaitable<std::optional<StatusUpdate>> move(db::Transaction& tx, std::string delivery_id,
                                                           const StatusChange& change);

  // One more wrong PIN given for the delivery; the count after it.
  boost::asio::awaitable<int> record_pin_failure(db::Transaction& tx, std::string delivery_id);

  // --- reads, each one statement; ids must be UUIDs ---

  boost::asio::awaitable<std::optional<Delivery>> find(std::string delivery_id);
  // Concurrent calls share statements (db::BatchedLookup): this is GET /orders/{id}'s question to
  // deliveries. nullopt for an id that is no UUID.
  boost::asio::awaitable<std::optional<Delivery>> find_by_order(std::string order_id);
  // Whether the driver holds a delivery now (an active assignment).
  boost::asio::awaitable<bool> driver_has_active(std::string driver_id);
  // Up to `limit` deliveries matching `query`, newest first, after query.after (its limit is
  // the caller's page size; `limit` may ask one more to learn whether a next page exists).
  boost::asio::awaitable<std::vector<Delivery>> list(const DeliveryListQuery& query, std::size_t limit);

 private:
  db::ModuleDb& db_;
  db::BatchedLookup by_order_;
};

}  // namespace nelo::deliveries
