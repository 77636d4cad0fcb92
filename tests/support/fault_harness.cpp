#include "support/fault_harness.hpp"

#include <dirent.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include "support/shop_body.hpp"

namespace nelo::test {

namespace json = boost::json;
using namespace std::chrono_literals;

// --- SQL ---

namespace {

using ConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ResultPtr run_sql(const std::string& conninfo, const std::string& sql, ConnPtr& conn) {
  conn.reset(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("fault harness: cannot connect: " + std::string(PQerrorMessage(conn.get())));
  }
  ResultPtr r(PQexec(conn.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("fault harness: `" + sql.substr(0, 200) + "` failed: " + PQerrorMessage(conn.get()));
  }
  return r;
}

}  // namespace

std::vector<std::string> sql_column(const std::string& conninfo, const std::string& sql) {
  ConnPtr conn(nullptr, &PQfinish);
  auto r = run_sql(conninfo, sql, conn);
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetisnull(r.get(), i, 0) ? "" : PQgetvalue(r.get(), i, 0));
  return out;
}

std::string sql_value(const std::string& conninfo, const std::string& sql) {
  auto values = sql_column(conninfo, sql);
  if (values.empty()) throw std::runtime_error("fault harness: `" + sql + "` returned no row");
  return values.front();
}

HeldTransaction::HeldTransaction(const std::string& conninfo) {
  ConnPtr conn(nullptr, &PQfinish);
  run_sql(conninfo, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1", conn);  // the snapshot is taken here
  conn_ = conn.release();
}

HeldTransaction::~HeldTransaction() { release(); }

bool HeldTransaction::try_exec(const std::string& sql) {
  if (!conn_) return false;
  auto ok = [&](const char* statement) {
    ResultPtr r(PQexec(conn_, statement), &PQclear);
    const auto status = PQresultStatus(r.get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  };
  if (!ok("SAVEPOINT held")) return false;
  if (ok(sql.c_str())) return ok("RELEASE SAVEPOINT held");
  ok("ROLLBACK TO SAVEPOINT held");
  return false;
}

void HeldTransaction::release() {
  if (conn_) PQfinish(conn_);  // closing rolls the transaction back
  conn_ = nullptr;
}

std::int64_t sql_count(const std::string& conninfo, const std::string& sql) { return std::stoll(sql_value(conninfo, sql)); }

void sql_exec(const std::string& conninfo, const std::string& sql) {
  ConnPtr conn(nullptr, &PQfinish);
  run_sql(conninfo, sql, conn);
}

// --- processes ---

std::vector<int> cluster_processes(int postmaster_pid) {
  std::vector<int> pids{postmaster_pid};
  DIR* proc = ::opendir("/proc");
  if (!proc) return pids;
  while (dirent* entry = ::readdir(proc)) {
    const std::string name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat("/proc/" + name + "/stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == postmaster_pid) pids.push_back(std::stoi(name));
  }
  ::closedir(proc);
  return pids;
}

void signal_all(const std::vector<int>& pids, int signal) {
  for (int pid : pids) ::kill(pid, signal);
}

// --- a tiny file system ---

namespace {

// The user the private clusters run as: postgres when we are root (scripts/lib/pg.sh).
std::pair<uid_t, gid_t> postgres_owner() {
  if (::geteuid() != 0) return {::geteuid(), ::getegid()};
  const passwd* pw = ::getpwnam("postgres");
  if (!pw) throw std::runtime_error("no postgres user");
  return {pw->pw_uid, pw->pw_gid};
}

}  // namespace

TmpfsMount::TmpfsMount(const std::string& size) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/nelo-tmpfs-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
  const auto [uid, gid] = postgres_owner();
  const std::string command = "mount -t tmpfs -o size=" + size + ",mode=0755,uid=" + std::to_string(uid) +
                              ",gid=" + std::to_string(gid) + " nelo-fault '" + path_ + "' 2>&1";
  std::string output;
  if (std::FILE* p = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, p)) output += buffer;
    mounted_ = ::pclose(p) == 0;
  }
  if (!mounted_) {
    ::rmdir(path_.c_str());
    throw std::runtime_error("cannot mount a tmpfs (" + command + "): " + output);
  }
}

TmpfsMount::~TmpfsMount() {
  if (mounted_) {
    // Lazily if something still holds a file there: the space goes once it lets go.
    const std::string command = "umount '" + path_ + "' 2>/dev/null || umount -l '" + path_ + "'";
    if (std::system(command.c_str()) != 0) std::cerr << "fault harness: could not unmount " << path_ << "\n";
  }
  ::rmdir(path_.c_str());
}

std::string TmpfsMount::make_folder(const std::string& name) const {
  const std::string folder = path_ + "/" + name;
  const auto [uid, gid] = postgres_owner();
  if (::mkdir(folder.c_str(), 0700) != 0 || ::chown(folder.c_str(), uid, gid) != 0) {
    throw std::runtime_error("cannot make " + folder);
  }
  return folder;
}

// --- the order world ---

namespace {


HttpResponse must(HttpResponse r, int status, const std::string& what) {
  if (r.status != status) {
    throw std::runtime_error("fault harness: " + what + " answered " + std::to_string(r.status) + ": " + r.body);
  }
  return r;
}

std::string post_id(HttpClient& client, const std::string& target, const TestAccount& who, const json::object& body,
                    const std::string& what) {
  auto r = must(client.post_json(target, body, {bearer(who.access_token)}), 201, what);
  return std::string(r.json().at("id").as_string());
}

}  // namespace

OrderWorld make_order_world(unsigned short port, const std::string& database_url) {
  HttpClient client("127.0.0.1", port, 15s);
  OrderWorld world;
  world.merchant = register_and_login(client, unique_email("fault-merchant"));
  sql_exec(database_url, "UPDATE auth.users SET roles = ARRAY['merchant'] WHERE id = '" + world.merchant.user_id + "'");
  relogin(client, world.merchant);
  world.customer = register_and_login(client, unique_email("fault-customer"));

  const json::object shop = shop_body("Fault Pizzeria");
  const std::string merchants = "/api/v1/catalog/merchants";
  world.shop = post_id(client, merchants, world.merchant, shop, "opening the shop");
  auto product = [&](const char* name, std::int64_t cents) {
    json::object body{{"name", name},
                      {"price", json::object{{"amount", cents}, {"currency", "EUR"}}},
                      {"available", true},
                      {"category", "Plats"}};
    return post_id(client, merchants + "/" + world.shop + "/products", world.merchant, body, "adding a product");
  };
  world.pizza = product("Margherita", 950);
  world.salad = product("Salade niçoise", 720);

  json::object address{{"label", "Home"}, {"line1", "10 rue de Rivoli"}, {"city", "Paris"}, {"postal_code", "75004"},
                       {"country", "FR"}, {"lat", 48.8606},           {"lng", 2.3376}};
  // The profile is made from the user.registered event, just after registration.
  const auto deadline = FaultClock::now() + 15s;
  for (;;) {
    auto r = client.post_json("/api/v1/users/me/addresses", address, {bearer(world.customer.access_token)});
    if (r.status == 201) {
      world.home = std::string(r.json().at("id").as_string());
      break;
    }
    if (r.status != 404 || FaultClock::now() > deadline) must(std::move(r), 201, "adding the address");
    std::this_thread::sleep_for(50ms);
  }
  return world;
}

std::string order_body(const OrderWorld& world, const std::string& notes) {
  json::object body{{"merchant_id", world.shop},
                    {"items", json::array{json::object{{"product_id", world.pizza}, {"quantity", 2}},
                                          json::object{{"product_id", world.salad}, {"quantity", 1}}}},
                    {"address_id", world.home},
                    {"payment", json::object{{"method", "cash"}}},
                    {"notes", notes}};
  return json::serialize(body);
}

// --- clients ---

Attempt place_order(unsigned short port, const OrderWorld& world, const std::string& key,
                    std::chrono::milliseconds deadline) {
  Attempt a;
  a.key = key;
  a.started = FaultClock::now();
  try {
    HttpClient client("127.0.0.1", port, deadline);
    auto r = client.request("POST", "/api/v1/orders", order_body(world, key),
                            {bearer(world.customer.access_token), {"Content-Type", "application/json"},
                             {"Idempotency-Key", key}});
    a.status = r.status;
    a.problem_json = r.header("content-type").value_or("") == "application/problem+json";
    a.retry_after = r.header("retry-after").has_value();
    if (r.status == 201) {
      a.order_id = std::string(r.json().at("id").as_string());
    } else {
      a.body = r.body.substr(0, 400);
    }
  } catch (const std::exception& e) {
    a.status = 0;
    a.error = e.what();
  }
  a.took = std::chrono::duration_cast<std::chrono::milliseconds>(FaultClock::now() - a.started);
  return a;
}

PlacementLoad::PlacementLoad(unsigned short port, const OrderWorld& world, std::string prefix, int threads,
                             std::chrono::milliseconds deadline, std::chrono::milliseconds pause)
    : port_(port), world_(world), prefix_(std::move(prefix)), deadline_(deadline), pause_(pause) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { run(i); });
}

