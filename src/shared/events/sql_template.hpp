#pragma once
// The bus's SQL is written once with a "{schema}" placeholder and run against each module's
// schema. Module names are validated identifiers (naming.hpp), so substitution is safe.

#include <string>
#include <string_view>

namespace nelo::events {

std::string render_sql(std::string_view sql, std::string_view schema);

}  // namespace nelo::events
