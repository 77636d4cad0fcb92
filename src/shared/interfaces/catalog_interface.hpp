#pragma once
// What other modules may ask the catalog module (architecture rule 2): merchants and their
// products at current prices. Implemented in-process by modules/catalog/services/catalog_directory
// and, once catalog runs as its own service, by an HTTP client speaking the JSON mapping below.

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "shared/interfaces/money.hpp"

namespace nelo {

// A merchant as another module sees it. `open` answers "is it open at the instant asked for"
// (computed by the catalog from its weekly opening hours in the merchant's time zone), so callers
// never interpret opening hours themselves.
struct MerchantDto {
  std::string id;
  std::string owner_id;  // the merchant user who manages it
  std::string name;
  std::string phone;     // E.164
  std::string address;   // one printable line: "12 rue de Rivoli, 75004 Paris"
  double lat = 0;        // WGS 84 degrees
  double lng = 0;
  std::string time_zone;  // IANA, e.g. "Europe/Paris"
  int prep_time_minutes = 0;
  Money min_order;             // minimum subtotal, in the merchant's currency
  int delivery_radius_m = 0;   // straight-line distance from the merchant it delivers to
  bool open = false;           // open at the instant passed to get_merchant

  bool operator==(const MerchantDto&) const = default;
};

// A product at its current price. Deleted products are never returned.
struct ProductDto {
  std::string id;
  std::string merchant_id;
  std::string name;
  std::optional<std::string> description;
  Money price;
  bool available = true;
  std::optional<std::string> category;

  bool operator==(const ProductDto&) const = default;
};

class CatalogInterface {
 public:
  virtual ~CatalogInterface() = default;

  // The merchant, with `open` evaluated at `at`; nullopt for an unknown or malformed id.
  virtual boost::asio::awaitable<std::optional<MerchantDto>> get_merchant(std::string merchant_id,
                                                                          Timestamp at) = 0;

  // The products among `product_ids` that exist, are not deleted AND belong to `merchant_id`, in
  // no particular order; unknown, malformed or foreign ids are simply absent from the result.
  virtual boost::asio::awaitable<std::vector<ProductDto>> get_products(std::string merchant_id,
                                                                       std::vector<std::string> product_ids) = 0;
};

// JSON mapping: snake_case fields, absent optionals written as null, money as a Money object.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const MerchantDto& merchant);
MerchantDto tag_invoke(const boost::json::value_to_tag<MerchantDto>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const ProductDto& product);
ProductDto tag_invoke(const boost::json::value_to_tag<ProductDto>&, const boost::json::value& in);

}  // namespace nelo
