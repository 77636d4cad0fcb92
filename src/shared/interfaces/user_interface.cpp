#include "shared/interfaces/user_interface.hpp"

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
