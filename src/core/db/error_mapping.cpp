#include "core/db/error_mapping.hpp"

#include <spdlog/spdlog.h>

#include "core/db/errors.hpp"

namespace nelo::db::detail {

namespace {

std::string full_message(const ServerError& e) {
  std::string out = e.message;
  if (!e.detail.empty()) out += " (" + e.detail + ")";
  return out;
}

}  // namespace

bool is_stale_cached_plan(const ServerError& error) {
  return error.sqlstate == "0A000" && error.message.find("cached plan") != std::string::npos;
}

void throw_mapped(const ServerError& e) {
  const std::string& s = e.sqlstate;
  if (s == "23505") {
    spdlog::debug("database: unique violation on {}: {}", e.constraint, full_message(e));
    throw UniqueViolation(e.constraint);
  }
  if (s == "40001" || s == "40P01") {
    spdlog::debug("database: retryable conflict {}: {}", s, full_message(e));
    throw RetryableError("The operation conflicted with a concurrent one");
  }
  // 55P03 lock_not_available is what lock_timeout raises: a timeout as far as callers care.
  if (s == "57014" || s == "55P03") {
    spdlog::warn("database: statement timed out ({}): {}", s, full_message(e));
    throw StatementTimeout("The database did not answer in time");
  }
  // Class 53 insufficient_resources (53100 disk_full, 53200 out_of_memory, 53300
  // too_many_connections, 53400 configuration_limit_exceeded): the server cannot take the write
  // now, which is a 503 for us too, not a bug of ours. Nothing of the failed statement is kept.
  if (e.connection_lost || s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s.starts_with("53")) {
    spdlog::warn("database: unavailable ({}): {}", s.empty() ? "connection" : s, full_message(e));
    throw Unavailable("The database is unavailable");
  }
  // Class N: raised on purpose by Nelo's own SQL functions, an outcome the caller handles.
  if (s.starts_with('N')) {
    spdlog::debug("database: {}: {}", s, full_message(e));
  } else {
    spdlog::warn("database: error {}: {}", s, full_message(e));
  }
  throw DatabaseError(s.empty() ? "XX000" : s, full_message(e));
}

}  // namespace nelo::db::detail
