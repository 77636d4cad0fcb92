#include "shared/interfaces/delivery_interface.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <stdexcept>
#include <string_view>

#include "shared/interfaces/dto_json.hpp"

namespace nelo {
namespace json = boost::json;
namespace {

using dto_json::Fields;
using dto_json::optional_string;

}  // namespace

// Only value_to<std::optional<DriverSummaryDto>> below needs it: not declared in the header.
DriverSummaryDto tag_invoke(const json::value_to_tag<DriverSummaryDto>&, const json::value& in) {
  Fields f(in, "DriverSummaryDto");
  DriverSummaryDto driver;
  driver.id = f.string("id");
  driver.name = f.string("name");
  driver.phone = f.optional_string("phone");
  return driver;
}

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
                     {"estimated_arrival", optional_string(delivery.estimated_arrival)},
                     {"pin", optional_string(delivery.pin)}};
}

DeliverySummaryDto tag_invoke(const json::value_to_tag<DeliverySummaryDto>&, const json::value& in) {
  Fields f(in, "DeliverySummaryDto");
  DeliverySummaryDto delivery;
  delivery.id = f.string("id");
  delivery.order_id = f.string("order_id");
  delivery.status = f.string("status");
  delivery.driver = f.optional_nested<DriverSummaryDto>("driver");
  delivery.estimated_arrival = f.optional_string("estimated_arrival");
  delivery.pin = f.optional_string("pin");
  return delivery;
}

}  // namespace nelo
