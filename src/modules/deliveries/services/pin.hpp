#pragma once
// The proof-of-delivery PIN: shown to the customer with their order, asked by the driver at the
// door. Four digits from the CSPRNG; a few wrong tries lock it (DeliveriesSettings::pin_max_attempts).

#include <string>

namespace nelo::deliveries {

// "0000".."9999", uniformly.
std::string new_pin();

}  // namespace nelo::deliveries
