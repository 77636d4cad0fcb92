#pragma once
// What other modules may ask the auth module about accounts: who holds a role (notifications
// tells the admins of a failed delivery). Implemented in-process by
// modules/auth/services/account_directory. A process that does not serve auth hands callers a
// null pointer; they then reach nobody by role.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace nelo {

class AccountInterface {
 public:
  virtual ~AccountInterface() = default;

  // The ids of the enabled accounts holding `role` (customer, merchant, driver, admin), oldest
  // first, at most `limit` of them.
  virtual boost::asio::awaitable<std::vector<std::string>> user_ids_with_role(std::string role, std::size_t limit) = 0;
};

}  // namespace nelo
