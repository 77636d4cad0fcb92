#include "core/db/pool_impl.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "core/db/errors.hpp"

namespace nelo::db {

namespace asio = boost::asio;
using asio::awaitable;
using std::chrono::steady_clock;

namespace {

// Bound on ping(): /health/ready must answer quickly even when the database hangs.
constexpr std::chrono::milliseconds kPingBound{1000};

}  // namespace

std::shared_ptr<Pool> Pool::create(asio::any_io_executor executor, PoolOptions options) {
  return std::make_shared<detail::PoolImpl>(std::move(executor), std::move(options));
}

PooledConnection::~PooledConnection() {
  if (pool_) pool_->release(std::move(connection_));
}

namespace detail {

void check_module_name(std::string_view module) {
  // The name becomes part of a role identifier in SQL text: allow only what needs no quoting.
  bool ok = !module.empty() && module.size() <= 50 && module[0] >= 'a' && module[0] <= 'z' &&
            std::all_of(module.begin(), module.end(),
                        [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
  if (!ok) throw std::invalid_argument("invalid module name for a database role: '" + std::string(module) + "'");
}

PoolImpl& pool_impl(Pool& pool) {
  auto* impl = dynamic_cast<PoolImpl*>(&pool);
  if (!impl) throw std::logic_error("this operation needs the libpq pool from db::Pool::create");
  return *impl;
}

PoolImpl::PoolImpl(asio::any_io_executor executor, PoolOptions options)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      connect_options_{options_.conninfo, options_.application_name},
      sweep_strand_(asio::make_strand(executor_)),
      sweep_timer_(sweep_strand_) {
  if (options_.max_size == 0) throw std::invalid_argument("database pool max_size must be at least 1");
}

PoolImpl::~PoolImpl() = default;

PoolImpl::Take PoolImpl::try_take(std::unique_ptr<Connection>& out, std::string_view module) {
  if (closed_) return Take::Closed;
  if (!idle_.empty()) {
    // The most recently used connection already serving `module`, else the most recently used.
    auto chosen = std::prev(idle_.end());
    for (auto it = idle_.rbegin(); it != idle_.rend(); ++it) {
      if ((*it)->session_module == module) {
        chosen = std::prev(it.base());
        break;
      }
    }
    out = std::move(*chosen);
    idle_.erase(chosen);
    ++in_use_;
    return Take::Connection;
  }
  if (open_ < options_.max_size) {
    ++open_;
    ++in_use_;
    return Take::Slot;
  }
  return Take::Nothing;
}

awaitable<std::unique_ptr<PooledConnection>> PoolImpl::acquire(std::string_view module) {
  return acquire(steady_clock::now() + options_.acquire_timeout, std::nullopt, module);
}

awaitable<std::unique_ptr<PooledConnection>> PoolImpl::acquire(SteadyTime wait_until, Deadline cap,
                                                               std::string_view module) {
  std::unique_ptr<Connection> connection;
  Take taken;
  {
    std::lock_guard lock(mutex_);
    taken = try_take(connection, module);
  }
  if (taken == Take::Closed) throw Unavailable("The database pool is closed");
  if (taken == Take::Nothing) connection = (co_await wait_for_grant(wait_until)).connection;

  // From here on we hold a slot, with or without a connection in it.
  if (connection && !connection->alive_while_idle()) {
    spdlog::info("database: dropping a pooled connection the server has closed");
    connection.reset();
  }
  bool fresh = false;
  if (!connection) {
    // Measured from now, not from the call: a waiter handed a slot late still gets its full bound.
    auto connect_until = steady_clock::now() + options_.connect_timeout;
    if (cap && *cap < connect_until) connect_until = *cap;
    try {
      connection = co_await Connection::open(executor_, connect_options_, connect_until);
      fresh = true;
    } catch (...) {
      hand_over(nullptr);  // the slot goes to the next waiter, who will try for itself
      throw;
    }
  }
  // A module's statements run under statement_timeout, so a longer silence means the server is
  // gone; the connecting user's own (migrations) may legitimately run for minutes.
  connection->set_answer_bound(module.empty() || options_.statement_timeout.count() <= 0
                                   ? std::chrono::milliseconds(0)
                                   : options_.statement_timeout + options_.answer_grace);
  co_return std::make_unique<PooledConnection>(std::static_pointer_cast<PoolImpl>(shared_from_this()),
                                               std::move(connection), fresh);
}

template <class Handler>
class PoolImpl::GrantHandlerFor final : public GrantHandler {
 public:
  explicit GrantHandlerFor(Handler h) : handler_(std::move(h)) {}
  void complete(const asio::any_io_executor& via, boost::system::error_code ec, Grant grant) override {
    // post() runs the handler through its associated executor: the acquirer resumes there.
    asio::post(via, asio::append(std::move(handler_), ec, std::move(grant)));
  }

 private:
  Handler handler_;
};

awaitable<PoolImpl::Grant> PoolImpl::wait_for_grant(SteadyTime until) {
  auto self = std::static_pointer_cast<PoolImpl>(shared_from_this());  // alive while we are suspended
  // A named initiation capturing only trivially destructible state: GCC 12 may destroy a
  // temporary lambda inside a co_await expression twice (it did, with a shared_ptr capture).
  auto initiation = [this, until](auto handler) {
    using Handler = decltype(handler);
    enqueue(std::make_unique<GrantHandlerFor<Handler>>(std::move(handler)), until);
  };
  auto token = asio::as_tuple(asio::use_awaitable);
  auto [ec, grant] =
      co_await asio::async_initiate<decltype(token), void(boost::system::error_code, Grant)>(initiation, token);
  if (ec == asio::error::timed_out) {
    throw Unavailable("No database connection became free within " +
                      std::to_string(options_.acquire_timeout.count()) + " ms");
  }
  if (ec) throw Unavailable("The database pool is closed");
  co_return std::move(grant);
}

void PoolImpl::enqueue(std::unique_ptr<GrantHandler> handler, SteadyTime until) {
  std::unique_ptr<Connection> connection;
  Take taken;
  bool arm = false;
  {
    // Decide and queue under one lock, so a release between our first look and now is not missed.
    std::lock_guard lock(mutex_);
    taken = try_take(connection);
    if (taken == Take::Nothing) {
      waiters_.push_back({std::move(handler), until});
      ++waits_total_;
      // Deadlines mostly come in order (one acquire_timeout for all): the armed sweep usually
      // covers this waiter already.
      if (!sweep_at_ || until < *sweep_at_) {
        sweep_at_ = until;
        arm = true;
      }
    }
  }
  if (taken == Take::Closed) return complete(std::move(handler), asio::error::operation_aborted, {});
  if (taken != Take::Nothing) return complete(std::move(handler), {}, Grant{std::move(connection)});
  if (arm) {
    asio::post(sweep_strand_, [self = std::static_pointer_cast<PoolImpl>(shared_from_this())] { self->arm_sweep(); });
  }
}

void PoolImpl::arm_sweep() {
  std::optional<SteadyTime> at;
  {
    // The latest wish, whatever order the posts that asked for it ran in.
    std::lock_guard lock(mutex_);
    at = sweep_at_;
  }
  if (!at) return;
  sweep_timer_.expires_at(*at);  // cancels a wait armed for another time
  sweep_timer_.async_wait([self = std::static_pointer_cast<PoolImpl>(shared_from_this())](boost::system::error_code ec) {
    if (!ec) self->sweep();
  });
}

void PoolImpl::sweep() {
  std::vector<std::unique_ptr<GrantHandler>> expired;
  bool rearm = false;
  {
    std::lock_guard lock(mutex_);
    const auto now = steady_clock::now();
    sweep_at_.reset();
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if (it->until <= now) {
        expired.push_back(std::move(it->handler));
        it = waiters_.erase(it);
        ++timeouts_total_;
      } else {
        if (!sweep_at_ || it->until < *sweep_at_) sweep_at_ = it->until;
        ++it;
      }
    }
    rearm = sweep_at_.has_value();
  }
  for (auto& handler : expired) complete(std::move(handler), asio::error::timed_out, {});
  if (rearm) arm_sweep();
}

void PoolImpl::disarm_sweep() {
  {
    std::lock_guard lock(mutex_);
    if (!waiters_.empty()) return;  // waiting again since: the armed sweep is theirs
    sweep_at_.reset();
  }
  // A timer left armed would keep the io_context busy until it fired, for nothing.
  sweep_timer_.cancel();
}

void PoolImpl::complete(std::unique_ptr<GrantHandler> handler, boost::system::error_code ec, Grant grant) {
  handler->complete(executor_, ec, std::move(grant));
}

void PoolImpl::take_expired_idle(SteadyTime now, std::vector<std::unique_ptr<Connection>>& out) {
  if (options_.idle_timeout.count() <= 0) return;
  // Appended as they come back and taken from anywhere: the longest idle are at the front.
  const auto cutoff = now - options_.idle_timeout;
  auto end = idle_.begin();
  while (end != idle_.end() && (*end)->idle_since <= cutoff) ++end;
  const std::size_t before = out.size();
  for (auto it = idle_.begin(); it != end; ++it) out.push_back(std::move(*it));
  idle_.erase(idle_.begin(), end);
  open_ -= out.size() - before;
}

void PoolImpl::hand_over(std::unique_ptr<Connection> connection) noexcept {
  std::unique_ptr<GrantHandler> handler;
  std::unique_ptr<Connection> to_close;
  std::vector<std::unique_ptr<Connection>> expired;
  bool disarm = false;
  {
    std::lock_guard lock(mutex_);
    if (!closed_ && !waiters_.empty()) {
      // The slot (and the connection, if any) passes straight to the oldest waiter. Its deadline
      // may still be the armed sweep's: that sweep then finds nothing due and re-arms, unless
      // nobody waits any more and the sweep is disarmed.
      handler = std::move(waiters_.front().handler);
      waiters_.pop_front();
      disarm = waiters_.empty() && sweep_at_.has_value();
    } else {
      --in_use_;
      if (connection && !closed_) {
        connection->idle_since = steady_clock::now();
        take_expired_idle(connection->idle_since, expired);
        idle_.push_back(std::move(connection));
      } else {
        --open_;
        to_close = std::move(connection);
      }
    }
  }
  if (handler) {
    try {
      complete(std::move(handler), {}, Grant{std::move(connection)});
    } catch (const std::exception& e) {
      spdlog::error("database: could not wake a waiter: {}", e.what());
    }
  }
  if (disarm) {
    try {
      asio::post(sweep_strand_,
                 [self = std::static_pointer_cast<PoolImpl>(shared_from_this())] { self->disarm_sweep(); });
    } catch (const std::exception& e) {
      spdlog::debug("database: could not disarm the acquisition sweep: {}", e.what());  // it fires for nothing
    }
  }
  if (!expired.empty()) spdlog::debug("database: closed {} connection(s) idle for too long", expired.size());
  // to_close and expired are destroyed (PQfinish) outside the lock.
}

void PoolImpl::release(std::unique_ptr<Connection> connection) noexcept {
  if (!connection) return;
  if (connection->usable()) {
    switch (connection->transaction_state()) {
      case TxState::Idle:
        return hand_over(std::move(connection));
      case TxState::InTransaction:
      case TxState::Failed:
        try {
          // Dropped without commit or rollback: roll back before anyone else may use it.
          asio::co_spawn(executor_,
                         roll_back_then_release(std::static_pointer_cast<PoolImpl>(shared_from_this()),
                                                std::move(connection)),
                         asio::detached);
          return;
        } catch (const std::exception& e) {
          spdlog::error("database: could not schedule a rollback: {}", e.what());
        }
        break;
      case TxState::Unknown:
        break;
    }
  }
  connection.reset();
  hand_over(nullptr);
}

awaitable<void> PoolImpl::roll_back_then_release(std::shared_ptr<PoolImpl> self,
                                                 std::unique_ptr<Connection> connection) {
  bool clean = false;
  try {
    auto bound = std::max<std::chrono::milliseconds>(self->options_.statement_timeout, std::chrono::seconds(1));
    co_await connection->execute_script("ROLLBACK", steady_clock::now() + bound);
    clean = connection->usable() && connection->transaction_state() == TxState::Idle;
  } catch (const std::exception& e) {
    spdlog::warn("database: rollback of an abandoned transaction failed: {}", e.what());
  }
  if (!clean) connection.reset();
  self->hand_over(std::move(connection));
}

std::vector<std::string> PoolImpl::session_prelude(const Connection& connection, std::string_view module) const {
  if (connection.session_module == module) return {};
  // Session level, not SET LOCAL: a connection serving the same module again (the common case)
  // then needs no extra statement at all. Switching costs one or two cached prepared statements, sent in
  // the same round trip as the work.
  if (module.empty()) return {"RESET ROLE", "RESET statement_timeout"};
  std::vector<std::string> prelude{"SET ROLE \"" + module_role(module) + "\""};
  // Every module gets the same timeout: it is already in place when the session is known to
  // serve another module (module SQL never sets it: tests/architecture/module_sql_test.cpp).
  if (!connection.session_module || connection.session_module->empty()) {
    prelude.push_back("SET statement_timeout = " + std::to_string(options_.statement_timeout.count()));
  }
  return prelude;
}

awaitable<std::unique_ptr<PooledConnection>> PoolImpl::acquire_as_owner() {
  auto pooled = co_await acquire(std::string_view());
  auto& connection = pooled->get();
  const auto prelude = session_prelude(connection, "");
  if (!prelude.empty()) {
    std::vector<Connection::Statement> batch;
    for (const auto& s : prelude) batch.push_back({s});
    connection.session_module.reset();
    co_await connection.execute_batch(batch);
    connection.session_module = std::string();
  }
  co_return pooled;
}

awaitable<Transaction> PoolImpl::begin_with(std::string begin, std::string module) {
  // Nothing is sent yet: Transaction::execute sends BEGIN (and the session SETs the connection
  // needs for `module`) with the first statement.
  auto pooled = co_await acquire(std::string_view(module));
  pooled->pending_begin = std::move(begin);
  co_return Transaction(std::move(pooled), std::move(module));
}

awaitable<Transaction> PoolImpl::begin(std::string_view module, TxOptions options) {
  check_module_name(module);
  std::string begin = "BEGIN ISOLATION LEVEL ";
  switch (options.isolation) {
    case Isolation::ReadCommitted:
      begin += "READ COMMITTED";
      break;
    case Isolation::RepeatableRead:
      begin += "REPEATABLE READ";
      break;
    case Isolation::Serializable:
      begin += "SERIALIZABLE";
      break;
  }
  if (options.read_only) begin += " READ ONLY";
  co_return co_await begin_with(std::move(begin), std::string(module));
}

awaitable<Result> PoolImpl::execute(std::string_view module, std::string_view sql, const Params& params) {
  check_module_name(module);
  auto pooled = co_await acquire(module);
  auto& connection = pooled->get();
  // One statement in autocommit: PostgreSQL runs it in its own implicit transaction. When the
  // connection last served another module, the role and timeout SETs go first in the same
  // round trip (and are undone with it if the statement fails: session_module stays unknown).
  const auto prelude = session_prelude(connection, module);
  std::vector<Connection::Statement> batch;
  batch.reserve(prelude.size() + 1);
  for (const auto& s : prelude) batch.push_back({s});
  batch.push_back({sql, &params});
  if (!prelude.empty()) connection.session_module.reset();
  auto results = co_await connection.execute_batch(batch);
  connection.session_module = std::string(module);
  co_return std::move(results.back());
}

awaitable<Result> PoolImpl::execute_as_owner(std::string_view sql, const Params& params) {
  auto pooled = co_await acquire_as_owner();
  co_return co_await pooled->get().execute_unnamed(sql, params);
}

awaitable<Transaction> PoolImpl::begin_as_owner() { co_return co_await begin_with("BEGIN", ""); }

awaitable<bool> PoolImpl::ping() {
  auto until = steady_clock::now() + kPingBound;
  bool ok = false;
  try {
    // Two tries: the first connection may be one the server closed while it sat idle.
    for (int attempt = 0; attempt < 2 && !ok; ++attempt) {
      auto pooled = co_await acquire(until, until);
      try {
        const Params none;
        co_await pooled->get().execute_unnamed("SELECT 1", none, until);
        ok = true;
      } catch (const Unavailable&) {
        if (pooled->fresh()) throw;
      }
    }
  } catch (const std::exception& e) {
    spdlog::debug("database: ping failed: {}", e.what());
  }
  co_return ok;
}

PoolStats PoolImpl::stats() const {
  std::size_t shared = 0;
  {
    std::lock_guard lock(lanes_mutex_);
    shared = lanes_.size();
  }
  std::lock_guard lock(mutex_);
  return PoolStats{.size = open_,
                   .in_use = in_use_,
                   .shared = shared,
                   .waiting = waiters_.size(),
                   .waits_total = waits_total_,
                   .timeouts_total = timeouts_total_};
}

void PoolImpl::close() {
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<Waiter> waiters;
  std::vector<std::shared_ptr<SharedLane>> lanes;  // what is in flight on them finishes
  {
    std::lock_guard lock(lanes_mutex_);
    for (auto& lane : lanes_) lane->listed = false;
    lanes.swap(lanes_);
  }
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    idle.swap(idle_);
    open_ -= idle.size();
    waiters.swap(waiters_);
    sweep_at_.reset();
  }
  for (auto& w : waiters) complete(std::move(w.handler), asio::error::operation_aborted, {});
  asio::post(sweep_strand_, [self = std::static_pointer_cast<PoolImpl>(shared_from_this())] {
    self->sweep_timer_.cancel();
  });
}

}  // namespace detail
}  // namespace nelo::db
