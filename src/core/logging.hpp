#pragma once
// Logging: spdlog, JSON lines by default. The request id of the request being served is
// attached to every line logged while serving it: the HTTP server runs each connection on
// a LogContextExecutor (core/http/log_context.hpp) that points current_request_id() at the
// connection's request id around every step of its coroutine, and the formatter reads it.

#include <memory>
#include <string>
#include <string_view>

namespace spdlog::sinks {
class sink;
}

namespace nelo::logging {

// Configures the default spdlog logger: level (trace|debug|info|warn|error|critical|off) and
// format ("json" or "text"); throws std::invalid_argument on anything else. Lines go to a
// buffered stdout sink (flushed every second and on warnings) unless `sink` is given (tests).
void setup(const std::string& level, const std::string& format, std::shared_ptr<spdlog::sinks::sink> sink = nullptr);
// Flushes and shuts down spdlog's loggers (on exit).
void shutdown();

// The current request id on this thread ("" outside a request). Set by the HTTP server's
// executor around each step of a request's coroutine, read by the log formatter.
const std::string& current_request_id();
void set_current_request_id(const std::string* id);

// Sets the current request id for a scope and restores the previous one.
class RequestIdScope {
 public:
  explicit RequestIdScope(const std::string* id) noexcept;
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  const std::string* previous_;
};

// One access log line per request. In JSON format the fields become top-level keys of the line.
struct AccessRecord {
  std::string_view method;
  std::string_view route;  // template, or "unmatched"
  std::string_view path;
  int status = 0;
  double duration_ms = 0;
  std::string_view remote_address;
  std::string_view user_id;  // empty: anonymous
};
// False when the level filters access lines out, so the server skips building them.
bool access_log_enabled() noexcept;
void log_access(const AccessRecord& record);

// Appends `text` as the inside of a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD (log lines carry client-supplied paths).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace nelo::logging
