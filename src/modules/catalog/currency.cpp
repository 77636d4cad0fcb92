#include "modules/catalog/currency.hpp"

#include <algorithm>
#include <array>

namespace nelo::catalog {
namespace {

// Active ISO 4217 codes (no funds, metals or testing codes such as XAU or XXX), sorted.
constexpr std::array kCurrencies = {
    Currency{"AED", 2}, Currency{"ARS", 2}, Currency{"AUD", 2}, Currency{"BGN", 2}, Currency{"BRL", 2},
    Currency{"CAD", 2}, Currency{"CHF", 2}, Currency{"CLP", 0}, Currency{"CNY", 2}, Currency{"COP", 2},
    Currency{"CZK", 2}, Currency{"DKK", 2}, Currency{"DZD", 2}, Currency{"EGP", 2}, Currency{"EUR", 2},
    Currency{"GBP", 2}, Currency{"HKD", 2}, Currency{"HUF", 2}, Currency{"IDR", 2}, Currency{"ILS", 2},
    Currency{"INR", 2}, Currency{"ISK", 0}, Currency{"JPY", 0}, Currency{"KES", 2}, Currency{"KRW", 0},
    Currency{"MAD", 2}, Currency{"MXN", 2}, Currency{"MYR", 2}, Currency{"NGN", 2}, Currency{"NOK", 2},
    Currency{"NZD", 2}, Currency{"PHP", 2}, Currency{"PLN", 2}, Currency{"RON", 2}, Currency{"RSD", 2},
    Currency{"SAR", 2}, Currency{"SEK", 2}, Currency{"SGD", 2}, Currency{"THB", 2}, Currency{"TND", 3},
    Currency{"TRY", 2}, Currency{"TWD", 2}, Currency{"UAH", 2}, Currency{"USD", 2}, Currency{"VND", 0},
    Currency{"XAF", 0}, Currency{"XOF", 0}, Currency{"ZAR", 2},
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < kCurrencies.size(); ++i) {
    if (!(kCurrencies[i - 1].code < kCurrencies[i].code)) return false;
  }
  return true;
}
static_assert(sorted(), "kCurrencies must stay sorted by code (find_currency searches it)");

}  // namespace

std::span<const Currency> accepted_currencies() noexcept { return kCurrencies; }

std::optional<Currency> find_currency(std::string_view code) noexcept {
  const auto it = std::lower_bound(kCurrencies.begin(), kCurrencies.end(), code,
                                   [](const Currency& c, std::string_view k) { return c.code < k; });
  if (it == kCurrencies.end() || it->code != code) return std::nullopt;
  return *it;
}

}  // namespace nelo::catalog
