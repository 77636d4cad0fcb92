#include "shared/interfaces/delivery_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

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

  // Absent or null: nullopt; an object: the nested DTO (its errors prefixed with this field).
  const json::value* optional_object(std::string_view name) const {
    const json::value* v = object_->if_contains(name);
    if (!v || v->is_null()) return nullptr;
    if (!v->is_object()) fail(name, "an object or null");
    return v;
  }

  std::string path(std::string_view name) const { return std::string(dto_) + "." + std::string(name); }

 private:
  const json::value& get(std::string_view name) const {
    const json::value* v = object_->if_contains(name);
    if (!v) throw std::invalid_argument(path(name) + ": missing");
    return *v;
  }

  [[noreturn]] void fail(std::string_view name, std::string_view expected) const {
    throw std::invalid_argument(path(name) + ": expected " + std::string(expected));
  }

  std::string_view dto_;
  const json::object* object_ = nullptr;
};

DriverSummaryDto read_driver(const json::value& in) {
  Fields f(in, "DriverSummaryDto");
  DriverSummaryDto driver;
  driver.id = f.string("id");
  driver.name = f.string("name");
  driver.phone = f.optional_string("phone");
  return driver;
}

}  // namespace

void tag_invoke(const json::value_from_tag&, json::value& out, const DeliverySummaryDto& delivery) {
  json::value driver = nullptr;
  if (delivery.driver) {
    driver = json::object{{"id", delivery.driver->id},
                          {"name", delivery.driver->name},
                          {"phone", optional_string(delivery.driver->phone)}};
  }
  out = json::object{{"id", delivery.id},
                     {"order_id", delivery.order_id},
                     {"status", delivery.status},
                     {"driver", std::move(driver)},
                     {"estimated_arrival", optional_string(delivery.estimated_arrival)}};
}

DeliverySummaryDto tag_invoke(const json::value_to_tag<DeliverySummaryDto>&, const json::value& in) {
  Fields f(in, "DeliverySummaryDto");
  DeliverySummaryDto delivery;
  delivery.id = f.string("id");
  delivery.order_id = f.string("order_id");
  delivery.status = f.string("status");
  if (const json::value* driver = f.optional_object("driver")) {
    try {
      delivery.driver = read_driver(*driver);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(f.path("driver") + ": " + e.what());
    }
  }
  delivery.estimated_arrival = f.optional_string("estimated_arrival");
  return delivery;
}

}  // namespace nelo
