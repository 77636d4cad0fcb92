#pragma once
// The IANA time zone names PostgreSQL knows (pg_timezone_names): the merchants' zones are
// evaluated by PostgreSQL, so a zone is valid exactly when PostgreSQL has it.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace nelo::db {
class ModuleDb;
}

namespace nelo::catalog {

class TimeZoneRepository {
 public:
  explicit TimeZoneRepository(db::ModuleDb& db) : db_(db) {}

  // Every region name ("Europe/Paris", "UTC", ...), without the tz database's duplicate trees
  // ("posix/...", "right/..." with leap seconds) and its non-zones ("localtime", "posixrules",
  // "Factory"). Reading the view costs tens of milliseconds: callers cache the answer.
  boost::asio::awaitable<std::vector<std::string>> names();

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::catalog
