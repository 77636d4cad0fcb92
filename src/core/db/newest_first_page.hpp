#pragma once
// The SQL of one page of a list read newest first and paged on (created_at, id), the keyset every
// list of the API uses (core/http/time_id_cursor.hpp): the filters, the cursor's condition, the
// order and the limit, so that each (filters x cursor) shape is one fixed statement an index
// `(filters..., created_at DESC, id DESC)` answers with a range scan.

#include <string>
#include <string_view>
#include <vector>

namespace nelo::db {

// `select` ("SELECT ... FROM t x"), then WHERE `conditions` (each already numbering its own
// parameters, `used` of them in all) and, when `after`, "(x.created_at, x.id) < ($used+1, $used+2)";
// ordered newest first; the limit is the last parameter. `alias` is the table's alias ("x").
std::string newest_first_page_sql(std::string_view select, std::string_view alias, std::vector<std::string> conditions,
                                  int used, bool after);

}  // namespace nelo::db
