#include "core/json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace nelo {
namespace json = boost::json;

namespace {

// boost::json::parser's handler (a value_stack) plus duplicate-key detection: Boost 1.81 keeps
// the last of duplicate keys silently. Keys of the objects being parsed live in one arena; an
// object's keys are checked when it closes and then dropped, so the cost is O(n log n) per
// object and no allocation per key once the arena has grown.
class StrictHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  StrictHandler(unsigned char* temp, std::size_t size) : st(json::storage_ptr(), temp, size) {}

  json::value_stack st;
  std::string duplicate;  // the first duplicate key found
  // A string holding U+0000, which no text column (PostgreSQL text) and few consumers accept:
  // the member it is the value of ("" at the top level), and whether it was a key itself.
  std::optional<std::string> nul_in;
  bool nul_in_key = false;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    levels_.push_back({spans_.size(), arena_.size(), last_key_});
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    Level level = levels_.back();
    levels_.pop_back();
    if (has_duplicate(level)) {
      ec = json::error::syntax;
      return false;
    }
    spans_.resize(level.first_span);
    arena_.resize(level.arena_mark);
    last_key_ = level.enclosing_key;  // the member this object was the value of
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (has_nul(s, ec, true)) return false;
    if (key_start_ == kNoKey) key_start_ = arena_.size();
    arena_.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    if (has_nul(s, ec, true)) return false;
    if (key_start_ == kNoKey) key_start_ = arena_.size();
    arena_.append(s.data(), s.size());
    spans_.push_back({key_start_, arena_.size() - key_start_});
    last_key_ = spans_.back();
    key_start_ = kNoKey;
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (has_nul(s, ec, false)) return false;
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (has_nul(s, ec, false)) return false;
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code& ec) {
    // Boost 1.81 reads a number beyond a double's range (1e400) as an infinity, which JSON cannot
    // hold (Nelo would write it back as null): refused like any malformed number.
    if (!std::isfinite(d)) {
      ec = json::error::exponent_overflow;
      return false;
    }
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  struct Span {
    std::size_t offset;
    std::size_t size;
  };
  struct Level {
    std::size_t first_span;
    std::size_t arena_mark;
    std::optional<Span> enclosing_key;
  };
  static constexpr std::size_t kNoKey = std::numeric_limits<std::size_t>::max();

  std::string_view key(const Span& s) const { return std::string_view(arena_).substr(s.offset, s.size); }

  // Stops the parse at a NUL character, noting the member it belongs to (the latest key read).
  bool has_nul(json::string_view s, json::error_code& ec, bool in_key) {
    if (s.find('\0') == json::string_view::npos) return false;
    nul_in_key = in_key;
    nul_in.emplace(in_key || !last_key_ ? std::string_view() : key(*last_key_).substr(0, 64));
    ec = json::error::syntax;
    return true;
  }

  bool has_duplicate(const Level& level) {
    std::size_t count = spans_.size() - level.first_span;
    if (count < 2) return false;
    if (count <= 8) {  // typical DTOs: pairwise beats sorting
      for (std::size_t i = level.first_span; i < spans_.size(); ++i) {
        for (std::size_t j = i + 1; j < spans_.size(); ++j) {
          if (key(spans_[i]) == key(spans_[j])) return report(key(spans_[i]));
        }
      }
      return false;
    }
    sorted_.clear();
    for (std::size_t i = level.first_span; i < spans_.size(); ++i) sorted_.push_back(key(spans_[i]));
    std::sort(sorted_.begin(), sorted_.end());
    auto it = std::adjacent_find(sorted_.begin(), sorted_.end());
    return it != sorted_.end() && report(*it);
  }

  bool report(std::string_view key) {
    duplicate.assign(key.substr(0, 64));
    return true;
  }

  std::string arena_;
  std::vector<Span> spans_;
  std::vector<Level> levels_;
  std::vector<std::string_view> sorted_;
  std::size_t key_start_ = kNoKey;
  std::optional<Span> last_key_;  // valid while its object is open: the arena outlives the parse
};

const char* type_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

}  // namespace

