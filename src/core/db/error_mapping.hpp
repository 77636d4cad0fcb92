#pragma once
// The one place where a PostgreSQL failure becomes a typed error (see errors.hpp).
// Private to the db layer; libpq-free so that it can be unit-tested on its own.

#include <string>

namespace nelo::db::detail {

struct ServerError {
  std::string sqlstate;    // five characters, empty when libpq itself failed
  std::string message;     // primary message (server or libpq)
  std::string detail;      // DETAIL line, may be empty
  std::string constraint;  // PG_DIAG_CONSTRAINT_NAME, may be empty
  bool connection_lost = false;  // the connection is gone (PQstatus bad, socket error, EOF)
};

// After DDL changed a table's columns, the server refuses a cached statement whose result type
// would change (0A000 "cached plan must not change result type"): it must be prepared afresh.
bool is_stale_cached_plan(const ServerError& error);

// Throws UniqueViolation (23505), RetryableError (40001, 40P01), StatementTimeout (57014, 55P03),
// Unavailable (class 08, 57P01..57P03, 53300, lost connection) or DatabaseError (anything else).
// The server's message only ever reaches DatabaseError::what(), which the HTTP layer hides.
[[noreturn]] void throw_mapped(const ServerError& error);

}  // namespace nelo::db::detail
