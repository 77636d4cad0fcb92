#pragma once
// Names the bus puts into SQL or onto the wire. Module names become schema identifiers in SQL
// text, so they are checked here once rather than quoted at every use.

#include <string_view>

namespace nelo::events {

// "<entity>.<past_tense>": two lower-case snake_case words joined by one dot ("order.created",
// "delivery.picked_up"). Digits are allowed after the first letter of each word.
bool is_valid_event_name(std::string_view name);

// A module (== schema) name usable as a bare SQL identifier: [a-z][a-z0-9_]{0,62}.
bool is_valid_module_name(std::string_view name);

}  // namespace nelo::events
