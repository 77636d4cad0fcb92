#include "modules/notifications/templates/formatting.hpp"

#include <cstdint>
#include <cstdlib>

namespace nelo::notifications {
namespace {

constexpr std::string_view kNoBreakSpace = "\u00a0";
constexpr std::string_view kNarrowNoBreakSpace = "\u202f";

int decimals(std::string_view currency) {
  return currency == "JPY" || currency == "KRW" || currency == "VND" || currency == "CLP" ? 0 : 2;
}

std::string_view symbol(std::string_view currency) {
  if (currency == "EUR") return "€";
  if (currency == "USD") return "$";
  if (currency == "GBP") return "£";
  if (currency == "JPY") return "¥";
  return {};
}

std::string group_thousands(std::uint64_t whole, std::string_view separator) {
  std::string digits = std::to_string(whole);
  std::string out;
  const std::size_t n = digits.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.append(separator);
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string format_money(const Money& money, std::string_view locale) {
  const bool french = locale != "en";
  const int places = decimals(money.currency);
  const bool negative = money.amount < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(money.amount + 1)) + 1 : static_cast<std::uint64_t>(money.amount);
  std::uint64_t scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  std::string number = group_thousands(magnitude / scale, french ? kNarrowNoBreakSpace : ",");
  if (places > 0) {
    std::string fraction = std::to_string(magnitude % scale);
    while (static_cast<int>(fraction.size()) < places) fraction.insert(0, "0");
    number += (french ? "," : ".") + fraction;
  }
  const std::string_view sign = negative ? "-" : "";
  const std::string_view sym = symbol(money.currency);
  if (french) {
    return std::string(sign) + number + std::string(kNoBreakSpace) + (sym.empty() ? money.currency : std::string(sym));
  }
  if (sym.empty()) return std::string(sign) + number + " " + money.currency;
  return std::string(sign) + std::string(sym) + number;
}

std::string short_reference(std::string_view order_id) {
  std::string hex;
  for (const char c : order_id) {
    if (c != '-') hex += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (hex.size() > 6) hex = hex.substr(hex.size() - 6);
  return "#" + hex;
}

}  // namespace nelo::notifications