PlacementLoad::~PlacementLoad() { stop(); }

void PlacementLoad::stop() {
  stopping_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void PlacementLoad::run(int thread) {
  for (int n = 0; !stopping_; ++n) {
    Attempt a = place_order(port_, world_, prefix_ + "-" + std::to_string(thread) + "-" + std::to_string(n), deadline_);
    const bool created = a.status == 201;
    if (created) acknowledged_.fetch_add(1);
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back(std::move(a));
    }
    if (!created) std::this_thread::sleep_for(pause_);
  }
}

std::vector<Attempt> PlacementLoad::attempts() const {
  std::lock_guard lock(mutex_);
  return attempts_;
}

// --- reconciliation ---

std::map<std::string, std::string> acknowledged_orders(const std::vector<Attempt>& attempts, long* conflicting) {
  std::map<std::string, std::string> out;
  long conflicts = 0;
  for (const auto& a : attempts) {
    if (a.status != 201) continue;
    auto [it, inserted] = out.emplace(a.key, a.order_id);
    if (!inserted && it->second != a.order_id) ++conflicts;
  }
  if (conflicting) *conflicting = conflicts;
  return out;
}

Reconciliation reconcile(const std::string& database_url, const std::string& prefix,
                         const std::map<std::string, std::string>& acknowledged) {
  Reconciliation r;
  r.acknowledged = static_cast<long>(acknowledged.size());
  std::map<std::string, std::vector<std::string>> stored;  // key (notes) -> order ids
  const auto rows = sql_column(database_url, "SELECT notes || ' ' || id FROM orders.orders WHERE notes LIKE '" +
                                                 prefix + "-%'");
  for (const auto& row : rows) {
    const auto space = row.rfind(' ');
    stored[row.substr(0, space)].push_back(row.substr(space + 1));
  }
  for (const auto& [key, ids] : stored) {
    if (ids.size() > 1) {
      r.duplicated += static_cast<long>(ids.size() - 1);
      if (r.problems.size() < 5) r.problems.push_back("key " + key + " has " + std::to_string(ids.size()) + " orders");
    }
    if (!acknowledged.count(key)) ++r.unacknowledged_commits;
  }
  for (const auto& [key, id] : acknowledged) {
    auto it = stored.find(key);
    if (it == stored.end() || std::find(it->second.begin(), it->second.end(), id) == it->second.end()) {
      ++r.lost;
      if (r.problems.size() < 5) r.problems.push_back("key " + key + " was acknowledged as " + id + " but is not stored");
    }
  }
  return r;
}

