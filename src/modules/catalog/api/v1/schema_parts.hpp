#pragma once
// Pieces of the catalog's response bodies and OpenAPI (JSON Schema) descriptions shared by
// merchants and products.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>

namespace nelo::catalog {

boost::json::object uuid_schema(const char* description = nullptr);
boost::json::object timestamp_schema();
boost::json::object text_schema(std::size_t max_length, const char* description = nullptr);
boost::json::object nullable_text_schema(std::size_t max_length, const char* description = nullptr);
boost::json::object integer_schema(std::int64_t minimum, std::int64_t maximum, const char* description = nullptr);
// {amount, currency}; the currency is one of the accepted ISO 4217 codes.
boost::json::object money_schema(std::int64_t min_amount, std::int64_t max_amount, const char* description = nullptr);
// {items: [item], next_cursor}
boost::json::object page_schema(boost::json::value item);

}  // namespace nelo::catalog
