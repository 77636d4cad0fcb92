#pragma once
// Domain types of the users module: what repositories return and services work on.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/clearable.hpp"
#include "core/time.hpp"

namespace nelo::users {

struct Profile {
  std::string user_id;
  std::string email;
  std::string name;
  std::optional<std::string> phone;
  std::string locale;
  Timestamp created_at{};
  Timestamp updated_at{};
};

struct Address {
  std::string id;
  std::string user_id;
  std::string label;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2, upper case
  double lat = 0;       // WGS 84 degrees
  double lng = 0;
  std::optional<std::string> instructions;
  bool is_default = false;
  Timestamp created_at{};
  Timestamp updated_at{};
};

// PATCH /users/me, already validated. At least one field is present.
struct ProfilePatch {
  std::optional<std::string> name;
  Clearable<std::string> phone;
  std::optional<std::string> locale;
};

// POST /users/me/addresses, already validated.
struct NewAddress {
  std::string label;
  std::string line1;
  std::optional<std::string> line2;
  std::string city;
  std::string postal_code;
  std::string country;
  double lat = 0;
  double lng = 0;
  std::optional<std::string> instructions;
  bool is_default = false;  // the user's first address becomes the default whatever this says
};

// PATCH /users/me/addresses/{id}, already validated. At least one field is present.
struct AddressPatch {
  std::optional<std::string> label;
  std::optional<std::string> line1;
  Clearable<std::string> line2;
  std::optional<std::string> city;
  std::optional<std::string> postal_code;
  std::optional<std::string> country;
  std::optional<double> lat;
  std::optional<double> lng;
  Clearable<std::string> instructions;
  std::optional<bool> is_default;
};

// Position in the address list (newest first): the last address of the previous page.
struct AddressKey {
  Timestamp created_at{};
  std::string id;

  bool operator==(const AddressKey&) const = default;
};

struct AddressPage {
  std::vector<Address> items;
  std::optional<AddressKey> next;  // nullopt on the last page
};

// The account facts the auth module announces in `user.registered` (docs/events.md).
struct RegisteredUser {
  std::string user_id;
  std::string email;
  std::string name;
  std::optional<std::string> locale;  // not in v1; honoured if a later version carries it
};

}  // namespace nelo::users
