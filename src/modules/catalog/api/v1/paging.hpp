#pragma once
// Page size and the opaque cursors of the catalog's lists. A cursor is bound to the query that
// produced it (a fingerprint of its parameters): passed with other parameters it is refused
// instead of silently continuing some other list.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "modules/catalog/models.hpp"

namespace nelo::catalog {

inline constexpr std::size_t kDefaultPageSize = 20;
inline constexpr std::size_t kMaxPageSize = 100;

// ?limit= (1 or more, larger values clamped to kMaxPageSize, absent is kDefaultPageSize): a
// "limit" field error in `validator` when malformed.
std::size_t parse_limit(std::optional<std::string_view> limit, Validator& validator);

// Short, stable fingerprint of a list's parameters (not a security measure: cursors are not
// secret, only opaque).
std::string query_fingerprint(std::string_view parameters);

// The distance search: where the previous page stopped, for the query with this fingerprint.
std::string encode_search_cursor(const SearchKey& key, std::string_view fingerprint);
std::optional<SearchKey> decode_search_cursor(std::string_view text, std::string_view fingerprint);

// Lists in id order: the last id of the previous page.
std::string encode_id_cursor(std::string_view id, std::string_view fingerprint);
std::optional<std::string> decode_id_cursor(std::string_view text, std::string_view fingerprint);

}  // namespace nelo::catalog
