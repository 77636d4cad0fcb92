#pragma once
// The rules of push delivery, without I/O (unit-tested): what a receiver's HTTP answer means, and
// how long to wait before the next attempt.

#include <chrono>
#include <string_view>

#include "modules/notifications/push/push_provider.hpp"

namespace nelo::notifications {

// 2xx: delivered. 410 Gone, or a JSON body whose "error" is "invalid_token", "unregistered" or
// "not_registered" (whatever the status): the token is dead. 408, 429 and 5xx: retry. Any
// other status: refused for good.
PushOutcome classify_push_response(int status, std::string_view body);

// The wait before attempt `attempts + 1` after `attempts` failed ones: base * 2^(attempts-1),
// at most `cap`.
std::chrono::milliseconds push_backoff(int attempts, std::chrono::milliseconds base, std::chrono::milliseconds cap);

}  // namespace nelo::notifications
