#include "modules/users/api/v1/routes.hpp"

#include <boost/json/object.hpp>

#include "core/http/router.hpp"
#include "modules/users/api/v1/schemas.hpp"
#include "modules/users/services/address_service.hpp"
#include "modules/users/services/profile_service.hpp"
#include "shared/idempotency/optional_key.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "users";
constexpr const char* kAddressesPath = "/api/v1/users/me/addresses";

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> get_me(ProfileService& profiles, http::Request& request) {
  auto profile = co_await profiles.get_profile(request.user().user_id);
  co_return http::Response::json(to_json(profile));
}

asio::awaitable<http::Response> patch_me(ProfileService& profiles, http::Request& request) {
  const ProfilePatch patch = parse_profile_patch(request.json_object());
  auto profile = co_await profiles.update_profile(request.user().user_id, patch);
  co_return http::Response::json(to_json(profile));
}

asio::awaitable<http::Response> list_addresses(AddressService& addresses, http::Request& request) {
  const PageRequest page_request = parse_page_request(request.query("limit"), request.query("cursor"));
  auto page = co_await addresses.list(request.user().user_id, page_request.after, page_request.limit);
  co_return http::Response::json(to_json(page));
}

http::Response address_created(const Address& created) {
  auto response = http::Response::json(to_json(created), 201);
  response.with_header("Location", std::string(kAddressesPath) + "/" + created.id);
  return response;
}

asio::awaitable<http::Response> create_address(AddressService& addresses, idempotency::IdempotencyStore& keys,
                                               http::Request& request) {
  const NewAddress address = parse_new_address(request.json_object());
  const std::string user = request.user().user_id;
  co_return co_await idempotency::OptionalKey::respond<Address>(
      keys, request, address_created,
      [&](db::CommitStep<Address> commit) { return addresses.create(user, address, std::move(commit)); });
}

asio::awaitable<http::Response> get_address(AddressService& addresses, http::Request& request) {
  auto address = co_await addresses.get(request.user().user_id, std::string(request.param("id")));
  co_return http::Response::json(to_json(address));
}

asio::awaitable<http::Response> patch_address(AddressService& addresses, http::Request& request) {
  const AddressPatch patch = parse_address_patch(request.json_object());
  auto address = co_await addresses.update(request.user().user_id, std::string(request.param("id")), patch);
  co_return http::Response::json(to_json(address));
}

asio::awaitable<http::Response> delete_address(AddressService& addresses, http::Request& request) {
  co_await addresses.remove(request.user().user_id, std::string(request.param("id")));
  co_return http::Response::no_content();
}

// --- OpenAPI ---

constexpr const char* kNoProfileYet = "No profile yet (it is created from the registration event, within moments)";
constexpr const char* kNoSuchAddress = "No such address among yours (another user's id answers the same)";

http::RouteDoc get_me_doc() {
  http::RouteDoc doc;
  doc.summary = "Get my profile";
  doc.description = "The caller's profile. It is created from the auth module's user.registered event just after "
                    "registration; until then this answers 404.";
  doc.responses = {{200, "The profile", profile_schema()}, http::problem_response(404, kNoProfileYet)};
  return doc;
}

http::RouteDoc patch_me_doc() {
  http::RouteDoc doc;
  doc.summary = "Update my profile";
  doc.description = "Changes name, phone and/or locale (JSON merge-patch semantics: absent fields are kept, a null "
                    "phone is removed). Any other field (id, email, role...) is refused with a 422 and nothing "
                    "changes; the e-mail belongs to the account (auth).";
  doc.request_body = profile_patch_schema();
  doc.responses = {{200, "The updated profile", profile_schema()},
                   http::problem_response(404, kNoProfileYet),
                   http::problem_response(422, "Unknown field, empty patch, or an invalid value")};
  return doc;
}

http::RouteDoc list_addresses_doc() {
  http::RouteDoc doc;
  doc.summary = "List my delivery addresses";
  doc.description = "Newest first, cursor-paginated.";
  doc.parameters = http::page_parameters(kDefaultPageSize, kMaxPageSize);
  doc.responses = {{200, "A page of addresses", address_page_schema()},
                   http::problem_response(422, "Invalid limit or cursor")};
  return doc;
}

