#include "modules/users/validation.hpp"

namespace nelo::users {

bool is_supported_locale(std::string_view locale) noexcept { return locale == "fr" || locale == "en"; }

}  // namespace nelo::users
