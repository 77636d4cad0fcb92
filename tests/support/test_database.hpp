#pragma once
// A fresh, uniquely named PostgreSQL database for one test (or suite), with PostGIS, on the
// cluster named by NELO_TEST_DATABASE_URL (a superuser URL to its `postgres` database). Dropped,
// even if connections are still open, when the object dies. Synchronous libpq: test code only.

#include <string>
#include <vector>

namespace nelo::test {

class TestDatabase {
 public:
  // Fails the test (throws std::runtime_error) when NELO_TEST_DATABASE_URL is unset.
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& name() const noexcept { return name_; }
  // key=value conninfo for this database, as the superuser.
  const std::string& conninfo() const noexcept { return conninfo_; }
  // conninfo for this database with other settings on top, e.g. "user=someone".
  std::string conninfo_with(const std::string& extra) const;

  // Runs SQL (several statements allowed) as the superuser on this database; throws on error.
  void exec(const std::string& sql) const;
  // First column of every row as text ("" for NULL); throws on error.
  std::vector<std::string> column(const std::string& sql) const;
  // First column of the first row; throws if there is no row.
  std::string value(const std::string& sql) const;

  // The superuser conninfo of the cluster's maintenance database.
  static std::string admin_conninfo();

 private:
  std::string name_;
  std::string conninfo_;
};

}  // namespace nelo::test
