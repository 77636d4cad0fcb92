#pragma once
// Every SQL statement on users.profiles.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "core/db/batched_lookup.hpp"
#include "modules/users/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::metrics {
class Registry;
}  // namespace nelo::metrics

namespace nelo::users {

class ProfileRepository {
 public:
  // Reads of one profile are batched (db::BatchedLookup) on `executor`, and counted in `metrics`
  // when given.
  ProfileRepository(db::ModuleDb& db, boost::asio::any_io_executor executor, metrics::Registry* metrics = nullptr);

  // Creates the profile unless one exists already; true when this call created it.
  boost::asio::awaitable<bool> insert_if_absent(db::Transaction& tx, const RegisteredUser& user);

  // Concurrent calls share statements (db::BatchedLookup): GET /users/me, a placement's customer,
  // a notification's locale. nullopt for an id that is no UUID.
  boost::asio::awaitable<std::optional<Profile>> find(std::string user_id);

  // Applies the patch and bumps updated_at; nullopt when there is no such profile.
  boost::asio::awaitable<std::optional<Profile>> update(std::string user_id, const ProfilePatch& patch);

  // Locks the profile row until `tx` ends: every address write of a user takes this lock first,
  // so they run one at a time per user. False when there is no such profile.
  boost::asio::awaitable<bool> lock(db::Transaction& tx, std::string user_id);

 private:
  db::ModuleDb& db_;
  db::BatchedLookup by_id_;
};

}  // namespace nelo::users
