#include "support/schema_values.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>

namespace nelo::test {

namespace json = boost::json;

namespace {

const json::value* member(const json::value& schema, std::string_view name) {
  if (!schema.is_object()) return nullptr;
  return schema.as_object().if_contains(name);
}

std::optional<double> number_of(const json::value& schema, std::string_view name) {
  const json::value* v = member(schema, name);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::optional<std::size_t> size_of(const json::value& schema, std::string_view name) {
  auto n = number_of(schema, name);
  if (!n || *n < 0) return std::nullopt;
  return static_cast<std::size_t>(*n);
}

std::string string_of(const json::value& schema, std::string_view name) {
  const json::value* v = member(schema, name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool allows(const std::vector<std::string>& types, std::string_view type) {
  if (types.empty()) return true;
  for (const auto& t : types) {
    if (t == type || (t == "number" && type == "integer")) return true;
  }
  return false;
}

std::string repeat(std::string_view unit, std::size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (std::size_t i = 0; i < n; ++i) s.append(unit);
  return s;
}

std::string in_quotes(std::string_view raw) { return "\"" + std::string(raw) + "\""; }

std::string number_text(double d) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", d);
  return buffer;
}

// Nesting deeper than any JSON reader should follow: `[[[...]]]`.
std::string nested_arrays(std::size_t depth) { return repeat("[", depth) + repeat("]", depth); }
std::string nested_objects(std::size_t depth) { return repeat("{\"a\":", depth) + "1" + repeat("}", depth); }

// --- a generator for the simple regular expressions of the schemas ---

struct RegexNode {
  std::string chars;                          // a character set, or
  std::vector<std::vector<RegexNode>> branches;  // a group with alternatives
  std::size_t min = 1, max = 1;
};

class RegexParser {
 public:
  explicit RegexParser(std::string_view p) : p_(p) {}

  std::vector<std::vector<RegexNode>> parse() {
    auto branches = alternation();
    if (i_ != p_.size()) throw std::invalid_argument("unsupported pattern");
    return branches;
  }

 private:
  std::vector<std::vector<RegexNode>> alternation() {
    std::vector<std::vector<RegexNode>> branches(1);
    while (i_ < p_.size() && p_[i_] != ')') {
      if (p_[i_] == '|') {
        ++i_;
        branches.emplace_back();
        continue;
      }
      if (p_[i_] == '^' || p_[i_] == '$') {
        ++i_;
        continue;
      }
      RegexNode node = atom();
      quantifier(node);
      branches.back().push_back(std::move(node));
    }
    return branches;
  }

  RegexNode atom() {
    RegexNode node;
    char c = p_[i_++];
    if (c == '(') {
      if (p_.substr(i_, 2) == "?:") i_ += 2;
      node.branches = alternation();
      if (i_ >= p_.size() || p_[i_] != ')') throw std::invalid_argument("unbalanced group");
      ++i_;
    } else if (c == '[') {
      if (i_ < p_.size() && p_[i_] == '^') throw std::invalid_argument("negated class");
      while (i_ < p_.size() && p_[i_] != ']') {
        char from = p_[i_] == '\\' ? escaped_char() : p_[i_++];
        if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
          ++i_;
          char to = p_[i_] == '\\' ? escaped_char() : p_[i_++];
          for (int ch = from; ch <= to; ++ch) node.chars += static_cast<char>(ch);
        } else {
          node.chars += from;
        }
      }
      if (i_ >= p_.size()) throw std::invalid_argument("unbalanced class");
      ++i_;
    } else if (c == '\\') {
      --i_;
      node.chars = escape_class();
    } else if (c == '.') {
      node.chars = "abcdefghijklmnopqrstuvwxyz";
    } else {
      node.chars = std::string(1, c);
    }
    return node;
  }

  // `\d`, `\w`, `\s` or an escaped literal, as a set.
  std::string escape_class() {
    ++i_;
    if (i_ >= p_.size()) throw std::invalid_argument("dangling escape");
    char c = p_[i_++];
    if (c == 'd') return "0123456789";
    if (c == 'w') return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    if (c == 's') return " ";
    return std::string(1, c);
  }
  char escaped_char() {
    std::string set = escape_class();
    return set[0];
  }

  void quantifier(RegexNode& node) {
    if (i_ >= p_.size()) return;
    char c = p_[i_];
    if (c == '?') node.min = 0, node.max = 1, ++i_;
    else if (c == '*') node.min = 0, node.max = 3, ++i_;
    else if (c == '+') node.min = 1, node.max = 3, ++i_;
    else if (c == '{') {
      auto end = p_.find('}', i_);
      if (end == std::string_view::npos) throw std::invalid_argument("unbalanced quantifier");
      std::string body(p_.substr(i_ + 1, end - i_ - 1));
      auto comma = body.find(',');
      node.min = std::stoul(body.substr(0, comma));
      if (comma == std::string::npos) node.max = node.min;
      else if (comma + 1 == body.size()) node.max = node.min + 3;
      else node.max = std::stoul(body.substr(comma + 1));
      i_ = end + 1;
    }
  }

  std::string_view p_;
  std::size_t i_ = 0;
};

}  // namespace

std::vector<std::string> schema_types(const json::value& schema) {
  std::vector<std::string> types;
  const json::value* type = member(schema, "type");
  if (!type) return types;
  if (type->is_string()) types.emplace_back(type->as_string());
  if (type->is_array()) {
    for (const auto& t : type->as_array()) {
      if (t.is_string()) types.emplace_back(t.as_string());
    }
  }
  return types;
}

std::string noun_of(std::string_view name) {
  std::string n(name);
  if (n.size() > 3 && n.ends_with("_id")) return n.substr(0, n.size() - 3);
  if (n.size() > 4 && n.ends_with("sses")) return n.substr(0, n.size() - 2);  // addresses
  if (n.size() > 1 && n.ends_with("s")) return n.substr(0, n.size() - 1);
  return {};
}

SchemaValues::SchemaValues(std::mt19937_64& rng, KnownIds ids, std::map<std::string, std::string> examples)
    : rng_(rng), ids_(std::move(ids)), examples_(std::move(examples)) {}

std::size_t SchemaValues::pick(std::size_t low, std::size_t high) {
  if (high <= low) return low;
  return std::uniform_int_distribution<std::size_t>(low, high)(rng_);
}

std::string SchemaValues::uuid() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    std::size_t digit = pick(0, 15);
    if (i == 12) digit = 4;
    if (i == 16) digit = 8 + (digit & 3);
    s += kHex[digit];
  }
  return s;
}

