#include "modules/auth/services/role_application_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"
#include "modules/auth/services/credential_rules.hpp"
#include "modules/auth/services/user_admin_service.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kCursorPrefix = "a1:";

void require_application_id(const std::string& id) {
  if (!is_uuid(id)) throw NotFound("No such role application");
}

}  // namespace

std::string encode_application_cursor(const std::string& last_id) {
  return security::base64url_encode(std::string(kCursorPrefix) + last_id);
}

std::optional<std::string> decode_application_cursor(std::string_view cursor) {
  auto text = security::base64url_decode(cursor);
  if (!text || !text->starts_with(kCursorPrefix)) return std::nullopt;
  auto id = text->substr(kCursorPrefix.size());
  if (!is_uuid(id)) return std::nullopt;
  return id;
}

asio::awaitable<RoleApplication> RoleApplicationService::apply(const Principal& caller, std::string role) {
  if (!is_applied_for_role(role)) throw ValidationError("role", "must be merchant or driver");
  auto tx = co_await db_.begin();
  auto user = co_await users_.find_for_share(tx, caller.user_id);
  if (!user || user->disabled()) throw Unauthorized();
  if (std::find(user->roles.begin(), user->roles.end(), role) != user->roles.end()) {
    throw Conflict("role-held", "You have this role already");
  }
  auto application = co_await applications_.insert(tx, new_uuid_v7(), user->id, role);
  co_await tx.commit();
  spdlog::info("auth: user {} applied for the {} role", user->id, role);
  co_return application;
}

asio::awaitable<RoleApplicationPage> RoleApplicationService::list(RoleApplicationFilter filter, std::size_t limit,
                                                                  std::optional<std::string> cursor) {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPageSize);
  Validator v;
  std::optional<std::string> after;
  if (cursor) {
    after = decode_application_cursor(*cursor);
    if (!after) v.add("cursor", "is not a cursor from this list");
  }
  if (filter.status &&
      std::find(kApplicationStatuses.begin(), kApplicationStatuses.end(), *filter.status) == kApplicationStatuses.end()) {
    v.add("status", "must be one of pending, approved, rejected");
  }
  if (filter.user_id) {
    if (!is_uuid(*filter.user_id)) v.add("user_id", "must be a UUID");
    else filter.user_id = canonical_uuid(*filter.user_id).value_or(*filter.user_id);
  }
  v.throw_if_invalid();

  auto items = co_await applications_.list(filter.status, filter.user_id, after, limit + 1);
  RoleApplicationPage page;
  if (items.size() > limit) {
    items.resize(limit);
    page.next_cursor = encode_application_cursor(items.back().id);
  }
  page.items = std::move(items);
  co_return page;
}

asio::awaitable<RoleApplication> RoleApplicationService::approve(const Principal& admin, const std::string& id) {
  co_return co_await decide(admin, id, true);
}

asio::awaitable<RoleApplication> RoleApplicationService::reject(const Principal& admin, const std::string& id) {
  co_return co_await decide(admin, id, false);
}

asio::awaitable<RoleApplication> RoleApplicationService::decide(const Principal& admin, const std::string& raw_id,
                                                                bool approve) {
  require_application_id(raw_id);
  const std::string id = canonical_uuid(raw_id).value_or(raw_id);
  auto tx = co_await db_.begin();
  auto application = co_await applications_.find_for_update(tx, id);
  if (!application) throw NotFound("No such role application");
  if (application->status != "pending") {
    throw Conflict("application-decided", "This application was " + application->status + " already");
  }
  if (approve) {
    // Lock order application -> user. The role takes the place of `customer`, as registering for
    // it did before applications existed: a merchant's or driver's account does not also order
    // (an admin can still give any set of roles through the roles route). Other roles are kept.
    auto user = co_await users_.find_credentials_for_update(tx, application->user_id);
    if (!user) throw NotFound("No such role application");
    auto roles = user->user.roles;
    std::erase(roles, std::string("customer"));
    roles.push_back(application->role);
    co_await users_.set_roles(tx, application->user_id, canonical_roles(std::move(roles)));
  }
  auto decided = co_await applications_.decide(tx, id, approve ? "approved" : "rejected", admin.user_id);
  co_await tx.commit();
  spdlog::info("auth: admin {} {} the {} role of user {}", admin.user_id, approve ? "granted" : "refused",
               decided.role, decided.user_id);
  co_return decided;
}

}  // namespace nelo::auth
