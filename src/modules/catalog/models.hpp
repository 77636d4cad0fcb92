#pragma once
// Domain types of the catalog module: what repositories return and services work on.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/clearable.hpp"
#include "core/time.hpp"
#include "modules/catalog/opening_hours.hpp"
#include "shared/interfaces/money.hpp"

namespace nelo::catalog {

// Who asks for a write: the owner of a merchant, or an admin, may change it and its products.
struct Actor {
  std::string user_id;
  bool is_admin = false;
};

struct Merchant {
  std::string id;
  std::string owner_id;
  std::string name;
  std::optional<std::string> description;
  std::string address;  // one printable line
  double lat = 0;       // WGS 84 degrees
  double lng = 0;
  std::string phone;  // E.164
  OpeningHours opening_hours;
  std::string time_zone;  // IANA, as listed by pg_timezone_names
  int prep_time_minutes = 0;
  Money min_order;  // its currency is the merchant's: every product is priced in it
  int delivery_radius_m = 0;
  bool open_now = false;  // at the instant the read was made for
  Timestamp created_at{};
  Timestamp updated_at{};
};

// POST /catalog/merchants, already validated (except the time zone, which the database knows).
struct NewMerchant {
  std::string name;
  std::optional<std::string> description;
  std::string address;
  double lat = 0;
  double lng = 0;
  std::string phone;
  OpeningHours opening_hours;
  std::string time_zone;
  int prep_time_minutes = 0;
  Money min_order;
  int delivery_radius_m = 0;
};

// PATCH /catalog/merchants/{id}, already validated. At least one field is present; lat and lng
// come together; opening_hours and min_order are replaced whole.
struct MerchantPatch {
  std::optional<std::string> name;
  Clearable<std::string> description;
  std::optional<std::string> address;
  std::optional<double> lat;
  std::optional<double> lng;
  std::optional<std::string> phone;
  std::optional<OpeningHours> opening_hours;
  std::optional<std::string> time_zone;
  std::optional<int> prep_time_minutes;
  std::optional<Money> min_order;
  std::optional<int> delivery_radius_m;
};

// Position in a distance-ordered search: the last merchant of the previous page.
struct SearchKey {
  double distance_m = 0;  // exactly as PostgreSQL computed it
  std::string id;

  bool operator==(const SearchKey&) const = default;
};

// GET /catalog/merchants, already validated.
struct MerchantSearch {
  double lat = 0;
  double lng = 0;
  int radius_m = 0;
  std::optional<std::string> text;  // case-insensitive substring of name or description
  bool open_now_only = false;
  std::size_t limit = 20;
  std::optional<SearchKey> after;
};

struct FoundMerchant {
  Merchant merchant;
  double distance_m = 0;
};

struct MerchantSearchPage {
  std::vector<FoundMerchant> items;
  std::optional<SearchKey> next;  // nullopt on the last page
};

// Lists in creation order (ids are UUIDv7, time-ordered) continue after the last id seen.
struct MerchantPage {
  std::vector<Merchant> items;
  std::optional<std::string> next_after;  // nullopt on the last page
};

struct Product {
  std::string id;
  std::string merchant_id;
  std::string name;
  std::optional<std::string> description;
  Money price;
  bool available = true;
  std::optional<std::string> category;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// POST /catalog/merchants/{id}/products, already validated (except that the currency must be
// the merchant's, which the service checks).
struct NewProduct {
  std::string name;
  std::optional<std::string> description;
  Money price;
  bool available = true;
  std::optional<std::string> category;
};

// PATCH /catalog/merchants/{id}/products/{product_id}, already validated. At least one field.
struct ProductPatch {
  std::optional<std::string> name;
  Clearable<std::string> description;
  std::optional<Money> price;
  std::optional<bool> available;
  Clearable<std::string> category;
};

struct ProductPage {
  std::vector<Product> items;
  std::optional<std::string> next_after;  // nullopt on the last page
};

// What a product write needs to know about its merchant.
struct MerchantRef {
  std::string id;
  std::string owner_id;
  std::string currency;
};

}  // namespace nelo::catalog
