#pragma once
// Every statement on <publisher>.outbox and <publisher>.outbox_deliveries. Apart from insert(),
// which runs in the publishing module's own transaction, each call is one short statement run
// as the publisher's role.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/pool.hpp"
#include "shared/events/admin_types.hpp"
#include "shared/events/event.hpp"

namespace nelo::events {

// A pending delivery this instance now holds a lease on.
struct ClaimedDelivery {
  Event event;
  std::string subscriber;
  int attempts = 0;  // failed attempts before this one
  std::int64_t seq = 0;
};

// What a claim of a subscriber's stream of one publisher returned (docs/proposals/outbox-streams.md).
struct StreamClaim {
  std::string subscriber;
  bool leased = false;     // false: another owner holds the stream (or it does not exist)
  bool exhausted = false;  // the open range holds nothing past these deliveries
  std::vector<ClaimedDelivery> deliveries;  // in seq order
};

struct FailureOutcome {
  int attempts = 0;
  bool dead = false;
};

class OutboxRepository {
 public:
  explicit OutboxRepository(db::Pool& pool) : pool_(pool) {}

  // The event and one pending delivery per subscriber, in tx (the publisher's), queued to travel
  // with its COMMIT (db::CommitWriter::execute_rows_at_commit): no round trip of its own, and one
  // statement for all the events of tx, or of the transactions a db::GroupCommit commits with it.
  void insert_at_commit(db::CommitWriter& tx, const Event& event, const std::vector<std::string>& subscribers);

  // Leases up to `limit` due deliveries of each of these subscribers with a seq above its entry
  // of `after` (0: all), its oldest first, skipping rows another instance holds (row locks or an
  // unexpired lease). Sorted by seq.
  boost::asio::awaitable<std::vector<ClaimedDelivery>> claim(const std::string& publisher,
                                                             const std::vector<std::string>& subscribers,
                                                             const std::vector<std::int64_t>& after,
                                                             std::size_t limit, const std::string& owner,
                                                             std::chrono::milliseconds lease);

  // Creates the subscriber's stream of this publisher if it has none (it starts with what is
  // published from now on) and sets the event names it takes.
  boost::asio::awaitable<void> open_stream(const std::string& publisher, const std::string& subscriber,
                                           const std::vector<std::string>& names);
  // open_stream() for each subscriber, with its names (names[i] for subscribers[i]), in one
  // statement.
  boost::asio::awaitable<void> open_streams(const std::string& publisher, const std::vector<std::string>& subscribers,
                                            const std::vector<std::vector<std::string>>& names);

  // Leases the subscriber's stream to `owner` for `lease` and returns up to `limit` events of its
  // open range (opening one if none is open).
  boost::asio::awaitable<StreamClaim> claim_stream(const std::string& publisher, const std::string& subscriber,
                                                   const std::string& owner, std::size_t limit,
                                                   std::chrono::milliseconds lease);
  // claim_stream() for each of these subscribers, in one statement; one claim per subscriber, in
  // the same order (leased false for a stream another owner holds).
  boost::asio::awaitable<std::vector<StreamClaim>> claim_streams(const std::string& publisher,
                                                                 const std::vector<std::string>& subscribers,
                                                                 const std::string& owner, std::size_t limit,
                                                                 std::chrono::milliseconds lease);

  // After the subscriber committed the events up to `handled_seq`: moves the stream on, or closes
  // its range when `close_range`. False when `owner` no longer holds the stream.
  boost::asio::awaitable<bool> advance_stream(const std::string& publisher, const std::string& subscriber,
                                              const std::string& owner, std::int64_t handled_seq, bool close_range);

  // Gives up `owner`'s leases on these subscribers' streams (a graceful stop), so that another
  // instance takes them at once rather than when the leases expire. Returns how many.
  boost::asio::awaitable<std::int64_t> release_streams(const std::string& publisher,
                                                       const std::vector<std::string>& subscribers,
                                                       const std::string& owner);

  // A stream's event whose handler failed becomes a delivery row with its first failed attempt
  // counted: pending and due after `retry_in`, or dead when max_attempts is 1. From there the
  // retries, dead deliveries and replays of the row path take over; the stream moves past it.
  // nullopt when the row existed already (a chunk run again after a crash).
  boost::asio::awaitable<std::optional<FailureOutcome>> record_stream_failure(const ClaimedDelivery& delivery,
                                                                              const std::string& error,
                                                                              int max_attempts,
                                                                              std::chrono::milliseconds retry_in);

  // Marks the subscriber's deliveries of these events delivered, in one statement; returns how
  // many were still pending (the others another instance finished first).
  boost::asio::awaitable<std::int64_t> mark_delivered(const std::string& publisher, const std::string& subscriber,
                                                      const std::vector<std::string>& event_ids);

  // Counts a failed attempt and schedules the next one (or parks it as dead) if `owner` still
  // holds the lease; nullopt when it does not (the lease expired and someone else took over).
  boost::asio::awaitable<std::optional<FailureOutcome>> record_failure(
      const std::string& publisher, const std::string& event_id, const std::string& subscriber,
      const std::string& owner, const std::string& error, int max_attempts, std::chrono::milliseconds retry_in);

  // Dead deliveries after (after_seq, after_subscriber), in (seq, subscriber) order.
  boost::asio::awaitable<std::vector<DeadDelivery>> list_dead(const std::string& publisher, std::int64_t after_seq,
                                                              const std::string& after_subscriber, std::size_t limit);

  // dead -> pending, attempts reset, due now. False when no such dead delivery exists.
  boost::asio::awaitable<bool> replay(const std::string& publisher, const std::string& event_id,
                                      const std::string& subscriber);

  boost::asio::awaitable<PublisherStats> stats(const std::string& publisher);

  // Deletes up to `limit` delivered deliveries older than `age`; returns how many.
  boost::asio::awaitable<std::int64_t> purge_deliveries(const std::string& publisher, std::chrono::milliseconds age,
                                                        std::size_t limit);
  // Deletes up to `limit` events older than `age` that no delivery refers to any more.
  boost::asio::awaitable<std::int64_t> purge_events(const std::string& publisher, std::chrono::milliseconds age,
                                                    std::size_t limit);

 private:
  db::Pool& pool_;
};

}  // namespace nelo::events
