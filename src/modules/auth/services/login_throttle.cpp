#include "modules/auth/services/login_throttle.hpp"

#include <algorithm>
#include <vector>

#include "core/errors.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

std::string LoginThrottle::account_key(std::string_view email) { return "account:" + std::string(email); }

std::string LoginThrottle::address_key(std::string_view address) {
  return "address:" + (address.empty() ? std::string("unknown") : std::string(address));
}

asio::awaitable<void> LoginThrottle::count_attempt(std::string_view email, std::string_view address) {
  const std::string account = account_key(email);
  const std::string client = address_key(address);
  std::vector<std::string> keys{account, client};
  auto counts = co_await repository_.record_attempt(keys, settings_.throttle_window);
  std::chrono::seconds retry_after{0};
  for (const auto& count : counts) {
    auto limit = count.key == account ? settings_.max_failures_per_account : settings_.max_failures_per_address;
    if (count.failures > limit) retry_after = std::max(retry_after, count.retry_after);
  }
  if (retry_after.count() > 0) {
    // Neither which limit was hit nor whether the account exists: the same answer for all.
    throw TooManyRequests(retry_after, "Too many failed attempts; try again later");
  }
}

asio::awaitable<void> LoginThrottle::succeeded(std::string_view email, std::string_view address) {
  co_await repository_.forgive(account_key(email), address_key(address));
}

asio::awaitable<std::int64_t> LoginThrottle::purge() { co_return co_await repository_.purge(settings_.throttle_window); }

}  // namespace nelo::auth
