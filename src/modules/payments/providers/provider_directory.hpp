#pragma once
// The payment providers this process knows, by name, and which one takes card payments
// (NELO_PAYMENTS_CARD_PROVIDER). A payment names its provider (payments.provider), so a payment
// made before the setting changed keeps being captured or voided by the provider that holds it.

#include <map>
#include <string>
#include <string_view>

#include "modules/payments/payment_models.hpp"
#include "modules/payments/providers/payment_provider.hpp"

namespace nelo::payments {

class ProviderDirectory {
 public:
  // Call during start-up only.
  void add(PaymentProvider& provider);
  // Throws std::invalid_argument naming the known providers when `name` is not one of them, or is
  // "cash" (which takes no card).
  void choose_card_provider(const std::string& name);

  // The provider for a new payment by `method`.
  PaymentProvider& for_method(PaymentMethod method) const;
  // The provider a payment names; std::logic_error when this process does not know it.
  PaymentProvider& named(std::string_view name) const;

 private:
  std::map<std::string, PaymentProvider*, std::less<>> providers_;
  PaymentProvider* card_ = nullptr;
};

}  // namespace nelo::payments
