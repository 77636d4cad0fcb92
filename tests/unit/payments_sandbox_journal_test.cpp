// The sandbox processor's journal: what a processor writes is read back whole after a restart
// (charges in their last state, refunds included; events not yet delivered queued again, in
// order), delivered events are not sent twice, a line cut by a crash is skipped, and opening
// compacts the file.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "modules/payments/sandbox/sandbox_journal.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"

namespace nelo::payments {
namespace {

using namespace std::chrono_literals;

class StepClock final : public Clock {
 public:
  Timestamp now() const override { return now_; }

 private:
  Timestamp now_ = Timestamp(std::chrono::seconds(1'765'000'000));
};

class SandboxJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("nelo-journal-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "sub" / "sandbox.jsonl").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A processor recording into a journal opened on what the file holds, as the service does.
  struct Running {
    explicit Running(const Clock& clock) : processor(clock, 3000ms, "http://x/3ds") {}
    SandboxProcessor processor;
    std::unique_ptr<SandboxJournal> journal;
  };
  std::unique_ptr<Running> start() {
    auto r = std::make_unique<Running>(clock_);
    auto contents = SandboxJournal::read(path_);
    r->journal = std::make_unique<SandboxJournal>(path_, contents, false);
    r->processor.restore(std::move(contents.charges), std::move(contents.unsent));
    r->processor.record_with([j = r->journal.get()](const SandboxCharge& c, const SandboxEvent* e) {
      j->charge_changed(c, e);
    });
    return r;
  }
  std::size_t lines() const {
    std::ifstream in(path_);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  StepClock clock_;
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SandboxJournalTest, ChargesAndUnsentEventsSurviveARestart) {
  std::string visa, slow;
  {
    auto r = start();
    visa = r->processor.authorize({"pay-1", Money{2950, "EUR"}, "tok_visa"}).reference;
    ASSERT_TRUE(r->processor.capture(visa, Money{2950, "EUR"}).succeeded);
    ASSERT_TRUE(r->processor.refund(visa, "refund-1", Money{1000, "EUR"}).succeeded);
    slow = r->processor.authorize({"pay-2", Money{1200, "EUR"}, "tok_slow"}).reference;
    const auto sent = r->processor.take_events();  // the sender took them...
    ASSERT_EQ(sent.size(), 3u);
    r->journal->event_settled(sent[0].id);  // ...and delivered only the first before the crash
  }
  auto r = start();
  const auto charge = r->processor.charge(visa);
  ASSERT_TRUE(charge);
  EXPECT_EQ(charge->status, "captured");
  EXPECT_EQ(charge->payment_id, "pay-1");
  EXPECT_EQ(charge->captured, 2950);
  EXPECT_EQ(charge->refunded, 1000);
  ASSERT_EQ(charge->refunds.size(), 1u);
  EXPECT_EQ(charge->refunds[0].refund_id, "refund-1");
  EXPECT_EQ(r->processor.charge(slow)->status, "processing");
  EXPECT_TRUE(r->processor.charge(slow)->settles_at.has_value());
  // The two undelivered events are queued again, in order.
  const auto again = r->processor.take_events();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].type, "payment.captured");
  EXPECT_EQ(again[1].type, "refund.succeeded");
  // Retries stay idempotent across the restart: same payment, same refund id.
  EXPECT_EQ(r->processor.authorize({"pay-1", Money{2950, "EUR"}, "tok_visa"}).reference, visa);
  EXPECT_TRUE(r->processor.refund(visa, "refund-1", Money{1000, "EUR"}).succeeded);
  EXPECT_EQ(r->processor.charge(visa)->refunded, 1000);
  EXPECT_TRUE(r->processor.take_events().empty()) << "a retry is no new event";
}

TEST_F(SandboxJournalTest, ALineCutByACrashIsSkippedAndOpeningCompacts) {
  {
    auto r = start();
    const auto ref = r->processor.authorize({"pay-1", Money{2950, "EUR"}, "tok_visa"}).reference;
    r->processor.capture(ref, Money{2950, "EUR"});
    for (const auto& e : r->processor.take_events()) r->journal->event_settled(e.id);
  }
  EXPECT_EQ(lines(), 4u) << "two changes, two deliveries";
  {
    std::ofstream out(path_, std::ios::app);
    out << R"({"charge": {"reference": "sbx_cut)";  // no newline: the crash cut it
  }
  const auto contents = SandboxJournal::read(path_);
  EXPECT_EQ(contents.skipped_lines, 1u);
  EXPECT_EQ(contents.charges.size(), 1u);
  EXPECT_TRUE(contents.unsent.empty());
  auto r = start();
  EXPECT_EQ(lines(), 1u) << "compacted: the charge's last state only";
  EXPECT_EQ(r->processor.charges().size(), 1u);
}

TEST_F(SandboxJournalTest, NoFileIsAnEmptyProcessor) {
  const auto contents = SandboxJournal::read(path_);
  EXPECT_TRUE(contents.charges.empty());
  EXPECT_TRUE(contents.unsent.empty());
  auto r = start();
  EXPECT_TRUE(std::filesystem::exists(path_)) << "created, with its folder";
}

}  // namespace
}  // namespace nelo::payments
