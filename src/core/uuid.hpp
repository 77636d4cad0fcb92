#pragma once
// UUIDs travel as their canonical lowercase text form; these helpers make and check them.

#include <optional>
#include <string>
#include <string_view>

namespace nelo {

// Random (version 4) UUID from libsodium's CSPRNG.
std::string new_uuid();
// Time-ordered (version 7) UUID: good primary keys for append-heavy tables.
std::string new_uuid_v7();
// True for the canonical 8-4-4-4-12 hex form (any case).
bool is_uuid(std::string_view text);
// `text` in the canonical form, lowercase (as PostgreSQL writes a uuid); nullopt if it is no UUID.
std::optional<std::string> canonical_uuid(std::string_view text);

}  // namespace nelo
