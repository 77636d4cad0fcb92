#include "modules/notifications/api/v1/routes.hpp"

#include <boost/json/object.hpp>

#include "core/http/router.hpp"
#include "modules/notifications/api/v1/schemas.hpp"
#include "modules/notifications/services/device_service.hpp"
#include "modules/notifications/services/inbox_service.hpp"
#include "modules/notifications/services/preference_service.hpp"
#include "modules/notifications/services/push_failure_list.hpp"

namespace nelo::notifications {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kModule = "notifications";
constexpr const char* kBase = "/api/v1/notifications";

// --- handlers: parse, call one service method, serialize ---

asio::awaitable<http::Response> list_inbox(InboxService& inbox, http::Request& request) {
  const InboxQuery q = parse_inbox_query(request.query("unread"), request.query("limit"), request.query("cursor"));
  auto page = co_await inbox.list(request.user().user_id, q.unread_only, q.after, q.limit);
  co_return http::Response::json(to_json(page));
}

asio::awaitable<http::Response> unread_count(InboxService& inbox, http::Request& request) {
  const auto count = co_await inbox.unread_count(request.user().user_id);
  json::object body{{"unread_count", count}};
  co_return http::Response::json(body);
}

asio::awaitable<http::Response> mark_read(InboxService& inbox, http::Request& request) {
  auto n = co_await inbox.mark_read(request.user().user_id, std::string(request.param("id")));
  co_return http::Response::json(to_json(n));
}

asio::awaitable<http::Response> mark_all_read(InboxService& inbox, http::Request& request) {
  const auto marked = co_await inbox.mark_all_read(request.user().user_id);
  const auto left = co_await inbox.unread_count(request.user().user_id);
  json::object body{{"marked_read", marked}, {"unread_count", left}};
  co_return http::Response::json(body);
}

asio::awaitable<http::Response> get_preferences(PreferenceService& preferences, http::Request& request) {
  auto all = co_await preferences.get(request.user().user_id);
  co_return http::Response::json(preferences_to_json(all));
}

asio::awaitable<http::Response> put_preferences(PreferenceService& preferences, http::Request& request) {
  const PreferencesPatch patch = parse_preferences_patch(request.json_object());
  auto all = co_await preferences.update(request.user().user_id, patch);
  co_return http::Response::json(preferences_to_json(all));
}

asio::awaitable<http::Response> register_device(DeviceService& devices, http::Request& request) {
  const NewDevice device = parse_new_device(request.json_object());
  auto registered = co_await devices.register_device(request.user().user_id, device);
  auto response = http::Response::json(to_json(registered.device), registered.created ? 201 : 200);
  response.with_header("Location", std::string(kBase) + "/devices/" + registered.device.id);
  co_return response;
}

asio::awaitable<http::Response> list_devices(DeviceService& devices, http::Request& request) {
  auto all = co_await devices.list(request.user().user_id);
  co_return http::Response::json(devices_to_json(all));
}

asio::awaitable<http::Response> delete_device(DeviceService& devices, http::Request& request) {
  co_await devices.remove(request.user().user_id, std::string(request.param("id")));
  co_return http::Response::no_content();
}

asio::awaitable<http::Response> list_push_failures(PushFailureList& failures, http::Request& request) {
  const PushFailureQuery q = parse_push_failure_query(request.query("limit"), request.query("cursor"));
  auto page = co_await failures.list(q.after, q.limit);
  co_return http::Response::json(to_json(page));
}

// --- OpenAPI ---

constexpr const char* kNoSuchNotification = "No such notification among yours (another user's answers the same)";
constexpr const char* kNoSuchDevice = "No such device among yours (another user's answers the same)";

http::RouteDoc list_doc() {
  http::RouteDoc doc;
  doc.summary = "List my notifications";
  doc.description = "The caller's in-app inbox, newest first, cursor-paginated, with the unread count. "
                    "unread=true lists the unread ones only.";
  doc.parameters = http::page_parameters(kDefaultPageSize, kMaxPageSize);
  doc.parameters.push_back({"unread", "query", false, "true: only the unread ones", json::object{{"type", "boolean"}}});
  doc.responses = {{200, "A page of notifications", notification_page_schema()},
                   http::problem_response(422, "Invalid unread, limit or cursor")};
  return doc;
}

http::RouteDoc unread_doc() {
  http::RouteDoc doc;
  doc.summary = "Count my unread notifications";
  doc.responses = {{200, "The count", unread_count_schema()}};
  return doc;
}

http::RouteDoc read_doc() {
  http::RouteDoc doc;
  doc.summary = "Mark one of my notifications read";
  doc.description = "Idempotent: marking it again keeps the first read time.";
  doc.responses = {{200, "The notification", notification_schema()}, http::problem_response(404, kNoSuchNotification)};
  return doc;
}

http::RouteDoc read_all_doc() {
  http::RouteDoc doc;
  doc.summary = "Mark all my notifications read";
  doc.responses = {{200, "How many were unread", read_all_schema()}};
  return doc;
}

http::RouteDoc get_preferences_doc() {
  http::RouteDoc doc;
  doc.summary = "Get my notification preferences";
  doc.description = "Every category with its channels (in_app, push, realtime); a category never changed shows its "
                    "defaults (all on).";
  doc.responses = {{200, "The preferences", preferences_schema()}};
  return doc;
}

http::RouteDoc put_preferences_doc() {
  http::RouteDoc doc;
  doc.summary = "Change my notification preferences";
  doc.description = "Only the categories and channels named change. order_status and payments are transactional: "
                    "their in_app channel cannot be switched off (422, and nothing changes).";
  doc.request_body = preferences_patch_schema();
  doc.responses = {{200, "Every category after the change", preferences_schema()},
                   http::problem_response(422, "Unknown category or channel, a transactional in_app switched off")};
  return doc;
}

http::RouteDoc register_device_doc() {
  http::RouteDoc doc;
  doc.summary = "Register a device for push";
  doc.description = "Idempotent per token: 201 the first time, 200 with the same device after. A token registered "
                    "by another account moves to the caller (the app was signed into another account). At most 20 "
                    "devices per account.";
  doc.request_body = new_device_schema();
  doc.responses = {{201, "Registered", device_schema()},
                   {200, "Already registered", device_schema()},
                   http::problem_response(409, "The account already has 20 devices"),
                   http::problem_response(422, "Unknown field, unknown platform, or an invalid token")};
  return doc;
}

http::RouteDoc list_devices_doc() {
  http::RouteDoc doc;
  doc.summary = "List my push devices";
  doc.responses = {{200, "The devices, oldest first", device_list_schema()}};
  return doc;
}

http::RouteDoc delete_device_doc() {
  http::RouteDoc doc;
  doc.summary = "Remove one of my push devices";
  doc.responses = {{204, "Removed", nullptr}, http::problem_response(404, kNoSuchDevice)};
  return doc;
}

http::RouteDoc push_failures_doc() {
  http::RouteDoc doc;
  doc.summary = "Pushes that failed (admins)";
  doc.description = "Pushes that ran out of attempts or were refused for good, newest first, each with its attempts.";
  doc.parameters = http::page_parameters(kDefaultPageSize, kMaxPageSize);
  doc.responses = {{200, "A page of failed pushes", push_failure_page_schema()},
                   http::problem_response(422, "Invalid limit or cursor")};
  return doc;
}

}  // namespace

