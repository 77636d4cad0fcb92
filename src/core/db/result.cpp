#include "core/db/result.hpp"

#include <libpq-fe.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <limits>
#include <stdexcept>

namespace nelo::db {

namespace {

const PGresult* pg(const Result* r) { return static_cast<const PGresult*>(r->native()); }

[[noreturn]] void bad_value(int column, std::string_view type, std::string_view text) {
  throw std::logic_error("column " + std::to_string(column) + " is not a valid " + std::string(type) + ": '" +
                         std::string(text.substr(0, 64)) + "'");
}

boost::json::value parse_json(int column, std::string_view text, boost::json::storage_ptr storage) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec, std::move(storage));
  if (ec) bad_value(column, "json", text);
  return v;
}

template <class Int>
Int parse_integer(int column, std::string_view text, std::string_view type) {
  Int v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) bad_value(column, type, text);
  return v;
}

double parse_double(int column, std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) bad_value(column, "double", text);
  return v;
}

// One-dimensional array in PostgreSQL's text output format: {a,"b c","d\"e"}.
std::vector<std::string> parse_array(int column, std::string_view text) {
  std::size_t i = 0;
  if (!text.empty() && text[0] == '[') {  // explicit bounds: "[0:1]={...}"
    i = text.find('=');
    if (i == std::string_view::npos) bad_value(column, "array", text);
    ++i;
  }
  if (i >= text.size() || text[i] != '{') bad_value(column, "array", text);
  ++i;
  std::vector<std::string> out;
  if (i < text.size() && text[i] == '}') {
    if (i + 1 != text.size()) bad_value(column, "array", text);
    return out;
  }
  for (;;) {
    if (i >= text.size()) bad_value(column, "array", text);
    std::string element;
    if (text[i] == '{') throw std::logic_error("column " + std::to_string(column) + " is a multi-dimensional array");
    if (text[i] == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) bad_value(column, "array", text);
        if (text[i] == '\\') {
          if (++i >= text.size()) bad_value(column, "array", text);
          element += text[i];
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          element += text[i];
        }
      }
    } else {
      std::size_t start = i;
      while (i < text.size() && text[i] != ',' && text[i] != '}') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        element += text[i++];
      }
      std::string_view raw = text.substr(start, i - start);
      if (raw.size() == 4 && (raw[0] | 0x20) == 'n' && (raw[1] | 0x20) == 'u' && (raw[2] | 0x20) == 'l' &&
          (raw[3] | 0x20) == 'l') {
        throw std::logic_error("column " + std::to_string(column) +
                               " holds a NULL array element; read it as text instead");
      }
    }
    out.push_back(std::move(element));
    if (i >= text.size()) bad_value(column, "array", text);
    if (text[i] == ',') {
      ++i;
      continue;
    }
    if (text[i] == '}' && i + 1 == text.size()) return out;
    bad_value(column, "array", text);
  }
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
T convert(int column, std::string_view text) {
  if constexpr (std::is_same_v<T, std::string>) {
    return std::string(text);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return parse_integer<std::int64_t>(column, text, "bigint");
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return parse_integer<std::int32_t>(column, text, "integer");
  } else if constexpr (std::is_same_v<T, double>) {
    return parse_double(column, text);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (text == "t" || text == "true") return true;
    if (text == "f" || text == "false") return false;
    bad_value(column, "boolean", text);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    auto t = parse_timestamp(text);
    if (!t) bad_value(column, "timestamptz", text);
    return *t;
  } else if constexpr (std::is_same_v<T, boost::json::value>) {
    return parse_json(column, text, {});
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return parse_array(column, text);
  } else {
    static_assert(sizeof(T) == 0, "Row::get does not support this type");
  }
}

}  // namespace

Result::Result(void* pg_result)
    : handle_(pg_result, [](void* r) { PQclear(static_cast<PGresult*>(r)); }),
      rows_(pg_result ? PQntuples(static_cast<PGresult*>(pg_result)) : 0) {}

