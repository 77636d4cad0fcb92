#pragma once
// The real-time gateway's settings (NELO_REALTIME_*, docs/operations.md#real-time).

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace nelo::realtime {

struct RealtimeSettings {
  // NELO_REALTIME_QUEUE_MESSAGES: messages waiting for one client at most; past it new events
  // are dropped (the client sees a gap in seq).
  std::size_t queue_messages = 1024;
  // NELO_REALTIME_SLOW_CLIENT_GRACE_MS: a client whose queue stays full this long is closed (4008).
  std::chrono::milliseconds slow_client_grace{5000};
  // NELO_REALTIME_IDLE_TIMEOUT_SECONDS: the server pings a silent client after half of it and
  // drops one silent for all of it (no pong, no message: a dead connection).
  std::chrono::seconds idle_timeout{30};
  // NELO_REALTIME_AUTH_TIMEOUT_SECONDS: a client without an Authorization header must send its
  // {"type": "auth"} message within this (else 4000).
  std::chrono::seconds auth_timeout{10};
  // NELO_REALTIME_AUTH_RECHECK_SECONDS: how often each connection's token is verified again, so a
  // revoked session (logout, password change, role removed, account disabled) is closed (4003).
  std::chrono::seconds auth_recheck{5};
  // NELO_REALTIME_MAX_SUBSCRIPTIONS: channels one connection may hold at once.
  std::size_t max_subscriptions = 100;
  // NELO_REALTIME_MAX_MESSAGE_BYTES: a bigger client message closes the connection (1009).
  std::size_t max_message_bytes = 16 * 1024;
  // NELO_REALTIME_SEND_BUFFER_BYTES: each socket's kernel send buffer; 0 keeps the system's
  // autotuning (on a fast link a client that stops reading then holds megabytes before its queue
  // starts to fill). Smaller: a slow client is noticed sooner.
  std::size_t send_buffer_bytes = 0;
};

// Throws std::invalid_argument listing every bad variable. `env` overrides getenv (tests).
RealtimeSettings realtime_settings_from_environment(const std::map<std::string, std::string>* env = nullptr);

}  // namespace nelo::realtime
