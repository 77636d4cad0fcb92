#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>

namespace nelo {
namespace {

namespace json = boost::json;

TEST(JsonText, DoublesAreWrittenTheWayPeopleReadThem) {
  EXPECT_EQ(to_json_text(json::value(48.8606)), "48.8606");
  EXPECT_EQ(to_json_text(json::value(2.3376)), "2.3376");
  EXPECT_EQ(to_json_text(json::value(-0.5)), "-0.5");
  EXPECT_EQ(to_json_text(json::value(100.0)), "100.0") << "still a floating-point number when read";
  EXPECT_EQ(to_json_text(json::value(-0.0)), "-0.0");
  EXPECT_EQ(to_json_text(json::value(1e-7)), "1e-07");
  EXPECT_EQ(to_json_text(json::value(1e22)), "1e+22");
  EXPECT_EQ(to_json_text(json::value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(to_json_text(json::object{{"lat", 48.8606}, {"lng", 2.3376}}), R"({"lat":48.8606,"lng":2.3376})");
}

TEST(JsonText, EverythingButDoublesIsWrittenAsBoostWritesIt) {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte += static_cast<char>(c);
  const json::value samples[] = {
      nullptr, true, false, 0, -1, std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::uint64_t>::max(), "",
      "plain", "quote \" backslash \\ slash / tab \t newline \n nul-free control \x01\x1f del \x7f",
      "caf\xC3\xA9 \xF0\x9F\x8D\x95", json::string(every_byte), json::array{}, json::object{},
      json::array{1, "two", nullptr, json::array{json::object{{"k", "v"}}}},
      json::object{{"a", 1}, {"", json::array{true}}, {"weird \"key\"\n", json::object{{"x", "y"}}}}};
  for (const auto& v : samples) EXPECT_EQ(to_json_text(v), json::serialize(v)) << json::serialize(v);
}

// Equal, but for doubles within a few units in the last place: Boost.JSON 1.81's parser is not
// correctly rounded (exactness of the text itself is checked with std::from_chars below).
bool same(const json::value& a, const json::value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::double_:
      return a.get_double() == b.get_double() ||
             std::abs(a.get_double() - b.get_double()) <= 1e-15 * std::abs(b.get_double());
    case json::kind::array: {
      const auto &x = a.get_array(), &y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!same(x[i], y[i])) return false;
      }
      return true;
    }
    case json::kind::object: {
      const auto &x = a.get_object(), &y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& m : x) {
        const auto* other = y.if_contains(m.key());
        if (!other || !same(m.value(), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

TEST(JsonText, DoublesReadBackExactly) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const double d = std::bit_cast<double>(rng() & 0xffefffffffffffffULL);  // any finite value
    const std::string text = to_json_text(json::value(d));
    double back = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), back);
    ASSERT_EQ(ec, std::errc()) << text;
    ASSERT_EQ(end, text.data() + text.size()) << text;
    ASSERT_EQ(back, d) << text;
  }
}

// A random document: nulls, integers, doubles, strings with control characters and quotes,
// arrays and objects nested a few levels. Unsigned integers beyond int64 only if `wide`.
json::value random_document(std::mt19937_64& rng, bool wide, int depth = 0) {
  std::uniform_int_distribution<int> kind(0, 8);
  switch (depth > 3 ? kind(rng) % 6 : kind(rng)) {
    case 0: return nullptr;
    case 1: return static_cast<std::int64_t>(rng());
    case 2:
      if (!wide) return static_cast<std::int64_t>(rng() >> 1);
      return static_cast<std::uint64_t>(rng() | (1ULL << 63));  // beyond int64, or it reads back as one
    case 3: {
      double d = std::ldexp(static_cast<double>(rng() % 1000000007) - 500000000.0, static_cast<int>(rng() % 200) - 100);
      return d;
    }
    case 4: return std::bit_cast<double>(rng() & 0x7fefffffffffffffULL);  // any finite positive
    case 5: {
      std::string s;
      for (auto n = rng() % 12; n > 0; --n) s += static_cast<char>(1 + rng() % 127);
      return json::string(s);
    }
    case 6: {
      json::array a;
      for (auto n = rng() % 5; n > 0; --n) a.push_back(random_document(rng, wide, depth + 1));
      return a;
    }
    default: {
      json::object o;
      for (auto n = rng() % 5; n > 0; --n) o[std::to_string(rng() % 100)] = random_document(rng, wide, depth + 1);
      return o;
    }
  }
}

TEST(JsonText, ReadsBackAsTheSameValue_RandomDocuments) {
  std::mt19937_64 rng(20261125);
  for (int i = 0; i < 2000; ++i) {
    const json::value v = random_document(rng, true);
    const std::string text = to_json_text(v);
    EXPECT_TRUE(same(json::parse(text), v)) << text;
  }
}

TEST(JsonText, EscapesEveryCharacterThatNeedsItAtEveryPositionAndLength) {
  // The escaping scans eight bytes at a time: put each troublesome byte at each offset of strings
  // of 0 to 40 bytes, around plain ASCII and UTF-8.
  const std::string troublesome = std::string("\"\\\b\f\n\r\t\x01\x1f", 9) + std::string(1, '\0');
  for (std::size_t length = 0; length <= 40; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (char c : troublesome) {
        std::string text;
        for (std::size_t i = 0; i < length; ++i) text += (i % 5 == 4) ? "\xc3\xa9"[i % 2] : static_cast<char>('a' + i % 26);
        text[at] = c;
        ASSERT_EQ(to_json_text(json::value(json::string(text))), json::serialize(json::value(json::string(text))))
            << "length " << length << ", at " << at << ", byte " << static_cast<int>(c);
      }
    }
    std::string plain(length, 'x');
    ASSERT_EQ(to_json_text(json::value(json::string(plain))), "\"" + plain + "\"");
  }
}

// --- JsonWriter ---

void write(JsonWriter& w, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: w.null(); break;
    case json::kind::bool_: w.boolean(v.get_bool()); break;
    case json::kind::int64: w.integer(v.get_int64()); break;
    case json::kind::uint64: FAIL() << "the writer takes signed integers"; break;
    case json::kind::double_: w.number(v.get_double()); break;
    case json::kind::string: w.string(v.get_string()); break;
    case json::kind::array:
      w.begin_array();
      for (const auto& element : v.get_array()) write(w, element);
      w.end_array();
      break;
    case json::kind::object:
      w.begin_object();
      for (const auto& member : v.get_object()) {
        w.key(member.key());
        write(w, member.value());
      }
      w.end_object();
      break;
  }
}

