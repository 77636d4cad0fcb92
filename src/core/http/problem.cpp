#include "core/http/problem.hpp"

#include <boost/core/demangle.hpp>
#include <boost/json/object.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <typeinfo>

#include "core/http/protocol_errors.hpp"
#include "core/json_text.hpp"
#include "core/utf8.hpp"

namespace nelo::http {

namespace json = boost::json;

namespace {

constexpr const char* kProblemType = "application/problem+json";

// The instance is the decoded path, which a client can make any bytes (/items/%FF): JSON text
// must be UTF-8, so bytes that are not are written back percent-encoded.
std::string text_instance(std::string_view instance) {
  if (is_valid_utf8(instance)) return std::string(instance);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(instance.size() * 3);
  for (unsigned char c : instance) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

Response render(int status, std::string_view type, std::string_view title, std::string_view detail,
                std::string_view instance, std::string_view request_id, const std::vector<FieldError>* errors) {
  json::object body;
  body.reserve(errors ? 7 : 6);
  std::string type_uri = "/problems/";
  type_uri += type;
  body.emplace("type", std::move(type_uri));
  body.emplace("title", title);
  body.emplace("status", status);
  body.emplace("detail", detail);
  body.emplace("instance", text_instance(instance));
  body.emplace("request_id", request_id);
  if (errors) {
    json::array list;
    list.reserve(errors->size());
    for (const auto& e : *errors) list.push_back(json::object{{"field", e.field}, {"message", e.message}});
    body.emplace("errors", std::move(list));
  }
  Response r;
  r.status = status;
  r.content_type = kProblemType;
  r.body = to_json_text(body);
  return r;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

Response internal_error(std::string_view instance, std::string_view request_id) {
  return render(500, "internal-error", "Internal server error",
                "An unexpected error occurred. Quote the request id when reporting it.", instance, request_id,
                nullptr);
}

}  // namespace

int status_of(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::Malformed: return 400;
    case ErrorKind::Unauthenticated: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::TooLarge: return 413;
    case ErrorKind::Invalid: return 422;
    case ErrorKind::Throttled: return 429;
    case ErrorKind::Unavailable: return 503;
    case ErrorKind::Protocol:
      if (const auto* e = dynamic_cast<const ProtocolError*>(&error)) return e->status();
      break;
  }
  return 500;
}

Response problem_response(const Error& error, std::string_view instance, std::string_view request_id,
                          bool had_credentials) {
  const auto* validation = dynamic_cast<const ValidationError*>(&error);
  const bool with_fields = validation && validation->has_fields();
  const int status = status_of(error);
  Response r = render(status, error.type(), error.title(), error.what(), instance, request_id,
                      with_fields ? &validation->errors() : nullptr);
  if (const auto* e = dynamic_cast<const MethodNotAllowed*>(&error)) {
    r.with_header("Allow", join(e->allow()));
  } else if (const auto* e = dynamic_cast<const TooManyRequests*>(&error)) {
    r.with_header("Retry-After", std::to_string(std::max<long long>(0, e->retry_after().count())));
  } else if (const auto* e = dynamic_cast<const ServiceUnavailable*>(&error)) {
    if (e->retry_after()) r.with_header("Retry-After", std::to_string(std::max<long long>(0, e->retry_after()->count())));
  } else if (error.kind() == ErrorKind::Unauthenticated) {
    // RFC 6750: say why only when a token was presented.
    r.with_header("WWW-Authenticate", had_credentials ? "Bearer error=\"invalid_token\"" : "Bearer");
  }
  return r;
}

Response problem_response(std::exception_ptr error, const Request& request) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Unavailable) {
      spdlog::warn("{} {} failed with {}: {}", request.method, request.path, status_of(e), e.what());
    }
    return problem_response(e, request.path, request.request_id, request.header("authorization").has_value());
  } catch (const std::exception& e) {
    spdlog::error("unhandled {} while serving {} {}: {}", boost::core::demangle(typeid(e).name()), request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("unhandled non-standard exception while serving {} {}", request.method, request.path);
  }
  return internal_error(request.path, request.request_id);
}

}  // namespace nelo::http
