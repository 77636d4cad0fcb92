#pragma once
// The in-process AccountInterface (shared/interfaces/account_interface.hpp).

#include "modules/auth/repositories/user_repository.hpp"
#include "shared/interfaces/account_interface.hpp"

namespace nelo::auth {

class AccountDirectory final : public AccountInterface {
 public:
  explicit AccountDirectory(UserRepository& users) : users_(users) {}

  boost::asio::awaitable<std::vector<std::string>> user_ids_with_role(std::string role, std::size_t limit) override;

 private:
  UserRepository& users_;
};

}  // namespace nelo::auth