void register_routes(http::Router& router, RouteServices services) {
  auto* inbox = &services.inbox;
  auto* preferences = &services.preferences;
  auto* devices = &services.devices;
  auto* failures = &services.failures;
  const std::string base = kBase;
  const auto self = http::Access::self();
  router.add({.method = "GET", .path = base, .policy = http::Policy::authenticated(),
              .handler = [inbox](http::Request& r) { return list_inbox(*inbox, r); },
              .module = kModule, .doc = list_doc(), .access = self});
  router.add({.method = "GET", .path = base + "/unread-count", .policy = http::Policy::authenticated(),
              .handler = [inbox](http::Request& r) { return unread_count(*inbox, r); },
              .module = kModule, .doc = unread_doc(), .access = self});
  router.add({.method = "POST", .path = base + "/{id}/read", .policy = http::Policy::authenticated(),
              .handler = [inbox](http::Request& r) { return mark_read(*inbox, r); },
              .module = kModule, .doc = read_doc(), .access = http::Access::owners("notification")});
  router.add({.method = "POST", .path = base + "/read-all", .policy = http::Policy::authenticated(),
              .handler = [inbox](http::Request& r) { return mark_all_read(*inbox, r); },
              .module = kModule, .doc = read_all_doc(), .access = self});
  router.add({.method = "GET", .path = base + "/preferences", .policy = http::Policy::authenticated(),
              .handler = [preferences](http::Request& r) { return get_preferences(*preferences, r); },
              .module = kModule, .doc = get_preferences_doc(), .access = self});
  router.add({.method = "PUT", .path = base + "/preferences", .policy = http::Policy::authenticated(),
              .handler = [preferences](http::Request& r) { return put_preferences(*preferences, r); },
              .module = kModule, .doc = put_preferences_doc(), .access = self});
  router.add({.method = "POST", .path = base + "/devices", .policy = http::Policy::authenticated(),
              .handler = [devices](http::Request& r) { return register_device(*devices, r); },
              .module = kModule, .doc = register_device_doc(), .access = self});
  router.add({.method = "GET", .path = base + "/devices", .policy = http::Policy::authenticated(),
              .handler = [devices](http::Request& r) { return list_devices(*devices, r); },
              .module = kModule, .doc = list_devices_doc(), .access = self});
  router.add({.method = "DELETE", .path = base + "/devices/{id}", .policy = http::Policy::authenticated(),
              .handler = [devices](http::Request& r) { return delete_device(*devices, r); },
              .module = kModule, .doc = delete_device_doc(), .access = http::Access::owners("device")});
  router.add({.method = "GET", .path = base + "/push-failures", .policy = http::Policy::roles({"admin"}),
              .handler = [failures](http::Request& r) { return list_push_failures(*failures, r); },
              .module = kModule, .doc = push_failures_doc(), .access = http::Access::none()});
}

}  // namespace nelo::notifications