std::string SchemaValues::text(std::size_t min_length, std::size_t max_length) {
  // Printable text, some of it beyond ASCII; lengths are in code points.
  static const std::vector<std::string> kUnits = {"a", "b", "k", "z", "Q", "0", "7", " ", "-", "'", "é", "ü", "ß",
                                                  "日", "本", "ж", "😀"};
  std::size_t length = pick(min_length, std::min(max_length, min_length + 16));
  std::string s;
  for (std::size_t i = 0; i < length; ++i) {
    std::string unit = kUnits[pick(0, kUnits.size() - 1)];
    if (unit == " " && (i == 0 || i + 1 == length)) unit = "n";  // no blank at either end
    s += unit;
  }
  return s;
}

std::string SchemaValues::known_id(std::string_view name) {
  auto it = ids_.find(noun_of(name));
  return it == ids_.end() ? std::string() : it->second;
}

std::string SchemaValues::matching(std::string_view pattern) {
  RegexParser parser(pattern);
  auto branches = parser.parse();
  std::string out;
  std::function<void(const std::vector<std::vector<RegexNode>>&)> emit = [&](const auto& alternatives) {
    const auto& branch = alternatives[pick(0, alternatives.size() - 1)];
    for (const auto& node : branch) {
      std::size_t times = pick(node.min, std::min(node.max, node.min + 3));
      for (std::size_t t = 0; t < times; ++t) {
        if (!node.branches.empty()) emit(node.branches);
        else if (!node.chars.empty()) out += node.chars[pick(0, node.chars.size() - 1)];
      }
    }
  };
  emit(branches);
  return out;
}

