#include "app/demo/simulate/accounts.hpp"

#include <boost/json.hpp>

#include <stdexcept>

#include "app/demo/simulate/http_pool.hpp"
#include "app/demo/simulate/json_read.hpp"
#include "app/demo/simulate/runtime.hpp"
#include "app/demo/simulate/session.hpp"
#include "core/json_text.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

[[noreturn]] void fail(const std::string& step, const ApiResponse& answer) {
  throw std::runtime_error(step + ": " + answer.describe());
}

}  // namespace

AccountDesk::AccountDesk(World& world, Session& admin, std::string password)
    : world_(world), admin_(admin), password_(std::move(password)) {}

asio::awaitable<AccountDesk::Found> AccountDesk::look_up(const std::string& email, const std::string& role) {
  auto answer = co_await world_.send("GET", "/api/v1/auth/users?email=" + email, &admin_);
  if (answer.status != 200) fail("looking up " + email, answer);
  Found found;
  const auto items = items_of(parse_body(answer.body));
  if (items.empty()) co_return found;
  found.exists = true;
  found.id = text_of(items.front(), "id");
  if (const auto* roles = field(items.front(), "roles"); roles && roles->is_array()) {
    for (const auto& r : roles->as_array()) {
      if (r.is_string() && r.as_string() == role) found.has_role = true;
    }
  }
  co_return found;
}

asio::awaitable<void> AccountDesk::approve(const std::string& application_id, const std::string& email) {
  auto answer = co_await world_.send("POST", "/api/v1/auth/role-applications/" + application_id + "/approve",
                                     &admin_, "{}");
  if (answer.status != 200) fail("approving the driver role of " + email, answer);
}

// An account that exists without the driver role: approve its pending application, or apply in
// its name first (a run interrupted between registration and approval leaves one).
asio::awaitable<void> AccountDesk::grant_driver(const Found& account, const std::string& email) {
  auto pending = co_await world_.send(
      "GET", "/api/v1/auth/role-applications?status=pending&user_id=" + account.id, &admin_);
  if (pending.status != 200) fail("listing the role applications of " + email, pending);
  for (const auto& a : items_of(parse_body(pending.body))) {
    if (text_of(a, "role") == "driver") {
      co_await approve(text_of(a, "id"), email);
      co_return;
    }
  }
  Session user(email, password_);
  co_await user.sign_in(world_.auth);
  json::object application{{"role", "driver"}};
  auto applied = co_await world_.send("POST", "/api/v1/auth/role-applications", &user, to_json_text(application));
  if (applied.status != 201 && applied.status != 200) fail("applying for the driver role of " + email, applied);
  co_await approve(text_of(parse_body(applied.body), "id"), email);
}

asio::awaitable<bool> AccountDesk::ensure(std::string email, std::string name, std::string role) {
  Found found = co_await look_up(email, role);
  while (!found.exists) {
    if (limited_) co_return false;
    json::object registration{{"email", email}, {"password", password_}, {"name", name}};
    if (role != "customer") registration["role"] = role;
    ApiResponse answer;
    try {
      answer = co_await world_.auth.send("POST", "/api/v1/auth/register", "", to_json_text(registration));
    } catch (const std::exception& e) {
      throw std::runtime_error("registering " + email + ": " + e.what());
    }
    if (answer.status == 201) {
      ++registered_;
      if (role != "customer") {
        const auto body = parse_body(answer.body);
        const auto* application = field(body, "role_application");
        if (!application || !application->is_object()) fail("registering " + email + " (no role application)", answer);
        co_await approve(text_of(*application, "id"), email);
      }
      co_return true;
    }
    if (answer.status == 429) {
      limited_ = true;
      limit_answer_ = answer.describe();
      co_return false;
    }
    if (answer.status == 503) {  // the password hashing backlog is full: a moment
      co_await world_.runtime.sleep_real(std::chrono::seconds(1));
      if (world_.runtime.stopping()) throw std::runtime_error("stopped while registering " + email);
      continue;
    }
    if (answer.status != 409) fail("registering " + email, answer);
    found = co_await look_up(email, role);  // made meanwhile by someone else
  }
  if (!found.has_role && role != "customer") co_await grant_driver(found, email);
  co_return true;
}

}  // namespace nelo::app::demo::sim
