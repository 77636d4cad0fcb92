#include "core/db/connection.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "core/db/answer_watchdog.hpp"
#include "core/db/connection_results.hpp"
#include "core/db/error_mapping.hpp"
#include "core/db/errors.hpp"
#include "core/text.hpp"

namespace nelo::db::detail {

namespace asio = boost::asio;
using asio::awaitable;
using asio::posix::stream_descriptor;

namespace {

// libpq's messages end with a line break; null only when it ran out of memory.
std::string message_text(const char* message) { return std::string(trimmed(message ? message : "")); }

void log_notice(void*, const char* message) { spdlog::debug("postgres: {}", message_text(message)); }

int dup_socket(PGconn* conn) {
  int fd = PQsocket(conn);
  if (fd < 0) return -1;
  return ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

// Races the descriptor against a timer. Must run on a strand: the two branches of `||` complete
// on whatever thread runs them, and on a multi-threaded io_context one branch's cancellation of
// the other races with that other's completion (seen under ASan as a use-after-free).
awaitable<bool> wait_or_time_out(stream_descriptor& socket, stream_descriptor::wait_type type, SteadyTime deadline) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto which = co_await (socket.async_wait(type, asio::as_tuple(asio::use_awaitable)) ||
                         timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (which.index() == 1) co_return false;
  if (auto [ec] = std::get<0>(which); ec) throw boost::system::system_error(ec);
  co_return true;
}

// Waits for the descriptor, optionally bounded. Returns false when the deadline passed.
awaitable<bool> wait_on(stream_descriptor& socket, stream_descriptor::wait_type type, Deadline deadline) {
  if (!deadline) {
    auto [ec] = co_await socket.async_wait(type, asio::as_tuple(asio::use_awaitable));
    if (ec) throw boost::system::system_error(ec);
    co_return true;
  }
  auto strand = asio::make_strand(co_await asio::this_coro::executor);
  co_return co_await asio::co_spawn(strand, wait_or_time_out(socket, type, *deadline), asio::use_awaitable);
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    auto comma = list.find(',', start);
    out.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

struct ResolvedHosts {
  std::string host, hostaddr, port;  // parallel lists, one entry per address to try
};

// Resolves every host name to all of its addresses, as libpq itself would, keeping the order.
// nullopt when there is nothing to resolve (no host, a Unix socket directory, addresses already).
awaitable<std::optional<ResolvedHosts>> resolve_hosts(asio::any_io_executor executor, const std::string& host,
                                                      const std::string& port) {
  if (host.empty()) co_return std::nullopt;
  auto names = split_list(host);
  auto ports = port.empty() ? std::vector<std::string>{} : split_list(port);
  if (ports.size() > 1 && ports.size() != names.size()) co_return std::nullopt;  // libpq will report it
  bool any_name = false;
  for (const auto& name : names) {
    if (name.empty() || name[0] == '/' || name[0] == '@') co_return std::nullopt;  // socket directory
    boost::system::error_code ec;
    asio::ip::make_address(name, ec);
    if (ec) any_name = true;
  }
  if (!any_name) co_return std::nullopt;
  asio::ip::tcp::resolver resolver(executor);
  std::vector<std::string> hosts, addresses, expanded_ports;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& name = names[i];
    std::vector<std::string> found;
    boost::system::error_code ec;
    if (asio::ip::make_address(name, ec); !ec) {
      found.push_back(name);
    } else {
      auto [error, results] = co_await resolver.async_resolve(name, "", asio::as_tuple(asio::use_awaitable));
      for (const auto& entry : results) {
        auto address = entry.endpoint().address().to_string();
        if (std::find(found.begin(), found.end(), address) == found.end()) found.push_back(address);
      }
      if (found.empty()) {
        ServerError e;
        e.message = "cannot resolve database host '" + name + "': " + (error ? error.message() : "no address");
        e.connection_lost = true;
        throw_mapped(e);
      }
    }
    for (const auto& address : found) {
      hosts.push_back(name);
      addresses.push_back(address);
      if (ports.size() > 1) expanded_ports.push_back(ports[i]);
    }
  }
  co_return ResolvedHosts{join_list(hosts), join_list(addresses), ports.size() > 1 ? join_list(expanded_ports) : port};
}

}  // namespace

awaitable<std::unique_ptr<Connection>> Connection::open(asio::any_io_executor executor, const ConnectOptions& options,
                                                        SteadyTime deadline) {
  // Parse the caller's conninfo (URL or key=value), then add our settings on top of it, keeping
  // any server options the caller passed.
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.conninfo.c_str(), &parse_error);
  if (!parsed) {
    std::string why = parse_error ? message_text(parse_error) : "out of memory";
    PQfreemem(parse_error);
    throw std::invalid_argument("invalid database connection string: " + why);
  }
  std::vector<std::string> keys, values;
  std::string server_options;
  std::string host, hostaddr, port;
  bool has_app_name = false, has_keepalives = false;
  for (auto* o = parsed; o->keyword; ++o) {
    if (!o->val) continue;
    std::string k = o->keyword;
    if (k == "options") {
      server_options = o->val;
      continue;
    }
    if (k == "host") host = o->val;
    if (k == "hostaddr") hostaddr = o->val;
    if (k == "port") port = o->val;
    if (k == "application_name") has_app_name = true;
    if (k == "keepalives_idle") has_keepalives = true;
    keys.push_back(k);
    values.emplace_back(o->val);
  }
  PQconninfoFree(parsed);
  if (hostaddr.empty()) {
    // libpq would resolve host names with a blocking getaddrinfo() inside PQconnectPoll, on our
    // I/O thread. Resolve them here (Asio's resolver thread) and hand libpq the addresses; `host`
    // stays for TLS verification and .pgpass.
    if (auto resolved = co_await resolve_hosts(executor, host, port)) {
      for (auto [key, value] : {std::pair{"host", &resolved->host}, {"hostaddr", &resolved->hostaddr},
                                {"port", &resolved->port}}) {
        if (value->empty()) continue;
        keys.emplace_back(key);  // a repeated keyword: the last one wins
        values.push_back(*value);
      }
    }
  }
  // Timestamps come back as UTC text that parse_timestamp reads without a zone database.
  server_options += (server_options.empty() ? "" : " ") + std::string("-c TimeZone=UTC");
  keys.emplace_back("options");
  values.push_back(server_options);
  if (!has_app_name && !options.application_name.empty()) {
    keys.emplace_back("application_name");
    values.push_back(options.application_name);
  }
  if (!has_keepalives) {
    // Notice a silently dead peer (network partition) in about a minute rather than hours.
    for (auto [k, v] : {std::pair{"keepalives_idle", "30"}, {"keepalives_interval", "10"}, {"keepalives_count", "3"}}) {
      keys.emplace_back(k);
      values.emplace_back(v);
    }
  }
  std::vector<const char*> kp, vp;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    kp.push_back(keys[i].c_str());
    vp.push_back(values[i].c_str());
  }
  kp.push_back(nullptr);
  vp.push_back(nullptr);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectStartParams(kp.data(), vp.data(), 0), &PQfinish);
  auto fail = [&](const std::string& why) {
    spdlog::warn("database: cannot connect: {}", why);
    ServerError e;
    e.message = why;
    e.connection_lost = true;
    throw_mapped(e);
  };
  if (!conn) fail("out of memory");
  if (PQstatus(conn.get()) == CONNECTION_BAD) fail(message_text(PQerrorMessage(conn.get())));

  // libpq may switch sockets while connecting (several hosts, SSL or GSS fallback), so each wait
  // uses a fresh duplicate of whatever PQsocket() is now.
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) fail(message_text(PQerrorMessage(conn.get())));
    int fd = dup_socket(conn.get());
    if (fd < 0) fail("no socket: " + message_text(PQerrorMessage(conn.get())));
    stream_descriptor waiter(executor, fd);
    bool ready = false;
    try {
      ready = co_await wait_on(waiter, status == PGRES_POLLING_READING ? stream_descriptor::wait_read
                                                                       : stream_descriptor::wait_write,
                               deadline);
    } catch (const boost::system::system_error& e) {
      fail(std::string("socket error while connecting: ") + e.what());
    }
    if (!ready) fail("timed out while connecting");
    status = PQconnectPoll(conn.get());
  }
  if (PQsetnonblocking(conn.get(), 1) != 0) fail(message_text(PQerrorMessage(conn.get())));
  PQsetNoticeProcessor(conn.get(), &log_notice, nullptr);
  int fd = dup_socket(conn.get());
  if (fd < 0) fail("no socket after connecting");
  stream_descriptor socket(executor, fd);
  co_return std::unique_ptr<Connection>(new Connection(conn.release(), std::move(socket)));
}