TEST(JsonWriter, WritesWhatTheTreeWouldHaveWritten_RandomDocuments) {
  std::mt19937_64 rng(20261126);
  for (int i = 0; i < 2000; ++i) {
    const json::value v = random_document(rng, false);
    std::string out;
    JsonWriter w(out);
    write(w, v);
    ASSERT_EQ(out, to_json_text(v));
  }
}

TEST(JsonWriter, SeparatesMembersAndElementsAtEveryDepth) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .key("a").begin_array().integer(1).begin_object().key("b").null().end_object().string("x\"y").end_array()
      .key("c").nullable(std::nullopt)
      .key("d").nullable(std::string("tab\there"))
      .key("e").boolean(true)
      .key("f").number(48.8606)
      .key("g").number(100.0)
      .key("h").begin_object().end_object()
      .key("i").begin_array().end_array()
      .end_object();
  EXPECT_EQ(out, R"({"a":[1,{"b":null},"x\"y"],"c":null,"d":"tab\there","e":true,"f":48.8606,"g":100.0,"h":{},"i":[]})");
  EXPECT_NO_THROW(json::parse(out));
}

TEST(JsonWriter, AppendsToWhatIsThere) {
  std::string out = "prefix ";
  JsonWriter(out).begin_array().integer(-9223372036854775807LL - 1).end_array();
  EXPECT_EQ(out, "prefix [-9223372036854775808]");
}

}  // namespace
}  // namespace nelo
