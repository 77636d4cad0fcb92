#pragma once
// Every SQL statement on notifications.preferences. A category without a row takes its defaults
// (categories.hpp): only choices a user made are stored.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::notifications {

class PreferenceRepository {
 public:
  explicit PreferenceRepository(db::ModuleDb& db) : db_(db) {}

  // The stored choices of a user (only the categories they changed).
  boost::asio::awaitable<std::vector<CategoryPreference>> list(std::string user_id);
  // Inside a transaction: the same, locked against a concurrent PUT of this user.
  boost::asio::awaitable<std::vector<CategoryPreference>> list_for_update(db::Transaction& tx, std::string user_id);
  // The stored choice for one category, read in a handler's transaction.
  boost::asio::awaitable<std::optional<Channels>> find(db::Transaction& tx, std::string user_id, std::string category);

  boost::asio::awaitable<void> upsert(db::Transaction& tx, std::string user_id, const CategoryPreference& preference);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::notifications
