#include "modules/catalog/repositories/time_zone_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kNames =
    "SELECT name FROM pg_timezone_names"
    " WHERE name !~ '^(posix|right)/' AND name NOT IN ('localtime', 'posixrules', 'Factory')"
    " ORDER BY name";

}  // namespace

asio::awaitable<std::vector<std::string>> TimeZoneRepository::names() {
  auto result = co_await db_.execute(kNames);
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) names.push_back(row.get<std::string>("name"));
  co_return names;
}

}  // namespace nelo::catalog
