#include "modules/auth/services/account_directory.hpp"

namespace nelo::auth {

boost::asio::awaitable<std::vector<std::string>> AccountDirectory::user_ids_with_role(std::string role,
                                                                                     std::size_t limit) {
  std::vector<std::string> ids;
  std::optional<std::string> after;
  UserFilter filter;
  filter.role = role;
  // Pages of the admin list (ordered by id), skipping disabled accounts, until `limit` ids.
  while (ids.size() < limit) {
    auto page = co_await users_.list(filter, after, 100);
    for (const auto& user : page) {
      if (!user.disabled() && ids.size() < limit) ids.push_back(user.id);
    }
    if (page.size() < 100) break;
    after = page.back().id;
  }
  co_return ids;
}

}  // namespace nelo::auth
