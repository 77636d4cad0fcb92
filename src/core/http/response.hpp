#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nelo::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(const boost::json::value& value, int status = 200);
  // A body already written as JSON text (JsonWriter).
  static Response json_text(std::string body, int status = 200);
  static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8", int status = 200);
  static Response no_content();

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

}  // namespace nelo::http
