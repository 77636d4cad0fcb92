#pragma once
// What other modules may ask the users module (architecture rule 2). Implemented in-process by
// the users module (modules/users/services/user_directory) and, once users runs as its own
// service, by an HTTP client speaking the JSON mapping declared below.

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <optional>
#include <string>

namespace nelo {

// A user's public profile. `email` is the address the account registered with (a copy kept by
// the users module); `phone` is E.164 ("+33612345678"); `locale` is "fr" or "en".
struct UserDto {
  std::string id;
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  std::string locale;

  bool operator==(const UserDto&) const = default;
};

// A delivery address of one user. `country` is ISO 3166-1 alpha-2 in upper case; `lat`/`lng`
// are WGS 84 degrees. Callers that need it later (an order) copy it: it may change or vanish.
struct AddressDto {
  std::string id;
  std::string user_id;
  std::string label;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string postal_code;
  std::string country;
  double lat = 0;
  double lng = 0;
  std::optional<std::string> instructions;
  bool is_default = false;

  bool operator==(const AddressDto&) const = default;
};

class UserInterface {
 public:
  virtual ~UserInterface() = default;

  // The user's profile, or nullopt when there is none (unknown id, malformed id, or the
  // account was registered so recently that its profile is not created yet).
  virtual boost::asio::awaitable<std::optional<UserDto>> get_user_by_id(std::string user_id) = 0;

  // The address, only if it exists AND belongs to `user_id`; nullopt otherwise (another user's
  // address is indistinguishable from a missing one).
  virtual boost::asio::awaitable<std::optional<AddressDto>> get_user_address(std::string user_id,
                                                                             std::string address_id) = 0;
};

// JSON mapping (boost::json::value_from / value_to), the wire form of the remote implementation:
// snake_case fields, absent optionals written as null. value_to throws std::invalid_argument
// naming the field when a document does not have the expected shape.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const UserDto& user);
UserDto tag_invoke(const boost::json::value_to_tag<UserDto>&, const boost::json::value& in);
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& out, const AddressDto& address);
AddressDto tag_invoke(const boost::json::value_to_tag<AddressDto>&, const boost::json::value& in);

}  // namespace nelo
