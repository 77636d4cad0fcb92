#pragma once
// ISO 3166-1 alpha-2: the officially assigned country codes.

#include <cstddef>
#include <string_view>

namespace nelo::users {

// True for an officially assigned code, upper case only ("FR"; not "fr", "UK", "EU" or "XK").
bool is_assigned_country_code(std::string_view code) noexcept;

// How many codes are assigned (249 in the list this build carries).
std::size_t assigned_country_code_count() noexcept;

}  // namespace nelo::users
