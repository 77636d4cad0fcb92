#include "modules/notifications/categories.hpp"

#include <algorithm>
#include <stdexcept>

namespace nelo::notifications {

bool is_category(std::string_view category) noexcept {
  return std::find(kCategories.begin(), kCategories.end(), category) != kCategories.end();
}

bool is_transactional(std::string_view category) noexcept {
  return category == "order_status" || category == "payments";
}

Channels default_channels(std::string_view) noexcept { return Channels{}; }

std::vector<CategoryPreference> complete_preferences(const std::vector<CategoryPreference>& stored) {
  std::vector<CategoryPreference> all;
  for (const auto category : kCategories) {
    auto it = std::find_if(stored.begin(), stored.end(), [&](const CategoryPreference& p) { return p.category == category; });
    all.push_back({std::string(category), it != stored.end() ? it->channels : default_channels(category)});
  }
  return all;
}

Channels apply_patch(std::string_view category, Channels current, const ChannelsPatch& patch) {
  if (patch.in_app) current.in_app = *patch.in_app;
  if (patch.push) current.push = *patch.push;
  if (patch.realtime) current.realtime = *patch.realtime;
  if (is_transactional(category) && !current.in_app) {
    throw std::invalid_argument(transactional_rule_message(category));
  }
  return current;
}

std::string transactional_rule_message(std::string_view category) {
  return std::string(category) +
         " is transactional (an order's status and its payment): its in_app channel always stays on; "
         "switch push or realtime off instead";
}

}  // namespace nelo::notifications
