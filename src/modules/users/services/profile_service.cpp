#include "modules/users/services/profile_service.hpp"

#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "core/uuid.hpp"
#include "modules/users/repositories/profile_repository.hpp"
#include "modules/users/validation.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::size_t kMaxEmailLength = 320;

std::string required_string(const json::object& payload, std::string_view name) {
  const json::value* v = payload.if_contains(name);
  if (!v || !v->is_string()) {
    throw std::invalid_argument("user.registered: \"" + std::string(name) + "\" must be a string");
  }
  return std::string(v->get_string());
}

[[noreturn]] void profile_not_found() {
  throw NotFound(
      "Your profile does not exist yet: it is created shortly after registration. Try again in a moment.");
}

}  // namespace

RegisteredUser parse_user_registered(const json::object& payload) {
  RegisteredUser user;
  // Canonical lower case, as PostgreSQL's uuid type prints it, so ids compare as text everywhere.
  auto user_id = canonical_uuid(required_string(payload, "user_id"));
  if (!user_id) throw std::invalid_argument("user.registered: \"user_id\" must be a UUID");
  user.user_id = std::move(*user_id);
  user.email = required_string(payload, "email");
  if (user.email.size() < 3 || user.email.size() > kMaxEmailLength || user.email.find('@') == std::string::npos) {
    throw std::invalid_argument("user.registered: \"email\" is not an e-mail address");
  }
  user.name = required_string(payload, "name");
  if (auto problem = text_problem(user.name, kMaxNameLength)) {
    throw std::invalid_argument("user.registered: \"name\" " + *problem);
  }
  if (const json::value* locale = payload.if_contains("locale"); locale && locale->is_string() &&
                                                                 is_supported_locale(locale->get_string())) {
    user.locale = std::string(locale->get_string());
  }
  return user;
}

asio::awaitable<void> ProfileService::on_user_registered(db::Transaction& tx, const RegisteredUser& user) {
  const bool created = co_await profiles_.insert_if_absent(tx, user);
  if (!created) spdlog::info("users: profile {} already exists; user.registered ignored", user.user_id);
}

asio::awaitable<Profile> ProfileService::get_profile(std::string user_id) {
  std::optional<Profile> profile;
  if (is_uuid(user_id)) profile = co_await profiles_.find(user_id);
  if (!profile) profile_not_found();
  co_return std::move(*profile);
}

asio::awaitable<Profile> ProfileService::update_profile(std::string user_id, const ProfilePatch& patch) {
  std::optional<Profile> profile;
  if (is_uuid(user_id)) profile = co_await profiles_.update(user_id, patch);
  if (!profile) profile_not_found();
  co_return std::move(*profile);
}

}  // namespace nelo::users
