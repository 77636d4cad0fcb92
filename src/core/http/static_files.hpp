#pragma once
// Serves the files of one directory (no subdirectories) through a route such as
// "GET /docs/{file}": the documentation UI's assets.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/http/route.hpp"

namespace nelo::http {

struct StaticFilesOptions {
  std::string param = "file";  // the route's path parameter that names the file
  std::string cache_control = "public, max-age=3600";
  std::size_t max_file_size = 16 * 1024 * 1024;
};

// Names with a '/', a '\\', a NUL or a leading '.' (hidden files, "..") are 404, as are
// missing files, non-regular files, and symlinks that lead out of the directory. Files are
// read once and kept in memory (assets don't change while the server runs), so disk I/O on an
// I/O thread happens at most once per file. Answers with ETag, and 304 to a matching
// If-None-Match.
Handler static_files(std::string directory, StaticFilesOptions options = {});

// "text/html; charset=utf-8", "application/javascript; charset=utf-8", ... by extension;
// application/octet-stream when unknown.
std::string_view content_type_for(std::string_view filename) noexcept;

}  // namespace nelo::http
