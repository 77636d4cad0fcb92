#pragma once
// Logging: spdlog, JSON lines by default. The request id of the request being served is
// attached to every line logged while serving it (see log_context.hpp in core/http).

#include <string>

namespace nelo::logging {

// Configures the default spdlog logger: level and format ("json" or "text").
void setup(const std::string& level, const std::string& format);
// Flushes and shuts down spdlog's loggers (on exit).
void shutdown();

// The current request id on this thread ("" outside a request). Set by the HTTP server's
// executor around each step of a request's coroutine, read by the log formatter.
const std::string& current_request_id();
void set_current_request_id(const std::string* id);

}  // namespace nelo::logging
