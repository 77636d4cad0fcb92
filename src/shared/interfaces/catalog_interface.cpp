#include "shared/interfaces/catalog_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace nelo {
namespace json = boost::json;
namespace {

json::value optional_string(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

// Reads the fields of one DTO document; every failure names the DTO and the field.
class Fields {
 public:
  Fields(const json::value& in, std::string_view dto) : dto_(dto) {
    object_ = in.if_object();
    if (!object_) throw std::invalid_argument(std::string(dto) + ": expected a JSON object");
  }

  std::string string(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_string()) fail(name, "a string");
    return std::string(v.get_string());
  }

  std::optional<std::string> optional_string(std::string_view name) const {
    const json::value* v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(name, "a string or null");
    return std::string(v->get_string());
  }

  double number(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_number()) fail(name, "a number");
    return v.to_number<double>();
  }

  int integer(std::string_view name) const {
    const json::value& v = get(name);
    if (v.is_int64() && v.get_int64() >= std::numeric_limits<int>::min() &&
        v.get_int64() <= std::numeric_limits<int>::max()) {
      return static_cast<int>(v.get_int64());
    }
    if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
      return static_cast<int>(v.get_uint64());
    }
    fail(name, "an integer");
  }

  bool boolean(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_bool()) fail(name, "a boolean");
    return v.get_bool();
  }

  Money money(std::string_view name) const {
    const json::value& v = get(name);
    try {
      return json::value_to<Money>(v);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": " + e.what());
    }
  }

 private:
  const json::value& get(std::string_view name) const {
    const json::value* v = object_->if_contains(name);
    if (!v) throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": missing");
    return *v;
  }

  [[noreturn]] void fail(std::string_view name, std::string_view expected) const {
    throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": expected " + std::string(expected));
  }

  std::string_view dto_;
  const json::object* object_ = nullptr;
};

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
  merchant.min_order = f.money("min_order");
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
  product.price = f.money("price");
  product.available = f.boolean("available");
  product.category = f.optional_string("category");
  return product;
}

}  // namespace nelo
