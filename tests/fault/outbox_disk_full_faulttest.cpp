// The disk under the outbox fills up: placements must be refused with a 503 (problem+json,
// Retry-After), never a 500, and nothing may be half-written (an order without its
// order.created, an outbox row without its order, an order without its lines). Once space is
// freed, placements succeed again by themselves.
//
// How the disk is filled, without Docker: orders.outbox is moved to a PostgreSQL tablespace on a
// 1 MiB tmpfs (mount -t tmpfs, which needs root: the test is skipped otherwise), and a filler
// table in the same tablespace takes every remaining byte. PostgreSQL then fails to extend the
// outbox's files with ENOSPC (SQLSTATE 53100 disk_full), exactly as on a full volume; the WAL and
// the other tables stay on the cluster's own disk, so only the outbox's writes fail.

#include <unistd.h>

#include "fault/fault_fixture.hpp"
#include "support/eventually.hpp"

namespace nelo::test {
namespace {

TEST_F(FaultTest, DiskUnderTheOutboxFull_PlacementsRefusedWith503_NothingHalfWritten) {
  try {
    tmpfs_ = std::make_unique<TmpfsMount>("1m");
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no tmpfs for the outbox's tablespace (root is needed to mount one): " << e.what();
  }
  constexpr auto kDeadline = 8s;
  constexpr int kRefusalsToCheck = 10;
  const std::string location = tmpfs_->make_folder("outbox");
  sql_exec(database_url_, "CREATE TABLESPACE fault_outbox LOCATION '" + location + "'");
  sql_exec(database_url_, "ALTER TABLE orders.outbox SET TABLESPACE fault_outbox");

  std::vector<Attempt> attempts;
  auto place = [&](const std::string& key) {
    attempts.push_back(place_order(server_->port(), world_, key, kDeadline));
    return attempts.back();
  };
  int n = 0;
  auto next_key = [&] { return "full-" + std::to_string(n++); };
  for (int i = 0; i < 5; ++i) ASSERT_EQ(place(next_key()).status, 201) << attempts.back().body;

  // Room left inside the outbox's own pages (what a refused placement's rolled-back rows free, for
  // one) lets a small event fit on a full disk, and the filler table cannot take it: a held
  // transaction fills it with rows it never commits, before each placement checked for a refusal.
  HeldTransaction outbox_room(database_url_);
  const auto take_outbox_room = [&] {
    for (int size : {1800, 400, 100, 20, 1}) {
      const std::string row = "INSERT INTO orders.outbox (id, name, version, payload) VALUES (gen_random_uuid(),"
                              " 'fault.filler', 1, jsonb_build_object('pad', repeat('x', " + std::to_string(size) + ")))";
      while (outbox_room.try_exec(row)) {
      }
    }
  };
  // Every byte left goes to the filler: its INSERT fails with ENOSPC and the blocks it got stay.
  sql_exec(database_url_, "CREATE TABLE public.fault_filler (n bigint) TABLESPACE fault_outbox");
  std::string fill_error;
  try {
    sql_exec(database_url_, "INSERT INTO public.fault_filler SELECT generate_series(1, 100000000)");
  } catch (const std::exception& e) {
    fill_error = e.what();
  }
  ASSERT_NE(fill_error.find("No space left on device"), std::string::npos) << "the tablespace did not fill: " << fill_error;

  // The outbox's last page may still have room for a few events: place until the first refusal.
  int created_while_filling = 0;
  for (int i = 0; i < 200; ++i) {
    const int status = place(next_key()).status;
    if (status == 201) {
      ++created_while_filling;
      continue;
    }
    break;
  }
  const Attempt first_refusal = attempts.back();
  std::vector<Attempt> refusals{first_refusal};
  // A placement may still fit now and then: dead rows of a refused placement become free room
  // once no open transaction (a bus delivery's, say) can still see them, which the filler cannot
  // take before. Such a placement is accepted whole (the reconciliation below checks it), so it
  // is counted apart; every other answer must be a clean refusal.
  int fitted_while_full = 0;
  for (int i = 1; static_cast<int>(refusals.size()) < kRefusalsToCheck && i < 3 * kRefusalsToCheck; ++i) {
    take_outbox_room();
    const Attempt a = place(next_key());
    if (a.status == 201) {
      ++fitted_while_full;
    } else {
      refusals.push_back(a);
    }
  }
  EXPECT_EQ(static_cast<int>(refusals.size()), kRefusalsToCheck)
      << "the full disk refused only " << refusals.size() << " placements; " << fitted_while_full << " fitted";
  const auto half_written_when_full = half_written_orders(database_url_, "full");

  // Space comes back: placements succeed again, with nothing restarted.
  outbox_room.release();
  sql_exec(database_url_, "DROP TABLE public.fault_filler");
  bool recovered = eventually_blocking([&] { return place(next_key()).status == 201; }, 15s);
  const auto half_written = half_written_orders(database_url_, "full");
  // Leave the cluster as it was, so that it stops cleanly before the tmpfs goes.
  sql_exec(database_url_, "ALTER TABLE orders.outbox SET TABLESPACE pg_default");
  sql_exec(database_url_, "DROP TABLESPACE fault_outbox");

  long conflicting = 0;
  const Reconciliation r = reconcile(database_url_, "full", acknowledged_orders(attempts, &conflicting));
  const auto refused = select(refusals, [](const Attempt& a) { return a.status == 503; });
  FaultReport report;
  report.scenario = "outbox-disk-full";
  report.injected = "orders.outbox on a 1 MiB tmpfs tablespace filled to ENOSPC, then space freed";
  report.sent = static_cast<long>(attempts.size());
  report.acknowledged = r.acknowledged;
  report.lost = r.lost;
  report.duplicated = r.duplicated + conflicting;
  report.details = "accepted after the fill until the outbox's pages ran out=" + std::to_string(created_while_filling) +
                   ", fitted in freed room later=" + std::to_string(fitted_while_full) +
                   ", " + describe("503", refused) + " of " + std::to_string(refusals.size()) +
                   " placements on the full disk, half-written=" + std::to_string(half_written) +
                   ", recovered after freeing space=" + (recovered ? "yes" : "no");
  report.print_and_check();
  for (const auto& p : r.problems) ADD_FAILURE() << p;

  for (const auto& a : refusals) {
    EXPECT_EQ(a.status, 503) << a.error << a.body;
    EXPECT_TRUE(a.problem_json) << a.body;
    EXPECT_TRUE(a.retry_after) << "a 503 without Retry-After: " << a.body;
  }
  EXPECT_EQ(half_written_when_full, 0);
  EXPECT_EQ(half_written, 0);
  EXPECT_EQ(r.unacknowledged_commits, 0) << "an order was stored although its placement was refused";
  EXPECT_TRUE(recovered) << "no placement succeeded within 15 s of freeing space";
}

}  // namespace
}  // namespace nelo::test
