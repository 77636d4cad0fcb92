#include "modules/notifications/services/recipient_lookup.hpp"

#include "core/time.hpp"

namespace nelo::notifications {

namespace asio = boost::asio;

RecipientLookup::RecipientLookup(NotificationDependencies dependencies, const Clock& clock)
    : dependencies_(dependencies), clock_(clock) {}

asio::awaitable<std::string> RecipientLookup::locale(std::string user_id) {
  if (auto cached = locales_.find(user_id)) co_return *cached;
  std::string locale = "fr";
  if (dependencies_.users) {
    auto user = co_await dependencies_.users->get_user_by_id(user_id);
    if (user && (user->locale == "fr" || user->locale == "en")) locale = user->locale;
    // A profile not made yet (registration moments ago) is not remembered: it will be soon.
    if (user) locales_.put(user_id, locale);
  }
  co_return locale;
}

asio::awaitable<std::optional<RecipientLookup::Merchant>> RecipientLookup::merchant(std::string merchant_id) {
  if (auto cached = merchants_.find(merchant_id)) co_return *cached;
  if (!dependencies_.catalog) co_return std::nullopt;
  auto found = co_await dependencies_.catalog->get_merchant(merchant_id, clock_.now());
  if (!found) co_return std::nullopt;
  Merchant m{found->name, found->owner_id};
  merchants_.put(merchant_id, m);
  co_return m;
}

asio::awaitable<std::optional<OrderSummaryDto>> RecipientLookup::order(std::string order_id) {
  if (!dependencies_.orders) co_return std::nullopt;
  co_return co_await dependencies_.orders->get_order(order_id);
}

asio::awaitable<std::vector<std::string>> RecipientLookup::admins() {
  if (auto cached = admins_.find(0)) co_return *cached;
  if (!dependencies_.accounts) co_return std::vector<std::string>{};
  auto ids = co_await dependencies_.accounts->user_ids_with_role("admin", kMaxAdmins);
  admins_.put(0, ids);
  co_return ids;
}

}  // namespace nelo::notifications