int Result::columns() const noexcept { return handle_ ? PQnfields(pg(this)) : 0; }

std::int64_t Result::affected_rows() const {
  if (!handle_) return 0;
  std::string_view tuples = PQcmdTuples(const_cast<PGresult*>(pg(this)));
  if (tuples.empty()) return 0;
  std::int64_t n = 0;
  std::from_chars(tuples.data(), tuples.data() + tuples.size(), n);
  return n;
}

Row Result::front() const {
  if (rows_ == 0) throw std::logic_error("the result has no rows");
  return Row(this, 0);
}

namespace {

// Whether the field name `field` (NUL-terminated) is `name`, without measuring `field` first:
// most names differ at their first character.
bool is_named(const char* field, std::string_view name) {
  for (const char c : name) {
    if (c == '\0' || *field != c) return false;
    ++field;
  }
  return *field == '\0';
}

}  // namespace

int Row::column_index(std::string_view name) const {
  const PGresult* r = pg(result_);
  if (r) {
    const int n = PQnfields(r);
    // Exact, case-sensitive match: PQfnumber would fold case and parse quotes. Searched from
    // where the last lookup ended, wrapping around: reading columns in order costs one compare.
    for (int k = 0; k < n; ++k) {
      const int i = (next_column_ + k) % n;
      if (is_named(PQfname(r, i), name)) {
        next_column_ = i + 1 < n ? i + 1 : 0;
        return i;
      }
    }
  }
  throw std::logic_error("no column named '" + std::string(name) + "' in the result");
}

bool Row::is_null(int column) const {
  const PGresult* r = pg(result_);
  if (!r || index_ < 0 || index_ >= result_->size() || column < 0 || column >= PQnfields(r)) {
    throw std::logic_error("row " + std::to_string(index_) + " column " + std::to_string(column) + " is out of range");
  }
  return PQgetisnull(r, index_, column) != 0;
}

bool Row::is_null(std::string_view column) const { return is_null(column_index(column)); }

std::string_view Row::text(int column) const {
  if (is_null(column)) throw std::logic_error("column " + std::to_string(column) + " is NULL");
  const PGresult* r = pg(result_);
  return {PQgetvalue(r, index_, column), static_cast<std::size_t>(PQgetlength(r, index_, column))};
}

std::string_view Row::text(std::string_view column) const { return text(column_index(column)); }

template <class T>
T Row::get(int column) const {
  if constexpr (IsOptional<T>::value) {
    if (is_null(column)) return std::nullopt;
    return convert<typename T::value_type>(column, text(column));
  } else {
    return convert<T>(column, text(column));
  }
}

#define NELO_ROW_GET(T)                                  \
  template T Row::get<T>(int) const;                     \
  template std::optional<T> Row::get<std::optional<T>>(int) const;
NELO_ROW_GET(std::string)
NELO_ROW_GET(std::int64_t)
NELO_ROW_GET(std::int32_t)
NELO_ROW_GET(double)
NELO_ROW_GET(bool)
NELO_ROW_GET(Timestamp)
NELO_ROW_GET(boost::json::value)
NELO_ROW_GET(std::vector<std::string>)
#undef NELO_ROW_GET

boost::json::value Row::json(std::string_view column, boost::json::storage_ptr storage) const {
  const int index = column_index(column);
  return parse_json(index, text(index), std::move(storage));
}

std::vector<int> rows_by_key(const Result& result, std::string_view key_column,
                             const std::vector<std::string_view>& keys) {
  std::vector<int> rows(keys.size(), -1);
  if (result.empty()) return rows;
  const int column = result.front().column_index(key_column);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (int i = 0; i < result.size(); ++i) {
      if (result[i].text(column) == keys[k]) {
        rows[k] = i;
        break;
      }
    }
  }
  return rows;
}

}  // namespace nelo::db
