// PostgreSQL stopped and started again while clients place orders: while it is down every request
// is answered at once with a 503 problem+json carrying Retry-After (no hang, no 500), the server
// recovers by itself once PostgreSQL is back, and no acknowledged order is lost.

#include <thread>

#include "fault/fault_fixture.hpp"
#include "support/eventually.hpp"

namespace nelo::test {
namespace {

TEST_F(FaultTest, PostgresRestartedUnderLoad_RequestsFailFastWith503_AndTheServerRecoversAlone) {
  constexpr auto kDeadline = 8s;     // what a client waits for an answer
  constexpr auto kFailFast = 2500ms;  // a refusal must come well before that
  constexpr auto kDown = 2s;

  PlacementLoad load(server_->port(), world_, "restart", 4, kDeadline);
  ASSERT_TRUE(eventually_blocking([&] { return load.acknowledged() >= 20; }, 15s)) << "no load before the fault";

  const auto down_at = FaultClock::now();
  cluster_.stop();
  const auto stopped_at = FaultClock::now();
  std::this_thread::sleep_for(kDown);
  const auto starting_at = FaultClock::now();
  cluster_.start();
  const auto up_at = FaultClock::now();
  const int before = load.acknowledged();
  const bool recovered = eventually_blocking([&] { return load.acknowledged() >= before + 20; }, 20s);
  load.stop();

  const auto attempts = load.attempts();
  const auto created = select(attempts, [](const Attempt& a) { return a.status == 201; });
  const auto refused = select(attempts, [](const Attempt& a) { return a.status == 503; });
  const auto unanswered = select(attempts, [](const Attempt& a) { return a.status == 0; });
  const auto other = select(attempts, [](const Attempt& a) { return a.status != 201 && a.status != 503 && a.status != 0; });
  // Sent and answered while PostgreSQL was stopped (pg_ctl start may accept before it returns).
  const auto while_down = select(attempts, [&](const Attempt& a) {
    return a.started >= stopped_at && a.started + a.took <= starting_at;
  });
  // The first 201 of a request sent after PostgreSQL was back.
  std::chrono::milliseconds first_201_after{-1};
  for (const auto* a : created) {
    if (a->started < up_at) continue;
    const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(a->started + a->took - up_at);
    if (first_201_after.count() < 0 || after < first_201_after) first_201_after = after;
  }

  long conflicting = 0;
  const auto acknowledged = acknowledged_orders(attempts, &conflicting);
  const Reconciliation r = reconcile(database_url_, "restart", acknowledged);
  FaultReport report;
  report.scenario = "pg-restart";
  report.injected = "pg_ctl stop -m fast, " + std::to_string(kDown.count()) + " s down, start (stop took " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(stopped_at - down_at).count()) +
                    " ms)";
  report.sent = static_cast<long>(attempts.size());
  report.acknowledged = r.acknowledged;
  report.lost = r.lost;
  report.duplicated = r.duplicated + conflicting;
  report.details = describe("503", refused) + ", sent while down=" + std::to_string(while_down.size()) +
                   ", unanswered=" + std::to_string(unanswered.size()) + ", other=" + std::to_string(other.size()) +
                   ", first 201 " + std::to_string(first_201_after.count()) + " ms after start, committed unacknowledged=" +
                   std::to_string(r.unacknowledged_commits);
  report.print_and_check();
  for (const auto& p : r.problems) ADD_FAILURE() << p;

  EXPECT_TRUE(recovered) << "no new order within 20 s of PostgreSQL's start";
  EXPECT_GE(first_201_after.count(), 0);
  EXPECT_FALSE(refused.empty()) << "the outage was not seen: nothing was refused";
  for (const auto* a : while_down) {
    EXPECT_EQ(a->status, 503) << a->key << ": " << a->error << a->body;
  }
  for (const auto* a : refused) {
    EXPECT_TRUE(a->problem_json) << a->body;
    EXPECT_TRUE(a->retry_after) << "a 503 without Retry-After: " << a->body;
    EXPECT_LT(a->took, kFailFast) << "a refusal that took " << a->took.count() << " ms";
  }
  for (const auto* a : unanswered) ADD_FAILURE() << "no answer within " << std::chrono::milliseconds(kDeadline).count() << " ms: " << a->error;
  for (const auto* a : other) ADD_FAILURE() << "answered " << a->status << ": " << a->body;
}

}  // namespace
}  // namespace nelo::test
