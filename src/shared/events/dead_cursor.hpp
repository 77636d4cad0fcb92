#pragma once
// The opaque cursor of the dead-letter list: where the previous page stopped. Dead deliveries
// are listed publisher by publisher (names in order), then by (seq, subscriber) within one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nelo::events {

struct DeadCursor {
  std::string publisher;
  std::int64_t seq = 0;
  std::string subscriber;

  bool operator==(const DeadCursor&) const = default;
};

// base64url (no padding) of a versioned text form: clients must treat it as opaque.
std::string encode_dead_cursor(const DeadCursor& cursor);
// nullopt for anything encode_dead_cursor() cannot have produced.
std::optional<DeadCursor> decode_dead_cursor(std::string_view text);

}  // namespace nelo::events
