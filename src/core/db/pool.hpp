#pragma once
// Asynchronous, bounded PostgreSQL connection pool. Every socket operation is an awaited
// Asio wait on libpq's non-blocking connection: no I/O thread ever blocks on the database.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/db/params.hpp"
#include "core/db/result.hpp"
#include "core/db/transaction.hpp"
#include "core/db/tx_options.hpp"

namespace nelo::db {

struct PoolOptions {
  std::string conninfo;  // libpq URL or key=value string
  std::size_t max_size = 16;
  std::chrono::milliseconds acquire_timeout{2000};    // bounded wait for a free connection -> 503
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds statement_timeout{5000};  // for every module statement (session setting)
  // The server enforces statement_timeout only while it runs: a module statement whose answer has
  // not begun to arrive statement_timeout + answer_grace after the server last sent anything (a
  // frozen or cut-off server) fails with StatementTimeout and its connection is dropped
  // (answer_watchdog.hpp). No bound when statement_timeout is zero.
  std::chrono::milliseconds answer_grace{1000};
  std::string application_name = "nelo";
  // execute_pipelined: statements in flight at once on one shared connection before another is
  // checked out for the module; 0 turns sharing off (each statement is an execute()).
  std::size_t pipeline_depth = 16;
  // A connection idle for this long is closed (when another one comes back to the pool), so the
  // pool shrinks back after a burst; zero keeps idle connections open for good.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
};

struct PoolStats {
  std::size_t size = 0;      // open connections
  std::size_t in_use = 0;    // checked out
  std::size_t shared = 0;    // of which shared by pipelined statements (execute_pipelined)
  std::size_t waiting = 0;   // coroutines waiting for a connection right now
  std::uint64_t waits_total = 0;     // acquisitions that had to wait
  std::uint64_t timeouts_total = 0;  // acquisitions that gave up (503)
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static std::shared_ptr<Pool> create(boost::asio::any_io_executor executor, PoolOptions options);
  virtual ~Pool() = default;

  // A transaction as nelo_<module>. Only checks a connection out: BEGIN is pipelined with the
  // first execute(), preceded by SET ROLE nelo_<module> and SET statement_timeout when the
  // connection last served another module (session settings, cached per connection), so errors
  // such as a missing role surface there. Throws Unavailable when no connection is free in time.
  virtual boost::asio::awaitable<Transaction> begin(std::string_view module, TxOptions options = {}) = 0;

  // A single statement in autocommit (its own implicit transaction) under the module's role: one
  // round trip, and a single statement on the server unless the connection must switch role first.
  virtual boost::asio::awaitable<Result> execute(std::string_view module, std::string_view sql,
                                                 const Params& params = {}) = 0;

  // The same for a statement known to be short and never to wait for a lock (an indexed read of a
  // few rows; a write could queue behind another transaction's row lock): it
  // shares a checked-out connection with the module's other such statements in flight, each with
  // its own Sync (libpq pipeline mode), so PostgreSQL serves a burst of them without sleeping in
  // between. A slow statement would delay those queued behind it: use execute() for anything else.
  virtual boost::asio::awaitable<Result> execute_pipelined(std::string_view module, std::string_view sql,
                                                           const Params& params = {}) = 0;

  // A statement run as the connecting user itself (no role): platform code only
  // (migrations, health checks, bootstrap).
  virtual boost::asio::awaitable<Result> execute_as_owner(std::string_view sql, const Params& params = {}) = 0;
  // A transaction as the connecting user itself: platform code only (migrations).
  virtual boost::asio::awaitable<Transaction> begin_as_owner() = 0;

  // True when a connection can run `SELECT 1` within about a second (acquire, connect and query
  // included); false on any failure. Never throws.
  virtual boost::asio::awaitable<bool> ping() = 0;

  virtual PoolStats stats() const = 0;

  // Closes idle connections, fails waiting acquisitions, and refuses new ones (Unavailable).
  // Connections checked out finish their work and are closed when handed back.
  virtual void close() = 0;
};

// Name of the PostgreSQL role a module's transactions run as.
inline std::string module_role(std::string_view module) { return "nelo_" + std::string(module); }

}  // namespace nelo::db
