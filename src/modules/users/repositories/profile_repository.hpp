#pragma once
// Every SQL statement on users.profiles.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "modules/users/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::users {

class ProfileRepository {
 public:
  explicit ProfileRepository(db::ModuleDb& db) : db_(db) {}

  // Creates the profile unless one exists already; true when this call created it.
  boost::asio::awaitable<bool> insert_if_absent(db::Transaction& tx, const RegisteredUser& user);

  // One statement in its own transaction. `user_id` must be a UUID.
  boost::asio::awaitable<std::optional<Profile>> find(std::string user_id);

  // Applies the patch and bumps updated_at; nullopt when there is no such profile.
  boost::asio::awaitable<std::optional<Profile>> update(std::string user_id, const ProfilePatch& patch);

  // Locks the profile row until `tx` ends: every address write of a user takes this lock first,
  // so they run one at a time per user. False when there is no such profile.
  boost::asio::awaitable<bool> lock(db::Transaction& tx, std::string user_id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::users
