// The notifications module's request readers (modules/notifications/api/v1/schemas.hpp), fed any
// JSON object: each returns its value or throws one of Nelo's typed errors (a 4xx), never anything
// else; a preferences patch it accepts never switches a transactional category's in-app channel
// off, and a device it accepts has a known platform and a visible-ASCII token.

#include <cstdlib>

#include "body_input.hpp"
#include "fuzz_support.hpp"
#include "modules/notifications/api/v1/schemas.hpp"
#include "modules/notifications/categories.hpp"

using namespace nelo::notifications;
using nelo::fuzz::only_typed_errors;
using nelo::fuzz::query;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nelo::fuzz::body_object(data, size);
  if (!body) return 0;
  only_typed_errors("parse_preferences_patch", [&] {
    const auto patch = parse_preferences_patch(*body);
    for (const auto& [category, channels] : patch.categories) {
      if (!is_category(category)) std::abort();
      if (is_transactional(category) && channels.in_app == std::optional<bool>(false)) std::abort();
    }
  });
  only_typed_errors("parse_new_device", [&] {
    const auto device = parse_new_device(*body);
    if (device.platform != "ios" && device.platform != "android" && device.platform != "web") std::abort();
    if (device.token.empty() || device.token.size() > kMaxTokenLength) std::abort();
    for (const unsigned char c : device.token) {
      if (c <= 0x20 || c >= 0x7f) std::abort();
    }
  });
  only_typed_errors("parse_inbox_query", [&] {
    (void)parse_inbox_query(query(*body, "unread"), query(*body, "limit"), query(*body, "cursor"));
  });
  only_typed_errors("parse_push_failure_query",
                    [&] { (void)parse_push_failure_query(query(*body, "limit"), query(*body, "cursor")); });
  return 0;
}
