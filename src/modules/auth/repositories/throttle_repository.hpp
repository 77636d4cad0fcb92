#pragma once
// Every statement on auth.login_throttle: failure counters in fixed windows, per key.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"

namespace nelo::auth {

struct ThrottleCount {
  std::string key;
  std::int64_t failures = 0;             // including the attempt just recorded
  std::chrono::seconds retry_after{0};   // until the key's window ends
};

class ThrottleRepository {
 public:
  explicit ThrottleRepository(db::ModuleDb& db) : db_(db) {}

  // Counts one attempt against each key (distinct keys), in one statement: a key whose window
  // is over starts a new one at 1. Returns the counts, in no particular order.
  boost::asio::awaitable<std::vector<ThrottleCount>> record_attempt(const std::vector<std::string>& keys,
                                                                    std::chrono::seconds window);
  // After a successful login: the account starts afresh; the address gets its attempt back.
  boost::asio::awaitable<void> forgive(const std::string& account_key, const std::string& address_key);
  // Deletes keys whose window is over (they would restart at 1 anyway).
  boost::asio::awaitable<std::int64_t> purge(std::chrono::seconds window);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::auth
