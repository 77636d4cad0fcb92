#include "shared/interfaces/user_interface.hpp"

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

  double number(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_number()) fail(name, "a number");
    return v.to_number<double>();
  }

  bool boolean(std::string_view name) const {
    const json::value& v = get(name);
    if (!v.is_bool()) fail(name, "a boolean");
    return v.get_bool();
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

void tag_invoke(const json::value_from_tag&, json::value& out, const UserDto& user) {
  out = json::object{{"id", user.id},
                     {"email", user.email},
                     {"name", user.name},
                     {"phone", optional_string(user.phone)},
                     {"locale", user.locale}};
}

UserDto tag_invoke(const json::value_to_tag<UserDto>&, const json::value& in) {
  Fields f(in, "UserDto");
  UserDto user;
  user.id = f.string("id");
  user.email = f.string("email");
  user.name = f.string("name");
  user.phone = f.optional_string("phone");
  user.locale = f.string("locale");
  return user;
}

void tag_invoke(const json::value_from_tag&, json::value& out, const AddressDto& address) {
  out = json::object{{"id", address.id},
                     {"user_id", address.user_id},
                     {"label", address.label},
                     {"line1", address.line1},
                     {"line2", optional_string(address.line2)},
                     {"city", address.city},
                     {"postal_code", address.postal_code},
                     {"country", address.country},
                     {"lat", address.lat},
                     {"lng", address.lng},
                     {"instructions", optional_string(address.instructions)},
                     {"is_default", address.is_default}};
}

AddressDto tag_invoke(const json::value_to_tag<AddressDto>&, const json::value& in) {
  Fields f(in, "AddressDto");
  AddressDto address;
  address.id = f.string("id");
  address.user_id = f.string("user_id");
  address.label = f.string("label");
  address.line1 = f.string("line1");
  address.line2 = f.optional_string("line2");
  address.city = f.string("city");
  address.postal_code = f.string("postal_code");
  address.country = f.string("country");
  address.lat = f.number("lat");
  address.lng = f.number("lng");
  address.instructions = f.optional_string("instructions");
  address.is_default = f.boolean("is_default");
  return address;
}

}  // namespace nelo
