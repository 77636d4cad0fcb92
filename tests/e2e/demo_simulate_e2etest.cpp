// `nelo demo simulate` against the real binary and a real server: a short, fast city (a dozen
// orders from ten drivers at x200) is played end to end through the public API, and what the
// simulator's --json summary claims is checked against the server's database: every order it
// reports delivered is delivered there, nothing it placed is left open, no driver is left online,
// and no answer was unexpected. Then the options: every bad value is exit code 2 with a line
// naming the option.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "support/nelo_process.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kSimulatedNote = "Simulated order (nelo demo simulate)";

// The --json summary: the line of the output that holds it (the server's and the seed's lines
// share the output in this test).
json::object summary_of(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("{\"options\":", 0) != 0) continue;
    boost::system::error_code ec;
    auto value = json::parse(line, ec);
    if (!ec && value.is_object()) return value.as_object();
  }
  ADD_FAILURE() << "no JSON summary in:\n" << output;
  return {};
}

std::int64_t count_at(const json::object& o, std::initializer_list<const char*> path) {
  const json::value* v = nullptr;
  const json::object* at = &o;
  for (const char* key : path) {
    v = at->if_contains(key);
    if (!v) return -1;
    if (v->is_object()) at = &v->as_object();
  }
  return v && v->is_int64() ? v->as_int64() : -1;
}

class DemoSimulateE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()},
                                          {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                          {"NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS", "1000"},
                                          {"NELO_LOG_LEVEL", "warn"}});
    server_->start();
    NeloProcess simulation({"demo", "simulate", "--url", url(), "--drivers", "10", "--customers", "2", "--order-rate",
                            "60", "--speedup", "200", "--duration", "12", "--drain", "25", "--seed", "7", "--json",
                            "--quiet"},
                           {{"DATABASE_URL", db_->conninfo()}, {"NELO_LOG_LEVEL", "warn"}});
    simulation.launch();
    code_ = simulation.wait(90s);
    output_ = new std::string(simulation.output());
    summary_ = new json::object(summary_of(*output_));
  }
  static void TearDownTestSuite() {
    delete summary_;
    delete output_;
    delete server_;
    delete db_;
  }

  static std::string url() { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  static std::vector<std::string> delivered_ids() {
    std::vector<std::string> ids;
    if (const auto* list = summary_->if_contains("delivered_order_ids"); list && list->is_array()) {
      for (const auto& id : list->as_array()) ids.emplace_back(id.as_string());
    }
    return ids;
  }

  static std::string sql_array(const std::vector<std::string>& ids) {
    std::string out = "ARRAY[";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ",'" : "'") + ids[i] + "'";
    return out + "]::uuid[]";
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  static int code_;
  static std::string* output_;
  static json::object* summary_;
};

TestDatabase* DemoSimulateE2E::db_ = nullptr;
NeloProcess* DemoSimulateE2E::server_ = nullptr;
int DemoSimulateE2E::code_ = -1;
std::string* DemoSimulateE2E::output_ = nullptr;
json::object* DemoSimulateE2E::summary_ = nullptr;

TEST_F(DemoSimulateE2E, ACityRunsEndToEndWithoutOneUnexpectedAnswer) {
  EXPECT_EQ(code_, 0) << *output_;
  EXPECT_EQ(count_at(*summary_, {"http", "errors"}), 0) << json::serialize(*summary_);
  EXPECT_EQ(count_at(*summary_, {"drivers"}), 10);
  const auto placed = count_at(*summary_, {"orders", "placed"});
  const auto delivered = count_at(*summary_, {"orders", "delivered"});
  EXPECT_GE(placed, 5) << json::serialize(*summary_);
  EXPECT_GE(delivered, 3) << json::serialize(*summary_);
  EXPECT_EQ(count_at(*summary_, {"orders", "confirmed"}), delivered) << "every hand-over reached the order";
  EXPECT_EQ(count_at(*summary_, {"orders", "failed"}), 0);
  EXPECT_GE(count_at(*summary_, {"offers", "accepted"}), delivered);
  EXPECT_EQ(count_at(*summary_, {"drivers_stayed_online"}), 0);
}

