#pragma once
// Every statement on <subscriber>.inbox, the subscriber's record of events it already handled.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <vector>
#include <cstdint>
#include <string>

#include "core/db/pool.hpp"
#include "shared/events/event.hpp"

namespace nelo::events {

class InboxRepository {
 public:
  explicit InboxRepository(db::Pool& pool) : pool_(pool) {}

  // In the subscriber's transaction (tx.module() is the subscriber), in one statement: for each
  // event, true if it is new, false if this subscriber already handled it. A concurrent delivery
  // of the same event waits here on the unique index until the first one's transaction ends.
  // Event ids must be in PostgreSQL's text form (as claimed from the outbox).
  boost::asio::awaitable<std::vector<bool>> record(db::Transaction& tx, const std::vector<const Event*>& events);

  // Deletes up to `limit` inbox rows older than `age`, as the subscriber's role.
  boost::asio::awaitable<std::int64_t> purge(const std::string& subscriber, std::chrono::milliseconds age,
                                             std::size_t limit);

 private:
  db::Pool& pool_;
};

}  // namespace nelo::events
