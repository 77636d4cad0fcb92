#pragma once
// JSON text for what Nelo sends: boost::json::serialize, except for floating-point numbers.
// Boost.JSON 1.81 writes every double in exponent form (48.8606 as 4.88606E1, 100.0 as 1E2):
// valid JSON, but not what anyone reading a coordinate expects. Here a double is written in the
// shortest form that reads back as the same double (std::to_chars), keeping a fraction or an
// exponent so that it still reads back as a floating-point number: 48.8606, 100.0, 1e-07.
// Everything else is written as boost::json::serialize writes it.

#include <boost/json/value.hpp>

#include <string>

namespace nelo {

std::string to_json_text(const boost::json::value& value);
void append_json_text(std::string& out, const boost::json::value& value);

}  // namespace nelo
