// `kill -9` of nelo in the middle of a burst of placements by clients that retry as a careful
// client does (the same Idempotency-Key and body again after a connection error, a 503 or a 409
// "in use") until they get their 201 from the restarted server. Afterwards every order
// acknowledged with a 201 exists exactly once, with the id its client was given; each has exactly
// one order.created; and every event the burst published is delivered to each of its subscribers
// exactly once (outbox_deliveries all delivered, the subscriber's inbox holding the event once).
//
// order.created has no subscriber yet (docs/events.md), so its delivery records are checked for
// whatever subscribers exist when this runs; to exercise a real delivery across the crash, the
// burst also registers accounts, whose user.registered the users module handles (a profile each).

#include <signal.h>

#include <mutex>
#include <set>
#include <thread>

#include "fault/fault_fixture.hpp"
#include "support/eventually.hpp"

namespace nelo::test {
namespace {

// Retries worth making: nothing came back, the server refused for now, or the same key is still
// being processed.
bool retryable(int status) { return status == 0 || status == 503 || status == 409; }

TEST_F(FaultTest, KilledDuringABurstWithRetryingClients_EveryAcknowledgedOrderOnce_EveryEventDeliveredOnce) {
  constexpr int kClients = 4;
  constexpr int kOrdersEach = 30;
  constexpr int kRegistrations = 6;
  constexpr auto kAttemptDeadline = 5s;
  constexpr auto kGiveUp = 60s;
  const unsigned short port = server_->port();

  std::mutex mutex;
  std::vector<Attempt> attempts;
  std::atomic<int> acknowledged{0};
  std::atomic<int> gave_up{0};
  const auto give_up_at = FaultClock::now() + kGiveUp;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int n = 0; n < kOrdersEach; ++n) {
        const std::string key = "kill-" + std::to_string(c) + "-" + std::to_string(n);
        for (;;) {
          Attempt a = place_order(port, world_, key, kAttemptDeadline);
          const int status = a.status;
          {
            std::lock_guard lock(mutex);
            attempts.push_back(std::move(a));
          }
          if (status == 201) {
            acknowledged.fetch_add(1);
            break;
          }
          if (!retryable(status) || FaultClock::now() > give_up_at) {
            gave_up.fetch_add(1);
            break;
          }
          std::this_thread::sleep_for(50ms);
        }
      }
    });
  }
  // Registrations, retried the same way; a 409 after a lost answer means the first one committed.
  std::vector<std::string> emails;
  for (int i = 0; i < kRegistrations; ++i) emails.push_back(unique_email("fault-kill-" + std::to_string(i)));
  std::set<std::string> registered;
  std::atomic<long> registrations_sent{0};
  std::thread registrar([&] {
    for (const auto& email : emails) {
      for (;;) {
        int status = 0;
        try {
          HttpClient client("127.0.0.1", port, kAttemptDeadline);
          status = register_account(client, email).status;
        } catch (const std::exception&) {
        }
        registrations_sent.fetch_add(1);
        if (status == 201 || status == 409) {
          std::lock_guard lock(mutex);
          registered.insert(email);
          break;
        }
        if (status != 0 && status != 503) break;  // 429 or anything else: not a crash's doing
        if (FaultClock::now() > give_up_at) break;
        std::this_thread::sleep_for(50ms);
      }
    }
  });

  ASSERT_TRUE(eventually_blocking([&] { return acknowledged.load() >= 15; }, 20s)) << "no burst before the fault";
  const int acknowledged_before_kill = acknowledged.load();
  server_->kill();  // SIGKILL: no drain, no shutdown hook
  const auto killed_at = FaultClock::now();
  start_server(port);
  const auto restart_took = std::chrono::duration_cast<std::chrono::milliseconds>(FaultClock::now() - killed_at);
  for (auto& t : clients) t.join();
  registrar.join();

  long conflicting = 0;
  const auto acked = acknowledged_orders(attempts, &conflicting);
  const Reconciliation r = reconcile(database_url_, "kill", acked);
  const auto half_written = half_written_orders(database_url_, "kill");
  const auto unanswered = select(attempts, [](const Attempt& a) { return a.status == 0; });

  // After the restart the backlog is delivered (the killed instance's leases expire after 3 s).
  DeliveryCheck created, registrations;
  const bool delivered = eventually_blocking(
      [&] {
        created = check_deliveries(database_url_, "orders", "order.created");
        registrations = check_deliveries(database_url_, "auth", "user.registered");
        return created.undelivered == 0 && registrations.undelivered == 0;
      },
      30s);
  std::set<std::string> emails_in_auth;
  for (const auto& email : emails) {
    if (sql_count(database_url_, "SELECT count(*) FROM auth.users WHERE email = '" + email + "'") == 1) {
      emails_in_auth.insert(email);
    }
  }
  long profiles_wrong = 0;
  for (const auto& email : emails_in_auth) {
    profiles_wrong += sql_count(database_url_, "SELECT count(*) FROM users.profiles WHERE email = '" + email + "'") != 1;
  }
  long registrations_lost = 0;
  for (const auto& email : registered) registrations_lost += emails_in_auth.count(email) == 0;

  auto subscribers = [](const DeliveryCheck& c) {
    std::string out;
    for (const auto& s : c.subscribers) out += (out.empty() ? "" : "+") + s;
    return out.empty() ? std::string("none") : out;
  };
  FaultReport report;
  report.scenario = "nelo-kill-9";
  report.injected = "SIGKILL of nelo after " + std::to_string(acknowledged_before_kill) +
                    " acknowledged placements, restarted in " + std::to_string(restart_took.count()) + " ms";
  report.sent = static_cast<long>(attempts.size()) + registrations_sent.load();
  report.acknowledged = r.acknowledged + static_cast<long>(registered.size());
  report.lost = r.lost + registrations_lost;
  report.duplicated = r.duplicated + conflicting + created.not_in_inbox_once + registrations.not_in_inbox_once +
                      profiles_wrong;
  report.details = "orders " + std::to_string(r.acknowledged) + "/" + std::to_string(kClients * kOrdersEach) +
                   " acknowledged, retries after no answer=" + std::to_string(unanswered.size()) +
                   ", committed unacknowledged=" + std::to_string(r.unacknowledged_commits) +
                   ", half-written=" + std::to_string(half_written) + "; order.created: " +
                   std::to_string(created.events) + " events, subscribers " + subscribers(created) + ", " +
                   std::to_string(created.deliveries) + " deliveries, undelivered " +
                   std::to_string(created.undelivered) + "; user.registered: " + std::to_string(registered.size()) +
                   " accounts acknowledged, " + std::to_string(registrations.deliveries) + " deliveries to " +
                   subscribers(registrations) + ", undelivered " + std::to_string(registrations.undelivered);
  report.print_and_check();
  for (const auto& p : r.problems) ADD_FAILURE() << p;

  EXPECT_EQ(gave_up.load(), 0) << "a client stopped retrying without its 201";
  EXPECT_EQ(r.acknowledged, kClients * kOrdersEach);
  EXPECT_EQ(half_written, 0);
  EXPECT_EQ(registered.size(), emails.size());
  EXPECT_TRUE(delivered) << "undelivered: order.created " << created.undelivered << ", user.registered "
                         << registrations.undelivered;
  EXPECT_EQ(created.events, static_cast<std::int64_t>(r.acknowledged + r.unacknowledged_commits))
      << "one order.created per stored order";
  EXPECT_GE(registrations.deliveries, static_cast<std::int64_t>(registered.size()));
  EXPECT_EQ(profiles_wrong, 0) << "an account without exactly one profile";
}

}  // namespace
}  // namespace nelo::test
