#pragma once
// A user's delivery addresses, and the rule that holds them together: a user with addresses
// has exactly one default. Every write runs in one transaction that first locks the user's
// profile row, so concurrent writes of one user (two "make this the default" at once) are
// applied one after the other and never leave zero or two defaults.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/db/transaction.hpp"
#include "modules/users/models.hpp"

namespace nelo::db {
class ModuleDb;
}

namespace nelo::users {

class AddressRepository;
class ProfileRepository;

class AddressService {
 public:
  // A bound on what one account can store (an address book, not a database).
  static constexpr std::int64_t kMaxAddressesPerUser = 50;

  AddressService(db::ModuleDb& db, ProfileRepository& profiles, AddressRepository& addresses)
      : db_(db), profiles_(profiles), addresses_(addresses) {}

  // Newest first. `limit` must be at least 1.
  boost::asio::awaitable<AddressPage> list(std::string user_id, std::optional<AddressKey> after, std::size_t limit);

  // Throws NotFound unless the address exists and belongs to the user (a malformed id is just
  // another address that does not exist).
  boost::asio::awaitable<Address> get(std::string user_id, std::string address_id);

  // The user's first address becomes the default whatever `address.is_default` says; with
  // is_default the previous default is unset. NotFound when the profile does not exist yet,
  // Conflict when the address book is full.
  // `commit` ends the creating transaction (default: a plain commit).
  boost::asio::awaitable<Address> create(std::string user_id, const NewAddress& address,
                                         db::CommitStep<Address> commit = {});

  // is_default=true moves the default here; is_default=false on the default is a Conflict
  // (make another address the default instead).
  boost::asio::awaitable<Address> update(std::string user_id, std::string address_id, const AddressPatch& patch);

  // Deleting the default makes the most recently created remaining address the default.
  boost::asio::awaitable<void> remove(std::string user_id, std::string address_id);

 private:
  db::ModuleDb& db_;
  ProfileRepository& profiles_;
  AddressRepository& addresses_;
};

}  // namespace nelo::users
