#pragma once
// The sandbox processor's records as JSON, for its journal file and its HTTP API (GET /v1/charges,
// what `nelo payments reconcile` compares nelo's payments with), and as a provider's records for
// reconciliation. Timestamps are microseconds since the Unix epoch, so a record reads back exactly.

#include <boost/json/value.hpp>

#include <optional>
#include <vector>

#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/services/reconciliation.hpp"

namespace nelo::payments {

boost::json::value charge_to_json(const SandboxCharge& charge);
// nullopt when `value` is not a charge (a field missing or of the wrong type). Never throws.
std::optional<SandboxCharge> charge_from_json(const boost::json::value& value);

boost::json::value event_to_json(const SandboxEvent& event);
std::optional<SandboxEvent> event_from_json(const boost::json::value& value);

// The charges as reconciliation reads a provider's records (provider "sandbox").
ProviderRecords sandbox_records(const std::vector<SandboxCharge>& charges);

}  // namespace nelo::payments
