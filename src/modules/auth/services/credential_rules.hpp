#pragma once
// The rules for what users type: e-mail normalisation and syntax, password and name lengths
// (counted in Unicode code points with core/text.hpp's utf8_length, never truncated), roles. Pure functions, unit-tested.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nelo::auth {

inline constexpr std::size_t kMinPasswordLength = 12;   // code points (ASVS 2.1.1)
inline constexpr std::size_t kMaxPasswordLength = 128;  // code points (ASVS 2.1.2 allows 64+)
inline constexpr std::size_t kMaxEmailLength = 254;     // RFC 5321 path limit minus the brackets
inline constexpr std::size_t kMaxNameLength = 100;      // code points

// Trims ASCII whitespace and lower-cases ASCII letters: "  Ana@Example.COM " -> "ana@example.com".
// The same function serves register, login, admin filters and `nelo admin create`, so an address
// is stored and looked up in one form.
std::string normalize_email(std::string_view email);

// nullopt when `normalized` is an acceptable address (ASCII, one '@', a dot-atom local part of
// at most 64 characters, a domain of at least two LDH labels), else the message for the client.
std::optional<std::string> email_problem(std::string_view normalized);

// nullopt when the password has 12 to 128 code points. Nothing else is imposed (ASVS 2.1.9):
// any Unicode, spaces included, and it is hashed exactly as received.
std::optional<std::string> password_problem(std::string_view password);

// Display names: surrounding ASCII whitespace trimmed, 1 to 100 code points, no control characters.
std::string normalize_name(std::string_view name);
std::optional<std::string> name_problem(std::string_view normalized);

bool is_known_role(std::string_view role) noexcept;
bool is_self_assignable_role(std::string_view role) noexcept;
// A role a registration applies for and an admin grants (merchant, driver).
bool is_applied_for_role(std::string_view role) noexcept;

// Sorted and without duplicates, the form roles are stored in.
std::vector<std::string> canonical_roles(std::vector<std::string> roles);

}  // namespace nelo::auth
