#pragma once
// Set-up of the fault suite: each test gets its own PostgreSQL cluster (so it can stop, freeze or
// starve it without touching any other suite), the real `nelo` binary serving it, and an order
// world (a shop, a customer and their address) made through the API.
//
// The server runs with short database bounds so that a fault shows within seconds:
// statement_timeout 2 s, 1 s to wait for a pooled connection, the outbox polled every 100 ms with
// a 3 s lease (a killed instance's claims are taken over quickly).

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "support/fault_harness.hpp"
#include "support/nelo_process.hpp"
#include "support/pg_cluster.hpp"

namespace nelo::test {

using namespace std::chrono_literals;

class FaultTest : public ::testing::Test {
 protected:
  static constexpr auto kStatementTimeout = 2000ms;
  static constexpr auto kAcquireTimeout = 1000ms;

  void SetUp() override {
    database_url_ = cluster_.create_database("nelo");
    start_server();
    world_ = make_order_world(server_->port(), database_url_);
  }

  void TearDown() override {
    // A fault is answered with a 503, never with a 500 ("unhandled" is what the server logs then).
    for (const auto* server : {previous_.get(), server_.get()}) {
      if (!server) continue;
      const std::string log = server->output();
      EXPECT_EQ(log.find("unhandled"), std::string::npos) << log.substr(0, 20000);
    }
  }

  // Starts nelo on `port` (0: a free one); a running one is killed first and kept for its log.
  void start_server(unsigned short port = 0) {
    std::map<std::string, std::string> env{
        {"DATABASE_URL", database_url_},
        {"NELO_DB_STATEMENT_TIMEOUT_MS", std::to_string(kStatementTimeout.count())},
        {"NELO_DB_ACQUIRE_TIMEOUT_MS", std::to_string(kAcquireTimeout.count())},
        {"NELO_DB_POOL_SIZE", "8"},
        {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
        {"NELO_OUTBOX_LEASE_SECONDS", "3"},
        {"NELO_OUTBOX_RETRY_BASE_MS", "200"},
    };
    if (port != 0) env["NELO_HTTP_PORT"] = std::to_string(port);
    if (server_) {
      server_->kill();
      previous_ = std::move(server_);
    }
    server_ = std::make_unique<NeloProcess>(std::vector<std::string>{"serve"}, std::move(env));
    server_->start();
  }

  HttpResponse get(const std::string& target, std::chrono::milliseconds deadline = 5s) {
    HttpClient client("127.0.0.1", server_->port(), deadline);
    return client.get(target);
  }

  // Declaration order matters: the tmpfs (if a test mounts one) outlives the cluster using it.
  std::unique_ptr<TmpfsMount> tmpfs_;
  PgCluster cluster_;
  std::string database_url_;
  std::unique_ptr<NeloProcess> previous_;
  std::unique_ptr<NeloProcess> server_;
  OrderWorld world_;
};

// Pointers to the attempts that satisfy `keep`.
template <class Keep>
std::vector<const Attempt*> select(const std::vector<Attempt>& attempts, Keep keep) {
  std::vector<const Attempt*> out;
  for (const auto& a : attempts) {
    if (keep(a)) out.push_back(&a);
  }
  return out;
}

// "503=12 (max 40 ms, p50 3 ms)"
inline std::string describe(const std::string& label, const std::vector<const Attempt*>& attempts) {
  const Latency l = latency_of(attempts);
  return label + "=" + std::to_string(l.count) + " (max " + std::to_string(l.max.count()) + " ms, p50 " +
         std::to_string(l.p50.count()) + " ms)";
}

}  // namespace nelo::test
