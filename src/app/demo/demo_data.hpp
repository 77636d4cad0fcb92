#pragma once
// The demo data set: a small city of merchants, customers and drivers laid out around a centre
// point. Positions are offsets in metres from the centre, so the same city can be dropped
// anywhere (`nelo demo seed --center LAT,LNG`); the street names are those of central Paris.

#include <string>
#include <utility>
#include <vector>

namespace nelo::app::demo {

// The e-mail domain of every demo account: reserved for examples (RFC 2606), never delivered.
inline constexpr const char* kEmailDomain = "demo.nelo.example";
// Every demo account's password unless `--password` says otherwise. A demo, not a secret.
inline constexpr const char* kDefaultPassword = "nelo-demo-password";

struct Offset {
  double north_m = 0;
  double east_m = 0;
};

struct DemoProduct {
  DemoProduct(std::string name_, std::string description_, long long price_cents_, std::string category_,
              bool available_ = true)
      : name(std::move(name_)),
        description(std::move(description_)),
        price_cents(price_cents_),
        category(std::move(category_)),
        available(available_) {}

  std::string name;
  std::string description;
  long long price_cents = 0;  // EUR minor units
  std::string category;
  bool available = true;
};

// When a merchant is open. Most are open around the clock so the tour works at any hour.
enum class Hours {
  Always,       // every day 00:00-24:00
  LunchDinner,  // Monday to Saturday 12:00-14:30 and 19:00-22:30, closed on Sunday
  Bakery,       // Tuesday to Sunday 07:00-20:00, closed on Monday
  Creperie,     // every day 11:30-15:00 and 18:30-23:00
};

struct DemoMerchant {
  std::string account;  // local part of the owner's e-mail
  std::string owner_name;
  std::string name;
  std::string description;
  std::string street;  // "12 rue de Rivoli, 75004 Paris"
  Offset at;
  std::string phone;  // E.164
  Hours hours = Hours::Always;
  int prep_time_minutes = 15;
  long long min_order_cents = 1000;
  int delivery_radius_m = 4000;
  std::vector<DemoProduct> menu;
};

struct DemoAddress {
  std::string label;
  std::string line1;
  std::string postal_code;
  Offset at;
  std::string instructions;  // empty: none
};

struct DemoPerson {
  std::string account;  // local part of the e-mail
  std::string name;
  std::vector<DemoAddress> addresses;  // customers only
};

struct DemoCity {
  std::string city;     // of every address
  std::string country;  // ISO 3166-1 alpha-2
  std::string time_zone;
  DemoPerson admin;
  std::vector<DemoMerchant> merchants;
  std::vector<DemoPerson> customers;
  std::vector<DemoPerson> drivers;
};

const DemoCity& demo_city();

}  // namespace nelo::app::demo
