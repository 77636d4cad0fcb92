#pragma once
// One signed-in account of the simulation: its access token, kept fresh by rotating the refresh
// token before the access token expires (they live 15 minutes; a simulation may run for hours).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace nelo::app::demo::sim {

class HttpPool;
class Runtime;
class Statistics;

class Session {
 public:
  Session(std::string email, std::string password) : email_(std::move(email)), password_(std::move(password)) {}

  const std::string& email() const noexcept { return email_; }
  const std::string& token() const noexcept { return access_token_; }
  bool signed_in() const noexcept { return !access_token_.empty(); }

  // POST /auth/login, waiting out a saturated password hashing (503) or throttle (429). Throws
  // std::runtime_error quoting the answer otherwise.
  boost::asio::awaitable<void> sign_in(HttpPool& http);
  // Until the simulation stops: refreshes the tokens at four fifths of their life (signs in
  // again if the refresh is refused).
  boost::asio::awaitable<void> keep_fresh(HttpPool& http, Runtime& runtime, Statistics& stats);

 private:
  void take(const std::string& body);

  std::string email_;
  std::string password_;
  std::string access_token_;
  std::string refresh_token_;
  std::chrono::seconds lifetime_{900};
};

}  // namespace nelo::app::demo::sim