json::value parse_json_strict(std::string_view text, std::size_t max_depth) {
  json::parse_options options;
  options.max_depth = max_depth;
  unsigned char temp[1024];  // the value stack's scratch space: small bodies never allocate for it
  json::basic_parser<StrictHandler> parser(options, temp, sizeof temp);
  parser.handler().st.reset();
  json::error_code ec;
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec == json::error::too_deep) {
    throw BadRequest("The JSON body is nested deeper than " + std::to_string(max_depth) + " levels");
  }
  if (const auto& field = parser.handler().nul_in) {
    if (parser.handler().nul_in_key) throw BadRequest("A key of the JSON body contains the NUL character (\\u0000)");
    throw ValidationError(field->empty() ? "body" : *field, "must not contain the NUL character (\\u0000)");
  }
  if (!parser.handler().duplicate.empty()) {
    throw BadRequest("The JSON body has a duplicate key \"" + parser.handler().duplicate + "\"");
  }
  if (ec) {
    throw BadRequest("The body is not valid JSON: " + ec.message() + " at offset " + std::to_string(used));
  }
  if (used != text.size()) {
    throw BadRequest("The body has data after the JSON document at offset " + std::to_string(used));
  }
  return parser.handler().st.release();
}

JsonReader::JsonReader(const json::object& object, Validator& validator, std::string path)
    : object_(object), validator_(validator), path_(std::move(path)) {}

std::string JsonReader::field(std::string_view name) const {
  if (path_.empty()) return std::string(name);
  std::string out;
  out.reserve(path_.size() + 1 + name.size());
  out.append(path_).append(".").append(name);
  return out;
}

std::string JsonReader::element(std::string_view name, std::size_t index) const {
  return field(name) + "[" + std::to_string(index) + "]";
}

const json::value* JsonReader::find(std::string_view name, bool required) {
  const json::value* v = object_.if_contains(name);
  if (v && !v->is_null()) return v;
  if (required) validator_.add(field(name), "is required");
  return nullptr;
}

void JsonReader::wrong_type(std::string_view name, std::string_view expected) {
  const json::value& v = object_.at(name);
  validator_.add(field(name), "must be " + std::string(expected) + ", not " + type_name(v));
}

std::optional<std::string> JsonReader::required_string(std::string_view name) {
  const json::value* v = find(name, true);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    wrong_type(name, "a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> JsonReader::optional_string(std::string_view name) {
  const json::value* v = find(name, false);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    wrong_type(name, "a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

namespace {
std::optional<std::int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::int64_t> JsonReader::required_int(std::string_view name) {
  const json::value* v = find(name, true);
  if (!v) return std::nullopt;
  auto i = as_int(*v);
  if (!i) wrong_type(name, "an integer");
  return i;
}

std::optional<std::int64_t> JsonReader::optional_int(std::string_view name) {
  const json::value* v = find(name, false);
  if (!v) return std::nullopt;
  auto i = as_int(*v);
  if (!i) wrong_type(name, "an integer");
  return i;
}

std::optional<double> JsonReader::required_number(std::string_view name) {
  const json::value* v = find(name, true);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    wrong_type(name, "a number");
    return std::nullopt;
  }
  return v->to_number<double>();
}

std::optional<double> JsonReader::optional_number(std::string_view name) {
  const json::value* v = find(name, false);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    wrong_type(name, "a number");
    return std::nullopt;
  }
  return v->to_number<double>();
}

std::optional<bool> JsonReader::required_bool(std::string_view name) {
  const json::value* v = find(name, true);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    wrong_type(name, "a boolean");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<bool> JsonReader::optional_bool(std::string_view name) {
  const json::value* v = find(name, false);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    wrong_type(name, "a boolean");
    return std::nullopt;
  }
  return v->get_bool();
}

const json::object* JsonReader::required_object(std::string_view name) {
  const json::value* v = find(name, true);
  if (!v) return nullptr;
  if (!v->is_object()) {
    wrong_type(name, "an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::object* JsonReader::optional_object(std::string_view name) {
  const json::value* v = find(name, false);
  if (!v) return nullptr;
  if (!v->is_object()) {
    wrong_type(name, "an object");
    return nullptr;
  }
  return &v->get_object();
}

const json::array* JsonReader::required_array(std::string_view name) {
  const json::value* v = find(name, true);
  if (!v) return nullptr;
  if (!v->is_array()) {
    wrong_type(name, "an array");
    return nullptr;
  }
  return &v->get_array();
}

const json::array* JsonReader::optional_array(std::string_view name) {
  const json::value* v = find(name, false);
  if (!v) return nullptr;
  if (!v->is_array()) {
    wrong_type(name, "an array");
    return nullptr;
  }
  return &v->get_array();
}

void JsonReader::reject_unknown(std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : object_) {
    std::string_view key(kv.key().data(), kv.key().size());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      validator_.add(field(key), "is not a known field");
    }
  }
}

json::value nullable(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

}  // namespace nelo
