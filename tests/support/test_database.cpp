#include "support/test_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace nelo::test {

namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ConnPtr connect(const std::string& conninfo) {
  ConnPtr conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("test database: cannot connect (" + conninfo + "): " + PQerrorMessage(conn.get()));
  }
  return conn;
}

ResultPtr run(PGconn* conn, const std::string& sql) {
  ResultPtr r(PQexec(conn, sql.c_str()), &PQclear);
  auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("test database: `" + sql.substr(0, 200) + "` failed: " + PQerrorMessage(conn));
  }
  return r;
}

// Rewrites a URL or key=value conninfo as key=value with `dbname` replaced.
std::string with_database(const std::string& conninfo, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    std::string why = error ? error : "out of memory";
    PQfreemem(error);
    throw std::runtime_error("NELO_TEST_DATABASE_URL is not a valid connection string: " + why);
  }
  std::string out;
  for (auto* o = options; o->keyword; ++o) {
    std::string key = o->keyword;
    if (key == "dbname" || !o->val) continue;
    out += key + "='";
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\'' || *c == '\\') out += '\\';
      out += *c;
    }
    out += "' ";
  }
  PQconninfoFree(options);
  return out + "dbname='" + dbname + "'";
}

}  // namespace

std::string TestDatabase::admin_conninfo() {
  const char* url = std::getenv("NELO_TEST_DATABASE_URL");
  if (!url || !*url) {
    throw std::runtime_error(
        "NELO_TEST_DATABASE_URL is not set: the pg tests need a PostgreSQL 15 + PostGIS cluster and a superuser URL "
        "to its postgres database (./scripts/test starts one; or: source scripts/lib/pg.sh; nelo_pg_init DIR; "
        "nelo_pg_start DIR PORT; export NELO_TEST_DATABASE_URL=$(nelo_pg_url PORT))");
  }
  return url;
}

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  auto admin = admin_conninfo();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  name_ = "nelo_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
          std::to_string(micros % 1000000000);
  auto conn = connect(admin);
  run(conn.get(), "CREATE DATABASE \"" + name_ + "\"");
  conninfo_ = with_database(admin, name_);
  try {
    auto db = connect(conninfo_);
    run(db.get(), "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis");
  } catch (...) {
    run(conn.get(), "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
    throw;
  }
}

TestDatabase::~TestDatabase() {
  try {
    auto conn = connect(admin_conninfo());
    run(conn.get(), "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)");
  } catch (const std::exception&) {
    // A leftover database in a throwaway cluster is harmless; a throwing destructor is not.
  }
}

std::string TestDatabase::conninfo_with(const std::string& extra) const { return conninfo_ + " " + extra; }

void TestDatabase::exec(const std::string& sql) const {
  auto conn = connect(conninfo_);
  run(conn.get(), sql);
}

std::vector<std::string> TestDatabase::column(const std::string& sql) const {
  auto conn = connect(conninfo_);
  auto r = run(conn.get(), sql);
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    out.emplace_back(PQgetisnull(r.get(), i, 0) ? "" : PQgetvalue(r.get(), i, 0));
  }
  return out;
}

std::string TestDatabase::value(const std::string& sql) const {
  auto values = column(sql);
  if (values.empty()) throw std::runtime_error("test database: `" + sql + "` returned no row");
  return values.front();
}

}  // namespace nelo::test
