#pragma once
// A checked-out connection shared by many short autocommit statements of one module at once
// (Pool::execute_pipelined). Private to the db layer.
//
// Each statement is sent as soon as it is submitted, with its own Sync (libpq pipeline mode), and
// the server answers them in order; one reader, started while anything is in flight, hands each
// outcome to its submitter. PostgreSQL then serves a burst of statements without sleeping between
// them, and no statement pays for a connection check-out of its own. The price is order: a slow
// statement delays the ones queued behind it on the same lane, which is why only statements known
// to be short are sent this way.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/db/completion.hpp"
#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::db {
class PooledConnection;
}

namespace nelo::db::detail {

class PoolImpl;

// A submitter waiting for its statement's outcome.
using OutcomeHandler = Completion<std::exception_ptr, Result>;

// Owned by the pool's lane list while it is given out, by its reader while statements are in
// flight, and by each submitter until answered; the last owner hands the connection back.
class SharedLane : public std::enable_shared_from_this<SharedLane> {
 public:
  SharedLane(std::shared_ptr<PoolImpl> pool, std::unique_ptr<PooledConnection> connection, std::string module);
  ~SharedLane();
  SharedLane(const SharedLane&) = delete;
  SharedLane& operator=(const SharedLane&) = delete;

  const std::string& module() const noexcept { return module_; }

  // Sends the statement and queues `handler` for its outcome. `sql` and `params` must stay valid
  // until the handler completes (the submitter awaits it). Safe from any thread.
  void submit(std::string_view sql, const Params& params, std::unique_ptr<OutcomeHandler> handler);

  // Bookkeeping of the pool's lane list, guarded by the pool's lanes mutex: statements given this
  // lane and not yet answered, and whether it is still given out.
  std::size_t reserved = 0;
  bool listed = true;

 private:
  // The reader: one at a time, while statements are in flight. Static with an owning `self`.
  static boost::asio::awaitable<void> read(std::shared_ptr<SharedLane> self);
  boost::asio::awaitable<void> read_until_idle();
  // With mutex_ held: takes the handlers of every statement still in flight (to fail them).
  std::deque<std::unique_ptr<OutcomeHandler>> take_all_pending();

  std::shared_ptr<PoolImpl> pool_;
  std::string module_;

  // Guards everything below and every use of the connection, but for the reader's socket waits
  // (only the reader waits; abort() only shuts the socket down, which is safe alongside a wait).
  std::mutex mutex_;
  std::unique_ptr<PooledConnection> connection_;
  std::deque<std::unique_ptr<OutcomeHandler>> pending_;  // in the order sent
  bool reading_ = false;
  bool failed_ = false;
  std::exception_ptr failure_;
};

}  // namespace nelo::db::detail
