#pragma once
// Every SQL statement on notifications.pushes and push_attempts: the outbox of pushes written in
// a notification's transaction, claimed by the sender with a lease, and its attempts.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::notifications {

class PushRepository {
 public:
  explicit PushRepository(db::ModuleDb& db) : db_(db) {}

  // One pending push per device of the user, for this notification; how many.
  boost::asio::awaitable<std::int64_t> enqueue(db::Transaction& tx, std::string notification_id, std::string user_id);

  // Claims up to `limit` due pushes (FOR UPDATE SKIP LOCKED: instances share the work), counts the
  // attempt, and hides them for `lease` (past it, a sender that died is replaced by any other).
  boost::asio::awaitable<std::vector<PushMessage>> claim(std::size_t limit, std::chrono::milliseconds lease);

  // What became of an attempt. `status`: sent | failed | dropped | pending (then retried after
  // `retry_in`). `outcome` is the attempt's: delivered | retry | failed | invalid_token | dropped.
  struct Result {
    std::string status;
    std::string outcome;
    std::optional<std::int64_t> http_status;
    std::optional<std::string> error;
    std::chrono::milliseconds retry_in{0};
  };
  boost::asio::awaitable<void> record(db::Transaction& tx, const PushMessage& push, const Result& result);

  // Failed pushes, newest first, with their attempts (the admins' view).
  boost::asio::awaitable<std::vector<PushFailure>> failures(std::optional<PushFailureKey> after, std::size_t limit);

  // The status of every push of a notification (tests, support).
  boost::asio::awaitable<std::vector<std::pair<std::string, std::string>>> statuses(std::string notification_id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::notifications
