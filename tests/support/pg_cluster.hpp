#pragma once
// A private PostgreSQL cluster a test can stop and start (scripts/lib/pg.sh does the work).

#include <string>

namespace nelo::test {

class PgCluster {
 public:
  PgCluster();   // initdb in a fresh temporary folder and start on a free port
  ~PgCluster();  // stop and remove the folder
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  void stop();
  void start();
  unsigned short port() const { return port_; }
  // Superuser URL to `db` (default: postgres). create_database() makes one with PostGIS.
  std::string url(const std::string& db = "postgres") const;
  std::string create_database(const std::string& name);
  // The data folder, and the postmaster's process id (0 when it is not running).
  const std::string& data_dir() const { return dir_; }
  int postmaster_pid() const;

 private:
  void shell(const std::string& body) const;
  std::string dir_;
  unsigned short port_;
};

}  // namespace nelo::test
