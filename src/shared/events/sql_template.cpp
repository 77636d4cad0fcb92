#include "shared/events/sql_template.hpp"

#include <stdexcept>

#include "shared/events/naming.hpp"

namespace nelo::events {

std::string render_sql(std::string_view sql, std::string_view schema) {
  // Last line of defence: a name that reaches SQL text must be a plain identifier.
  if (!is_valid_module_name(schema)) throw std::invalid_argument("events: invalid schema name '" + std::string(schema) + "'");
  constexpr std::string_view kPlaceholder = "{schema}";
  std::string out;
  out.reserve(sql.size() + 8 * schema.size());
  std::size_t from = 0;
  for (auto at = sql.find(kPlaceholder); at != std::string_view::npos; at = sql.find(kPlaceholder, from)) {
    out.append(sql.substr(from, at - from));
    out.append(schema);
    from = at + kPlaceholder.size();
  }
  out.append(sql.substr(from));
  return out;
}

}  // namespace nelo::events
