#include "core/http/request.hpp"

#include <stdexcept>

#include "core/errors.hpp"
#include "core/http/protocol_errors.hpp"
#include "core/http/ascii.hpp"
#include "core/json.hpp"

namespace nelo::http {

namespace {

std::optional<std::string_view> find(const std::vector<std::pair<std::string, std::string>>& list,
                                     std::string_view name) {
  for (const auto& [key, value] : list) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace

bool is_json_content_type(std::string_view content_type) noexcept {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  return ascii_iequals(media, "application/json");
}

std::optional<std::string_view> Request::header(std::string_view lower_case_name) const {
  return find(headers, lower_case_name);
}

std::optional<std::string_view> Request::query(std::string_view name) const { return find(query_params, name); }

std::string_view Request::param(std::string_view name) const {
  if (auto v = find(path_params, name)) return *v;
  throw std::logic_error("route " + route_template + " has no path parameter {" + std::string(name) + "}");
}

boost::json::value Request::json() const {
  auto type = header("content-type");
  if (!type || !is_json_content_type(*type)) throw UnsupportedMediaType();
  if (body.empty()) throw BadRequest("The request body is empty; a JSON document is expected");
  return parse_json_strict(body, json_max_depth);
}

boost::json::object Request::json_object() const {
  auto value = json();
  if (!value.is_object()) throw ValidationError("body", "must be a JSON object");
  return std::move(value.get_object());
}

const Principal& Request::user() const {
  if (!principal) throw Unauthorized();
  return *principal;
}

}  // namespace nelo::http
