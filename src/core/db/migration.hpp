#pragma once
// Migration files embedded in the binary (see cmake/embed_migrations.cmake).

#include <string_view>

namespace nelo::db {

struct MigrationFile {
  std::string_view name;  // "0001_init.sql"; applied in name order
  std::string_view sql;
};

}  // namespace nelo::db
