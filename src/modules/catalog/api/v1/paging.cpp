#include "modules/catalog/api/v1/paging.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "core/errors.hpp"
#include "core/request_fields.hpp"
#include "core/security/tokens.hpp"
#include "core/uuid.hpp"

namespace nelo::catalog {
namespace {

constexpr std::string_view kSearchVersion = "s1";
constexpr std::string_view kIdVersion = "i1";
constexpr char kSeparator = '~';
constexpr std::size_t kMaxCursorLength = 256;

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(kSeparator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<std::vector<std::string>> decode_parts(std::string_view text, std::string_view version,
                                                     std::size_t count, std::string_view fingerprint) {
  if (text.empty() || text.size() > kMaxCursorLength) return std::nullopt;
  const auto decoded = security::base64url_decode(text);
  if (!decoded) return std::nullopt;
  const auto parts = split(*decoded);
  if (parts.size() != count || parts.front() != version || parts.back() != fingerprint) return std::nullopt;
  return std::vector<std::string>(parts.begin(), parts.end());
}

}  // namespace

std::size_t parse_limit(std::optional<std::string_view> limit, Validator& validator) {
  return read_page_limit(limit, validator, kDefaultPageSize, kMaxPageSize);
}

std::string query_fingerprint(std::string_view parameters) {
  // FNV-1a, 64 bits.
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : parameters) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return std::string(text, 16);
}

std::string encode_search_cursor(const SearchKey& key, std::string_view fingerprint) {
  char distance[32];
  const auto [end, ec] = std::to_chars(distance, distance + sizeof distance, key.distance_m);  // shortest exact form
  std::string text(kSearchVersion);
  text += kSeparator;
  text.append(distance, ec == std::errc() ? end : distance);
  text += kSeparator;
  text += key.id;
  text += kSeparator;
  text += fingerprint;
  return security::base64url_encode(text);
}

std::optional<SearchKey> decode_search_cursor(std::string_view text, std::string_view fingerprint) {
  const auto parts = decode_parts(text, kSearchVersion, 4, fingerprint);
  if (!parts) return std::nullopt;
  const std::string& distance = (*parts)[1];
  const std::string& id = (*parts)[2];
  double value = 0;
  const auto [end, ec] = std::from_chars(distance.data(), distance.data() + distance.size(), value);
  if (ec != std::errc() || end != distance.data() + distance.size() || !std::isfinite(value) || value < 0 ||
      !is_uuid(id)) {
    return std::nullopt;
  }
  SearchKey key;
  key.distance_m = value;
  key.id = id;
  return key;
}

std::string encode_id_cursor(std::string_view id, std::string_view fingerprint) {
  std::string text(kIdVersion);
  text += kSeparator;
  text += id;
  text += kSeparator;
  text += fingerprint;
  return security::base64url_encode(text);
}

std::optional<std::string> decode_id_cursor(std::string_view text, std::string_view fingerprint) {
  const auto parts = decode_parts(text, kIdVersion, 3, fingerprint);
  if (!parts || !is_uuid((*parts)[1])) return std::nullopt;
  return (*parts)[1];
}

}  // namespace nelo::catalog
