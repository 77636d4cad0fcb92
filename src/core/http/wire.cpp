#include "core/http/wire.hpp"

#include <boost/beast/http/status.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <ctime>

#include "core/http/ascii.hpp"

namespace nelo::http {

namespace {

// Headers only the server may set.
bool reserved(std::string_view name) noexcept {
  for (std::string_view r : {"content-length", "transfer-encoding", "connection", "content-type", "x-request-id",
                             "date", "keep-alive", "upgrade", "trailer"}) {
    if (ascii_iequals(name, r)) return true;
  }
  return false;
}

// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n", formatted once per second per thread.
std::string_view date_line() {
  thread_local std::time_t cached = 0;
  thread_local char line[64];
  thread_local std::size_t size = 0;
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != cached) {
    cached = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    size = std::strftime(line, sizeof line, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
  }
  return std::string_view(line, size);
}

void append_number(std::string& out, std::size_t n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

}  // namespace

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) {
      switch (c) {
        case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-': case '.':
        case '^': case '_': case '`': case '|': case '~':
          ok = true;
          break;
        default:
          break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

bool is_field_value(std::string_view s) noexcept {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

bool body_allowed(int status) noexcept { return !(status < 200 || status == 204 || status == 304); }

void append_response_head(std::string& out, const Response& response, const HeadOptions& options) {
  int status = response.status;
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<std::size_t>(status));
  out.push_back(' ');
  auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  if (reason != "<unknown-status>") out.append(reason.data(), reason.size());
  out.append("\r\n");
  out.append(date_line());
  if (body_allowed(status)) {
    if (!response.content_type.empty() && is_field_value(response.content_type)) {
      out.append("Content-Type: ").append(response.content_type).append("\r\n");
    }
    out.append("Content-Length: ");
    append_number(out, response.body.size());
    out.append("\r\n");
  }
  if (!options.request_id.empty()) out.append("X-Request-Id: ").append(options.request_id).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (!is_token(name) || !is_field_value(value)) {
      spdlog::error("dropped response header {:?} with characters HTTP does not allow", name);
      continue;
    }
    if (reserved(name)) {
      spdlog::warn("dropped response header {}: the server sets it", name);
      continue;
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (!options.keep_alive) {
    out.append("Connection: close\r\n");
  } else if (options.http10) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}

}  // namespace nelo::http
