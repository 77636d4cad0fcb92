#pragma once
// One non-blocking libpq connection driven by Asio. Private to the db layer (src/core/db/*.cpp).
// A Connection is used by one coroutine at a time (the pool hands it out exclusively).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <deque>
#include <vector>

#include "core/db/error_mapping.hpp"
#include "core/db/params.hpp"
#include "core/db/result.hpp"

struct pg_conn;
struct pg_result;

namespace nelo::db::detail {

using SteadyTime = std::chrono::steady_clock::time_point;
// Absent: no client-side bound (the server's statement_timeout bounds statements).
using Deadline = std::optional<SteadyTime>;

struct ConnectOptions {
  std::string conninfo;
  std::string application_name;
};

enum class TxState { Idle, InTransaction, Failed, Unknown };

class Connection {
 public:
  // Connects without blocking (PQconnectStartParams + PQconnectPoll) and sets TimeZone=UTC and
  // application_name. Throws Unavailable on failure or when the deadline passes.
  static boost::asio::awaitable<std::unique_ptr<Connection>> open(boost::asio::any_io_executor executor,
                                                                  const ConnectOptions& options, SteadyTime deadline);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  struct Statement {
    std::string_view sql;
    const Params* params = nullptr;  // null: no parameters
  };
  // Several statements in one round trip (libpq pipeline mode), each prepared once per connection
  // (cached by SQL text; a first use sends Prepare and Execute together). Returns one result per
  // statement; throws the first error after reading everything, and statements after a failed
  // one do not run. Inside an explicit transaction the transaction is then in the failed state.
  boost::asio::awaitable<std::vector<Result>> execute_batch(std::span<const Statement> statements);
  // One statement, the same way.
  boost::asio::awaitable<Result> execute_prepared(std::string_view sql, const Params& params);
  // One statement through the unnamed statement (extended protocol, nothing cached).
  boost::asio::awaitable<Result> execute_unnamed(std::string_view sql, const Params& params,
                                                 Deadline deadline = std::nullopt);
  // Simple protocol: may hold several statements; returns the last result, throws the first error.
  boost::asio::awaitable<Result> execute_script(std::string_view sql, Deadline deadline = std::nullopt);

  // False once the connection is broken or was left mid-command: it must then be discarded.
  bool usable() const;
  TxState transaction_state() const;
  // For an idle pooled connection: false if the server closed it (restart, pg_terminate_backend)
  // while it sat in the pool. Never blocks.
  bool alive_while_idle();
  void mark_broken() noexcept { broken_ = true; }

  // Whose role and statement_timeout are in effect at session level: a module name (SET ROLE
  // nelo_<module>; SET statement_timeout), "" for the connecting user's own defaults (a fresh
  // connection), or nullopt when unknown: from the moment a SET is sent inside a transaction or
  // batch until that transaction commits, and after anything that may have undone it. The pool
  // re-sends the SETs whenever this is not the module about to run, so unknown is always safe.
  std::optional<std::string> session_module = std::string();

  // When the pool last put it on its idle list (the pool's idle timeout counts from it).
  SteadyTime idle_since{};

  int backend_pid() const;
  std::size_t prepared_count() const noexcept { return prepared_.size(); }

  // --- Bound on the server's silence (answer_watchdog.hpp) ---
  // While a statement is in flight and no explicit deadline was given, a wait for the server
  // longer than `bound` with nothing to read gives the connection up: the wait fails with
  // StatementTimeout and the connection is broken. Zero: no bound (migrations, which may run
  // long). Set by the pool at each check-out.
  void set_answer_bound(std::chrono::milliseconds bound);
  std::chrono::milliseconds answer_bound() const noexcept {
    return std::chrono::milliseconds(answer_bound_ms_.load(std::memory_order_relaxed));
  }
  // For the watchdog's thread: waiting longer than the bound at `now`, with nothing to read.
  bool waited_too_long(SteadyTime now) noexcept;
  // For the watchdog's thread: shuts the socket down, which ends the wait in progress.
  void interrupt() noexcept;

