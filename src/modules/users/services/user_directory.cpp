#include "modules/users/services/user_directory.hpp"

#include "core/uuid.hpp"
#include "modules/users/repositories/address_repository.hpp"
#include "modules/users/repositories/profile_repository.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;

UserDto to_dto(Profile&& p) {
  UserDto dto;
  dto.id = std::move(p.user_id);
  dto.email = std::move(p.email);
  dto.name = std::move(p.name);
  dto.phone = std::move(p.phone);
  dto.locale = std::move(p.locale);
  return dto;
}

AddressDto to_dto(Address&& a) {
  AddressDto dto;
  dto.id = std::move(a.id);
  dto.user_id = std::move(a.user_id);
  dto.label = std::move(a.label);
  dto.line1 = std::move(a.line1);
  dto.line2 = std::move(a.line2);
  dto.city = std::move(a.city);
  dto.postal_code = std::move(a.postal_code);
  dto.country = std::move(a.country);
  dto.lat = a.lat;
  dto.lng = a.lng;
  dto.instructions = std::move(a.instructions);
  dto.is_default = a.is_default;
  return dto;
}

}  // namespace

asio::awaitable<std::optional<UserDto>> UserDirectory::get_user_by_id(std::string user_id) {
  if (!is_uuid(user_id)) co_return std::nullopt;
  auto profile = co_await profiles_.find(user_id);
  if (!profile) co_return std::nullopt;
  co_return to_dto(std::move(*profile));
}

asio::awaitable<std::optional<AddressDto>> UserDirectory::get_user_address(std::string user_id,
                                                                          std::string address_id) {
  if (!is_uuid(user_id) || !is_uuid(address_id)) co_return std::nullopt;
  auto address = co_await addresses_.find(user_id, address_id);
  if (!address) co_return std::nullopt;
  co_return to_dto(std::move(*address));
}

}  // namespace nelo::users
