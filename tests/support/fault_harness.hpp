#pragma once
// Tools of the fault suite (tests/fault/*_faulttest.cpp): SQL on a private cluster, freezing its
// processes, an order world made through the API (a shop with a menu, a customer with an
// address), clients placing orders from threads with every answer recorded, the checks that an
// acknowledged order is neither lost nor doubled, and the one line each fault test prints:
//   FAULT <scenario>: injected=<what>; sent=N acknowledged=N lost=0 duplicated=0; <details>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/auth_client.hpp"
#include "support/http_client.hpp"

struct pg_conn;  // libpq's PGconn

namespace nelo::test {

// --- SQL as the superuser on any conninfo (synchronous libpq; throws std::runtime_error) ---

std::vector<std::string> sql_column(const std::string& conninfo, const std::string& sql);
std::string sql_value(const std::string& conninfo, const std::string& sql);
std::int64_t sql_count(const std::string& conninfo, const std::string& sql);
void sql_exec(const std::string& conninfo, const std::string& sql);

// A transaction kept open on its own connection until release() (or the destructor) rolls it
// back: what it wrote takes room nobody else can use, and while it lives PostgreSQL prunes no row
// version newer than its snapshot.
class HeldTransaction {
 public:
  explicit HeldTransaction(const std::string& conninfo);
  ~HeldTransaction();
  HeldTransaction(const HeldTransaction&) = delete;
  HeldTransaction& operator=(const HeldTransaction&) = delete;
  // Runs `sql` inside a savepoint: false (and nothing kept) when it fails.
  bool try_exec(const std::string& sql);
  void release();

 private:
  ::pg_conn* conn_ = nullptr;
};

// --- processes ---

// The postmaster and every process it started (backends, checkpointer, walwriter, ...).
std::vector<int> cluster_processes(int postmaster_pid);
// kill(pid, signal) for each.
void signal_all(const std::vector<int>& pids, int signal);

// A tmpfs of `size` (mount(8) syntax: "1m") on a fresh folder under TMPDIR, owned by the user
// PostgreSQL runs as, unmounted and removed when the object dies. Needs root (CAP_SYS_ADMIN):
// throws std::runtime_error, saying why, when mounting is refused.
class TmpfsMount {
 public:
  explicit TmpfsMount(const std::string& size);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;
  const std::string& path() const { return path_; }
  // A folder in it owned by the PostgreSQL user (a tablespace's LOCATION).
  std::string make_folder(const std::string& name) const;

 private:
  std::string path_;
  bool mounted_ = false;
};

// --- the order world ---

struct OrderWorld {
  TestAccount merchant;
  TestAccount customer;
  std::string shop;
  std::string pizza;
  std::string salad;
  std::string home;  // the customer's address, ~1.3 km from the shop
};

// Registers both accounts, makes the first a merchant (directly in auth.users: the role is
// granted, whatever way registration asks for it), opens the shop and its menu and adds the
// address. Throws std::runtime_error on any unexpected answer.
OrderWorld make_order_world(unsigned short port, const std::string& database_url);
// A cash order of 2 pizzas and a salad, delivered home; `notes` names it (one per idempotency key).
std::string order_body(const OrderWorld& world, const std::string& notes);

// --- what clients saw ---

using FaultClock = std::chrono::steady_clock;

struct Attempt {
  std::string key;        // Idempotency-Key (also the order's notes)
  int status = 0;         // 0: no answer (refused, reset, or no answer before the client's deadline)
  std::string error;      // why, when status is 0
  std::chrono::milliseconds took{0};
  FaultClock::time_point started;
  bool problem_json = false;  // Content-Type application/problem+json
  bool retry_after = false;   // a Retry-After header
  std::string order_id;       // of a 201
  std::string body;           // kept for anything but a 201
};

// One POST /api/v1/orders with `key` as Idempotency-Key and notes; `deadline` bounds the wait for
// the answer (a fresh connection each time, so a restarted server is reached at once).
Attempt place_order(unsigned short port, const OrderWorld& world, const std::string& key,
                    std::chrono::milliseconds deadline);

// Client threads placing orders with fresh keys ("<prefix>-<thread>-<n>") until stop(), each
// answer recorded. `pause` is the wait after an answer other than 201 (no busy loop on 503s).
class PlacementLoad {
 public:
  PlacementLoad(unsigned short port, const OrderWorld& world, std::string prefix, int threads,
                std::chrono::milliseconds deadline, std::chrono::milliseconds pause = std::chrono::milliseconds(25));
  ~PlacementLoad();  // stops
  void stop();
  std::vector<Attempt> attempts() const;
  // 201s so far.
  int acknowledged() const { return acknowledged_.load(); }

 private:
  void run(int thread);
  unsigned short port_;
  const OrderWorld& world_;
  std::string prefix_;
  std::chrono::milliseconds deadline_, pause_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> acknowledged_{0};
  mutable std::mutex mutex_;
  std::vector<Attempt> attempts_;
  std::vector<std::thread> threads_;
};

// What the database holds for the orders whose notes start with `prefix`, against what clients
// were told: `acknowledged` maps each key that got a 201 to the order id it was given.
struct Reconciliation {
  long acknowledged = 0;
  long lost = 0;        // acknowledged, yet no order with that id and key
  long duplicated = 0;  // orders beyond the first for one key
  long unacknowledged_commits = 0;  // orders whose client never saw their 201 (allowed: ambiguity of a failed answer)
  std::vector<std::string> problems;  // one line per lost or doubled key (the first few)
};
Reconciliation reconcile(const std::string& database_url, const std::string& prefix,
                         const std::map<std::string, std::string>& acknowledged);
// key -> order id of every 201 among `attempts`; a key answered 201 twice with two ids is
// reported in `conflicting` (a duplicate the client saw).
std::map<std::string, std::string> acknowledged_orders(const std::vector<Attempt>& attempts, long* conflicting = nullptr);

// Orders whose notes start with `prefix` without exactly one order.created in orders.outbox,
// plus order events in orders.outbox whose order does not exist: what a half-written placement
// would leave. 0 when consistent.
std::int64_t half_written_orders(const std::string& database_url, const std::string& prefix);

// For events `event_name` of `publisher`: deliveries (one per event and subscriber), those not
// handled yet (not in the subscriber's inbox), and those the bus counts as done that the inbox does
// not hold (acknowledged without being handled).
struct DeliveryCheck {
  std::int64_t events = 0;
  std::int64_t deliveries = 0;
  std::int64_t undelivered = 0;
  std::int64_t not_in_inbox_once = 0;
  std::vector<std::string> subscribers;
};
DeliveryCheck check_deliveries(const std::string& database_url, const std::string& publisher,
                               const std::string& event_name, const std::string& where_payload = "true");

// --- the report ---

struct FaultReport {
  std::string scenario;
  std::string injected;
  long sent = 0;
  long acknowledged = 0;
  long lost = 0;
  long duplicated = 0;
  std::string details;
  std::string line() const;
  // Prints the line on stdout (and as a gtest property) and EXPECTs lost == 0 and duplicated == 0.
  void print_and_check() const;
};

// Latency figures of a set of attempts.
struct Latency {
  long count = 0;
  std::chrono::milliseconds max{0};
  std::chrono::milliseconds p50{0};
};
Latency latency_of(const std::vector<const Attempt*>& attempts);

}  // namespace nelo::test
