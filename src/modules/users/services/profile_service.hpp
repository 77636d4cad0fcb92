#pragma once
// Profiles: created when the auth module announces an account, then read and edited by their
// owner.

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>

#include <string>

#include "modules/users/models.hpp"

namespace nelo::db {
class Transaction;
}

namespace nelo::users {

class ProfileRepository;

// Reads a `user.registered` payload (docs/events.md). Fields it does not know are ignored, so
// any version that still carries user_id, email and name is understood. Throws
// std::invalid_argument on a payload that breaks the contract: the delivery then fails, is
// retried and ends up dead, visible to admins, rather than silently dropped.
RegisteredUser parse_user_registered(const boost::json::object& payload);

class ProfileService {
 public:
  explicit ProfileService(ProfileRepository& profiles) : profiles_(profiles) {}

  // Handler of `user.registered`, inside the subscriber transaction the bus opened. A second
  // delivery of the same account (replay, inbox purged) changes nothing.
  boost::asio::awaitable<void> on_user_registered(db::Transaction& tx, const RegisteredUser& user);

  // Throws NotFound when the profile does not exist (yet: the event may be in flight).
  boost::asio::awaitable<Profile> get_profile(std::string user_id);
  boost::asio::awaitable<Profile> update_profile(std::string user_id, const ProfilePatch& patch);

 private:
  ProfileRepository& profiles_;
};

}  // namespace nelo::users
