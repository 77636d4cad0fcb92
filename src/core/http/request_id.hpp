#pragma once
// Request ids: a client's X-Request-Id is kept when it is safe to echo and log, else one is made.

#include <string>
#include <string_view>

namespace nelo::http {

// 1..128 characters of [A-Za-z0-9._-]: nothing that could forge a log line or a header.
bool is_acceptable_request_id(std::string_view id) noexcept;

// A random (version 4) UUID from a per-thread generator seeded from the OS: unique, cheap
// (no syscall per request), and not meant to be secret.
std::string generate_request_id();

}  // namespace nelo::http
