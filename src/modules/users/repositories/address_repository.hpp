#pragma once
// Every SQL statement on users.addresses. Positions are a PostGIS geography(Point, 4326); the
// rest of the module only sees lat/lng in degrees.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/users/models.hpp"

namespace nelo::db {
class ModuleDb;
class Transaction;
}  // namespace nelo::db

namespace nelo::users {

class AddressRepository {
 public:
  explicit AddressRepository(db::ModuleDb& db) : db_(db) {}

  // --- reads, each one statement in its own transaction; ids must be UUIDs ---

  // The user's addresses newest first, starting after `after`, at most `limit` of them.
  boost::asio::awaitable<std::vector<Address>> list(std::string user_id, std::optional<AddressKey> after,
                                                    std::size_t limit);
  // The address if it belongs to the user.
  boost::asio::awaitable<std::optional<Address>> find(std::string user_id, std::string address_id);

  // --- inside a transaction that holds the user's profile lock ---

  struct Summary {
    std::int64_t count = 0;
    bool has_default = false;
  };
  boost::asio::awaitable<Summary> summary(db::Transaction& tx, std::string user_id);

  boost::asio::awaitable<std::optional<Address>> find_for_update(db::Transaction& tx, std::string user_id,
                                                                 std::string address_id);

  // Unsets the user's default address, if any (before another one becomes the default).
  boost::asio::awaitable<void> clear_default(db::Transaction& tx, std::string user_id);

  boost::asio::awaitable<Address> insert(db::Transaction& tx, std::string id, std::string user_id,
                                         const NewAddress& address);

  // Writes every mutable field of `address` (found by id and user_id) and bumps updated_at.
  boost::asio::awaitable<Address> update(db::Transaction& tx, const Address& address);

  // Deletes the address if it belongs to the user: nullopt when it does not, else whether it
  // was the default.
  boost::asio::awaitable<std::optional<bool>> remove(db::Transaction& tx, std::string user_id,
                                                     std::string address_id);

  // Makes the user's most recently created address the default; its id, or nullopt when the
  // user has no address left.
  boost::asio::awaitable<std::optional<std::string>> promote_most_recent(db::Transaction& tx, std::string user_id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::users
