#include "modules/users/services/address_service.hpp"

#include "core/db/module_db.hpp"
#include "core/errors.hpp"
#include "core/uuid.hpp"
#include "modules/users/repositories/address_repository.hpp"
#include "modules/users/repositories/profile_repository.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;

[[noreturn]] void address_not_found(const std::string& address_id) {
  // The id is echoed only when it is a well-formed UUID (never arbitrary client text).
  throw NotFound(is_uuid(address_id) ? "Address " + address_id + " does not exist"
                                     : std::string("The address does not exist"));
}

[[noreturn]] void profile_not_found() {
  throw NotFound(
      "Your profile does not exist yet: it is created shortly after registration. Try again in a moment.");
}

void apply(Address& a, const AddressPatch& patch) {
  if (patch.label) a.label = *patch.label;
  if (patch.line1) a.line1 = *patch.line1;
  if (patch.line2) a.line2 = *patch.line2;
  if (patch.city) a.city = *patch.city;
  if (patch.postal_code) a.postal_code = *patch.postal_code;
  if (patch.country) a.country = *patch.country;
  if (patch.lat) a.lat = *patch.lat;
  if (patch.lng) a.lng = *patch.lng;
  if (patch.instructions) a.instructions = *patch.instructions;
  if (patch.is_default) a.is_default = *patch.is_default;
}

}  // namespace

asio::awaitable<AddressPage> AddressService::list(std::string user_id, std::optional<AddressKey> after,
                                                  std::size_t limit) {
  AddressPage page;
  if (!is_uuid(user_id)) co_return page;
  // One more than asked tells whether another page follows.
  page.items = co_await addresses_.list(user_id, after, limit + 1);
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next = AddressKey{page.items.back().created_at, page.items.back().id};
  }
  co_return page;
}

asio::awaitable<Address> AddressService::get(std::string user_id, std::string address_id) {
  std::optional<Address> address;
  if (is_uuid(user_id) && is_uuid(address_id)) address = co_await addresses_.find(user_id, address_id);
  if (!address) address_not_found(address_id);
  co_return std::move(*address);
}

asio::awaitable<Address> AddressService::create(std::string user_id, const NewAddress& address,
                                                db::CommitStep<Address> commit) {
  if (!is_uuid(user_id)) profile_not_found();
  auto tx = co_await db_.begin();
  if (!co_await profiles_.lock(tx, user_id)) profile_not_found();
  const auto summary = co_await addresses_.summary(tx, user_id);
  if (summary.count >= kMaxAddressesPerUser) {
    throw Conflict("address-book-full", "An account can keep at most " + std::to_string(kMaxAddressesPerUser) +
                                            " addresses; delete one first");
  }
  NewAddress row = address;
  row.is_default = address.is_default || !summary.has_default;
  if (row.is_default && summary.has_default) co_await addresses_.clear_default(tx, user_id);
  auto created = co_await addresses_.insert(tx, new_uuid_v7(), user_id, row);
  co_await db::finish(tx, created, commit);
  co_return created;
}

asio::awaitable<Address> AddressService::update(std::string user_id, std::string address_id,
                                                const AddressPatch& patch) {
  if (!is_uuid(user_id) || !is_uuid(address_id)) address_not_found(address_id);
  auto tx = co_await db_.begin();
  if (!co_await profiles_.lock(tx, user_id)) address_not_found(address_id);
  auto current = co_await addresses_.find_for_update(tx, user_id, address_id);
  if (!current) address_not_found(address_id);
  if (patch.is_default && !*patch.is_default && current->is_default) {
    throw Conflict(
        "The default address cannot be unset; make another address the default instead (is_default: true)");
  }
  Address next = *current;
  apply(next, patch);
  if (next.is_default && !current->is_default) co_await addresses_.clear_default(tx, user_id);
  auto updated = co_await addresses_.update(tx, next);
  co_await tx.commit();
  co_return updated;
}

asio::awaitable<void> AddressService::remove(std::string user_id, std::string address_id) {
  if (!is_uuid(user_id) || !is_uuid(address_id)) address_not_found(address_id);
  auto tx = co_await db_.begin();
  if (!co_await profiles_.lock(tx, user_id)) address_not_found(address_id);
  const auto was_default = co_await addresses_.remove(tx, user_id, address_id);
  if (!was_default) address_not_found(address_id);
  if (*was_default) co_await addresses_.promote_most_recent(tx, user_id);
  co_await tx.commit();
}

}  // namespace nelo::users
