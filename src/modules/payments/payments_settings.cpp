#include "modules/payments/payments_settings.hpp"

#include <string>
#include <string_view>

#include "core/env_reader.hpp"
#include "core/http_url.hpp"
#include "core/security/tokens.hpp"
#include "core/text.hpp"

namespace nelo::payments {
namespace {

constexpr std::size_t kMinSecret = 16;
constexpr std::size_t kMaxSecrets = 8;

}  // namespace

PaymentsSettings payments_settings_from_environment(const std::map<std::string, std::string>* env) {
  PaymentsSettings s;
  EnvReader r(env);
  const std::string secrets_name = "NELO_PAYMENTS_WEBHOOK_SECRETS";
  if (auto secrets = r.get(secrets_name)) {
    std::string_view rest = *secrets;
    std::size_t position = 0;
    while (true) {
      ++position;
      const auto comma = rest.find(',');
      const std::string_view secret = trimmed(rest.substr(0, comma));
      // The value is never echoed: only which one is wrong.
      if (secret.size() < kMinSecret) {
        r.problem(secrets_name, "secret " + std::to_string(position) + " must be at least " +
                                    std::to_string(kMinSecret) + " characters");
      } else {
        s.webhook_secrets.emplace_back(secret);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (position > kMaxSecrets) r.problem(secrets_name, "holds more than " + std::to_string(kMaxSecrets) + " secrets");
  }
  r.duration("NELO_PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", s.webhook_tolerance, 1, 3600);
  r.string("NELO_PAYMENTS_CARD_PROVIDER", s.card_provider);
  r.integer("NELO_PAYMENTS_COMMISSION_BPS", s.commission_bps, 0, 10000);
  r.duration("NELO_PAYMENTS_AUTHORIZATION_TIMEOUT_SECONDS", s.authorization_timeout, 1, 86400);
  r.duration("NELO_PAYMENTS_ACTION_TIMEOUT_SECONDS", s.action_timeout, 1, 7 * 86400);
  r.duration("NELO_PAYMENTS_SWEEP_INTERVAL_MS", s.sweep_interval, 10, 3'600'000);
  r.duration("NELO_PAYMENTS_SANDBOX_SLOW_MS", s.sandbox_slow_delay, 0, 600'000);
  r.string("NELO_PAYMENTS_SANDBOX_WEBHOOK_URL", s.sandbox_webhook_url);
  if (auto url = r.get("NELO_PAYMENTS_SANDBOX_URL"); url && !url->empty()) {
    if (!parse_http_url(*url)) r.problem("NELO_PAYMENTS_SANDBOX_URL", "must be an http:// URL");
    s.sandbox_url = *url;
    while (!s.sandbox_url.empty() && s.sandbox_url.back() == '/') s.sandbox_url.pop_back();
  }
  if (auto key = r.get("NELO_PAYMENTS_SANDBOX_API_KEY")) s.sandbox_api_key = *key;
  if (auto journal = r.get("NELO_PAYMENTS_SANDBOX_JOURNAL")) s.sandbox_journal = *journal;
  r.throw_if_problems("payments");
  if (s.webhook_secrets.empty()) s.webhook_secrets.push_back("whsec_" + security::random_token(32));
  return s;
}

}  // namespace nelo::payments
