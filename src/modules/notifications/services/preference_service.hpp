#pragma once
// A user's notification preferences per category and channel. Transactional categories keep
// their in-app channel (categories.hpp): a PUT switching it off is a 422 and changes nothing.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "modules/notifications/models.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::notifications {

class PreferenceRepository;

class PreferenceService {
 public:
  PreferenceService(db::ModuleDb& db, PreferenceRepository& preferences) : db_(db), preferences_(preferences) {}

  // Every category, stored choice or default.
  boost::asio::awaitable<std::vector<CategoryPreference>> get(std::string user_id);
  // Applies the patch (all of it or nothing) and answers every category.
  boost::asio::awaitable<std::vector<CategoryPreference>> update(std::string user_id, const PreferencesPatch& patch);

 private:
  db::ModuleDb& db_;
  PreferenceRepository& preferences_;
};

}  // namespace nelo::notifications
