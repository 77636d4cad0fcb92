# Helpers shared by the module targets.

# nelo_embed_migrations(<target> <module> <dir>)
# Generates a translation unit holding every <dir>/NNNN_*.sql file as a string,
# exposed as `std::span<const nelo::db::MigrationFile> nelo::<module>::migrations()`.
function(nelo_embed_migrations target module dir)
  file(GLOB sql_files CONFIGURE_DEPENDS "${dir}/*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${module}_migrations.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DMODULE=${module} -DOUT=${out} "-DFILES=${sql_files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake"
    COMMENT "Embedding ${module} migrations"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

# nelo_add_module(<name>)
# One static library per module, from every .cpp under its folder (tests live in tests/):
# it links core and shared, and nothing else.
function(nelo_add_module name)
  set(target nelo_${name})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${target} PUBLIC nelo_core nelo_shared PRIVATE nelo_warnings)
  target_precompile_headers(${target} REUSE_FROM nelo_shared)
  nelo_embed_migrations(${target} ${name} "${CMAKE_CURRENT_SOURCE_DIR}/migrations")
endfunction()