json::value SchemaValues::valid(const json::value& schema, std::string_view name, bool full) {
  if (const json::value* values = member(schema, "enum"); values && values->is_array() && !values->as_array().empty()) {
    const auto& options = values->as_array();
    return options[pick(0, options.size() - 1)];
  }
  std::vector<std::string> types = schema_types(schema);
  if (types.empty()) types = {"string"};
  std::vector<std::string> candidates;
  for (const auto& t : types) {
    if (t != "null") candidates.push_back(t);
  }
  std::string type;
  if (candidates.empty()) type = "null";
  else if (!full && candidates.size() < types.size() && pick(0, 5) == 0) type = "null";
  else type = candidates[pick(0, candidates.size() - 1)];

  if (type == "null") return nullptr;
  if (type == "boolean") return pick(0, 1) == 1;
  if (type == "integer") {
    double low = number_of(schema, "minimum").value_or(0);
    double high = number_of(schema, "maximum").value_or(low + 1000);
    auto from = static_cast<std::int64_t>(std::ceil(low));
    auto to = static_cast<std::int64_t>(std::floor(high));
    if (to < from) to = from;
    return std::uniform_int_distribution<std::int64_t>(from, to)(rng_);
  }
  if (type == "number") {
    double low = number_of(schema, "minimum").value_or(-1000);
    double high = number_of(schema, "maximum").value_or(low + 2000);
    return std::uniform_real_distribution<double>(low, high)(rng_);
  }
  if (type == "string") {
    const std::string format = string_of(schema, "format");
    if (format == "uuid") {
      std::string id = known_id(name);
      if (!id.empty() && (full || pick(0, 4) > 0)) return json::string(id);
      return json::string(uuid());
    }
    if (format == "email") return json::string("probe-" + std::to_string(emails_++) + "-" + uuid().substr(0, 8) + "@example.com");
    if (format == "date-time") return json::string("2026-06-01T12:00:00Z");
    if (auto example = examples_.find(std::string(name)); example != examples_.end()) return json::string(example->second);
    const std::string pattern = string_of(schema, "pattern");
    if (!pattern.empty()) {
      try {
        return json::string(matching(pattern));
      } catch (const std::exception&) {
        // An unsupported pattern: any text, which the server may refuse (documented 4xx).
      }
    }
    std::size_t min = size_of(schema, "minLength").value_or(1);
    std::size_t max = size_of(schema, "maxLength").value_or(min + 32);
    return json::string(text(min, max));
  }
  if (type == "array") {
    std::size_t min = size_of(schema, "minItems").value_or(0);
    std::size_t max = size_of(schema, "maxItems").value_or(min + 3);
    std::size_t count = full ? std::min(std::max<std::size_t>(min, 1), max) : pick(min, std::min(max, min + 3));
    const json::value* items = member(schema, "items");
    bool unique = member(schema, "uniqueItems") && member(schema, "uniqueItems")->is_bool() &&
                  member(schema, "uniqueItems")->as_bool();
    json::array out;
    std::set<std::string> seen;
    for (std::size_t tries = 0; out.size() < count && tries < count * 8; ++tries) {
      json::value item = items ? valid(*items, name, full) : json::value(json::string("x"));
      if (unique && !seen.insert(json::serialize(item)).second) continue;
      out.push_back(std::move(item));
    }
    return out;
  }
  // object
  json::object out;
  const json::value* properties = member(schema, "properties");
  std::set<std::string> required;
  if (const json::value* r = member(schema, "required"); r && r->is_array()) {
    for (const auto& n : r->as_array()) required.insert(std::string(n.as_string()));
  }
  if (properties && properties->is_object()) {
    std::vector<std::string> chosen;
    for (const auto& [key, sub] : properties->as_object()) {
      if (full || required.count(std::string(key)) || pick(0, 1) == 1) chosen.emplace_back(key);
    }
    std::size_t min_properties = size_of(schema, "minProperties").value_or(0);
    for (const auto& [key, sub] : properties->as_object()) {
      if (chosen.size() >= min_properties) break;
      if (std::find(chosen.begin(), chosen.end(), std::string(key)) == chosen.end()) chosen.emplace_back(key);
    }
    if (const json::value* dependent = member(schema, "dependentRequired"); dependent && dependent->is_object()) {
      for (const auto& [key, needs] : dependent->as_object()) {
        if (std::find(chosen.begin(), chosen.end(), std::string(key)) == chosen.end() || !needs.is_array()) continue;
        for (const auto& n : needs.as_array()) {
          std::string need(n.as_string());
          if (std::find(chosen.begin(), chosen.end(), need) == chosen.end()) chosen.push_back(need);
        }
      }
    }
    for (const auto& key : chosen) {
      if (const json::value* sub = properties->as_object().if_contains(key)) out[key] = valid(*sub, key, full);
    }
  }
  return out;
}

