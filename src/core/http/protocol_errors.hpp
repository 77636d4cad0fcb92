#pragma once
// Refusals of the HTTP transport itself, raised by core/http only (framing, routing, media type):
// they have no meaning outside HTTP, so unlike the domain's errors (core/errors.hpp) they carry
// their status.

#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"

namespace nelo::http {

class ProtocolError : public Error {
 public:
  ProtocolError(int status, std::string type, std::string title, std::string detail)
      : Error(ErrorKind::Protocol, std::move(type), std::move(title), std::move(detail)), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

class MethodNotAllowed : public ProtocolError {
 public:
  explicit MethodNotAllowed(std::vector<std::string> allow)
      : ProtocolError(405, "method-not-allowed", "Method not allowed", "This method is not supported on this resource"),
        allow_(std::move(allow)) {}
  const std::vector<std::string>& allow() const noexcept { return allow_; }

 private:
  std::vector<std::string> allow_;
};

class RequestTimeout : public ProtocolError {
 public:
  RequestTimeout()
      : ProtocolError(408, "request-timeout", "Request timeout", "The request was not received in time") {}
};

class UnsupportedMediaType : public ProtocolError {
 public:
  explicit UnsupportedMediaType(std::string detail = "The request body must be application/json")
      : ProtocolError(415, "unsupported-media-type", "Unsupported media type", std::move(detail)) {}
};

class HeaderTooLarge : public ProtocolError {
 public:
  HeaderTooLarge()
      : ProtocolError(431, "header-too-large", "Request header fields too large", "The request headers are too large") {}
};

}  // namespace nelo::http
