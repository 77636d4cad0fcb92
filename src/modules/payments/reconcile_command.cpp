// `nelo payments reconcile` (module.hpp): the snapshot of payments, refunds and ledger, the
// sandbox processor's records from wherever they are kept, and the report.

#include <exception>

#include "modules/payments/module.hpp"
#include "modules/payments/payments_settings.hpp"
#include "modules/payments/repositories/ledger_report_repository.hpp"
#include "modules/payments/sandbox/api/remote_sandbox_provider.hpp"
#include "modules/payments/sandbox/sandbox_journal.hpp"
#include "modules/payments/sandbox/sandbox_records.hpp"
#include "modules/payments/services/reconciliation.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;

// The sandbox processor's records: asked over HTTP when it runs on its own, read from its journal
// when it runs in process with one. `note` says where they came from, or why there are none.
asio::awaitable<std::optional<ProviderRecords>> sandbox_records_from(const PaymentsSettings& settings,
                                                                     std::string& note) {
  if (!settings.sandbox_url.empty()) {
    std::string failure;
    try {
      auto charges = co_await fetch_sandbox_charges(settings.sandbox_url, settings.sandbox_api_key);
      note = "sandbox records: " + std::to_string(charges.size()) + " charge(s) from " + settings.sandbox_url;
      co_return sandbox_records(charges);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    note = "sandbox records: not compared, " + failure;
    co_return std::nullopt;
  }
  if (!settings.sandbox_journal.empty()) {
    auto contents = SandboxJournal::read(settings.sandbox_journal);
    note = "sandbox records: " + std::to_string(contents.charges.size()) + " charge(s) from " +
           settings.sandbox_journal;
    co_return sandbox_records(contents.charges);
  }
  note =
      "sandbox records: not compared (the sandbox runs in process without a journal: set "
      "NELO_PAYMENTS_SANDBOX_JOURNAL or NELO_PAYMENTS_SANDBOX_URL)";
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<ReconcileOutcome> reconcile(db::ModuleDb& db) {
  const PaymentsSettings settings = payments_settings_from_environment();
  LedgerReportRepository ledger(db);
  // The database first, then the processor: a payment that moves in between shows as a
  // difference that the next run no longer finds.
  const PaymentsSnapshot snapshot = co_await ledger.snapshot();
  std::string note;
  const auto records = co_await sandbox_records_from(settings, note);
  const ReconciliationReport report = reconcile(snapshot, records);
  co_return ReconcileOutcome{note + "\n" + to_text(report), report.differences.empty()};
}

}  // namespace nelo::payments
