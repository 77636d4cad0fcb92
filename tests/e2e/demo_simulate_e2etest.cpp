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

std::vector<std::string> delivered_ids(const json::object& summary) {
  std::vector<std::string> ids;
  if (const auto* list = summary.if_contains("delivered_order_ids"); list && list->is_array()) {
    for (const auto& id : list->as_array()) ids.emplace_back(id.as_string());
  }
  return ids;
}

std::string sql_array(const std::vector<std::string>& ids) {
  std::string out = "ARRAY[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ",'" : "'") + ids[i] + "'";
  return out + "]::uuid[]";
}

// One test, not a fixture of several: CTest runs each test in a process of its own, and the city
// takes some 25 s to play.
TEST(DemoSimulateE2E, ACityRunsEndToEndAndTheServerAgreesWithItsSummary) {
  TestDatabase db;
  NeloProcess server({"serve"}, {{"DATABASE_URL", db.conninfo()},
                                 {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                 {"NELO_AUTH_MAX_REGISTRATIONS_PER_ADDRESS", "1000"},
                                 {"NELO_LOG_LEVEL", "warn"}});
  server.start();
  NeloProcess simulation({"demo", "simulate", "--url", "http://127.0.0.1:" + std::to_string(server.port()), "--drivers",
                          "10", "--customers", "2", "--order-rate", "60", "--speedup", "200", "--duration", "12",
                          "--drain", "25", "--seed", "7", "--json", "--quiet"},
                         {{"DATABASE_URL", db.conninfo()}, {"NELO_LOG_LEVEL", "warn"}});
  simulation.launch();
  const int code = simulation.wait(90s);
  const std::string output = simulation.output();
  const json::object summary = summary_of(output);
  const std::string text = json::serialize(summary);

  // What the simulator says: orders delivered end to end, not one unexpected answer.
  EXPECT_EQ(code, 0) << output;
  EXPECT_EQ(count_at(summary, {"http", "errors"}), 0) << text;
  EXPECT_EQ(count_at(summary, {"drivers"}), 10) << text;
  const auto placed = count_at(summary, {"orders", "placed"});
  const auto delivered = count_at(summary, {"orders", "delivered"});
  EXPECT_GE(placed, 5) << text;
  EXPECT_GE(delivered, 3) << text;
  EXPECT_EQ(count_at(summary, {"orders", "confirmed"}), delivered) << "every hand-over reached its order: " << text;
  EXPECT_EQ(count_at(summary, {"orders", "failed"}), 0) << text;
  EXPECT_GE(count_at(summary, {"offers", "accepted"}), delivered) << text;
  EXPECT_EQ(count_at(summary, {"drivers_stayed_online"}), 0) << text;

  // What the server says: every order it calls delivered is delivered, order and delivery alike.
  const auto ids = delivered_ids(summary);
  ASSERT_EQ(static_cast<std::int64_t>(ids.size()), delivered) << text;
  EXPECT_EQ(
      db.value("SELECT count(*) FROM orders.orders WHERE status = 'delivered' AND id = ANY(" + sql_array(ids) + ")"),
      std::to_string(ids.size()));
  EXPECT_EQ(db.value("SELECT count(*) FROM deliveries.deliveries WHERE status = 'delivered' AND order_id = ANY(" +
                     sql_array(ids) + ")"),
            std::to_string(ids.size()));
  // It placed what it says, and left nothing open: the rest was settled when it stopped.
  const std::string simulated = std::string("FROM orders.orders WHERE notes = '") + kSimulatedNote + "'";
  EXPECT_EQ(db.value("SELECT count(*) " + simulated), std::to_string(placed));
  EXPECT_EQ(db.value("SELECT count(*) " + simulated + " AND status NOT IN ('delivered', 'cancelled')"), "0");
  EXPECT_EQ(db.value("SELECT count(*) FROM deliveries.drivers WHERE online"), "0");
  EXPECT_EQ(db.value("SELECT count(*) FROM auth.users WHERE email LIKE 'sim-driver-%@demo.nelo.example'"), "10");
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
    std::vector<std::string> args{"demo", "simulate", "--wait", "0"};
    if (extra.front() != "--url") args.insert(args.end(), {"--url", "http://127.0.0.1:1"});
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
