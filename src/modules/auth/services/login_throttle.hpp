#pragma once
// Brute-force protection for password checks and registrations. Every login attempt is counted
// *before* the password is verified, so concurrent guesses cannot slip past a limit; a success
// gives the attempt back. An attempt the database refuses only because others on the same counter
// are still being checked here waits for their outcome instead of being refused: concurrent
// *correct* logins (a household, an office behind one address, a fleet app signing drivers in)
// all get through, while concurrent guesses still stop at the allowance. (Attempts in flight on
// another instance are not seen: there the refusal stands, as before.)
// Three counters, so that no limit can be turned against a victim:
//   - the account from this address: the limit a guesser meets; it only slows that address;
//   - this address across accounts: password spraying from one place;
//   - the account from everywhere: a much higher ceiling against distributed guessing, with
//     short waits, so that even an attack from many addresses delays the owner a little rather
//     than locking them out.
// Past its allowance a counter imposes a growing wait between attempts (1 s, 2 s, 4 s, ...), never
// a lock (OWASP's advice). A key found waiting is also remembered in memory until its wait ends:
// a flood of refused attempts then never reaches the database.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/cache/expiring_cache.hpp"
#include "modules/auth/repositories/throttle_repository.hpp"
#include "modules/auth/services/auth_settings.hpp"

namespace nelo::auth {

class LoginThrottle {
 public:
  LoginThrottle(ThrottleRepository& repository, const AuthSettings& settings)
      : repository_(repository), settings_(settings), waiting_(settings.throttle_max_delay, kMaxRememberedWaits) {}

  // A counted attempt whose password check has not ended yet. Keep it alive until the outcome
  // is recorded (succeeded(), not_checked(), or simply the failure): attempts refused meanwhile
  // on its counters wait for it.
  class InFlight {
   public:
    InFlight(InFlight&& other) noexcept;
    InFlight& operator=(InFlight&&) = delete;
    ~InFlight();

   private:
    friend class LoginThrottle;
    InFlight(LoginThrottle& owner, const std::vector<ThrottleRule>& rules);
    LoginThrottle* owner_;
    std::vector<std::string> keys_;
  };

  // Counts a login attempt; throws TooManyRequests (Retry-After: until the counter that refused
  // it accepts the next attempt) when one of the three is still waiting.
  [[nodiscard]] boost::asio::awaitable<InFlight> count_attempt(std::string_view email, std::string_view address);
  // The password was right: the account-and-address counter restarts, the two others get this
  // attempt back.
  boost::asio::awaitable<void> succeeded(std::string_view email, std::string_view address);
  // The attempt was counted but no password was checked (hashing refused it): all three get it back.
  boost::asio::awaitable<void> not_checked(std::string_view email, std::string_view address);

  // Counts a registration from `address`; TooManyRequests past the allowance of the window.
  boost::asio::awaitable<void> count_registration(std::string_view address);

  boost::asio::awaitable<std::int64_t> purge();

  // The counters' keys.
  static std::string account_key(std::string_view email);
  static std::string pair_key(std::string_view email, std::string_view address);
  static std::string registration_key(std::string_view address);
  // IPv4 as is (IPv4-mapped IPv6 too); IPv6 by its /64 prefix.
  static std::string address_key(std::string_view address);

  // The rules a login attempt is checked against, narrowest first.
  static std::vector<ThrottleRule> login_rules(const AuthSettings& settings, std::string_view email,
                                               std::string_view address);

 private:
  static constexpr std::size_t kMaxRememberedWaits = 100'000;
  // How long a refused attempt waits, at most, for the attempts in flight on its counter.
  static constexpr std::chrono::seconds kLongestWaitForOthers{5};
  using SteadyClock = cache::ExpiringCache<std::string, int>::Clock;

  // Counts the attempt against `rules` (see count_attempt). With `wait_for_others`, a refusal
  // while other attempts on the refusing counter are in flight here is retried after they end.
  boost::asio::awaitable<InFlight> check(const std::vector<ThrottleRule>& rules, const char* refusal,
                                         bool wait_for_others);
  void add_in_flight(const std::vector<std::string>& keys, int delta);
  int in_flight(const std::string& key) const;
  // The latest end of a known wait among `rules`' keys, if one is still running.
  std::optional<SteadyClock::time_point> waiting_until(const std::vector<ThrottleRule>& rules) const;

  ThrottleRepository& repository_;
  const AuthSettings& settings_;
  // key -> end of its wait. Bounded: forgetting one only costs the database round trip again.
  cache::ExpiringCache<std::string, SteadyClock::time_point> waiting_;
  // key -> attempts on it asking the database or being checked, in this process.
  mutable std::mutex in_flight_mutex_;
  std::unordered_map<std::string, int> in_flight_;
};

}  // namespace nelo::auth
