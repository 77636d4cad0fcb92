#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "core/http/static_files.hpp"
#include "support/run_async.hpp"

namespace nelo::http {
namespace {

namespace fs = std::filesystem;

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("nelo-static-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "docs");
    write(root_ / "docs" / "index.html", "<h1>hi</h1>");
    write(root_ / "docs" / "swagger-ui.css", "body{}");
    write(root_ / "docs" / "app.js.map", "{}");
    write(root_ / "docs" / ".env", "SECRET=1");
    write(root_ / "secret.txt", "outside");
    fs::create_symlink(root_ / "secret.txt", root_ / "docs" / "link.txt");
    fs::create_directories(root_ / "docs" / "sub");
  }
  void TearDown() override { fs::remove_all(root_); }

  static void write(const fs::path& p, const std::string& content) { std::ofstream(p, std::ios::binary) << content; }

  Response get(const Handler& h, std::string name, std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request r;
    r.method = "GET";
    r.path_params = {{"file", std::move(name)}};
    r.headers = std::move(headers);
    boost::asio::io_context io;
    return test::run_async(io, h(r));
  }

  fs::path root_;
};

TEST_F(StaticFiles, ServesFilesWithContentTypeAndCaching) {
  auto h = static_files((root_ / "docs").string());
  auto r = get(h, "index.html");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>hi</h1>");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  bool cache = false, etag = false;
  for (const auto& [k, v] : r.headers) {
    cache = cache || (k == "Cache-Control" && v == "public, max-age=3600");
    etag = etag || k == "ETag";
  }
  EXPECT_TRUE(cache);
  EXPECT_TRUE(etag);
  EXPECT_EQ(get(h, "swagger-ui.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get(h, "app.js.map").content_type, "application/json");
}

TEST_F(StaticFiles, AnswersNotModifiedToAMatchingEtag) {
  auto h = static_files((root_ / "docs").string());
  auto first = get(h, "index.html");
  std::string etag;
  for (const auto& [k, v] : first.headers) {
    if (k == "ETag") etag = v;
  }
  auto second = get(h, "index.html", {{"if-none-match", etag}});
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST_F(StaticFiles, RefusesTraversalHiddenFilesSymlinksOutAndDirectories) {
  auto h = static_files((root_ / "docs").string());
  std::vector<std::string> names = {"../secret.txt", "..",         ".", ".env", "link.txt", "sub", "missing.js",
                                    "",              "a/b",        "a\\b", std::string("index.html\0", 11)};
  for (const auto& bad : names) {
    EXPECT_THROW(get(h, bad), NotFound) << bad;
  }
}

TEST_F(StaticFiles, MissingDirectoryServesNothing) {
  auto h = static_files((root_ / "nope").string());
  EXPECT_THROW(get(h, "index.html"), NotFound);
  auto empty = static_files("");
  EXPECT_THROW(get(empty, "index.html"), NotFound);
}

TEST_F(StaticFiles, FilesAreCachedAfterFirstRead) {
  auto h = static_files((root_ / "docs").string());
  EXPECT_EQ(get(h, "index.html").body, "<h1>hi</h1>");
  write(root_ / "docs" / "index.html", "changed");
  EXPECT_EQ(get(h, "index.html").body, "<h1>hi</h1>");
}

TEST_F(StaticFiles, OversizedFilesAreNotServed) {
  StaticFilesOptions options;
  options.max_file_size = 4;
  auto h = static_files((root_ / "docs").string(), options);
  EXPECT_THROW(get(h, "index.html"), NotFound);
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(content_type_for("swagger-ui-bundle.js"), "application/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("favicon-32x32.png"), "image/png");
  EXPECT_EQ(content_type_for("x.json"), "application/json");
  EXPECT_EQ(content_type_for("LICENSE"), "application/octet-stream");
}

}  // namespace
}  // namespace nelo::http
