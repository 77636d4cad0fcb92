#pragma once
// How values read in a notification: money in the reader's locale ("29,50 €" in French,
// "€29.50" in English) and an order's short reference ("#C7A5A9").

#include <string>
#include <string_view>

#include "shared/interfaces/money.hpp"

namespace nelo::notifications {

// fr: "1 234,50 €" (narrow no-break space between thousands, no-break space before the symbol);
// en: "€1,234.50". Currencies without a symbol here read "12.50 CHF" / "12,50 CHF"; zero-decimal
// currencies (JPY, KRW) have no decimals.
std::string format_money(const Money& money, std::string_view locale);

// "#" and the last six hexadecimal digits of the order id, upper case (the random part of a
// UUIDv7): what a customer and a merchant say to each other on the phone.
std::string short_reference(std::string_view order_id);

}  // namespace nelo::notifications
