#pragma once
// Every statement on auth.login_throttle: attempt counters per key, each living for a window from
// its first attempt, that impose a growing wait between attempts once past their allowance.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"

namespace nelo::auth {

// One counter an attempt is checked against.
struct ThrottleRule {
  std::string key;
  std::int64_t allowance = 1;     // attempts within the window without any wait
  std::chrono::seconds window{};  // the counter restarts this long after its first attempt
  std::chrono::seconds max_delay{};    // past the allowance, waits double from first_delay up to this
  bool until_window_ends = false;      // instead: past the allowance, nothing until the window ends
  std::chrono::seconds first_delay{1};
};

// What record_attempt() decided.
struct ThrottleVerdict {
  bool allowed = true;
  std::string refused_key;               // when refused: the first rule that refused
  std::chrono::seconds retry_after{0};   // when refused: until that rule allows the next attempt
};

class ThrottleRepository {
 public:
  explicit ThrottleRepository(db::ModuleDb& db) : db_(db) {}

  // Counts one attempt against every rule, in order, in one transaction: all or nothing. A rule
  // whose wait is not over refuses the attempt and nothing is counted anywhere (so an attempt
  // refused on a narrow key never counts against a wider one). Concurrent attempts on one key
  // are serialised by its row lock: no more than the allowance get through at once.
  boost::asio::awaitable<ThrottleVerdict> record_attempt(const std::vector<ThrottleRule>& rules);
  // Deletes these keys (a successful login starts its account-and-address counter afresh).
  boost::asio::awaitable<void> reset(const std::vector<std::string>& keys);
  // Gives one attempt back to each of these rules' keys; one back below its allowance waits no more.
  boost::asio::awaitable<void> give_back(const std::vector<ThrottleRule>& rules);
  // Deletes counters whose window is over and whose wait has passed (they would restart anyway).
  boost::asio::awaitable<std::int64_t> purge(std::chrono::seconds longest_window);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::auth
