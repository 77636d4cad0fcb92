#pragma once
// What a real-time client sends over its WebSocket (docs/realtime.md): one JSON object per text
// message, {"type": "auth" | "subscribe" | "unsubscribe" | "ping", ...}. Read strictly: an unknown
// type or field, a missing or mistyped one is refused with a typed error (BadRequest for text
// that is not one JSON object, ValidationError naming the fields), which the connection answers
// with an "error" message; the socket stays open.

#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace nelo::realtime {

inline constexpr std::size_t kMaxChannelNameBytes = 128;
inline constexpr std::size_t kMaxClientIdBytes = 64;
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;

struct ClientMessage {
  enum class Type { Auth, Subscribe, Unsubscribe, Ping };
  Type type = Type::Ping;
  std::string token;    // auth: the access token
  std::string channel;  // subscribe, unsubscribe: the channel's name
  // The client's own correlation id (a string of at most 64 bytes or an integer), echoed in the
  // reply; null when absent.
  boost::json::value id;
};

// One client message. Throws BadRequest or ValidationError.
ClientMessage parse_client_message(std::string_view text);

}  // namespace nelo::realtime
