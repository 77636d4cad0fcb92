#pragma once
// JSON text for what Nelo sends: boost::json::serialize, except for floating-point numbers.
// Boost.JSON 1.81 writes every double in exponent form (48.8606 as 4.88606E1, 100.0 as 1E2):
// valid JSON, but not what anyone reading a coordinate expects. Here a double is written in the
// shortest form that reads back as the same double (std::to_chars), keeping a fraction or an
// exponent so that it still reads back as a floating-point number: 48.8606, 100.0, 1e-07.
// Everything else is written as boost::json::serialize writes it.

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nelo {

std::string to_json_text(const boost::json::value& value);
void append_json_text(std::string& out, const boost::json::value& value);

// Writes JSON text straight into a string, in the same form as append_json_text, without a tree
// in between: for a representation sent often enough that building boost::json values first
// (an allocation per member) would cost more than the rest of the request, as GET /orders/{id}'s.
// Members come out in the order written; the caller pairs each begin with its end.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view text);
  JsonWriter& nullable(const std::optional<std::string>& text);  // the text, or null
  JsonWriter& integer(std::int64_t n);
  JsonWriter& number(double d);
  JsonWriter& boolean(bool b);
  JsonWriter& null();

 private:
  // `write` appends one value; the comma before it, when it follows another, is written first.
  template <class Write>
  JsonWriter& value(Write write);
  JsonWriter& open(char bracket);   // an object or array, as a value
  JsonWriter& close(char bracket);  // which then counts as written

  std::string& out_;
  bool after_value_ = false;
};

}  // namespace nelo
