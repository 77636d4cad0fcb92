#pragma once
// Internal to shared/interfaces/*.cpp: reading and writing the JSON mapping of interface DTOs
// (the wire form of a module's remote implementation). Every failure names the DTO and the field:
// std::invalid_argument("OrderSummaryDto.total.amount: expected an integer (minor units)").

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nelo::dto_json {

// An absent optional is written as null.
inline boost::json::value optional_string(const std::optional<std::string>& value) {
  return value ? boost::json::value(*value) : boost::json::value(nullptr);
}

class Fields {
 public:
  Fields(const boost::json::value& in, std::string_view dto) : dto_(dto) {
    object_ = in.if_object();
    if (!object_) throw std::invalid_argument(std::string(dto) + ": expected a JSON object");
  }

  std::string string(std::string_view name) const {
    const boost::json::value& v = get(name);
    if (!v.is_string()) fail(name, "a string");
    return std::string(v.get_string());
  }

  // Absent or null: nullopt.
  std::optional<std::string> optional_string(std::string_view name) const {
    const boost::json::value* v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) fail(name, "a string or null");
    return std::string(v->get_string());
  }

  double number(std::string_view name) const {
    const boost::json::value& v = get(name);
    if (!v.is_number()) fail(name, "a number");
    return v.to_number<double>();
  }

  int integer(std::string_view name) const {
    const boost::json::value& v = get(name);
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
    const boost::json::value& v = get(name);
    if (!v.is_bool()) fail(name, "a boolean");
    return v.get_bool();
  }

  // A nested document mapped by its own tag_invoke; its errors are prefixed with this field.
  template <class T>
  T nested(std::string_view name) const {
    return convert<T>(name, get(name));
  }

  // The same, when the field may be absent or null.
  template <class T>
  std::optional<T> optional_nested(std::string_view name) const {
    const boost::json::value* v = object_->if_contains(name);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_object()) fail(name, "an object or null");
    return convert<T>(name, *v);
  }

 private:
  template <class T>
  T convert(std::string_view name, const boost::json::value& v) const {
    try {
      return boost::json::value_to<T>(v);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": " + e.what());
    }
  }

  const boost::json::value& get(std::string_view name) const {
    const boost::json::value* v = object_->if_contains(name);
    if (!v) throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": missing");
    return *v;
  }

  [[noreturn]] void fail(std::string_view name, std::string_view expected) const {
    throw std::invalid_argument(std::string(dto_) + "." + std::string(name) + ": expected " + std::string(expected));
  }

  std::string_view dto_;
  const boost::json::object* object_ = nullptr;
};

}  // namespace nelo::dto_json
