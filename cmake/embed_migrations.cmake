# Script mode: cmake -DMODULE=m -DOUT=file.cpp -DFILES="a.sql;b.sql" -P embed_migrations.cmake
set(body "")
foreach(f IN LISTS FILES)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" sql)
  string(APPEND body "    {\"${name}\", R\"nelo_sql(${sql})nelo_sql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
"// Generated from src/modules/${MODULE}/migrations by cmake/embed_migrations.cmake. Do not edit.
#include \"core/db/migration.hpp\"

#include <array>
#include <span>

namespace nelo::${MODULE} {

std::span<const db::MigrationFile> migrations() {
  static const db::MigrationFile kFiles[] = {
${body}    {\"\", \"\"}};
  return std::span<const db::MigrationFile>(kFiles, sizeof(kFiles) / sizeof(kFiles[0]) - 1);
}

}  // namespace nelo::${MODULE}
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
