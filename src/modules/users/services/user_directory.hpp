#pragma once
// The users module's in-process implementation of UserInterface (what other modules may ask).

#include "shared/interfaces/user_interface.hpp"

namespace nelo::users {

class AddressRepository;
class ProfileRepository;

class UserDirectory final : public UserInterface {
 public:
  UserDirectory(ProfileRepository& profiles, AddressRepository& addresses)
      : profiles_(profiles), addresses_(addresses) {}

  boost::asio::awaitable<std::optional<UserDto>> get_user_by_id(std::string user_id) override;
  boost::asio::awaitable<std::optional<AddressDto>> get_user_address(std::string user_id,
                                                                     std::string address_id) override;

 private:
  ProfileRepository& profiles_;
  AddressRepository& addresses_;
};

}  // namespace nelo::users
