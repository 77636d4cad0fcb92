#include "modules/users/module.hpp"

#include "core/db/module_db.hpp"
#include "core/http/router.hpp"
#include "modules/users/api/v1/routes.hpp"
#include "modules/users/repositories/address_repository.hpp"
#include "modules/users/repositories/profile_repository.hpp"
#include "modules/users/services/address_service.hpp"
#include "modules/users/services/profile_service.hpp"
#include "modules/users/services/user_directory.hpp"
#include "shared/events/event_bus.hpp"
#include "shared/idempotency/module_keys.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;

class UsersModuleImpl final : public UsersModule {
 public:
  explicit UsersModuleImpl(const ModuleContext& context)
      : keys_(context.db, context.clock, context.executor),
        profile_repository_(context.db, context.executor, &context.metrics),
        address_repository_(context.db),
        profiles_(profile_repository_),
        addresses_(context.db, profile_repository_, address_repository_),
        directory_(profile_repository_, address_repository_) {}

  std::string name() const override { return "users"; }
  std::span<const db::MigrationFile> migrations() const override { return users::migrations(); }

  void register_routes(http::Router& router) override {
    users::register_routes(router, profiles_, addresses_, keys_.store());
  }

  void register_subscriptions(events::EventBus& bus) override {
    // Profiles come from the account's registration (docs/events.md); the bus runs this in a
    // users transaction that also records the event in users.inbox.
    bus.subscribe("users", "user.registered",
                  [this](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
                    const RegisteredUser user = parse_user_registered(event.payload);
                    co_await profiles_.on_user_registered(tx, user);
                  });
  }

  asio::awaitable<void> start() override {
    keys_.start();
    co_return;
  }

  asio::awaitable<void> stop() override { co_await keys_.stop(); }

  UserInterface& user_interface() override { return directory_; }

 private:
  idempotency::ModuleKeys keys_;  // of POST /addresses
  ProfileRepository profile_repository_;
  AddressRepository address_repository_;
  ProfileService profiles_;
  AddressService addresses_;
  UserDirectory directory_;
};

}  // namespace

std::unique_ptr<UsersModule> make_module(const ModuleContext& context) {
  return std::make_unique<UsersModuleImpl>(context);
}

}  // namespace nelo::users
