#include "core/json_text.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <string_view>

namespace nelo {

namespace json = boost::json;

namespace {

// True when one of the eight bytes of `w` is below 0x20, a quote or a backslash (SWAR: each test
// leaves a byte's high bit set where it holds; exact as a whole, which is all that is asked).
bool needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const std::uint64_t control = (w - kOnes * 0x20) & ~w & kHighs;
  const std::uint64_t q = w ^ (kOnes * '"');
  const std::uint64_t b = w ^ (kOnes * '\\');
  return (control | ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs)) != 0;
}

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const char* const data = text.data();
  const std::size_t size = text.size();
  std::size_t run = 0;  // start of the stretch copied as is
  std::size_t i = 0;
  while (i < size) {
    // Eight bytes at a time while none needs escaping (most text: ids, names, times).
    if (i + 8 <= size) {
      std::uint64_t word;
      std::memcpy(&word, data + i, sizeof word);
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(data[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(data + run, i - run);
    run = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(data + run, size - run);
  out += '"';
}

template <class Number>
void append_integer(std::string& out, Number n) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n);
  out.append(buffer, end);
}

void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) {  // JSON has no infinities or NaN; Nelo never produces them
    out += "null";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";  // still a double when read
}

}  // namespace

void append_json_text(std::string& out, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += value.get_bool() ? "true" : "false"; break;
    case json::kind::int64: append_integer(out, value.get_int64()); break;
    case json::kind::uint64: append_integer(out, value.get_uint64()); break;
    case json::kind::double_: append_double(out, value.get_double()); break;
    case json::kind::string: append_escaped(out, value.get_string()); break;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value.get_array()) {
        if (!first) out += ',';
        first = false;
        append_json_text(out, element);
      }
      out += ']';
      break;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : value.get_object()) {
        if (!first) out += ',';
        first = false;
        append_escaped(out, member.key());
        out += ':';
        append_json_text(out, member.value());
      }
      out += '}';
      break;
    }
  }
}

template <class Write>
JsonWriter& JsonWriter::value(Write write) {
  if (after_value_) out_ += ',';
  write();
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::open(char bracket) {
  if (after_value_) out_ += ',';
  out_ += bracket;
  after_value_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_ += bracket;
  after_value_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_object() { return open('{'); }
JsonWriter& JsonWriter::end_object() { return close('}'); }
JsonWriter& JsonWriter::begin_array() { return open('['); }
JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
  value([&] {
    append_escaped(out_, name);
    out_ += ':';
  });
  after_value_ = false;  // its value follows without a comma
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  return value([&] { append_escaped(out_, text); });
}

JsonWriter& JsonWriter::nullable(const std::optional<std::string>& text) { return text ? string(*text) : null(); }

JsonWriter& JsonWriter::integer(std::int64_t n) {
  return value([&] { append_integer(out_, n); });
}

JsonWriter& JsonWriter::number(double d) {
  return value([&] { append_double(out_, d); });
}

JsonWriter& JsonWriter::boolean(bool b) {
  return value([&] { out_ += b ? "true" : "false"; });
}

JsonWriter& JsonWriter::null() {
  return value([&] { out_ += "null"; });
}

std::string to_json_text(const json::value& value) {
  std::string out;
  out.reserve(256);
  append_json_text(out, value);
  return out;
}

}  // namespace nelo
