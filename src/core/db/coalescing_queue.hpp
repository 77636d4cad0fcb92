#pragma once
// Work that arrives while earlier batches of it are being served, taken together: what
// BatchedLookup (keys read by one statement) and GroupCommit (transactions committed by one)
// share. At most `max_in_flight` batches are served at once, each of at most `max_batch` items,
// oldest first; an item pushed while none is served starts a batch at once (posted, so that the
// items pushed in the same I/O turn join it).
//
// CRTP: `Derived` (held by std::shared_ptr) provides
//   boost::asio::awaitable<void> serve(std::vector<Item>& batch);
// which must complete every item of the batch. No work guard: while an item waits, a drain
// coroutine is running, which keeps the io_context busy.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

namespace nelo::db::detail {

template <class Derived, class Item>
class CoalescingQueue {
 public:
  // Queues `item` on `self`'s queue.
  static void push(const std::shared_ptr<Derived>& self, Item item) {
    CoalescingQueue& q = *self;
    bool start = false;
    {
      std::lock_guard lock(q.mutex_);
      q.pending_.push_back(std::move(item));
      if (q.draining_ < q.max_in_flight_) {
        ++q.draining_;
        start = true;
      }
    }
    if (start) boost::asio::co_spawn(q.executor_, drain(self), boost::asio::detached);
  }

 protected:
  CoalescingQueue(boost::asio::any_io_executor executor, std::size_t max_batch, std::size_t max_in_flight)
      : executor_(std::move(executor)), max_batch_(max_batch), max_in_flight_(max_in_flight) {
    if (max_batch_ == 0 || max_in_flight_ == 0) {
      throw std::invalid_argument("a batch and the batches in flight must be at least 1");
    }
  }

 private:
  // Serves the waiting items, a batch at a time, until none is left.
  static boost::asio::awaitable<void> drain(std::shared_ptr<Derived> self) {
    CoalescingQueue& q = *self;
    for (;;) {
      std::vector<Item> batch;
      {
        std::lock_guard lock(q.mutex_);
        if (q.pending_.empty()) {
          --q.draining_;
          co_return;
        }
        const auto take = static_cast<std::ptrdiff_t>(std::min(q.pending_.size(), q.max_batch_));
        batch.assign(std::make_move_iterator(q.pending_.begin()), std::make_move_iterator(q.pending_.begin() + take));
        q.pending_.erase(q.pending_.begin(), q.pending_.begin() + take);
      }
      co_await self->serve(batch);
    }
  }

  const boost::asio::any_io_executor executor_;
  const std::size_t max_batch_;
  const std::size_t max_in_flight_;
  std::mutex mutex_;
  std::vector<Item> pending_;  // oldest first
  std::size_t draining_ = 0;   // drain() coroutines running
};

}  // namespace nelo::db::detail
