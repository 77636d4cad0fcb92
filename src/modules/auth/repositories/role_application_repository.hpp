#pragma once
// Every statement on auth.role_applications.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "modules/auth/models.hpp"

namespace nelo::auth {

class RoleApplicationRepository {
 public:
  explicit RoleApplicationRepository(db::ModuleDb& db) : db_(db) {}

  // A pending application; an open one for the same account and role is kept instead (returned).
  boost::asio::awaitable<RoleApplication> insert(db::Transaction& tx, const std::string& id,
                                                 const std::string& user_id, const std::string& role);
  // Ordered by id (creation order); `after` is the last id of the previous page.
  boost::asio::awaitable<std::vector<RoleApplication>> list(const std::optional<std::string>& status,
                                                            const std::optional<std::string>& user_id,
                                                            const std::optional<std::string>& after,
                                                            std::size_t limit);
  // Locks the application until the end of `tx`.
  boost::asio::awaitable<std::optional<RoleApplication>> find_for_update(db::Transaction& tx, const std::string& id);
  // Records the decision (approved | rejected) of `admin_id`.
  boost::asio::awaitable<RoleApplication> decide(db::Transaction& tx, const std::string& id, const std::string& status,
                                                 const std::string& admin_id);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::auth
