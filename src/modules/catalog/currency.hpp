#pragma once
// The currencies the catalog accepts for prices and minimum orders: ISO 4217 codes of currencies
// in use, with their minor unit (amounts are integers in that unit: cents for EUR, yen for JPY).

#include <optional>
#include <span>
#include <string_view>

namespace nelo::catalog {

struct Currency {
  std::string_view code;  // "EUR"
  int minor_digits;       // 2 for EUR: 1250 is 12.50
};

// Sorted by code.
std::span<const Currency> accepted_currencies() noexcept;

// The currency for an exact, upper-case code; nullopt for "eur", "XXX", "EURO", ...
std::optional<Currency> find_currency(std::string_view code) noexcept;

}  // namespace nelo::catalog
