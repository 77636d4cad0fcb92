#pragma once
// Idempotency keys with Stripe's semantics (docs/api/README.md#idempotency), stored in the
// owning module's schema (<schema>.idempotency_keys, created by a schema template).
//
//   claim()   inserts (scope, key) with a UNIQUE constraint in its own committed statement — never
//             check-then-insert — so of N concurrent first requests exactly one gets Fresh:
//             Fresh      the caller runs the operation, then complete()s or release()s the claim;
//             Replay     the key was already completed with the same request fingerprint: answer
//                        the stored status and body, unchanged;
//             Mismatch   the key was used with a different request: 422;
//             InFlight   another request with this key is still running: 409.
//   complete() stores the response inside the caller's business transaction, so the stored
//             response exists if and only if the operation committed.
//   release() deletes an unfinished claim (the operation failed in a way worth retrying: 5xx).
// A claim left in flight by a crashed process is taken over after `stale_after`. A Fresh claim
// carries the lock time it was granted with; complete() and release() only touch the row while it
// still holds that time, so a slow owner whose claim was taken over cannot overwrite or delete
// its successor's (complete() then throws and the business transaction rolls back).
// Keys are kept `retention` (>= 24 h) after creation, then purge() deletes them (periodically
// with PeriodicPurge, periodic_purge.hpp).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/db/transaction.hpp"
#include "core/errors.hpp"
#include "core/time.hpp"

namespace nelo::db {
class Pool;
}

namespace nelo::idempotency {

struct StoredResponse {
  int status = 0;
  std::string body;  // exact bytes first sent
  std::string content_type;
};

struct Claim {
  enum class Kind { Fresh, Replay, Mismatch, InFlight };
  Kind kind = Kind::Fresh;
  std::string scope;  // e.g. the user id: keys of two users never collide
  std::string key;
  std::optional<StoredResponse> response;  // set for Replay
  std::optional<Timestamp> locked_at;      // set for Fresh: fences complete() and release()
};

// complete() found no in-flight row holding this claim's lock: another request took the key over
// after this one was silent for `stale_after`. A 409 if it reaches the client: retry later.
class ClaimLost : public Conflict {
 public:
  explicit ClaimLost(std::string detail) : Conflict(std::move(detail)) {}
};

struct IdempotencyOptions {
  std::chrono::seconds retention{std::chrono::hours(24)};
  std::chrono::seconds stale_after{std::chrono::seconds(60)};
};

// Header syntax check: 1..255 visible ASCII characters. Returns the error text or nullopt.
std::optional<std::string> invalid_key_reason(std::string_view key);

// Fingerprint of a request: hex SHA-256 over method, path and body.
std::string request_fingerprint(std::string_view method, std::string_view path, std::string_view body);

class IdempotencyStore {
 public:
  // `module` owns the table (<module>.idempotency_keys) and the role statements run as.
  IdempotencyStore(db::Pool& pool, const Clock& clock, std::string module, IdempotencyOptions options = {});

  boost::asio::awaitable<Claim> claim(std::string scope, std::string key, std::string fingerprint);

  // Inside the business transaction (tx.module() == module): records the response. Throws
  // std::logic_error unless `claim` is Fresh, and ClaimLost when the row is no longer this claim's
  // (taken over or purged): the transaction must then not commit.
  boost::asio::awaitable<void> complete(db::Transaction& tx, const Claim& claim, StoredResponse response);

  // Records a response outside any business transaction (a client error the operation decided on
  // before writing anything: replayed like a success).
  boost::asio::awaitable<void> complete(const Claim& claim, StoredResponse response);

  // Forgets an unfinished claim so the client can retry with the same key (no-op when the claim
  // was taken over meanwhile).
  boost::asio::awaitable<void> release(const Claim& claim);

  // Deletes keys created more than `retention` ago; returns how many.
  boost::asio::awaitable<std::uint64_t> purge();

 private:
  boost::asio::awaitable<void> store_response(db::Transaction& tx, const Claim& claim, const StoredResponse& response);

  db::Pool& pool_;
  const Clock& clock_;
  std::string module_;
  IdempotencyOptions options_;
  struct Statements;
  std::shared_ptr<const Statements> sql_;  // rendered for module_ once
};

}  // namespace nelo::idempotency
