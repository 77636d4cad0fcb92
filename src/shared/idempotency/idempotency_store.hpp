#pragma once
// Idempotency keys with Stripe's semantics (docs/api/README.md#idempotency), stored in the
// owning module's schema (<schema>.idempotency_keys, created by a schema template).
//
//   claim()    reads what the key says, writing nothing:
//                Fresh     never used: the caller runs the operation, then commit()s or record()s;
//                Replay    completed with the same request fingerprint: answer the stored status
//                          and body, unchanged;
//                Mismatch  used with a different request: 422.
//   commit()   writes the key with its answer into the caller's business transaction and commits
//              it, so the answer exists if and only if the work committed. The key's row is a
//              plain INSERT under the primary key (never check-then-insert), preceded by an
//              advisory lock on the key held until the transaction ends. Of concurrent requests
//              with one key, exactly one commits; the others, their transaction rolled back, get
//              InFlight (409) while the winner's transaction is open, and Replay or Mismatch once it
//              committed.
//   record()   the same for an answer decided before anything was written (a client error), in a
//              transaction of its own.
// Nothing is written before the work commits, so a request that fails or crashes leaves no trace:
// the client may retry with the same key at once.
// Keys are kept `retention` (>= 24 h) after creation, then purge() deletes them (periodically
// with periodic_purge(), periodic_purge.hpp).

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
class ModuleDb;
}

namespace nelo::idempotency {

struct StoredResponse {
  int status = 0;
  std::string body;  // exact bytes first sent
  std::string content_type;
  std::string location;  // the Location header of a 201, empty when there was none
};

struct Claim {
  enum class Kind { Fresh, Replay, Mismatch, InFlight };
  Kind kind = Kind::Fresh;
  std::string scope;  // e.g. the user id: keys of two users never collide
  std::string key;
  std::string fingerprint;
  std::optional<StoredResponse> response;  // set for Replay
};

// The SQLSTATE <schema>.lock_idempotency_key() raises when another transaction holds the key.
inline constexpr std::string_view kKeyInFlight = "NK409";

struct IdempotencyOptions {
  std::chrono::seconds retention{std::chrono::hours(24)};
};

// Header syntax check: 1..255 visible ASCII characters. Returns the error text or nullopt.
std::optional<std::string> invalid_key_reason(std::string_view key);

// What every route answers for a key's Mismatch (422: "use a new key for a new <thing>") and
// InFlight (409) verdicts, with the same problem types everywhere.
ValidationError key_reused_error(std::string_view thing);
Conflict key_in_use_error();

// Fingerprint of a request: hex SHA-256 over method, path and body.
std::string request_fingerprint(std::string_view method, std::string_view path, std::string_view body);

class IdempotencyStore {
 public:
  // db's module owns the table (<module>.idempotency_keys); statements run through db, as its role.
  IdempotencyStore(db::ModuleDb& db, const Clock& clock, IdempotencyOptions options = {});

  // A plain read (on a shared connection): Fresh, Replay or Mismatch, never InFlight.
  boost::asio::awaitable<Claim> claim(std::string scope, std::string key, std::string fingerprint);

  // Adds the key and `response` to the business transaction `tx` (tx.module() == db.module()) and
  // commits it. Returns `claim` when this request's answer was stored; otherwise `tx` was rolled
  // back because another request with the key won, and the key's verdict is returned: InFlight,
  // Replay or Mismatch. Other failures of the commit are thrown as they are. std::logic_error
  // unless `claim` is Fresh.
  boost::asio::awaitable<Claim> commit(db::CommitWriter& tx, const Claim& claim, StoredResponse response);

  // The same for an answer decided before anything was written (a client error, replayed like a
  // success), in a transaction of its own.
  boost::asio::awaitable<Claim> record(const Claim& claim, StoredResponse response);

  // Deletes keys created more than `retention` ago; returns how many.
  boost::asio::awaitable<std::uint64_t> purge();

 private:
  db::ModuleDb& db_;
  const Clock& clock_;
  IdempotencyOptions options_;
  struct Statements;
  std::shared_ptr<const Statements> sql_;  // rendered for db_.module() once
};

}  // namespace nelo::idempotency
