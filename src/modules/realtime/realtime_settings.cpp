#include "modules/realtime/realtime_settings.hpp"

#include "core/env_reader.hpp"

namespace nelo::realtime {

RealtimeSettings realtime_settings_from_environment(const std::map<std::string, std::string>* env) {
  RealtimeSettings s;
  EnvReader r(env);
  r.integer("NELO_REALTIME_QUEUE_MESSAGES", s.queue_messages, 1, 1'000'000);
  r.duration("NELO_REALTIME_SLOW_CLIENT_GRACE_MS", s.slow_client_grace, 0, 600'000);
  r.duration("NELO_REALTIME_IDLE_TIMEOUT_SECONDS", s.idle_timeout, 2, 3600);
  r.duration("NELO_REALTIME_AUTH_TIMEOUT_SECONDS", s.auth_timeout, 1, 600);
  r.duration("NELO_REALTIME_AUTH_RECHECK_SECONDS", s.auth_recheck, 1, 3600);
  r.integer("NELO_REALTIME_MAX_SUBSCRIPTIONS", s.max_subscriptions, 1, 10'000);
  r.integer("NELO_REALTIME_MAX_MESSAGE_BYTES", s.max_message_bytes, 256, 1024 * 1024);
  r.integer("NELO_REALTIME_SEND_BUFFER_BYTES", s.send_buffer_bytes, 0, 64 * 1024 * 1024);
  r.throw_if_problems("realtime");
  return s;
}

}  // namespace nelo::realtime
