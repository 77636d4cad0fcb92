// PostgreSQL frozen (SIGSTOP of the postmaster and every process it started) for 10 s while
// clients place orders: the sockets stay open and nothing answers, so only the server's own
// bounds can end a request. Every request must be answered before its deadline (a 503 with
// Retry-After), /health/ready must say 503 while the database is frozen, and everything must work
// again after SIGCONT without any help. No acknowledged order is lost.

#include <signal.h>

#include <mutex>
#include <thread>

#include "fault/fault_fixture.hpp"
#include "support/eventually.hpp"

namespace nelo::test {
namespace {

struct Probe {
  FaultClock::time_point started;
  std::chrono::milliseconds took{0};
  int status = 0;  // 0: no answer in time
};

TEST_F(FaultTest, PostgresFrozenForTenSeconds_RequestsEndByTheirDeadline_ReadyIs503_AndAllRecovers) {
  // The server's bound on a request that meets a frozen database: a statement's answer is awaited
  // statement_timeout + 1 s, a new connection 3 s (connect_timeout), a free slot 1 s.
  constexpr auto kDeadline = 8s;
  constexpr auto kReadyDeadline = 3s;  // /health/ready's own bound is about one second
  constexpr auto kFrozen = 10s;

  PlacementLoad load(server_->port(), world_, "freeze", 3, kDeadline);
  std::atomic<bool> probing{true};
  std::mutex probes_mutex;
  std::vector<Probe> probes;
  std::thread prober([&] {
    while (probing) {
      Probe p;
      p.started = FaultClock::now();
      try {
        p.status = get("/health/ready", kReadyDeadline).status;
      } catch (const std::exception&) {
        p.status = 0;
      }
      p.took = std::chrono::duration_cast<std::chrono::milliseconds>(FaultClock::now() - p.started);
      {
        std::lock_guard lock(probes_mutex);
        probes.push_back(p);
      }
      std::this_thread::sleep_for(250ms);
    }
  });
  ASSERT_TRUE(eventually_blocking([&] { return load.acknowledged() >= 20; }, 15s)) << "no load before the fault";

  const auto processes = cluster_processes(cluster_.postmaster_pid());
  ASSERT_GE(processes.size(), 3u) << "the postmaster and its children";
  const auto frozen_at = FaultClock::now();
  signal_all(processes, SIGSTOP);
  std::this_thread::sleep_for(kFrozen);
  signal_all(processes, SIGCONT);
  const auto thawed_at = FaultClock::now();
  const int before = load.acknowledged();
  const bool recovered = eventually_blocking([&] { return load.acknowledged() >= before + 20; }, 20s);
  const bool ready_again = eventually_blocking(
      [&] {
        std::lock_guard lock(probes_mutex);
        return !probes.empty() && probes.back().started > thawed_at && probes.back().status == 200;
      },
      10s);
  probing = false;
  prober.join();
  load.stop();

  const auto attempts = load.attempts();
  const auto refused = select(attempts, [](const Attempt& a) { return a.status == 503; });
  const auto unanswered = select(attempts, [](const Attempt& a) { return a.status == 0; });
  const auto other = select(attempts, [](const Attempt& a) { return a.status != 201 && a.status != 503 && a.status != 0; });
  const auto during = select(attempts, [&](const Attempt& a) { return a.started >= frozen_at && a.started < thawed_at; });
  const auto slowest = latency_of(select(attempts, [](const Attempt&) { return true; }));
  // Readiness while frozen, once a probe could have noticed (it sends SELECT 1 with a 1 s bound).
  long ready_probes = 0, ready_503 = 0, ready_other = 0;
  for (const auto& p : probes) {
    if (p.started < frozen_at + 1500ms || p.started + p.took > thawed_at) continue;
    ++ready_probes;
    (p.status == 503 ? ready_503 : ready_other) += 1;
  }

  long conflicting = 0;
  const Reconciliation r = reconcile(database_url_, "freeze", acknowledged_orders(attempts, &conflicting));
  FaultReport report;
  report.scenario = "pg-freeze";
  report.injected = "SIGSTOP of " + std::to_string(processes.size()) + " PostgreSQL processes for " +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kFrozen).count()) + " s, then SIGCONT";
  report.sent = static_cast<long>(attempts.size());
  report.acknowledged = r.acknowledged;
  report.lost = r.lost;
  report.duplicated = r.duplicated + conflicting;
  report.details = describe("503", refused) + ", sent while frozen=" + std::to_string(during.size()) +
                   ", slowest answer " + std::to_string(slowest.max.count()) + " ms (deadline " +
                   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(kDeadline).count()) +
                   " ms), unanswered=" + std::to_string(unanswered.size()) + ", other=" + std::to_string(other.size()) +
                   ", /health/ready while frozen: " + std::to_string(ready_503) + "/" + std::to_string(ready_probes) +
                   " answered 503, committed unacknowledged=" + std::to_string(r.unacknowledged_commits);
  report.print_and_check();
  for (const auto& p : r.problems) ADD_FAILURE() << p;

  EXPECT_TRUE(recovered) << "no new order within 20 s of SIGCONT";
  EXPECT_TRUE(ready_again) << "/health/ready did not come back to 200";
  EXPECT_FALSE(refused.empty()) << "the freeze was not seen: nothing was refused";
  for (const auto* a : unanswered) {
    ADD_FAILURE() << "a request hung past its " << std::chrono::milliseconds(kDeadline).count() << " ms deadline (" << a->took.count()
                  << " ms): " << a->error;
  }
  for (const auto* a : other) ADD_FAILURE() << "answered " << a->status << ": " << a->body;
  for (const auto* a : refused) {
    EXPECT_TRUE(a->problem_json) << a->body;
    EXPECT_TRUE(a->retry_after) << "a 503 without Retry-After: " << a->body;
  }
  EXPECT_GT(ready_probes, 0) << "/health/ready was never answered while frozen";
  EXPECT_EQ(ready_other, 0) << "/health/ready answered something else than 503 (or nothing) while frozen";
}

}  // namespace
}  // namespace nelo::test