std::vector<HostileValue> SchemaValues::hostile(const json::value& schema) {
  std::vector<HostileValue> out;
  auto add = [&](std::string label, std::string text) { out.push_back({std::move(label), std::move(text)}); };
  const std::vector<std::string> types = schema_types(schema);
  const json::value* values = member(schema, "enum");
  const bool is_enum = values && values->is_array();

  // Every type it does not take.
  static const std::vector<std::pair<const char*, const char*>> kTypes = {
      {"null", "null"}, {"boolean", "true"}, {"integer", "0"}, {"number", "1.5"},
      {"string", "\"probe\""}, {"array", "[]"}, {"object", "{}"}};
  for (const auto& [type, text] : kTypes) {
    if (is_enum || !allows(types, type)) add(std::string("wrong type: ") + type, text);
  }
  if (is_enum) {
    add("not one of the enum", in_quotes("probe-not-in-enum"));
    for (const auto& v : values->as_array()) {
      if (!v.is_string()) continue;
      std::string s(v.as_string());
      std::string upper = s, lower = s;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (upper != s) add("enum value in upper case", in_quotes(upper));
      else if (lower != s) add("enum value in lower case", in_quotes(lower));
      add("enum value with a trailing space", in_quotes(s + " "));
      break;
    }
  }
  if (allows(types, "integer") && (!types.empty())) {
    const bool integer = std::find(types.begin(), types.end(), "number") == types.end();
    if (auto min = number_of(schema, "minimum")) add("below minimum", number_text(integer ? *min - 1 : *min - 0.001));
    if (auto max = number_of(schema, "maximum")) add("above maximum", number_text(integer ? *max + 1 : *max + 0.001));
    if (integer) {
      add("integer with a fraction", "1.5");
      add("integer written as a float", "1.0");
      add("integer in exponent notation", "1e2");
    }
    add("int64 max", "9223372036854775807");
    add("beyond int64", "9223372036854775808");
    add("below int64", "-9223372036854775809");
    add("beyond uint64", "18446744073709551616");
    add("40 digits", "1234567890123456789012345678901234567890");
    add("largest double", "1.7976931348623157e308");
    add("lowest double", "-1.7976931348623157e308");
    add("beyond double", "1e400");
    add("below double", "-1e400");
    add("underflowing", "1e-400");
    add("negative zero", "-0");
    add("leading zeros (not JSON)", "007");
    add("NaN (not JSON)", "NaN");
    add("Infinity (not JSON)", "Infinity");
  }
  if (allows(types, "string") && !types.empty()) {
    const std::size_t min = size_of(schema, "minLength").value_or(0);
    if (min > 0) add("empty string under minLength " + std::to_string(min), "\"\"");
    if (min > 1) add("one short of minLength", in_quotes(repeat("a", min - 1)));
    if (auto max = size_of(schema, "maxLength")) {
      add("one past maxLength " + std::to_string(*max), in_quotes(repeat("a", *max + 1)));
      add("one past maxLength in 2-byte characters", in_quotes(repeat("é", *max + 1)));
      add("maxLength in 4-byte characters", in_quotes(repeat("😀", *max)));
    }
    add("20000 characters", in_quotes(repeat("a", 20000)));
    const std::string pattern = string_of(schema, "pattern");
    if (!pattern.empty()) {
      add("not matching the pattern", in_quotes("probe!"));
      try {
        add("matching the pattern, then a newline", in_quotes(matching(pattern) + "\\n"));
        add("matching the pattern, then more", in_quotes(matching(pattern) + "x"));
      } catch (const std::exception&) {
      }
    }
    const std::string format = string_of(schema, "format");
    if (format == "uuid") {
      add("not a uuid", in_quotes("not-a-uuid"));
      add("uuid with a non-hex digit", in_quotes("00000000-0000-4000-8000-00000000000g"));
      add("uuid in braces", in_quotes("{" + uuid() + "}"));
      add("uuid without dashes", in_quotes("0000000000004000800000000000000a"));
    }
    if (format == "email") {
      add("not an e-mail", in_quotes("not-an-email"));
      add("e-mail without a domain", in_quotes("a@"));
      add("e-mail with spaces", in_quotes("a b@example.com"));
    }
    add("blank", in_quotes("   "));
    add("invalid UTF-8 (0xFF 0xFE)", in_quotes("\xff\xfe"));
    add("invalid UTF-8 (overlong '/')", in_quotes("\xc0\xaf"));
    add("invalid UTF-8 (truncated sequence)", in_quotes("a\xe2\x82"));
    add("invalid UTF-8 (encoded surrogate)", in_quotes("\xed\xa0\x80"));
    add("lone surrogate escape", in_quotes("\\ud800"));
    add("NUL escape", in_quotes("a\\u0000b"));
    add("raw NUL byte (not JSON)", std::string("\"a") + '\0' + "b\"");
    add("raw control character (not JSON)", "\"a\x01" "b\"");
    add("control characters", in_quotes("\\u0001\\u001f\\u007f"));
    add("line breaks", in_quotes("line1\\nline2\\r\\n"));
    add("right-to-left override", in_quotes("\\u202egnp.exe"));
    add("byte-order mark", in_quotes("\\ufeffprobe"));
    add("emoji", in_quotes("😀🍕"));
    add("SQL", in_quotes("' OR 1=1; DROP TABLE x; --"));
    add("format specifiers", in_quotes("%s%n%x{}"));
  }
  if (allows(types, "array") && !types.empty()) {
    const std::size_t min = size_of(schema, "minItems").value_or(0);
    if (min > 0) add("empty array under minItems " + std::to_string(min), "[]");
    const json::value* items = member(schema, "items");
    if (auto max = size_of(schema, "maxItems"); max && items) {
      std::string text = "[";
      for (std::size_t i = 0; i <= *max; ++i) text += (i ? "," : "") + json::serialize(valid(*items, {}, true));
      add("one past maxItems " + std::to_string(*max), text + "]");
    }
    add("10000 items", "[" + repeat("0,", 9999) + "0]");
    add("array of arrays", "[[[]]]");
  }
  if (allows(types, "object") && !types.empty()) {
    add("empty object", "{}");
    add("array instead of object", "[{}]");
  }
  add("nested 10000 arrays deep", nested_arrays(10000));
  add("nested 200 objects deep", nested_objects(200));
  return out;
}

