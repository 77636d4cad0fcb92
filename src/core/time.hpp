#pragma once
// Time points in UTC with microsecond precision (PostgreSQL's timestamptz resolution),
// and an injectable clock so tests never sleep to move time.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nelo {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// "2026-11-25T13:38:53.123456Z" (fraction omitted when zero).
std::string to_rfc3339(Timestamp t);
// The API's form (docs/api/README.md): always three fraction digits, "2026-11-25T13:38:53.123Z".
std::string to_rfc3339_millis(Timestamp t);
// Accepts RFC 3339 with 'Z' or a numeric offset, and PostgreSQL's text form
// ("2026-11-25 13:38:53.123456+00"). Returns nullopt on anything else.
std::optional<Timestamp> parse_timestamp(std::string_view text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }
};

}  // namespace nelo
