#include "modules/auth/services/login_throttle.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <vector>

#include "core/errors.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

std::string LoginThrottle::account_key(std::string_view email) { return "account:" + std::string(email); }

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

namespace {

// Neither which limit was hit nor whether the account exists: the same answer for all.
[[noreturn]] void refuse(std::chrono::seconds retry_after) {
  throw TooManyRequests(std::max(retry_after, std::chrono::seconds(1)), "Too many failed attempts; try again later");
}

}  // namespace

asio::awaitable<void> LoginThrottle::count_attempt(std::string_view email, std::string_view address) {
  const std::string account = account_key(email);
  const std::string client = address_key(address);
  std::vector<std::string> keys{account, client};
  if (auto until = blocked_until(keys)) {
    refuse(std::chrono::ceil<std::chrono::seconds>(*until - SteadyClock::now()));
  }
  auto counts = co_await repository_.record_attempt(keys, settings_.throttle_window);
  std::chrono::seconds retry_after{0};
  const auto now = SteadyClock::now();
  for (const auto& count : counts) {
    auto limit = count.key == account ? settings_.max_failures_per_account : settings_.max_failures_per_address;
    if (count.failures > limit) {
      retry_after = std::max(retry_after, count.retry_after);
      const auto until = now + count.retry_after;
      blocked_.put_until(count.key, until, until, now);
    }
  }
  if (retry_after.count() > 0) refuse(retry_after);
}

std::optional<LoginThrottle::SteadyClock::time_point> LoginThrottle::blocked_until(
    const std::vector<std::string>& keys) const {
  std::optional<SteadyClock::time_point> latest;
  for (const auto& key : keys) {
    auto until = blocked_.find(key);
    if (until && (!latest || *until > *latest)) latest = until;
  }
  return latest;
}

asio::awaitable<void> LoginThrottle::succeeded(std::string_view email, std::string_view address) {
  co_await repository_.forgive(account_key(email), address_key(address));
}

asio::awaitable<std::int64_t> LoginThrottle::purge() { co_return co_await repository_.purge(settings_.throttle_window); }

}  // namespace nelo::auth
