// The JSON reader of request bodies (core/json.hpp: parse_json_strict): any bytes are either
// a document, a BadRequest (malformed, trailing data, too deep, a duplicate key, NUL in a key) or
// a ValidationError (NUL in a string value). A document
// it accepts is nested no deeper than the limit, and the JSON text Nelo writes of it
// (core/json_text.hpp) reads back as the same document.

#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"
#include "core/json_text.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::size_t kMaxDepth = 32;  // ServerOptions::json_max_depth's default

// The same document, doubles equal to within a few units in the last place.
bool same(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    const double x = a.to_number<double>();
    const double y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 4 * std::numeric_limits<double>::epsilon() * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return a == b;  // int64 and uint64 of one value compare equal
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!same(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const auto* other = y.if_contains(kv.key());
      if (!other || !same(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

// Levels of arrays and objects, as boost::json::parse_options::max_depth counts them.
std::size_t depth(const boost::json::value& v) {
  std::size_t deepest = 0;
  if (v.is_array()) {
    for (const auto& e : v.get_array()) deepest = std::max(deepest, depth(e));
    return deepest + 1;
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) deepest = std::max(deepest, depth(kv.value()));
    return deepest + 1;
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::json::value document;
  try {
    document = nelo::parse_json_strict(text, kMaxDepth);
  } catch (const nelo::BadRequest&) {
    return 0;  // refused: a 400
  } catch (const nelo::ValidationError&) {
    return 0;  // a string holding NUL, which no text column can store: a 422 naming the member
  }
  // No catch-all: anything else thrown ends the run as a crash.
  nelo::fuzz::check(depth(document) <= kMaxDepth, "parse_json_strict accepted a document deeper than its limit");
  const std::string written = nelo::to_json_text(document);
  boost::json::value again;
  try {
    again = nelo::parse_json_strict(written, kMaxDepth);
  } catch (const nelo::BadRequest& e) {
    nelo::fuzz::fail("to_json_text wrote JSON that does not read back", std::string(e.what()) + ": " + written);
  }
  nelo::fuzz::check(same(again, document), "to_json_text changed the document", written);
  return 0;
}