std::vector<HostileBody> SchemaValues::hostile_bodies(const json::value& schema) {
  std::vector<HostileBody> out;
  json::value base = valid(schema, {}, true);
  const std::string marker = "\x01probe-marker\x01";
  const std::string marker_text = json::serialize(json::string(marker));

  // The base with the marker (a string where the value under test was) replaced by raw text.
  auto render = [&](const std::string& raw) {
    std::string text = json::serialize(base);
    auto at = text.find(marker_text);
    if (at != std::string::npos) text.replace(at, marker_text.size(), raw);
    return text;
  };

  std::function<void(const json::value&, json::value&, const std::string&)> walk;
  walk = [&](const json::value& sub, json::value& here, const std::string& where) {
    json::value saved = here;
    for (auto& h : hostile(sub)) {
      here = json::string(marker);
      out.push_back({where + ": " + h.label, render(h.json)});
    }
    here = saved;
    if (here.is_object()) {
      auto& object = here.as_object();
      if (const json::value* properties = member(sub, "properties"); properties && properties->is_object()) {
        for (const auto& [key, property] : properties->as_object()) {
          if (json::value* child = object.if_contains(key)) walk(property, *child, where + "." + std::string(key));
        }
      }
      if (const json::value* required = member(sub, "required"); required && required->is_array()) {
        for (const auto& name : required->as_array()) {
          std::string key(name.as_string());
          json::value* child = object.if_contains(key);
          if (!child) continue;
          json::value kept = *child;
          object.erase(key);
          out.push_back({where + ": required " + key + " missing", json::serialize(base)});
          object[key] = std::move(kept);
        }
      }
      object["probe_unknown_field"] = 1;
      out.push_back({where + ": unknown property", json::serialize(base)});
      object.erase("probe_unknown_field");
    }
    if (here.is_array() && !here.as_array().empty()) {
      if (const json::value* items = member(sub, "items")) walk(*items, here.as_array()[0], where + "[0]");
    }
  };
  walk(schema, base, "$");

  const std::string whole = json::serialize(base);
  auto add = [&](std::string label, std::string text) { out.push_back({"body: " + std::move(label), std::move(text)}); };
  add("truncated", whole.substr(0, whole.size() / 2));
  add("trailing garbage", whole + "}");
  add("two documents", whole + whole);
  add("only an opening brace", "{");
  add("a lone quote", "\"");
  add("comment (not JSON)", "/* probe */" + whole);
  add("single quotes (not JSON)", "{'a': 1}");
  add("trailing comma (not JSON)", "{\"a\": 1,}");
  add("byte-order mark before the JSON", "\xef\xbb\xbf" + whole);
  add("UTF-16 (not UTF-8)", std::string("{\0\"\0}\0", 6));
  add("whitespace only", "   \r\n\t ");
  add("a key with a NUL escape", "{\"a\\u0000b\": 1}");
  add("a key in invalid UTF-8", "{\"\xff\": 1}");
  add("an empty key", "{\"\": 1}");
  if (base.is_object() && !base.as_object().empty()) {
    const auto& first = *base.as_object().begin();
    std::string key = json::serialize(json::string(first.key()));
    add("duplicate key " + std::string(first.key()), "{" + key + ":" + json::serialize(first.value()) + "," + whole.substr(1));
  }
  return out;
}

}  // namespace nelo::test
