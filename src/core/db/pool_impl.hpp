#pragma once
// The pool's implementation, shared by pool.cpp, transaction.cpp and migrator.cpp only.

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

#include <deque>
#include <string>
#include <mutex>
#include <optional>
#include <vector>

#include "core/db/connection.hpp"
#include "core/db/pool.hpp"
#include "core/db/shared_lane.hpp"

namespace nelo::db {

namespace detail {
class PoolImpl;
}

// A connection checked out of the pool. Destroying it hands the connection back: clean ones are
// reused, ones left inside a transaction are rolled back first, broken ones are closed.
class PooledConnection {
 public:
  PooledConnection(std::shared_ptr<detail::PoolImpl> pool, std::unique_ptr<detail::Connection> connection,
                   bool fresh)
      : pool_(std::move(pool)), connection_(std::move(connection)), fresh_(fresh) {}
  ~PooledConnection();
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;

  detail::Connection& get() { return *connection_; }
  // Opened for this acquisition (as opposed to reused from the idle list).
  bool fresh() const noexcept { return fresh_; }
  const std::shared_ptr<detail::PoolImpl>& pool() const noexcept { return pool_; }

  // The BEGIN of a transaction that has not sent anything yet (empty once sent). It is not sent
  // on its own: it travels in one pipelined round trip with the transaction's first statement,
  // together with the session SETs the connection needs for the transaction's module.
  std::string pending_begin;
  // The module whose session SETs were sent inside the open transaction: the connection's
  // session_module once (and only if) that transaction commits.
  std::optional<std::string> session_on_commit;

 private:
  std::shared_ptr<detail::PoolImpl> pool_;
  std::unique_ptr<detail::Connection> connection_;
  bool fresh_;
};

namespace detail {

class PoolImpl final : public Pool {
 public:
  PoolImpl(boost::asio::any_io_executor executor, PoolOptions options);
  ~PoolImpl() override;

  boost::asio::awaitable<Transaction> begin(std::string_view module, TxOptions options) override;
  boost::asio::awaitable<Result> execute(std::string_view module, std::string_view sql,
                                         const Params& params) override;
  boost::asio::awaitable<Result> execute_pipelined(std::string_view module, std::string_view sql,
                                                   const Params& params) override;
  boost::asio::awaitable<Result> execute_as_owner(std::string_view sql, const Params& params) override;
  boost::asio::awaitable<Transaction> begin_as_owner() override;
  boost::asio::awaitable<bool> ping() override;
  PoolStats stats() const override;
  void close() override;

  // Checks a connection out, waiting until `wait_until` for one to be free. Opening a new one is
  // bounded by connect_timeout from the moment the slot is ours, and by `cap` if given.
  // Throws Unavailable.
  // `module`: prefer an idle connection whose session already runs as that module ("" = the
  // connecting user), so that switching roles stays the exception.
  boost::asio::awaitable<std::unique_ptr<PooledConnection>> acquire(SteadyTime wait_until, Deadline cap,
                                                                    std::string_view module = {});
  // With the configured bounds.
  boost::asio::awaitable<std::unique_ptr<PooledConnection>> acquire(std::string_view module = {});
  // A connection whose session runs as the connecting user with its default settings
  // (migrations, bootstrap): resets a module role left by a previous use first.
  boost::asio::awaitable<std::unique_ptr<PooledConnection>> acquire_as_owner();

  // The statements that bring `connection`'s session to `module` ("" = the connecting user's own
  // role and defaults): none when it is there already.
  std::vector<std::string> session_prelude(const Connection& connection, std::string_view module) const;

  // Called by ~PooledConnection, on any thread.
  void release(std::unique_ptr<Connection> connection) noexcept;

  const PoolOptions& options() const noexcept { return options_; }
  const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

  // A lane reports `count` statements answered (or refused); `failed`: its connection is gone, so
  // it is given out no more. A lane with nothing reserved any more is retired.
  void lane_answered(SharedLane& lane, std::size_t count, bool failed) noexcept;

