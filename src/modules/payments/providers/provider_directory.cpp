#include "modules/payments/providers/provider_directory.hpp"

#include <stdexcept>

namespace nelo::payments {

void ProviderDirectory::add(PaymentProvider& provider) { providers_[std::string(provider.name())] = &provider; }

void ProviderDirectory::choose_card_provider(const std::string& name) {
  auto it = providers_.find(name);
  if (it == providers_.end() || name == "cash") {
    std::string known;
    for (const auto& [n, p] : providers_) {
      if (n == "cash") continue;
      known += known.empty() ? n : ", " + n;
    }
    throw std::invalid_argument("invalid payments configuration: NELO_PAYMENTS_CARD_PROVIDER names no card provider"
                                " this build knows (known: " + known + ")");
  }
  card_ = it->second;
}

PaymentProvider& ProviderDirectory::for_method(PaymentMethod method) const {
  if (method == PaymentMethod::Cash) return named("cash");
  if (!card_) throw std::logic_error("payments: no card provider was chosen");
  return *card_;
}

PaymentProvider& ProviderDirectory::named(std::string_view name) const {
  auto it = providers_.find(name);
  if (it == providers_.end()) throw std::logic_error("payments: unknown provider '" + std::string(name) + "'");
  return *it->second;
}

}  // namespace nelo::payments
