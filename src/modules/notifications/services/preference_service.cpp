#include "modules/notifications/services/preference_service.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/notifications/categories.hpp"
#include "modules/notifications/repositories/preference_repository.hpp"

namespace nelo::notifications {

namespace asio = boost::asio;

asio::awaitable<std::vector<CategoryPreference>> PreferenceService::get(std::string user_id) {
  if (!is_uuid(user_id)) co_return complete_preferences({});
  auto stored = co_await preferences_.list(user_id);
  co_return complete_preferences(stored);
}

asio::awaitable<std::vector<CategoryPreference>> PreferenceService::update(std::string user_id,
                                                                           const PreferencesPatch& patch) {
  if (!is_uuid(user_id)) throw NotFound("No such user");
  auto tx = co_await db_.begin();
  auto current = complete_preferences(co_await preferences_.list_for_update(tx, user_id));
  Validator v;
  for (const auto& [category, channels] : patch.categories) {
    auto it = std::find_if(current.begin(), current.end(), [&](const CategoryPreference& p) { return p.category == category; });
    if (it == current.end()) {
      v.add("categories." + category, "is not a known category");
      continue;
    }
    try {
      it->channels = apply_patch(category, it->channels, channels);
    } catch (const std::invalid_argument& e) {
      v.add("categories." + category + ".in_app", e.what());
    }
  }
  v.throw_if_invalid();
  for (const auto& [category, _] : patch.categories) {
    auto it = std::find_if(current.begin(), current.end(), [&](const CategoryPreference& p) { return p.category == category; });
    co_await preferences_.upsert(tx, user_id, *it);
  }
  co_await tx.commit();
  co_return current;
}

}  // namespace nelo::notifications