 private:
  // What a waiter is handed: a connection, or (connection null) the right to open a new one.
  struct Grant {
    std::unique_ptr<Connection> connection;
  };
  // The suspended acquirer's completion handler, type-erased. (Boost 1.81's
  // any_completion_handler is not used: its move assignment recurses forever, fixed in 1.82.)
  class GrantHandler {
   public:
    virtual ~GrantHandler() = default;
    // Resumes the acquirer through its own executor (never inline); call at most once.
    virtual void complete(const boost::asio::any_io_executor& via, boost::system::error_code ec, Grant grant) = 0;
  };
  template <class Handler>
  class GrantHandlerFor;
  struct Waiter {
    std::unique_ptr<GrantHandler> handler;
    SteadyTime until;
  };
  enum class Take { Connection, Slot, Nothing, Closed };

  Take try_take(std::unique_ptr<Connection>& out, std::string_view module = {});  // mutex_ held
  boost::asio::awaitable<Grant> wait_for_grant(SteadyTime until);
  void enqueue(std::unique_ptr<GrantHandler> handler, SteadyTime until);
  // One timer serves every waiter's deadline: armed for the earliest (sweep_at_), it fails the
  // waiters whose time has come and re-arms for the next. Both run on sweep_strand_.
  void arm_sweep();
  void sweep();
  void disarm_sweep();  // on sweep_strand_: once nobody waits
  void complete(std::unique_ptr<GrantHandler> handler, boost::system::error_code ec, Grant grant);
  // Moves the connections idle for options_.idle_timeout out of the idle list into `out`, to be
  // closed outside the lock (mutex_ held). Run whenever a connection comes back: no timer, so an
  // idle pool keeps nothing running (a readiness probe's ping is traffic enough).
  void take_expired_idle(SteadyTime now, std::vector<std::unique_ptr<Connection>>& out);
  // Hands a connection (or a free slot, when `connection` is null) to the oldest waiter, or
  // returns it to the idle list / frees the slot.
  void hand_over(std::unique_ptr<Connection> connection) noexcept;
  // Static with an owning `self`: it outlives the PooledConnection that started it.
  static boost::asio::awaitable<void> roll_back_then_release(std::shared_ptr<PoolImpl> self,
                                                             std::unique_ptr<Connection> connection);
  boost::asio::awaitable<Transaction> begin_with(std::string begin, std::string module);
  // A listed lane of `module` with room for one more statement, reserved for the caller; null
  // when there is none.
  std::shared_ptr<SharedLane> reserve_lane(std::string_view module);
  // Checks a connection out for `module`, brings its session there, and lists it as a lane
  // reserved for the caller.
  boost::asio::awaitable<std::shared_ptr<SharedLane>> open_lane(std::string_view module);

  boost::asio::any_io_executor executor_;
  PoolOptions options_;
  ConnectOptions connect_options_;

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // LIFO: the most recently used is warmest
  std::deque<Waiter> waiters_;  // oldest first
  std::optional<SteadyTime> sweep_at_;  // when the armed sweep fires, none when not armed (mutex_)
  boost::asio::strand<boost::asio::any_io_executor> sweep_strand_;
  boost::asio::steady_timer sweep_timer_;
  std::size_t open_ = 0;    // open or being opened
  std::size_t in_use_ = 0;  // checked out, being opened, or being rolled back
  std::uint64_t waits_total_ = 0;
  std::uint64_t timeouts_total_ = 0;
  bool closed_ = false;

  mutable std::mutex lanes_mutex_;  // guards lanes_ and each lane's reserved / listed
  std::vector<std::shared_ptr<SharedLane>> lanes_;  // few (one per busy module, more under load)
};

// Throws std::invalid_argument unless `module` can name a role without quoting.
void check_module_name(std::string_view module);

// The pool behind a db::Pool reference (migrator), or std::logic_error for another implementation.
PoolImpl& pool_impl(Pool& pool);

}  // namespace detail
}  // namespace nelo::db
