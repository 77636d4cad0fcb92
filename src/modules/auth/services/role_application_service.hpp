#pragma once
// Applications for the merchant and driver roles: an account asks (at registration or later),
// an admin approves (the role is added to the account) or rejects. Until then the account is a
// customer: it cannot open a shop or take deliveries.

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/db/module_db.hpp"
#include "core/security/principal.hpp"
#include "modules/auth/models.hpp"
#include "modules/auth/repositories/role_application_repository.hpp"
#include "modules/auth/repositories/user_repository.hpp"

namespace nelo::auth {

inline constexpr std::array<std::string_view, 3> kApplicationStatuses = {"pending", "approved", "rejected"};

// Opaque cursors of the applications list (the last id of a page).
std::string encode_application_cursor(const std::string& last_id);
std::optional<std::string> decode_application_cursor(std::string_view cursor);

struct RoleApplicationFilter {
  std::optional<std::string> status;   // pending | approved | rejected
  std::optional<std::string> user_id;
};

class RoleApplicationService {
 public:
  RoleApplicationService(db::ModuleDb& db, UserRepository& users, RoleApplicationRepository& applications)
      : db_(db), users_(users), applications_(applications) {}

  // A signed-in account asks for merchant or driver. ValidationError on another role, Conflict
  // when it has the role already; an open application for it is returned as it is.
  boost::asio::awaitable<RoleApplication> apply(const Principal& caller, std::string role);

  // limit is clamped to 1..100. ValidationError on a bad status, user id or cursor.
  boost::asio::awaitable<RoleApplicationPage> list(RoleApplicationFilter filter, std::size_t limit,
                                                   std::optional<std::string> cursor);
  // Adds the role to the account (it appears in access tokens from the next refresh or login).
  // NotFound for an unknown id, Conflict when the application was decided already.
  boost::asio::awaitable<RoleApplication> approve(const Principal& admin, const std::string& id);
  boost::asio::awaitable<RoleApplication> reject(const Principal& admin, const std::string& id);

 private:
  boost::asio::awaitable<RoleApplication> decide(const Principal& admin, const std::string& id, bool approve);

  db::ModuleDb& db_;
  UserRepository& users_;
  RoleApplicationRepository& applications_;
};

}  // namespace nelo::auth
