#pragma once
// Database failures translated from SQLSTATE. Repositories catch UniqueViolation where a
// duplicate means something in their domain and rethrow a domain error.

#include <chrono>
#include <string>

#include "core/errors.hpp"

namespace nelo::db {

// 40001 serialization_failure, 40P01 deadlock_detected: the whole transaction may be retried
// (see retry.hpp). If retries run out it surfaces as a 409.
class RetryableError : public Conflict {
 public:
  explicit RetryableError(std::string detail) : Conflict("retryable-conflict", std::move(detail)) {}
};

// What a 503 caused by the database tells the client (Retry-After): these conditions (a restart,
// a saturated pool, a full disk being cleared) are worth retrying about a second later.
inline constexpr std::chrono::seconds kDatabaseRetryAfter{1};

// 57014 query_canceled (statement_timeout), lock timeouts, and a server that did not answer a
// statement within statement_timeout plus a grace period (a frozen or partitioned server).
class StatementTimeout : public ServiceUnavailable {
 public:
  explicit StatementTimeout(std::string detail) : ServiceUnavailable(std::move(detail), kDatabaseRetryAfter) {}
};

// Connection lost or the server is unreachable (08xxx, 57P01..57P03), out of resources (class 53:
// disk full, out of memory, too many connections), or the pool had no connection within its
// wait bound. Maps to 503.
class Unavailable : public ServiceUnavailable {
 public:
  explicit Unavailable(std::string detail) : ServiceUnavailable(std::move(detail), kDatabaseRetryAfter) {}
};

// Any other database error: a programming error (syntax, 42501 insufficient_privilege when a
// module strays out of its schema, ...). Never shown to clients; becomes a logged 500. The
// exception: SQLSTATEs of class N, which Nelo's own SQL functions raise on purpose for their
// caller to handle (e.g. idempotency::kKeyInFlight).
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(std::string sqlstate, std::string message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// 23505, with the constraint's name. Not a domain error by itself: the repository that expects a
// duplicate catches it for the constraint it knows and throws what that means in its domain (a
// Conflict, a retry, another answer). One nobody expected is a bug, and a logged 500 like any
// other DatabaseError, never silently a 409.
class UniqueViolation : public DatabaseError {
 public:
  explicit UniqueViolation(std::string constraint)
      : DatabaseError("23505", "unique violation on " + (constraint.empty() ? std::string("?") : constraint)),
        constraint_(std::move(constraint)) {}
  const std::string& constraint() const noexcept { return constraint_; }

 private:
  std::string constraint_;
};

}  // namespace nelo::db
