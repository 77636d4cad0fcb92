#pragma once
// Tuning of the outbox bus. Production values come from Config (NELO_OUTBOX_*); tests shrink
// the intervals so they run in milliseconds.

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <string>

namespace nelo::events {

struct OutboxOptions {
  int max_attempts = 10;                               // then the delivery is parked as dead
  std::chrono::milliseconds poll_interval{500};        // safety net behind the on-commit wake-up
  std::chrono::milliseconds retry_base{1000};          // delay after the first failure, doubles
  std::chrono::milliseconds retry_cap{std::chrono::hours(1)};
  // How long a claimed delivery belongs to this instance. Must exceed the slowest handler:
  // past it, another instance may deliver the same event (the inbox then makes it a no-op).
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  // Delivered deliveries and their events are kept this long; inbox rows twice as long, so a
  // late redelivery still finds its inbox row.
  std::chrono::milliseconds retention{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds purge_interval{std::chrono::minutes(10)};
  std::size_t purge_batch = 1000;                      // rows per DELETE, to keep locks short
  std::size_t batch_size = 100;                        // deliveries claimed per lane and claim
  std::size_t max_in_flight = 8;                       // lanes running at once (each holds a connection)
  // A lane runs this many deliveries in one transaction of the subscriber (one BEGIN and COMMIT
  // for all); when one of them fails, that chunk is run again one delivery at a time.
  std::size_t deliveries_per_transaction = 16;
  // Claim rounds woken by commits start at most this often (a poll is never held back).
  std::chrono::milliseconds claim_linger{5};
  // A claim woken by commits reads a lane from this many seqs below the highest one the lane
  // claimed here, stepping over the delivered rows before (dead index entries until VACUUM, the
  // bulk of a claim's cost under load); a poll reads every lane from its start, so it finds what
  // lies further back: retries come due, expired leases, events committed long after their seq.
  std::int64_t claim_window = 4096;
  // Each subscriber reads each publisher's outbox from a position of its own (a stream,
  // docs/events.md), and only a failed delivery gets a row of its own for its retries. false: every
  // published event gets a delivery row per subscriber, as before events_0005; the tests of the
  // row path's leases and claims use it. All instances on one database must agree.
  bool streams = true;
  std::chrono::milliseconds stop_timeout{std::chrono::seconds(10)};  // stop() waits this long for handlers
  std::string instance_id;                             // lease owner; empty: "<host>:<pid>:<random>"
};

}  // namespace nelo::events
