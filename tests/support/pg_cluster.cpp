#include "support/pg_cluster.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/nelo_process.hpp"

namespace nelo::test {

PgCluster::PgCluster() : port_(free_port()) {
  // Under TMPDIR: ./scripts/test points it at its own folder and cleans up what a crashed test left.
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/nelo-pg-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl + "/data";
  shell("nelo_pg_init '" + dir_ + "' && nelo_pg_start '" + dir_ + "' " + std::to_string(port_));
}

PgCluster::~PgCluster() {
  try {
    shell("nelo_pg_stop '" + dir_ + "'");
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(dir_).parent_path(), ec);
}

void PgCluster::stop() { shell("nelo_pg_stop '" + dir_ + "'"); }
void PgCluster::start() { shell("nelo_pg_start '" + dir_ + "' " + std::to_string(port_)); }

std::string PgCluster::url(const std::string& db) const {
  return "postgresql://nelo@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PgCluster::create_database(const std::string& name) {
  shell("psql '" + url() + "' -qc 'CREATE DATABASE \"" + name + "\"' && psql '" + url(name) +
        "' -qc 'CREATE EXTENSION IF NOT EXISTS postgis'");
  return url(name);
}

int PgCluster::postmaster_pid() const {
  // postmaster.pid's first line is the postmaster's process id.
  std::ifstream in(dir_ + "/postmaster.pid");
  int pid = 0;
  if (!(in >> pid)) return 0;
  return pid;
}

void PgCluster::shell(const std::string& body) const {
  std::string cmd = "bash -c 'source \"" NELO_SOURCE_DIR "/scripts/lib/pg.sh\" && " ;
  // Quote the body for the outer single-quoted bash -c.
  std::string quoted;
  for (char c : body) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  cmd += quoted + "' >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("pg cluster command failed: " + body);
}

}  // namespace nelo::test
