#pragma once
// Every statement on auth.users.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "modules/auth/models.hpp"

namespace nelo::auth {

class UserRepository {
 public:
  explicit UserRepository(db::ModuleDb& db) : db_(db) {}

  // Throws Conflict when the e-mail address is taken.
  boost::asio::awaitable<User> insert(db::Transaction& tx, const NewUser& user);

  boost::asio::awaitable<std::optional<Credentials>> find_credentials_by_email(const std::string& email);
  // Whether an account uses this (normalised) address: registration refuses it before hashing.
  boost::asio::awaitable<bool> email_taken(const std::string& email);
  boost::asio::awaitable<std::optional<Credentials>> find_credentials(const std::string& id);
  boost::asio::awaitable<std::optional<User>> find(const std::string& id);

  // Share-locks the row until the end of `tx`: a concurrent disable/role change/password change
  // (which update the row) waits for the session being issued, or the issue sees their result.
  boost::asio::awaitable<std::optional<User>> find_for_share(db::Transaction& tx, const std::string& id);
  // Locks the row for update (password change, role change).
  boost::asio::awaitable<std::optional<Credentials>> find_credentials_for_update(db::Transaction& tx,
                                                                                const std::string& id);

  boost::asio::awaitable<void> update_password_hash(db::Transaction& tx, const std::string& id,
                                                    const std::string& password_hash);
  // Upgrades a hash to the current parameters unless the password changed meanwhile.
  boost::asio::awaitable<void> rehash(const std::string& id, const std::string& old_hash, const std::string& new_hash);

  // Each returns the updated user, or nullopt when there is no such user.
  boost::asio::awaitable<std::optional<User>> set_roles(db::Transaction& tx, const std::string& id,
                                                        const std::vector<std::string>& roles);
  boost::asio::awaitable<std::optional<User>> disable(db::Transaction& tx, const std::string& id);
  boost::asio::awaitable<std::optional<User>> enable(db::Transaction& tx, const std::string& id);

  // Ordered by id (UUIDv7: creation order); `after` is the last id of the previous page.
  boost::asio::awaitable<std::vector<User>> list(const UserFilter& filter, const std::optional<std::string>& after,
                                                 std::size_t limit);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::auth
