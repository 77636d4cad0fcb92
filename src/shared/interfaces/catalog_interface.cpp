#include "shared/interfaces/catalog_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "shared/interfaces/dto_json.hpp"

namespace nelo {
namespace json = boost::json;
namespace {

using dto_json::Fields;
using dto_json::optional_string;

}  // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const MerchantDto& merchant) {
  out = json::object{{"id", merchant.id},
                     {"owner_id", merchant.owner_id},
                     {"name", merchant.name},
                     {"phone", merchant.phone},
                     {"address", merchant.address},
                     {"lat", merchant.lat},
                     {"lng", merchant.lng},
                     {"time_zone", merchant.time_zone},
                     {"prep_time_minutes", merchant.prep_time_minutes},
                     {"min_order", json::value_from(merchant.min_order)},
                     {"delivery_radius_m", merchant.delivery_radius_m},
                     {"open", merchant.open}};
}

MerchantDto tag_invoke(const json::value_to_tag<MerchantDto>&, const json::value& in) {
  Fields f(in, "MerchantDto");
  MerchantDto merchant;
  merchant.id = f.string("id");
  merchant.owner_id = f.string("owner_id");
  merchant.name = f.string("name");
  merchant.phone = f.string("phone");
  merchant.address = f.string("address");
  merchant.lat = f.number("lat");
  merchant.lng = f.number("lng");
  merchant.time_zone = f.string("time_zone");
  merchant.prep_time_minutes = f.integer("prep_time_minutes");
  merchant.min_order = f.nested<Money>("min_order");
  merchant.delivery_radius_m = f.integer("delivery_radius_m");
  merchant.open = f.boolean("open");
  return merchant;
}

void tag_invoke(const json::value_from_tag&, json::value& out, const ProductDto& product) {
  out = json::object{{"id", product.id},
                     {"merchant_id", product.merchant_id},
                     {"name", product.name},
                     {"description", optional_string(product.description)},
                     {"price", json::value_from(product.price)},
                     {"available", product.available},
                     {"category", optional_string(product.category)}};
}

ProductDto tag_invoke(const json::value_to_tag<ProductDto>&, const json::value& in) {
  Fields f(in, "ProductDto");
  ProductDto product;
  product.id = f.string("id");
  product.merchant_id = f.string("merchant_id");
  product.name = f.string("name");
  product.description = f.optional_string("description");
  product.price = f.nested<Money>("price");
  product.available = f.boolean("available");
  product.category = f.optional_string("category");
  return product;
}

}  // namespace nelo
