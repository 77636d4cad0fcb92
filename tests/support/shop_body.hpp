#pragma once
// The body of `POST /api/v1/catalog/merchants` for a test shop at the Hôtel de Ville in Paris:
// open around the clock (or never), delivering 3 km around it. One copy for the suites that open a
// shop through the API (orders e2e, the authorization matrix, the fault harness).

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace nelo::test {

inline constexpr double kShopLat = 48.8566;
inline constexpr double kShopLng = 2.3522;

struct ShopOptions {
  bool open = true;                  // false: no opening hours at all
  std::int64_t min_order_cents = 1500;
};

inline boost::json::object shop_body(const std::string& name, ShopOptions options = {}) {
  namespace json = boost::json;
  json::object hours;
  if (options.open) {
    for (const char* day : {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
      hours[day] = json::array{json::object{{"opens", "00:00"}, {"closes", "24:00"}}};
    }
  }
  return json::object{{"name", name},
                      {"description", "Pizzeria"},
                      {"address", "1 place de l'Hôtel de Ville, 75004 Paris"},
                      {"lat", kShopLat},
                      {"lng", kShopLng},
                      {"phone", "+33142685300"},
                      {"opening_hours", std::move(hours)},
                      {"time_zone", "Europe/Paris"},
                      {"prep_time_minutes", 15},
                      {"min_order", json::object{{"amount", options.min_order_cents}, {"currency", "EUR"}}},
                      {"delivery_radius_m", 3000}};
}

}  // namespace nelo::test