Connection::Connection(PGconn* conn, stream_descriptor socket) : conn_(conn), socket_(std::move(socket)) {}

Connection::~Connection() {
  if (watched_) AnswerWatchdog::instance().remove(this);  // before the socket goes
  boost::system::error_code ignored;
  socket_.close(ignored);  // our duplicate; libpq closes its own descriptor in PQfinish
  PQfinish(conn_);
}

bool Connection::usable() const { return !broken_ && !busy_ && PQstatus(conn_) == CONNECTION_OK; }

TxState Connection::transaction_state() const {
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE:
      return TxState::Idle;
    case PQTRANS_INTRANS:
      return TxState::InTransaction;
    case PQTRANS_INERROR:
      return TxState::Failed;
    default:
      return TxState::Unknown;  // PQTRANS_ACTIVE (a command in flight) or PQTRANS_UNKNOWN (bad)
  }
}

bool Connection::alive_while_idle() {
  if (!usable()) return false;
  // An idle connection has nothing to read unless the server said goodbye (FATAL then EOF) or
  // sent a notification. Read what is there; a closed peer turns the status bad.
  for (int i = 0; i < 4; ++i) {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    int n = ::poll(&p, 1, 0);
    if (n == 0) return true;
    if (n < 0 || (p.revents & (POLLERR | POLLNVAL))) return false;
    if (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK) return false;
    while (PGnotify* note = PQnotifies(conn_)) PQfreemem(note);
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

int Connection::backend_pid() const { return PQbackendPID(conn_); }

ServerError Connection::server_error(const PGresult* res, PGconn* conn) {
  ServerError e;
  auto field = [&](int code) {
    const char* v = PQresultErrorField(res, code);
    return std::string(v ? v : "");
  };
  e.sqlstate = field(PG_DIAG_SQLSTATE);
  e.message = field(PG_DIAG_MESSAGE_PRIMARY);
  if (e.message.empty()) e.message = message_text(PQresultErrorMessage(res));
  e.detail = field(PG_DIAG_MESSAGE_DETAIL);
  e.constraint = field(PG_DIAG_CONSTRAINT_NAME);
  e.connection_lost = PQstatus(conn) != CONNECTION_OK;
  return e;
}

const std::string& Connection::statement_name(std::string_view sql, bool& prepare) {
  if (auto it = prepared_.find(sql); it != prepared_.end()) {
    prepare = false;
    return it->second;
  }
  prepare = true;
  // The map's nodes stay put when it grows: the reference outlives later insertions.
  return prepared_.emplace(std::string(sql), "nelo_" + std::to_string(++statements_made_)).first->second;
}

void Connection::forget_statement(std::string_view sql) {
  if (auto it = prepared_.find(sql); it != prepared_.end()) prepared_.erase(it);
}

void Connection::fail_connection(std::string_view what) {
  broken_ = true;
  ServerError e;
  e.message = std::string(what) + ": " + message_text(PQerrorMessage(conn_));
  e.connection_lost = true;
  throw_mapped(e);
}

void Connection::lost_while_reading(std::optional<ServerError>& first_error) {
  broken_ = true;
  if (first_error) {
    first_error->connection_lost = true;
    throw_mapped(*first_error);
  }
  fail_connection("connection lost");
}

void Connection::set_answer_bound(std::chrono::milliseconds bound) {
  answer_bound_ms_.store(bound.count(), std::memory_order_relaxed);
  if (bound.count() > 0 && !watched_) {
    AnswerWatchdog::instance().add(this);
    watched_ = true;
  }
}

bool Connection::waited_too_long(SteadyTime now) noexcept {
  const auto bound = std::chrono::milliseconds(answer_bound_ms_.load(std::memory_order_relaxed));
  const auto since = waiting_since_ns_.load(std::memory_order_relaxed);
  if (bound.count() <= 0 || since == 0 || interrupted_.load(std::memory_order_relaxed)) return false;
  if (now - SteadyTime(SteadyTime::duration(since)) <= bound) return false;
  // Bytes already waiting: the server did answer and this process is merely late reading them
  // (an overloaded I/O thread), which is no reason to give the connection up.
  pollfd p{socket_.native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

void Connection::interrupt() noexcept {
  interrupted_.store(true);
  ::shutdown(socket_.native_handle(), SHUT_RDWR);
}

awaitable<void> Connection::wait(bool for_write, Deadline deadline) {
  bool ready = false;
  {
    // Without an explicit deadline, the watchdog bounds the wait (set_answer_bound).
    WaitingForServer waiting(*this, !deadline);
    try {
      ready = co_await wait_on(socket_, for_write ? stream_descriptor::wait_write : stream_descriptor::wait_read,
                               deadline);
    } catch (const boost::system::system_error& e) {
      // Includes cancellation: we no longer know where the protocol stands.
      if (!interrupted_.load()) fail_connection(std::string("socket wait failed (") + e.what() + ")");
    }
  }
  if (interrupted_.load()) {
    broken_ = true;
    throw StatementTimeout("The database did not answer in time");
  }
  if (!ready) fail_connection("timed out waiting for the server");
}

awaitable<void> Connection::flush(Deadline deadline) {
  for (;;) {
    int r = PQflush(conn_);
    if (r == 0) co_return;
    if (r < 0) fail_connection("sending failed");
    co_await wait(true, deadline);
    // The server may be sending while we send; reading keeps both sides moving.
    if (!PQconsumeInput(conn_)) fail_connection("reading failed");
  }
}

awaitable<Result> Connection::collect(Deadline deadline) {
  Result last;
  std::optional<ServerError> first_error;
  for (;;) {
    while (!PQisBusy(conn_)) {
      PGresult* res = PQgetResult(conn_);
      if (!res) {
        busy_ = false;
        if (first_error) throw_mapped(*first_error);
        co_return last;
      }
      switch (PQresultStatus(res)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
          last = Result(res);
          break;
        case PGRES_COPY_IN:
        case PGRES_COPY_OUT:
        case PGRES_COPY_BOTH:
          PQclear(res);
          broken_ = true;  // we do not speak COPY here; the protocol state is unusable
          throw DatabaseError("0A000", "COPY is not supported through the pool");
        default:
          if (!first_error) first_error = server_error(res, conn_);
          PQclear(res);
          break;
      }
    }
    if (PQstatus(conn_) != CONNECTION_OK) lost_while_reading(first_error);
    co_await wait(false, deadline);
    if (!PQconsumeInput(conn_)) lost_while_reading(first_error);
  }
}

template <class Send>
awaitable<Result> Connection::run(Send send, Deadline deadline) {
  if (!usable()) fail_connection("connection not usable");
  busy_ = true;
  if (!send(conn_)) fail_connection("sending failed");
  co_await flush(deadline);
  co_return co_await collect(deadline);
}

namespace {

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(const Params& params) {
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  }
  int size() const { return static_cast<int>(values.size()); }
  const char* const* data() const { return values.empty() ? nullptr : values.data(); }
};

}  // namespace

awaitable<Result> Connection::execute_prepared(std::string_view sql, const Params& params) {
  const Statement statement{sql, &params};
  auto results = co_await execute_batch(std::span<const Statement>(&statement, 1));
  co_return std::move(results.front());
}

// A batch's commands (a Prepare for each statement new to the connection, then an Execute for
// each), and what the result loop (connection_results.hpp) learns of them.
struct Connection::Batch {
  struct Command {
    std::size_t index;        // of its statement
    bool prepare;             // a Prepare, else an Execute
    const std::string* name;  // the statement's, in prepared_
    bool accepted = false;    // a Prepare the server accepted
  };
  std::vector<Command> commands;
  std::vector<Result> results;  // one per statement
  std::optional<ServerError> first_error;
  std::size_t failed_command = 0;  // the command that reported first_error
  std::size_t current = 0;         // the command whose results come next (commands.size(): the Sync)
  PGconn* conn = nullptr;

  // The result loop's sink.
  void command_ended() { ++current; }
  void succeeded(PGresult* res) {
    if (current >= commands.size()) {
      PQclear(res);
      return;
    }
    Command& command = commands[current];
    if (command.prepare) {
      command.accepted = true;
      PQclear(res);
    } else {
      results[command.index] = Result(res);
    }
  }
  void failed(const PGresult* res) {
    if (first_error) return;
    first_error = server_error(res, conn);
    failed_command = current;
  }
  bool synced() { return false; }  // the batch's one Sync: everything has come back
};

awaitable<std::vector<Result>> Connection::execute_batch(std::span<const Statement> statements) {
  if (!usable()) fail_connection("connection not usable");
  Batch batch;
  plan_batch(statements, batch);
  send_batch(statements, batch);
  co_await flush(std::nullopt);
  for (;;) {
    const PipelineRead read = read_pipeline_results(conn_, batch);
    if (read == PipelineRead::Stopped) break;
    if (read == PipelineRead::Unsupported) {
      broken_ = true;
      throw DatabaseError("0A000", "COPY is not supported through the pool");
    }
    if (PQstatus(conn_) != CONNECTION_OK) lost_while_reading(batch.first_error);
    co_await wait(false, std::nullopt);
    if (!PQconsumeInput(conn_)) lost_while_reading(batch.first_error);
  }
  if (PQexitPipelineMode(conn_) != 1) fail_connection("cannot leave pipeline mode");
  busy_ = false;
  settle_batch(statements, batch);
  if (batch.first_error) throw_mapped(*batch.first_error);
  co_return std::move(batch.results);
}

void Connection::plan_batch(std::span<const Statement> statements, Batch& batch) {
  batch.conn = conn_;
  batch.results.resize(statements.size());
  batch.commands.reserve(statements.size());  // more only for statements new to the connection
  for (std::size_t i = 0; i < statements.size(); ++i) {
    bool prepare = false;
    const std::string& name = statement_name(statements[i].sql, prepare);
    if (prepare) batch.commands.push_back({i, true, &name});
    batch.commands.push_back({i, false, &name});
  }
}

void Connection::send_batch(std::span<const Statement> statements, const Batch& batch) {
  busy_ = true;
  if (PQenterPipelineMode(conn_) != 1) fail_connection("cannot enter pipeline mode");
  static const Params kNoParams;
  for (const auto& command : batch.commands) {
    const Statement& statement = statements[command.index];
    const bool sent = command.prepare ? send_prepare(*command.name, statement.sql)
                                      : send_execute(*command.name, statement.params ? *statement.params : kNoParams);
    if (!sent) fail_connection("sending failed");
  }
  if (PQpipelineSync(conn_) != 1) fail_connection("sending failed");
}

// Names are cached when planned; a statement the server refused to prepare (or skipped) is
// forgotten again, and so is one whose cached plan went stale: its next use prepares it afresh.
void Connection::settle_batch(std::span<const Statement> statements, const Batch& batch) {
  for (const auto& command : batch.commands) {
    if (command.prepare && !command.accepted) forget_statement(statements[command.index].sql);
  }
  if (batch.first_error && batch.failed_command < batch.commands.size() && is_stale_cached_plan(*batch.first_error)) {
    forget_statement(statements[batch.commands[batch.failed_command].index].sql);
  }
}

bool Connection::send_prepare(const std::string& name, std::string_view sql) {
  const std::string text(sql);  // libpq wants it NUL-terminated; sent once per connection
  return PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr) == 1;
}

bool Connection::send_execute(const std::string& name, const Params& params) {
  const ParamArrays p(params);
  return PQsendQueryPrepared(conn_, name.c_str(), p.size(), p.data(), nullptr, nullptr, 0) == 1;
}

awaitable<Result> Connection::execute_unnamed(std::string_view sql, const Params& params, Deadline deadline) {
  ParamArrays p(params);
  std::string text(sql);
  co_return co_await run(
      [&](PGconn* c) { return PQsendQueryParams(c, text.c_str(), p.size(), nullptr, p.data(), nullptr, nullptr, 0); },
      deadline);
}

awaitable<Result> Connection::execute_script(std::string_view sql, Deadline deadline) {
  std::string text(sql);
  co_return co_await run([&](PGconn* c) { return PQsendQuery(c, text.c_str()); }, deadline);
}

}  // namespace nelo::db::detail
