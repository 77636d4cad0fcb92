#pragma once
// Typed errors thrown by services and infrastructure. core/http/problem.cpp is the one place
// that turns them into RFC 9457 problem+json; anything else becomes a logged 500.

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nelo {

struct FieldError {
  std::string field;    // JSON pointer-ish path: "items[2].quantity"
  std::string message;  // human readable, no internals
};

class Error : public std::runtime_error {
 public:
  Error(int status, std::string type, std::string title, std::string detail)
      : std::runtime_error(detail), status_(status), type_(std::move(type)), title_(std::move(title)) {}

  int status() const noexcept { return status_; }
  // Short slug; the problem "type" URI is built from it ("/problems/<type>").
  const std::string& type() const noexcept { return type_; }
  const std::string& title() const noexcept { return title_; }
  std::string detail() const { return what(); }

 private:
  int status_;
  std::string type_;
  std::string title_;
};

class BadRequest : public Error {
 public:
  explicit BadRequest(std::string detail) : Error(400, "bad-request", "Bad request", std::move(detail)) {}
};

class Unauthorized : public Error {
 public:
  explicit Unauthorized(std::string detail = "Authentication is required")
      : Error(401, "unauthorized", "Unauthorized", std::move(detail)) {}
};

class Forbidden : public Error {
 public:
  explicit Forbidden(std::string detail = "You are not allowed to do this")
      : Error(403, "forbidden", "Forbidden", std::move(detail)) {}
};

class NotFound : public Error {
 public:
  explicit NotFound(std::string detail = "The resource does not exist")
      : Error(404, "not-found", "Not found", std::move(detail)) {}
};

class MethodNotAllowed : public Error {
 public:
  MethodNotAllowed(std::vector<std::string> allow)
      : Error(405, "method-not-allowed", "Method not allowed", "This method is not supported on this resource"),
        allow_(std::move(allow)) {}
  const std::vector<std::string>& allow() const noexcept { return allow_; }

 private:
  std::vector<std::string> allow_;
};

class RequestTimeout : public Error {
 public:
  RequestTimeout() : Error(408, "request-timeout", "Request timeout", "The request was not received in time") {}
};

// Conflicting state: duplicates, illegal state transitions, concurrent idempotent requests.
class Conflict : public Error {
 public:
  explicit Conflict(std::string detail) : Error(409, "conflict", "Conflict", std::move(detail)) {}
  Conflict(std::string type, std::string detail) : Error(409, std::move(type), "Conflict", std::move(detail)) {}
};

class PayloadTooLarge : public Error {
 public:
  explicit PayloadTooLarge(std::string detail = "The request body is too large")
      : Error(413, "payload-too-large", "Payload too large", std::move(detail)) {}
};

class UnsupportedMediaType : public Error {
 public:
  explicit UnsupportedMediaType(std::string detail = "The request body must be application/json")
      : Error(415, "unsupported-media-type", "Unsupported media type", std::move(detail)) {}
};

class ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<FieldError> errors, std::string detail = "The request is not valid")
      : Error(422, "validation-error", "Validation failed", std::move(detail)), errors_(std::move(errors)) {}
  ValidationError(std::string field, std::string message)
      : ValidationError(std::vector<FieldError>{{std::move(field), std::move(message)}}) {}
  const std::vector<FieldError>& errors() const noexcept { return errors_; }

 private:
  std::vector<FieldError> errors_;
};

class TooManyRequests : public Error {
 public:
  explicit TooManyRequests(std::chrono::seconds retry_after, std::string detail = "Too many requests")
      : Error(429, "too-many-requests", "Too many requests", std::move(detail)), retry_after_(retry_after) {}
  std::chrono::seconds retry_after() const noexcept { return retry_after_; }

 private:
  std::chrono::seconds retry_after_;
};

class HeaderTooLarge : public Error {
 public:
  HeaderTooLarge()
      : Error(431, "header-too-large", "Request header fields too large", "The request headers are too large") {}
};

// A dependency (database, broker, remote module) is down or saturated.
class ServiceUnavailable : public Error {
 public:
  explicit ServiceUnavailable(std::string detail, std::optional<std::chrono::seconds> retry_after = std::nullopt)
      : Error(503, "service-unavailable", "Service unavailable", std::move(detail)), retry_after_(retry_after) {}
  std::optional<std::chrono::seconds> retry_after() const noexcept { return retry_after_; }

 private:
  std::optional<std::chrono::seconds> retry_after_;
};

// Collects field errors while validating a DTO, then throws them all at once.
class Validator {
 public:
  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }
  bool ok() const noexcept { return errors_.empty(); }
  void throw_if_invalid() const {
    if (!errors_.empty()) throw ValidationError(errors_);
  }

 private:
  std::vector<FieldError> errors_;
};

}  // namespace nelo
