#pragma once
// What the notifier asks other modules, through their interfaces (never their tables): a
// recipient's language, the merchant's name and owner, an order's parties (for payment events,
// which name only the order) and the admins. Any interface may be null (a module this process
// does not serve): the answer is then the fallback each method names.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/cache/expiring_cache.hpp"
#include "shared/interfaces/account_interface.hpp"
#include "shared/interfaces/catalog_interface.hpp"
#include "shared/interfaces/order_interface.hpp"
#include "shared/interfaces/user_interface.hpp"

namespace nelo {
class Clock;
}

namespace nelo::notifications {

struct NotificationDependencies {
  UserInterface* users = nullptr;
  CatalogInterface* catalog = nullptr;
  OrderInterface* orders = nullptr;
  AccountInterface* accounts = nullptr;
};

class RecipientLookup {
 public:
  RecipientLookup(NotificationDependencies dependencies, const Clock& clock);

  // The profile's locale ("fr" or "en"); "fr" (the profile's default) when unknown.
  boost::asio::awaitable<std::string> locale(std::string user_id);
  // The merchant's name and owner; nullopt when unknown or catalog is not served here.
  struct Merchant {
    std::string name;
    std::string owner_id;
  };
  boost::asio::awaitable<std::optional<Merchant>> merchant(std::string merchant_id);
  boost::asio::awaitable<std::optional<OrderSummaryDto>> order(std::string order_id);
  // At most kMaxAdmins enabled admins; none when auth is not served here.
  boost::asio::awaitable<std::vector<std::string>> admins();

  static constexpr std::size_t kMaxAdmins = 50;

 private:
  NotificationDependencies dependencies_;
  const Clock& clock_;
  // A merchant's name, a user's locale and the admin list change rarely; a busy hour asks the
  // same questions for every order (a few seconds' staleness is harmless in a message).
  cache::ExpiringCache<std::string, std::string> locales_{std::chrono::seconds(5), 10'000};
  cache::ExpiringCache<std::string, Merchant> merchants_{std::chrono::seconds(30), 10'000};
  cache::ExpiringCache<int, std::vector<std::string>> admins_{std::chrono::seconds(30), 1};
};

}  // namespace nelo::notifications
