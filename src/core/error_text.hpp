#pragma once
// Turns an exception into text for a log line or a database column (the event bus stores it in
// outbox_deliveries.last_error): bounded, valid UTF-8, no NUL. A message PostgreSQL refused to
// store would leave the failure unrecorded and the delivery retried forever without counting
// attempts.

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>

namespace nelo {

inline constexpr std::size_t kMaxErrorBytes = 2000;

// "<what()>", prefixed with the SQLSTATE for database errors ("[42501] permission denied ...").
std::string error_text(std::exception_ptr error);

// Replaces invalid UTF-8 and NUL with '?', truncates on a character boundary.
std::string sanitize_error_text(std::string_view text, std::size_t max_bytes = kMaxErrorBytes);

}  // namespace nelo
