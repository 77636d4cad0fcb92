#include "modules/notifications/push/push_signature.hpp"

#include "core/security/hmac.hpp"
#include "core/security/tokens.hpp"

namespace nelo::notifications {
namespace {

std::string mac_hex(std::string_view secret, std::string_view timestamp, std::string_view body) {
  std::string payload(timestamp);
  payload += '.';
  payload.append(body);
  const auto mac = security::hmac_sha256(secret, payload);
  return security::hex_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

}  // namespace

std::string sign_push(std::string_view secret, std::int64_t timestamp, std::string_view body) {
  const std::string t = std::to_string(timestamp);
  return "t=" + t + ",v1=" + mac_hex(secret, t, body);
}

bool push_signature_matches(std::string_view header, std::string_view body, std::string_view secret) {
  std::string_view t, v1;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (item.starts_with("t=")) t = item.substr(2);
    if (item.starts_with("v1=")) v1 = item.substr(3);
  }
  if (t.empty() || t.size() > 12 || v1.empty()) return false;
  for (const char c : t) {
    if (c < '0' || c > '9') return false;
  }
  return security::constant_time_equal(mac_hex(secret, t, body), v1);
}

}  // namespace nelo::notifications
