#include "core/http/static_files.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>

#include "core/errors.hpp"

namespace nelo::http {

namespace fs = std::filesystem;

namespace {

struct File {
  std::string body;
  std::string content_type;
  std::string etag;
};

struct Directory {
  fs::path root;  // canonical, or empty when the directory does not exist
  StaticFilesOptions options;
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const File>, std::less<>> cache;
};

bool safe_name(std::string_view name) {
  if (name.empty() || name.front() == '.') return false;
  for (char c : name) {
    if (c == '/' || c == '\\' || c == '\0') return false;
  }
  return true;
}

std::string etag_of(std::string_view body) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : body) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (int i = 15; i >= 0; --i) out += kHex[(h >> (i * 4)) & 0xF];
  out += '"';
  return out;
}

std::shared_ptr<const File> load(Directory& dir, std::string_view name) {
  {
    std::lock_guard lock(dir.mutex);
    if (auto it = dir.cache.find(name); it != dir.cache.end()) return it->second;
  }
  if (dir.root.empty()) return nullptr;
  std::error_code ec;
  fs::path path = fs::canonical(dir.root / fs::path(name), ec);
  if (ec || path.parent_path() != dir.root || !fs::is_regular_file(path, ec)) return nullptr;
  auto size = fs::file_size(path, ec);
  if (ec || size > dir.options.max_file_size) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream content;
  content << in.rdbuf();
  auto file = std::make_shared<File>();
  file->body = std::move(content).str();
  file->content_type = content_type_for(name);
  file->etag = etag_of(file->body);
  std::lock_guard lock(dir.mutex);
  return dir.cache.emplace(std::string(name), std::move(file)).first->second;
}

}  // namespace

std::string_view content_type_for(std::string_view filename) noexcept {
  auto dot = filename.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view() : filename.substr(dot + 1);
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "application/javascript; charset=utf-8"},
      {"mjs", "application/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"png", "image/png"},
      {"svg", "image/svg+xml"},
      {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
      {"md", "text/markdown; charset=utf-8"},
      {"woff2", "font/woff2"},
  };
  for (const auto& e : kTypes) {
    if (e.ext == ext) return e.type;
  }
  return "application/octet-stream";
}

Handler static_files(std::string directory, StaticFilesOptions options) {
  auto dir = std::make_shared<Directory>();
  std::error_code ec;
  if (!directory.empty()) {
    fs::path root = fs::canonical(directory, ec);
    if (!ec && fs::is_directory(root, ec)) dir->root = std::move(root);
  }
  dir->options = std::move(options);
  return [dir](Request& request) -> boost::asio::awaitable<Response> {
    std::string_view name = request.param(dir->options.param);
    std::shared_ptr<const File> file = safe_name(name) ? load(*dir, name) : nullptr;
    if (!file) throw NotFound("No such file");
    Response response;
    response.headers.emplace_back("Cache-Control", dir->options.cache_control);
    response.headers.emplace_back("ETag", file->etag);
    if (auto match = request.header("if-none-match"); match && *match == file->etag) {
      response.status = 304;
      response.content_type.clear();
      co_return response;
    }
    response.content_type = file->content_type;
    response.body = file->body;
    co_return response;
  };
}

}  // namespace nelo::http
