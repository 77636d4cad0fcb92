#include "modules/deliveries/models.hpp"

namespace nelo::deliveries {

bool is_vehicle(std::string_view text) { return text == "bike" || text == "scooter" || text == "car"; }

}  // namespace nelo::deliveries