  // --- Shared pipeline (used by SharedLane only) ---
  // Many independent autocommit statements in flight at once, each followed by its own Sync, so
  // each is its own implicit transaction and one's failure touches no other. While any is in
  // flight only these members are used, one thread at a time (the lane's mutex), besides the
  // waits, which only the lane's reader makes.
  struct PipelinedOutcome {
    Result result;
    std::optional<ServerError> error;  // set when the statement failed
  };
  // Queues one statement (prepared once per connection, like execute_batch) and its Sync, and
  // sends what the socket takes now. False when the connection failed.
  bool pipeline_send(std::string_view sql, const Params& params);
  // Sends what is still queued, as far as the socket takes it. -1 failed, 0 all sent, 1 some left.
  int pipeline_flush();
  // Reads what has arrived, without waiting, and appends the outcome of each statement whose Sync
  // came back, in the order they were sent. False when the connection failed: what is still in
  // flight will never complete.
  bool pipeline_collect(std::vector<PipelinedOutcome>& out);
  std::size_t pipeline_in_flight() const noexcept { return in_flight_.size(); }
  // Leaves pipeline mode once nothing is in flight, making the connection usable again for the
  // methods above. False (and the connection broken) if that is impossible.
  bool pipeline_end();
  // Shuts the socket down for good (thread-safe): a wait in progress on it ends at once.
  void abort() noexcept;
  // Waits until the socket is readable (or writable); throws boost::system::system_error when
  // the wait itself fails. Touches nothing else (the lane marks the connection broken).
  boost::asio::awaitable<void> wait_ready(bool for_write);

 private:
  Connection(pg_conn* conn, boost::asio::posix::stream_descriptor socket);

  // Sends with `send` (a PQsend* call), flushes, and collects every result.
  template <class Send>
  boost::asio::awaitable<Result> run(Send send, Deadline deadline);
  boost::asio::awaitable<void> flush(Deadline deadline);
  boost::asio::awaitable<Result> collect(Deadline deadline);
  boost::asio::awaitable<void> wait(bool for_write, Deadline deadline);
  [[noreturn]] void fail_connection(std::string_view what);
  // The connection broke while results were being read: throws the first error the server had
  // reported (as connection_lost), else a plain connection error.
  [[noreturn]] void lost_while_reading(std::optional<ServerError>& first_error);
  static ServerError server_error(const pg_result* res, pg_conn* conn);
  // The cached name of `sql`, or a new one with `prepare` set (cached at once, forgotten again
  // by the caller when the server refuses it). Stays valid until the statement is forgotten.
  const std::string& statement_name(std::string_view sql, bool& prepare);
  void forget_statement(std::string_view sql);
  // Queue one Prepare, or one Execute of a prepared statement (pipeline mode). False: not sent.
  bool send_prepare(const std::string& name, std::string_view sql);
  bool send_execute(const std::string& name, const Params& params);

  // execute_batch's steps (connection.cpp): its commands, their results, and their first error.
  struct Batch;
  void plan_batch(std::span<const Statement> statements, Batch& batch);
  void send_batch(std::span<const Statement> statements, const Batch& batch);
  void settle_batch(std::span<const Statement> statements, const Batch& batch);

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  pg_conn* conn_;
  // Wraps a dup() of PQsocket(): libpq closes its own descriptor when the connection drops, and
  // the number can then be reused by another connection at once. Owning a duplicate means our
  // epoll registration and close() can never touch somebody else's socket.
  boost::asio::posix::stream_descriptor socket_;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> prepared_;
  std::uint64_t statements_made_ = 0;  // names stay unique even when cache entries are dropped
  bool broken_ = false;
  bool busy_ = false;  // a command was sent and its results not fully read

  // Shared pipeline: each statement in flight, oldest first.
  struct InFlight {
    std::string_view sql;   // the sender's text: it awaits the outcome, so the text outlives this
    bool prepare = false;   // its Prepare travels with it
    int commands_done = 0;  // results ended (a null PQgetResult) so far: Prepare, then Execute
    bool prepare_ok = false;
    PipelinedOutcome outcome;
  };
  std::deque<InFlight> in_flight_;
  bool pipelining_ = false;

  // Shared with the watchdog's thread.
  std::atomic<std::int64_t> answer_bound_ms_{0};
  std::atomic<std::int64_t> waiting_since_ns_{0};  // steady clock; 0: not waiting for the server
  std::atomic<bool> interrupted_{false};
  bool watched_ = false;
  // Marks the start and end of a wait on the server (a no-op without a bound).
  class WaitingForServer;
};

// Marks a wait on the server for the watchdog, from its start to its end (nothing without a bound).
class Connection::WaitingForServer {
 public:
  WaitingForServer(Connection& connection, bool bounded) noexcept
      : connection_(bounded && connection.answer_bound_ms_.load(std::memory_order_relaxed) > 0 ? &connection : nullptr) {
    if (connection_) {
      connection_->waiting_since_ns_.store(SteadyTime::clock::now().time_since_epoch().count(),
                                           std::memory_order_relaxed);
    }
  }
  ~WaitingForServer() {
    if (connection_) connection_->waiting_since_ns_.store(0, std::memory_order_relaxed);
  }
  WaitingForServer(const WaitingForServer&) = delete;
  WaitingForServer& operator=(const WaitingForServer&) = delete;

 private:
  Connection* connection_;
};

}  // namespace nelo::db::detail
