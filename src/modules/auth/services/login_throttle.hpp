#pragma once
// Brute-force protection for password checks: every attempt is counted against the account
// (normalised e-mail, whether or not it exists) and the client address *before* the password is
// verified, so concurrent guesses cannot slip past the limit; a success gives the attempt back.
// A key found over its limit is also remembered in memory until its window ends: a flood of
// guesses against one account or from one address is then refused without touching the
// database (each counted attempt is a write on the same row, which would otherwise queue every
// other request of the process behind it for pool connections).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cache/expiring_cache.hpp"
#include "modules/auth/repositories/throttle_repository.hpp"
#include "modules/auth/services/auth_settings.hpp"

namespace nelo::auth {

class LoginThrottle {
 public:
  LoginThrottle(ThrottleRepository& repository, const AuthSettings& settings)
      : repository_(repository), settings_(settings), blocked_(settings.throttle_window, kMaxRememberedBlocks) {}

  // Counts the attempt; throws TooManyRequests (Retry-After: until the window that is over its
  // limit ends) when the account or the address has used up its attempts.
  boost::asio::awaitable<void> count_attempt(std::string_view email, std::string_view address);
  // The password was right: the account's counter restarts, the address gets this attempt back.
  boost::asio::awaitable<void> succeeded(std::string_view email, std::string_view address);
  boost::asio::awaitable<std::int64_t> purge();

  static std::string account_key(std::string_view email);
  // IPv4 as is (IPv4-mapped IPv6 too); IPv6 by its /64 prefix.
  static std::string address_key(std::string_view address);

 private:
  static constexpr std::size_t kMaxRememberedBlocks = 100'000;
  using SteadyClock = cache::ExpiringCache<std::string, int>::Clock;
  // The latest end of a known block among `keys`, if one is still running.
  std::optional<SteadyClock::time_point> blocked_until(const std::vector<std::string>& keys) const;

  ThrottleRepository& repository_;
  const AuthSettings& settings_;
  // key -> end of its window. Bounded: forgetting a block only costs the database write again.
  cache::ExpiringCache<std::string, SteadyClock::time_point> blocked_;
};

}  // namespace nelo::auth