TEST_F(DemoSimulateE2E, EveryOrderItCallsDeliveredIsDeliveredOnTheServer) {
  const auto ids = delivered_ids();
  ASSERT_FALSE(ids.empty()) << *output_;
  EXPECT_EQ(db_->value("SELECT count(*) FROM orders.orders WHERE status = 'delivered' AND id = ANY(" + sql_array(ids) + ")"),
            std::to_string(ids.size()));
  EXPECT_EQ(db_->value("SELECT count(*) FROM deliveries.deliveries WHERE status = 'delivered' AND order_id = ANY(" +
                       sql_array(ids) + ")"),
            std::to_string(ids.size()));
}

TEST_F(DemoSimulateE2E, ItPlacedWhatItSaysAndLeavesNothingOpen) {
  EXPECT_EQ(db_->value(std::string("SELECT count(*) FROM orders.orders WHERE notes = '") + kSimulatedNote + "'"),
            std::to_string(count_at(*summary_, {"orders", "placed"})));
  EXPECT_EQ(db_->value(std::string("SELECT count(*) FROM orders.orders WHERE notes = '") + kSimulatedNote +
                       "' AND status NOT IN ('delivered', 'cancelled')"),
            "0");
  EXPECT_EQ(db_->value("SELECT count(*) FROM deliveries.drivers WHERE online"), "0");
  EXPECT_EQ(db_->value("SELECT count(*) FROM auth.users WHERE email LIKE 'sim-driver-%@demo.nelo.example'"), "10");
}

TEST(DemoSimulateOptions, BadValuesExitWithTwoAndNameTheOption) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--drivers", "0"}, "--drivers must be a whole number from 1 to 5000, got '0'"},
      {{"--drivers", "ten"}, "--drivers must be a whole number"},
      {{"--customers", "-1"}, "--customers must be a whole number from 0 to 1000"},
      {{"--order-rate", "0"}, "--order-rate must be a number of orders per minute above 0"},
      {{"--order-rate", "nan"}, "--order-rate must be a number"},
      {{"--speedup", "0.5"}, "--speedup must be a number from 1 (real time) to 1000"},
      {{"--duration", "1.5"}, "--duration must be a whole number"},
      {{"--drain", "10"}, "--drain needs --duration"},
      {{"--decline-probability", "1"}, "--decline-probability must be a number from 0 to 0.95"},
      {{"--center", "91,2"}, "--center must be LAT,LNG"},
      {{"--url", "https://127.0.0.1:1"}, "--url: expected a URL like http://127.0.0.1:8000"},
      {{"--seed", "-3"}, "--seed must be a whole number"},
      {{"--connections", "0"}, "--connections must be a whole number from 1 to 1000"},
      {{"--password", "short"}, "--password must have 12 to 128 characters"},
      {{"--drivers"}, "--drivers"},
      {{"--no-such-option"}, "--no-such-option"},
  };
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args{"demo", "simulate", "--url", "http://127.0.0.1:1", "--wait", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto [code, out] = run_nelo(args);
    EXPECT_EQ(code, 2) << extra.front() << ": " << out;
    EXPECT_NE(out.find(message), std::string::npos) << extra.front() << ": " << out;
  }
  // Several bad values: each gets its line.
  auto [code, out] = run_nelo({"demo", "simulate", "--drivers", "0", "--speedup", "x"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("--drivers"), std::string::npos) << out;
  EXPECT_NE(out.find("--speedup"), std::string::npos) << out;
}

TEST(DemoSimulateOptions, NoServerExitsWithOneAndSaysSo) {
  auto [code, out] =
      run_nelo({"demo", "simulate", "--url", "http://127.0.0.1:" + std::to_string(free_port()), "--wait", "0"});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("no ready Nelo server"), std::string::npos) << out;
}

}  // namespace
}  // namespace nelo::test