http::RouteDoc create_address_doc() {
  http::RouteDoc doc;
  doc.summary = "Add a delivery address";
  doc.description = "The first address becomes the default; is_default: true moves the default to the new one. "
                    "At most 50 addresses per account. The response's Location header is the new address's URL.";
  doc.request_body = new_address_schema();
  doc.responses = {{201, "The address", address_schema()},
                   http::problem_response(404, kNoProfileYet),
                   http::problem_response(409, "The account already has 50 addresses"),
                   http::problem_response(422, "Unknown field, missing field, or an invalid value")};
  idempotency::document_optional_key(doc);
  return doc;
}

http::RouteDoc get_address_doc() {
  http::RouteDoc doc;
  doc.summary = "Get one of my delivery addresses";
  doc.responses = {{200, "The address", address_schema()}, http::problem_response(404, kNoSuchAddress)};
  return doc;
}

http::RouteDoc patch_address_doc() {
  http::RouteDoc doc;
  doc.summary = "Update one of my delivery addresses";
  doc.description = "Any subset of the fields; lat and lng change together; null removes line2 or instructions. "
                    "is_default: true makes it the default and unsets the previous one in the same transaction.";
  doc.request_body = address_patch_schema();
  doc.responses = {{200, "The updated address", address_schema()},
                   http::problem_response(404, kNoSuchAddress),
                   http::problem_response(409, "is_default: false on the default address (make another one the default instead)"),
                   http::problem_response(422, "Unknown field, empty patch, or an invalid value")};
  return doc;
}

http::RouteDoc delete_address_doc() {
  http::RouteDoc doc;
  doc.summary = "Delete one of my delivery addresses";
  doc.description = "Deleting the default makes the most recently added remaining address the default.";
  doc.responses = {{204, "Deleted", nullptr}, http::problem_response(404, kNoSuchAddress)};
  return doc;
}

}  // namespace

void register_routes(http::Router& router, ProfileService& profiles, AddressService& addresses,
                     idempotency::IdempotencyStore& keys) {
  auto* p = &profiles;
  auto* a = &addresses;
  auto* k = &keys;
  const std::string me = "/api/v1/users/me";
  const std::string one = std::string(kAddressesPath) + "/{id}";
  router.add({.method = "GET",
              .path = me,
              .policy = http::Policy::authenticated(),
              .handler = [p](http::Request& r) { return get_me(*p, r); },
              .module = kModule,
              .doc = get_me_doc(),
              .access = http::Access::self()});
  router.add({.method = "PATCH",
              .path = me,
              .policy = http::Policy::authenticated(),
              .handler = [p](http::Request& r) { return patch_me(*p, r); },
              .module = kModule,
              .doc = patch_me_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = kAddressesPath,
              .policy = http::Policy::authenticated(),
              .handler = [a](http::Request& r) { return list_addresses(*a, r); },
              .module = kModule,
              .doc = list_addresses_doc(),
              .access = http::Access::self()});
  router.add({.method = "POST",
              .path = kAddressesPath,
              .policy = http::Policy::authenticated(),
              .handler = [a, k](http::Request& r) { return create_address(*a, *k, r); },
              .module = kModule,
              .doc = create_address_doc(),
              .access = http::Access::self()});
  router.add({.method = "GET",
              .path = one,
              .policy = http::Policy::authenticated(),
              .handler = [a](http::Request& r) { return get_address(*a, r); },
              .module = kModule,
              .doc = get_address_doc(),
              .access = http::Access::owners("address")});
  router.add({.method = "PATCH",
              .path = one,
              .policy = http::Policy::authenticated(),
              .handler = [a](http::Request& r) { return patch_address(*a, r); },
              .module = kModule,
              .doc = patch_address_doc(),
              .access = http::Access::owners("address")});
  router.add({.method = "DELETE",
              .path = one,
              .policy = http::Policy::authenticated(),
              .handler = [a](http::Request& r) { return delete_address(*a, r); },
              .module = kModule,
              .doc = delete_address_doc(),
              .access = http::Access::owners("address")});
}

}  // namespace nelo::users