std::int64_t half_written_orders(const std::string& database_url, const std::string& prefix) {
  const auto orders_without_event = sql_count(
      database_url,
      "SELECT count(*) FROM orders.orders o WHERE o.notes LIKE '" + prefix +
          "-%' AND (SELECT count(*) FROM orders.outbox e WHERE e.name = 'order.created' "
          "AND e.payload->>'order_id' = o.id::text) <> 1");
  const auto events_without_order = sql_count(
      database_url,
      "SELECT count(*) FROM orders.outbox e WHERE e.name LIKE 'order.%' AND NOT EXISTS "
      "(SELECT 1 FROM orders.orders o WHERE o.id::text = e.payload->>'order_id')");
  const auto orders_without_items = sql_count(
      database_url, "SELECT count(*) FROM orders.orders o WHERE o.notes LIKE '" + prefix +
                        "-%' AND coalesce(jsonb_array_length(o.lines), 0) = 0");
  return orders_without_event + events_without_order + orders_without_items;
}

DeliveryCheck check_deliveries(const std::string& database_url, const std::string& publisher,
                               const std::string& event_name, const std::string& where_payload) {
  DeliveryCheck c;
  const std::string events = "FROM " + publisher + ".outbox e WHERE e.name = '" + event_name + "' AND (" +
                             where_payload + ")";
  c.events = sql_count(database_url, "SELECT count(*) " + events);
  // Its subscribers: those whose stream takes the name, and any with a delivery row of such an event.
  c.subscribers = sql_column(
      database_url, "SELECT subscriber FROM " + publisher + ".outbox_streams WHERE '" + event_name +
                        "' = ANY (names) UNION SELECT d.subscriber FROM " + publisher + ".outbox_deliveries d JOIN " +
                        publisher + ".outbox e ON e.id = d.event_id WHERE e.name = '" + event_name + "' ORDER BY 1");
  for (const auto& subscriber : c.subscribers) {
    // Each event is one delivery to each subscriber, delivered once the subscriber's inbox holds it
    // (its primary key: at most once). One that the bus counts as done (a row marked delivered, or
    // passed by the stream without a row) but that is not in the inbox was acknowledged without
    // being handled.
    const std::string not_in_inbox = " AND NOT EXISTS (SELECT 1 FROM " + subscriber +
                                     ".inbox i WHERE i.event_id = e.id)";
    const std::string row = "(SELECT d.status FROM " + publisher +
                            ".outbox_deliveries d WHERE d.event_id = e.id AND d.subscriber = '" + subscriber + "')";
    const std::string in_backlog = "EXISTS (SELECT 1 FROM " + publisher +
                                   ".stream_backlog b WHERE b.event_id = e.id AND b.subscriber = '" + subscriber + "')";
    c.deliveries += c.events;
    c.undelivered += sql_count(database_url, "SELECT count(*) " + events + not_in_inbox);
    c.not_in_inbox_once += sql_count(database_url, "SELECT count(*) " + events + not_in_inbox + " AND (" + row +
                                                       " = 'delivered' OR (" + row + " IS NULL AND NOT " +
                                                       in_backlog + "))");
  }
  return c;
}

// --- the report ---

std::string FaultReport::line() const {
  std::string out = "FAULT " + scenario + ": injected=" + injected + "; sent=" + std::to_string(sent) +
                    " acknowledged=" + std::to_string(acknowledged) + " lost=" + std::to_string(lost) +
                    " duplicated=" + std::to_string(duplicated);
  if (!details.empty()) out += "; " + details;
  return out;
}

void FaultReport::print_and_check() const {
  const std::string text = line();
  std::cout << text << std::endl;
  ::testing::Test::RecordProperty("fault", text);
  EXPECT_EQ(lost, 0) << text;
  EXPECT_EQ(duplicated, 0) << text;
}

Latency latency_of(const std::vector<const Attempt*>& attempts) {
  Latency l;
  l.count = static_cast<long>(attempts.size());
  if (attempts.empty()) return l;
  std::vector<std::chrono::milliseconds> took;
  for (const auto* a : attempts) took.push_back(a->took);
  std::sort(took.begin(), took.end());
  l.max = took.back();
  l.p50 = took[took.size() / 2];
  return l;
}

}  // namespace nelo::test
