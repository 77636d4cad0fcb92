#include "app/demo/simulate/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <stdexcept>

#include "app/demo/simulate/http_pool.hpp"
#include "app/demo/simulate/runtime.hpp"
#include "app/demo/simulate/statistics.hpp"
#include "core/json_text.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace json = boost::json;

void Session::take(const std::string& body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) {
    throw std::runtime_error("signing in as " + email_ + ": not JSON: " + body.substr(0, 200));
  }
  const auto& o = value.as_object();
  const auto* access = o.if_contains("access_token");
  const auto* refresh = o.if_contains("refresh_token");
  if (!access || !access->is_string() || !refresh || !refresh->is_string()) {
    throw std::runtime_error("signing in as " + email_ + ": no tokens in " + body.substr(0, 200));
  }
  access_token_ = std::string(access->as_string());
  refresh_token_ = std::string(refresh->as_string());
  if (const auto* expires = o.if_contains("expires_in"); expires && expires->is_int64() && expires->as_int64() > 0) {
    lifetime_ = std::chrono::seconds(expires->as_int64());
  }
}

asio::awaitable<void> Session::sign_in(HttpPool& http) {
  json::object credentials{{"email", email_}, {"password", password_}};
  const std::string body = to_json_text(credentials);
  for (int attempt = 0;; ++attempt) {
    auto answer = co_await http.send("POST", "/api/v1/auth/login", "", body);
    if (answer.status == 200) {
      take(answer.body);
      co_return;
    }
    // 503: the hashing backlog is full; 429: a throttle wait. Both say to come back later.
    if ((answer.status == 503 || answer.status == 429) && attempt < 60) {
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::seconds(1));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    if (answer.status == 401) {
      throw std::runtime_error("signing in as " + email_ +
                               ": refused (401): the account exists with another password; run with the password it "
                               "was made with (--password), or start from an empty database");
    }
    throw std::runtime_error("signing in as " + email_ + ": " + answer.describe());
  }
}

asio::awaitable<void> Session::keep_fresh(HttpPool& http, Runtime& runtime, Statistics& stats) {
  while (co_await runtime.sleep_real(lifetime_ * 4 / 5)) {
    try {
      json::object refresh{{"refresh_token", refresh_token_}};
      auto answer = co_await http.send("POST", "/api/v1/auth/refresh", "", to_json_text(refresh));
      if (answer.status == 200) {
        take(answer.body);
        continue;
      }
      stats.unexpected("POST /api/v1/auth/refresh as " + email_, answer.describe());
      co_await sign_in(http);
    } catch (const std::exception& e) {
      if (runtime.stopping()) co_return;
      stats.unexpected("keeping " + email_ + " signed in", e.what());
    }
  }
}

}  // namespace nelo::app::demo::sim
