#pragma once
// Typed errors thrown by services and infrastructure: a small taxonomy of kinds that knows no
// HTTP. core/http/problem.cpp is the one place that turns them into RFC 9457 problem+json with a
// status; anything else becomes a logged 500.

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

// What went wrong, in the domain's words. core/http/problem.cpp maps each kind to a status.
enum class ErrorKind {
  Malformed,        // the request cannot be read at all (syntax, encoding, a bad header)
  Unauthenticated,  // no valid credentials
  Forbidden,        // authenticated, but not allowed to do this
  NotFound,         // the resource does not exist (or the caller may not know it does)
  Conflict,         // the current state forbids it: a duplicate, an illegal transition, a race
  Invalid,          // well-formed but refused by the rules, field by field
  TooLarge,         // more than the operation accepts
  Throttled,        // too many attempts: retry later
  Unavailable,      // a dependency is down or saturated: retry later
  Protocol,         // refused by the transport itself (core/http/protocol_errors.hpp)
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string type, std::string title, std::string detail)
      : std::runtime_error(detail), kind_(kind), type_(std::move(type)), title_(std::move(title)) {}

  ErrorKind kind() const noexcept { return kind_; }
  // Short slug; the problem "type" URI is built from it ("/problems/<type>").
  const std::string& type() const noexcept { return type_; }
  const std::string& title() const noexcept { return title_; }
  std::string detail() const { return what(); }

  // True when the same request, unchanged, may succeed later: it says "not now", not "never".
  bool transient() const noexcept {
    return kind_ == ErrorKind::Conflict || kind_ == ErrorKind::Throttled || kind_ == ErrorKind::Unavailable;
  }

 private:
  ErrorKind kind_;
  std::string type_;
  std::string title_;
};

// The request cannot be read (malformed JSON, a header of the wrong syntax).
class BadRequest : public Error {
 public:
  explicit BadRequest(std::string detail)
      : Error(ErrorKind::Malformed, "bad-request", "Bad request", std::move(detail)) {}
};

class Unauthorized : public Error {
 public:
  explicit Unauthorized(std::string detail = "Authentication is required")
      : Error(ErrorKind::Unauthenticated, "unauthorized", "Unauthorized", std::move(detail)) {}
};

class Forbidden : public Error {
 public:
  explicit Forbidden(std::string detail = "You are not allowed to do this")
      : Error(ErrorKind::Forbidden, "forbidden", "Forbidden", std::move(detail)) {}
};

class NotFound : public Error {
 public:
  explicit NotFound(std::string detail = "The resource does not exist")
      : Error(ErrorKind::NotFound, "not-found", "Not found", std::move(detail)) {}
};

// Conflicting state: duplicates, illegal state transitions, concurrent idempotent requests.
class Conflict : public Error {
 public:
  explicit Conflict(std::string detail) : Error(ErrorKind::Conflict, "conflict", "Conflict", std::move(detail)) {}
  Conflict(std::string type, std::string detail)
      : Error(ErrorKind::Conflict, std::move(type), "Conflict", std::move(detail)) {}
};

class PayloadTooLarge : public Error {
 public:
  explicit PayloadTooLarge(std::string detail = "The request body is too large")
      : Error(ErrorKind::TooLarge, "payload-too-large", "Payload too large", std::move(detail)) {}
};

// Refused by the rules, with the fields at fault. `type` and `title` name a refusal of their own
// (e.g. an idempotency key reused for another request) where a client must tell it apart.
class ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<FieldError> errors, std::string detail = "The request is not valid")
      : Error(ErrorKind::Invalid, "validation-error", "Validation failed", std::move(detail)),
        errors_(std::move(errors)) {}
  ValidationError(std::string field, std::string message)
      : ValidationError(std::vector<FieldError>{{std::move(field), std::move(message)}}) {}
  ValidationError(std::string type, std::string title, std::string detail)
      : Error(ErrorKind::Invalid, std::move(type), std::move(title), std::move(detail)) {}
  // Empty for a refusal of its own kind (the three-argument form): the problem has no `errors`.
  const std::vector<FieldError>& errors() const noexcept { return errors_; }
  bool has_fields() const noexcept { return !errors_.empty(); }

 private:
  std::vector<FieldError> errors_;
};

class TooManyRequests : public Error {
 public:
  explicit TooManyRequests(std::chrono::seconds retry_after, std::string detail = "Too many requests")
      : Error(ErrorKind::Throttled, "too-many-requests", "Too many requests", std::move(detail)),
        retry_after_(retry_after) {}
  std::chrono::seconds retry_after() const noexcept { return retry_after_; }

 private:
  std::chrono::seconds retry_after_;
};

// A dependency (database, broker, remote module) is down or saturated.
class ServiceUnavailable : public Error {
 public:
  explicit ServiceUnavailable(std::string detail, std::optional<std::chrono::seconds> retry_after = std::nullopt)
      : Error(ErrorKind::Unavailable, "service-unavailable", "Service unavailable", std::move(detail)),
        retry_after_(retry_after) {}
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
