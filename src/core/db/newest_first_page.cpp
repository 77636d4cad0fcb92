#include "core/db/newest_first_page.hpp"

namespace nelo::db {

std::string newest_first_page_sql(std::string_view select, std::string_view alias, std::vector<std::string> conditions,
                                  int used, bool after) {
  const std::string a(alias);
  int n = used;
  if (after) {
    const int at = ++n;
    const int id = ++n;
    conditions.push_back("(" + a + ".created_at, " + a + ".id) < ($" + std::to_string(at) + "::timestamptz, $" +
                         std::to_string(id) + "::uuid)");
  }
  std::string sql(select);
  for (std::size_t i = 0; i < conditions.size(); ++i) sql += (i == 0 ? " WHERE " : " AND ") + conditions[i];
  sql += " ORDER BY " + a + ".created_at DESC, " + a + ".id DESC LIMIT $" + std::to_string(++n);
  return sql;
}

}  // namespace nelo::db
