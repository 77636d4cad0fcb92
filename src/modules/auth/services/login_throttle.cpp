#include "modules/auth/services/login_throttle.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sodium.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "core/errors.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

constexpr const char* kLoginRefusal = "Too many failed attempts; try again later";
constexpr const char* kRegistrationRefusal = "Too many registrations from this address; try again later";

// Neither which limit was hit nor whether the account exists: the same answer for all.
[[noreturn]] void refuse(std::chrono::seconds retry_after, const char* detail) {
  throw TooManyRequests(std::max(retry_after, std::chrono::seconds(1)), detail);
}

std::string address_part(std::string_view key_of_address) {
  return std::string(key_of_address.substr(std::string_view("address:").size()));
}

}  // namespace

std::string LoginThrottle::account_key(std::string_view email) { return "account:" + std::string(email); }

std::string LoginThrottle::pair_key(std::string_view email, std::string_view address) {
  // A space cannot be part of a normalised e-mail address.
  return "pair:" + std::string(email) + " " + address_part(address_key(address));
}

std::string LoginThrottle::registration_key(std::string_view address) {
  return "register:" + address_part(address_key(address));
}

std::string LoginThrottle::address_key(std::string_view address) {
  if (address.empty()) return "address:unknown";
  boost::system::error_code ec;
  auto parsed = boost::asio::ip::make_address(std::string(address), ec);
  if (ec) return "address:" + std::string(address);
  if (parsed.is_v6()) {
    auto v6 = parsed.to_v6();
    if (v6.is_v4_mapped()) {
      return "address:" + boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    }
    // One subscriber usually holds a whole /64: counting per /128 would let them rotate addresses.
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return "address:" + boost::asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return "address:" + parsed.to_string();
}

std::vector<ThrottleRule> LoginThrottle::login_rules(const AuthSettings& settings, std::string_view email,
                                                     std::string_view address) {
  // Narrowest first: an attempt refused by the pair is counted against neither the address nor,
  // above all, the account, which the owner still uses from elsewhere.
  const auto first = settings.throttle_first_delay;
  return {
      {pair_key(email, address), settings.max_failures_per_account_and_address, settings.throttle_window,
       settings.throttle_max_delay, false, first},
      {address_key(address), settings.max_failures_per_address, settings.throttle_window,
       settings.throttle_max_delay, false, first},
      {account_key(email), settings.max_failures_per_account, settings.throttle_window,
       std::min(settings.account_max_delay, settings.throttle_max_delay), false, first},
  };
}

asio::awaitable<LoginThrottle::InFlight> LoginThrottle::count_attempt(std::string_view email,
                                                                       std::string_view address) {
  co_return co_await check(login_rules(settings_, email, address), kLoginRefusal, true);
}

asio::awaitable<void> LoginThrottle::count_registration(std::string_view address) {
  // A hard limit: registering is not something an owner has to retry, and a wait that grows
  // would still let an address create (or probe) a few dozen accounts an hour.
  std::vector<ThrottleRule> rules{{registration_key(address), settings_.max_registrations_per_address,
                                   settings_.registration_window, settings_.registration_window, true}};
  // Registrations are never given back: waiting for the others would change nothing.
  auto counted = co_await check(rules, kRegistrationRefusal, false);
}

asio::awaitable<LoginThrottle::InFlight> LoginThrottle::check(const std::vector<ThrottleRule>& rules,
                                                               const char* refusal, bool wait_for_others) {
  const auto give_up_at = SteadyClock::now() + kLongestWaitForOthers;
  for (;;) {
    if (auto until = waiting_until(rules)) {
      refuse(std::chrono::ceil<std::chrono::seconds>(*until - SteadyClock::now()), refusal);
    }
    // In flight from before the database is asked: an attempt it lets through is seen by the
    // others it then refuses, even before this coroutine resumes.
    InFlight attempt(*this, rules);
    auto verdict = co_await repository_.record_attempt(rules);
    if (verdict.allowed) co_return std::move(attempt);
    {
      InFlight refused = std::move(attempt);
    }
    const auto now = SteadyClock::now();
    if (wait_for_others && in_flight(verdict.refused_key) > 0 && now < give_up_at) {
      // Their outcome decides: a success gives its attempt back, a failure leaves the wait.
      // Jittered, so that attempts refused together do not keep asking together.
      const auto pause = std::chrono::milliseconds(10 + randombytes_uniform(20));
      asio::steady_timer timer(co_await asio::this_coro::executor, pause);
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    const auto until = now + verdict.retry_after;
    waiting_.put_until(verdict.refused_key, until, until, now);
    refuse(verdict.retry_after, refusal);
  }
}

LoginThrottle::InFlight::InFlight(LoginThrottle& owner, const std::vector<ThrottleRule>& rules) : owner_(&owner) {
  for (const auto& rule : rules) keys_.push_back(rule.key);
  owner_->add_in_flight(keys_, 1);
}

LoginThrottle::InFlight::InFlight(InFlight&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), keys_(std::move(other.keys_)) {}

LoginThrottle::InFlight::~InFlight() {
  if (owner_) owner_->add_in_flight(keys_, -1);
}

void LoginThrottle::add_in_flight(const std::vector<std::string>& keys, int delta) {
  std::lock_guard lock(in_flight_mutex_);
  for (const auto& key : keys) {
    auto& count = in_flight_[key];
    count += delta;
    if (count <= 0) in_flight_.erase(key);
  }
}

int LoginThrottle::in_flight(const std::string& key) const {
  std::lock_guard lock(in_flight_mutex_);
  auto found = in_flight_.find(key);
  return found == in_flight_.end() ? 0 : found->second;
}

std::optional<LoginThrottle::SteadyClock::time_point> LoginThrottle::waiting_until(
    const std::vector<ThrottleRule>& rules) const {
  std::optional<SteadyClock::time_point> latest;
  for (const auto& rule : rules) {
    auto until = waiting_.find(rule.key);
    if (until && (!latest || *until > *latest)) latest = until;
  }
  return latest;
}

asio::awaitable<void> LoginThrottle::succeeded(std::string_view email, std::string_view address) {
  std::vector<std::string> pair{pair_key(email, address)};
  co_await repository_.reset(pair);
  auto wider = login_rules(settings_, email, address);
  wider.erase(wider.begin());
  co_await repository_.give_back(wider);
}

asio::awaitable<void> LoginThrottle::not_checked(std::string_view email, std::string_view address) {
  co_await repository_.give_back(login_rules(settings_, email, address));
}

asio::awaitable<std::int64_t> LoginThrottle::purge() {
  co_return co_await repository_.purge(std::max(settings_.throttle_window, settings_.registration_window));
}

}  // namespace nelo::auth
