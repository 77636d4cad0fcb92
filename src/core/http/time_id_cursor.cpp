#include "core/http/time_id_cursor.hpp"

#include <charconv>
#include <cstdint>

#include "core/security/tokens.hpp"
#include "core/uuid.hpp"

namespace nelo::http {
namespace {

constexpr char kSeparator = '.';
constexpr std::size_t kMaxLength = 128;

}  // namespace

std::string encode_time_id_cursor(std::string_view version, const TimeIdPosition& position) {
  std::string text(version);
  text += kSeparator;
  text += std::to_string(position.at.time_since_epoch().count());
  text += kSeparator;
  text += position.id;
  return security::base64url_encode(text);
}

std::optional<TimeIdPosition> decode_time_id_cursor(std::string_view version, std::string_view text) {
  if (text.empty() || text.size() > kMaxLength) return std::nullopt;
  auto decoded = security::base64url_decode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  const auto first = rest.find(kSeparator);
  if (first == std::string_view::npos || rest.substr(0, first) != version) return std::nullopt;
  rest.remove_prefix(first + 1);
  const auto second = rest.find(kSeparator);
  if (second == std::string_view::npos) return std::nullopt;
  const std::string_view micros = rest.substr(0, second);
  const std::string_view id = rest.substr(second + 1);
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(micros.data(), micros.data() + micros.size(), count);
  if (micros.empty() || ec != std::errc() || end != micros.data() + micros.size() || !is_uuid(id)) return std::nullopt;
  TimeIdPosition position;
  position.at = Timestamp(std::chrono::microseconds(count));
  position.id = std::string(id);
  return position;
}

}  // namespace nelo::http
