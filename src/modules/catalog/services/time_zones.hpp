#pragma once
// Which IANA time zone names a merchant may use: those PostgreSQL knows, since PostgreSQL is what
// turns an instant into the merchant's local time. Loaded once on first use, then answered from
// memory (the view behind it reads the whole tz database on every query).

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace nelo::catalog {

class TimeZoneRepository;

class TimeZones {
 public:
  explicit TimeZones(TimeZoneRepository& repository) : repository_(repository) {}

  // Exact, case-sensitive: "Europe/Paris" yes, "europe/paris" or "CEST" no.
  boost::asio::awaitable<bool> is_known(std::string name);

 private:
  TimeZoneRepository& repository_;
  std::mutex mutex_;
  std::shared_ptr<const std::set<std::string, std::less<>>> names_;  // null until loaded
};

}  // namespace nelo::catalog
