#pragma once
// One non-blocking libpq connection driven by Asio. Private to the db layer (src/core/db/*.cpp).
// A Connection is used by one coroutine at a time (the pool hands it out exclusively).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

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
#include <vector>

#include "core/db/params.hpp"
#include "core/db/result.hpp"

struct pg_conn;

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

  int backend_pid() const;
  std::size_t prepared_count() const noexcept { return prepared_.size(); }

 private:
  Connection(pg_conn* conn, boost::asio::posix::stream_descriptor socket);

  // Sends with `send` (a PQsend* call), flushes, and collects every result.
  template <class Send>
  boost::asio::awaitable<Result> run(Send send, Deadline deadline);
  boost::asio::awaitable<void> flush(Deadline deadline);
  boost::asio::awaitable<Result> collect(Deadline deadline);
  boost::asio::awaitable<void> wait(bool for_write, Deadline deadline);
  [[noreturn]] void fail_connection(std::string_view what);

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
};

}  // namespace nelo::db::detail
