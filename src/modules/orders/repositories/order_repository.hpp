#pragma once
// Every SQL statement on orders.orders. An order's lines and status history are jsonb documents
// of its row (lines written once, history appended to by each move, both read with the order);
// snapshots are jsonb documents and their points plain latitude/longitude columns, which the
// rest of the module only sees as the structs of models.hpp.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/db/batched_lookup.hpp"
#include "modules/orders/models.hpp"

namespace nelo::db {
class CommitWriter;
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::orders {

// Whose orders a list shows.
enum class ListScope { All, Customer, MerchantOwner };

class OrderRepository {
 public:
  // Reads of one order by id are batched (db::BatchedLookup) on `executor`, and counted in
  // `metrics` when given.
  OrderRepository(db::ModuleDb& db, boost::asio::any_io_executor executor, metrics::Registry* metrics = nullptr);

  // --- inside the caller's transaction ---

  struct StatusUpdate {
    int version = 0;
    Timestamp updated_at{};
  };

  // Queues the insert of the order in its (initial) status, with its lines and its creation in
  // its history (by its customer), to run with tx's commit: a row statement, so that the orders
  // of the transactions a db::GroupCommit commits together go in one statement. `at` is its
  // creation time; version, created_at and updated_at are set on `order`. With `then` (a move
  // from that status), the order is stored already moved, `then` follows the creation in its
  // history at the same time, and the move's version and time are returned: no second version of
  // a row that was just written.
  std::optional<StatusUpdate> insert_at_commit(db::CommitWriter& tx, Order& order, Timestamp at,
                                               const StatusChange* then = nullptr);

  // The order with its lines, its row locked until tx ends; nullopt when there is none.
  boost::asio::awaitable<std::optional<Order>> find_for_update(db::Transaction& tx, std::string order_id);

  // The orders among `ids` (lowercase UUIDs), their rows locked until tx ends (in id order, so
  // that transactions locking overlapping sets never deadlock); those that do not exist are absent.
  boost::asio::awaitable<std::vector<Order>> find_many_for_update(db::Transaction& tx,
                                                                  const std::vector<std::string>& ids);
  // move() for each (order id, change), at most one per order, in one statement: the orders that
  // moved, by id.
  boost::asio::awaitable<std::map<std::string, StatusUpdate>> move_many(
      db::Transaction& tx, const std::vector<std::pair<std::string, StatusChange>>& moves);

  // Moves the order from change.from to change.to (only if it is still in change.from), bumps its
  // version and appends `change` to its history (its `at` is the database's). nullopt when the
  // order is not in change.from any more.
  boost::asio::awaitable<std::optional<StatusUpdate>> move(db::Transaction& tx, std::string order_id,
                                                           const StatusChange& change);

  // --- reads, each one statement in its own transaction; ids must be UUIDs ---

  boost::asio::awaitable<std::optional<Order>> find(std::string order_id);

  struct OrderWithHistory {
    Order order;
    std::vector<StatusChange> history;  // oldest first
  };
  // The order and its status history read by one statement, so they agree with each other.
  // Concurrent calls share statements (db::BatchedLookup): this is GET /orders/{id}'s read.
  boost::asio::awaitable<std::optional<OrderWithHistory>> find_with_history(std::string order_id);
  // Newest first, after `query.after`, at most `limit` orders, without their lines. `user_id` is
  // the customer or merchant owner the scope names (ignored for All).
  boost::asio::awaitable<std::vector<Order>> list(ListScope scope, std::string user_id, const OrderListQuery& query,
                                                  std::size_t limit);

 private:
  db::ModuleDb& db_;
  db::BatchedLookup with_history_;
};

}  // namespace nelo::orders
