#include "modules/auth/services/user_admin_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"
#include "modules/auth/services/credential_rules.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kCursorPrefix = "u1:";

// Not a UUID cannot be a user; said as 404 like any other missing user (and never reaches SQL).
void require_user_id(const std::string& id) {
  if (!is_uuid(id)) throw NotFound("No such user");
}

// After require_user_id(): the id in its canonical lower-case form, as the database returns it.
std::string lower_uuid(const std::string& id) { return canonical_uuid(id).value_or(id); }

}  // namespace

std::string encode_user_cursor(const std::string& last_id) {
  return security::base64url_encode(std::string(kCursorPrefix) + last_id);
}

std::optional<std::string> decode_user_cursor(std::string_view cursor) {
  auto text = security::base64url_decode(cursor);
  if (!text || !text->starts_with(kCursorPrefix)) return std::nullopt;
  auto id = text->substr(kCursorPrefix.size());
  if (!is_uuid(id)) return std::nullopt;
  return id;
}

asio::awaitable<UserPage> UserAdminService::list(UserFilter filter, std::size_t limit,
                                                 std::optional<std::string> cursor) {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPageSize);
  Validator v;
  std::optional<std::string> after;
  if (cursor) {
    after = decode_user_cursor(*cursor);
    if (!after) v.add("cursor", "is not a cursor from this list");
  }
  if (filter.role && !is_known_role(*filter.role)) v.add("role", "must be one of customer, merchant, driver, admin");
  if (filter.email) {
    filter.email = normalize_email(*filter.email);
    if (filter.email->empty() || filter.email->size() > kMaxEmailLength) v.add("email", "must be 1 to 254 characters");
  }
  v.throw_if_invalid();

  // One more than asked tells whether another page exists.
  auto users = co_await users_.list(filter, after, limit + 1);
  UserPage page;
  if (users.size() > limit) {
    users.resize(limit);
    page.next_cursor = encode_user_cursor(users.back().id);
  }
  page.items = std::move(users);
  co_return page;
}

asio::awaitable<User> UserAdminService::get(const std::string& id) {
  require_user_id(id);
  auto user = co_await users_.find(lower_uuid(id));
  if (!user) throw NotFound("No such user");
  co_return *user;
}

asio::awaitable<User> UserAdminService::set_roles(const Principal& actor, const std::string& raw_id,
                                                  std::vector<std::string> roles) {
  require_user_id(raw_id);
  const std::string id = lower_uuid(raw_id);
  Validator v;
  if (roles.empty()) v.add("roles", "must contain at least one role");
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (!is_known_role(roles[i])) {
      v.add("roles[" + std::to_string(i) + "]", "must be one of customer, merchant, driver, admin");
    }
  }
  v.throw_if_invalid();
  roles = canonical_roles(std::move(roles));
  const bool keeps_admin = std::find(roles.begin(), roles.end(), "admin") != roles.end();
  if (actor.user_id == id && !keeps_admin) throw Conflict("You cannot remove your own admin role");

  auto tx = co_await db_.begin();
  auto before = co_await users_.find_credentials_for_update(tx, id);
  if (!before) throw NotFound("No such user");
  auto updated = co_await users_.set_roles(tx, id, roles);
  bool removed = false;
  for (const auto& role : before->user.roles) {
    removed |= std::find(roles.begin(), roles.end(), role) == roles.end();
  }
  std::vector<std::string> revoked;
  if (removed) {
    std::optional<std::string> keep;
    revoked = co_await refresh_tokens_.revoke_user_families(tx, id, RevokeReason::RolesChanged, keep);
  }
  co_await tx.commit();
  revocations_.add(revoked);
  spdlog::info("auth: admin {} set the roles of user {}", actor.user_id, id);
  co_return *updated;
}

asio::awaitable<User> UserAdminService::disable(const Principal& actor, const std::string& raw_id) {
  require_user_id(raw_id);
  const std::string id = lower_uuid(raw_id);
  if (actor.user_id == id) throw Conflict("You cannot disable your own account");
  auto tx = co_await db_.begin();
  auto user = co_await users_.disable(tx, id);
  if (!user) throw NotFound("No such user");
  std::optional<std::string> keep;
  auto revoked = co_await refresh_tokens_.revoke_user_families(tx, id, RevokeReason::UserDisabled, keep);
  co_await tx.commit();
  revocations_.add(revoked);
  spdlog::info("auth: admin {} disabled user {} ({} session(s) revoked)", actor.user_id, id, revoked.size());
  co_return *user;
}

asio::awaitable<User> UserAdminService::enable(const std::string& raw_id) {
  require_user_id(raw_id);
  const std::string id = lower_uuid(raw_id);
  auto tx = co_await db_.begin();
  auto user = co_await users_.enable(tx, id);
  if (!user) throw NotFound("No such user");
  co_await tx.commit();
  co_return *user;
}

}  // namespace nelo::auth
