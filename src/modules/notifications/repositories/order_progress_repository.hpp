#pragma once
// Every SQL statement on notifications.order_progress: the highest version of each order seen.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

#include "core/time.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::notifications {

class OrderProgressRepository {
 public:
  explicit OrderProgressRepository(db::ModuleDb& db) : db_(db) {}

  // Records `version` if it is newer than the order's highest so far; false (and nothing
  // changes) when an equal or newer version was already handled. Locks the order's row until
  // `tx` ends, so two handlers of one order take turns.
  boost::asio::awaitable<bool> advance(db::Transaction& tx, std::string order_id, std::int64_t version);

  boost::asio::awaitable<std::int64_t> purge_older_than(Timestamp before, std::int64_t batch);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::notifications
