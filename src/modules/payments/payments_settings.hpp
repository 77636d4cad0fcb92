#pragma once
// The payments module's settings, from NELO_PAYMENTS_* environment variables
// (docs/operations.md, "Payments").

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace nelo::payments {

struct PaymentsSettings {
  // NELO_PAYMENTS_WEBHOOK_SECRETS: the secrets webhooks are signed with, comma-separated, at least
  // 16 characters each, at most 8. A webhook signed with any of them is accepted, so that a secret
  // can rotate: add the new one, move the sender to it, then remove the old one. Unset: one random
  // secret made at start, which only a sender in the same process can know.
  std::vector<std::string> webhook_secrets;
  // NELO_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS: how far a webhook's signed timestamp may be from
  // the server's clock, either way, before it is refused as stale (a replay).
  std::chrono::seconds webhook_tolerance{300};
  // NELO_PAYMENTS_CARD_PROVIDER: which PaymentProvider takes card payments, by name ("sandbox").
  // Adding a provider means implementing the interface and naming it here.
  std::string card_provider = "sandbox";
  // NELO_PAYMENTS_COMMISSION_BPS: the platform's commission on an order's subtotal, in basis
  // points (1000 = 10%), on top of the delivery and service fees (ledger/posting_rules.hpp).
  int commission_bps = 1000;
  // NELO_PAYMENTS_AUTHORIZATION_TIMEOUT_SECONDS: a card payment the provider was never asked
  // about (its token was lost in a crash) or that got no answer is failed after this long.
  std::chrono::seconds authorization_timeout{60};
  // NELO_PAYMENTS_ACTION_TIMEOUT_SECONDS: a card payment still waiting for the customer's
  // confirmation (3-D Secure) or the provider's late answer is voided at the provider and failed
  // after this long.
  std::chrono::seconds action_timeout{900};
  // NELO_PAYMENTS_SWEEP_INTERVAL_MS: how often those timeouts are looked for.
  std::chrono::milliseconds sweep_interval{5000};
  // NELO_PAYMENTS_SANDBOX_SLOW_MS: how long the sandbox takes to answer a tok_slow card.
  std::chrono::milliseconds sandbox_slow_delay{3000};
  // NELO_PAYMENTS_SANDBOX_WEBHOOK_URL: where the in-process sandbox posts its webhooks; unset:
  // this server's own endpoint on 127.0.0.1 and NELO_HTTP_PORT.
  std::string sandbox_webhook_url;
  // NELO_PAYMENTS_SANDBOX_URL: where `nelo sandbox-processor` runs (http://host:port); empty: the
  // sandbox processor runs inside this process.
  std::string sandbox_url;
  // NELO_PAYMENTS_SANDBOX_API_KEY: the key nelo presents to it (its --api-key), if it asks for one.
  std::string sandbox_api_key;
  // NELO_PAYMENTS_SANDBOX_JOURNAL: the in-process sandbox's records file (sandbox_journal.hpp),
  // which `nelo payments reconcile` reads too; empty: in memory only.
  std::string sandbox_journal;
};

// Reads the NELO_PAYMENTS_* variables (`env` overrides getenv, for tests). Throws
// std::invalid_argument listing every bad variable.
PaymentsSettings payments_settings_from_environment(const std::map<std::string, std::string>* env = nullptr);

}  // namespace nelo::payments
