#include "shared/events/admin_routes.hpp"

#include <boost/json.hpp>

#include <charconv>

#include "core/errors.hpp"
#include "core/http/router.hpp"
#include "shared/events/outbox_event_bus.hpp"

namespace nelo::events {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::size_t kDefaultPageSize = 20;
constexpr const char* kModule = "events";

// --- parsing ---

std::size_t parse_limit(const http::Request& request) {
  auto text = request.query("limit");
  if (!text) return kDefaultPageSize;
  std::size_t limit = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 ||
      limit > OutboxEventBus::kMaxPageSize) {
    throw ValidationError("limit", "must be an integer between 1 and " + std::to_string(OutboxEventBus::kMaxPageSize));
  }
  return limit;
}

std::optional<std::string> parse_cursor(const http::Request& request) {
  auto text = request.query("cursor");
  if (!text || text->empty()) return std::nullopt;
  return std::string(*text);
}

// --- serialization ---

json::value timestamp_or_null(const std::optional<Timestamp>& t) {
  return t ? json::value(to_rfc3339_millis(*t)) : json::value(nullptr);
}

json::object to_json(const DeadDelivery& d) {
  return {{"publisher", d.publisher},
          {"event_id", d.event_id},
          {"event_name", d.event_name},
          {"event_version", d.event_version},
          {"subscriber", d.subscriber},
          {"attempts", d.attempts},
          {"last_error", d.last_error},
          {"payload", d.payload},
          {"occurred_at", to_rfc3339_millis(d.occurred_at)},
          {"created_at", to_rfc3339_millis(d.created_at)},
          {"last_attempt_at", timestamp_or_null(d.last_attempt_at)}};
}

json::object to_json(const PublisherStats& s) {
  return {{"publisher", s.publisher},
          {"pending", s.pending},
          {"dead", s.dead},
          {"oldest_pending_seconds", s.oldest_pending_seconds}};
}

// --- handlers: parse, call the bus, serialize ---

asio::awaitable<http::Response> list_dead(OutboxEventBus& bus, http::Request& request) {
  auto page = co_await bus.list_dead(parse_limit(request), parse_cursor(request));
  json::array items;
  for (const auto& d : page.items) items.push_back(to_json(d));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  co_return http::Response::json(body);
}

asio::awaitable<http::Response> replay(OutboxEventBus& bus, http::Request& request) {
  std::string publisher(request.param("publisher"));
  std::string event_id(request.param("event_id"));
  std::string subscriber(request.param("subscriber"));
  co_await bus.replay(publisher, event_id, subscriber);
  co_return http::Response::json(
      json::object{{"publisher", publisher}, {"event_id", event_id}, {"subscriber", subscriber}, {"status", "pending"}},
      202);
}

asio::awaitable<http::Response> stats(OutboxEventBus& bus, http::Request&) {
  auto backlog = co_await bus.stats();
  json::array publishers;
  for (const auto& s : backlog) publishers.push_back(to_json(s));
  co_return http::Response::json(json::object{{"publishers", std::move(publishers)}});
}

// --- OpenAPI ---

json::value string_schema(const char* format = nullptr) {
  json::object s{{"type", "string"}};
  if (format) s["format"] = format;
  return s;
}

json::value dead_delivery_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"publisher", "event_id", "event_name", "event_version", "subscriber", "attempts",
                               "last_error", "payload", "occurred_at", "created_at", "last_attempt_at"}},
      {"properties",
       json::object{{"publisher", string_schema()},
                    {"event_id", string_schema("uuid")},
                    {"event_name", string_schema()},
                    {"event_version", json::object{{"type", "integer"}, {"minimum", 1}}},
                    {"subscriber", string_schema()},
                    {"attempts", json::object{{"type", "integer"}, {"minimum", 0}}},
                    {"last_error", string_schema()},
                    {"payload", json::object{{"type", "object"}}},
                    {"occurred_at", string_schema("date-time")},
                    {"created_at", string_schema("date-time")},
                    {"last_attempt_at", json::object{{"type", json::array{"string", "null"}}, {"format", "date-time"}}}}}};
}

json::value dead_page_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"items", "next_cursor"}},
      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", dead_delivery_schema()}}},
                                  {"next_cursor", json::object{{"type", json::array{"string", "null"}}}}}}};
}

json::value replay_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"publisher", "event_id", "subscriber", "status"}},
                      {"properties", json::object{{"publisher", string_schema()},
                                                  {"event_id", string_schema("uuid")},
                                                  {"subscriber", string_schema()},
                                                  {"status", json::object{{"const", "pending"}}}}}};
}

json::value stats_schema() {
  json::value publisher = json::object{
      {"type", "object"},
      {"required", json::array{"publisher", "pending", "dead", "oldest_pending_seconds"}},
      {"properties", json::object{{"publisher", string_schema()},
                                  {"pending", json::object{{"type", "integer"}, {"minimum", 0}}},
                                  {"dead", json::object{{"type", "integer"}, {"minimum", 0}}},
                                  {"oldest_pending_seconds", json::object{{"type", "number"}, {"minimum", 0}}}}}};
  return json::object{{"type", "object"},
                      {"required", json::array{"publishers"}},
                      {"properties", json::object{{"publishers", json::object{{"type", "array"}, {"items", publisher}}}}}};
}

// Problem bodies are described by the OpenAPI builder; here only the status and why.
http::RouteDoc list_dead_doc() {
  http::RouteDoc doc;
  doc.summary = "List dead event deliveries";
  doc.description =
      "Deliveries that ran out of attempts, across every publishing module, oldest first within a publisher. "
      "Cursor-paginated.";
  doc.parameters = {
      {"limit", "query", false, "Page size, 1 to 100 (default 20)",
       json::object{{"type", "integer"}, {"minimum", 1}, {"maximum", OutboxEventBus::kMaxPageSize}}},
      {"cursor", "query", false, "next_cursor of the previous page", json::object{{"type", "string"}}}};
  doc.responses = {{200, "A page of dead deliveries", dead_page_schema()},
                   http::problem_response(401, "Not authenticated"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(422, "Invalid limit or cursor")};
  return doc;
}

http::RouteDoc replay_doc() {
  http::RouteDoc doc;
  doc.summary = "Replay a dead event delivery";
  doc.description =
      "Puts the delivery back in line with a fresh set of attempts; the dispatcher picks it up at once. "
      "The subscriber's inbox still makes a duplicate delivery a no-op.";
  doc.responses = {{202, "The delivery is pending again", replay_schema()},
                   http::problem_response(401, "Not authenticated"),
                   http::problem_response(403, "Not an admin"),
                   http::problem_response(404, "Unknown publisher, or no such dead delivery"),
                   http::problem_response(422, "event_id is not a UUID")};
  return doc;
}

http::RouteDoc stats_doc() {
  http::RouteDoc doc;
  doc.summary = "Event delivery backlog";
  doc.description = "Pending and dead deliveries per publishing module, and the age of the oldest pending one.";
  doc.responses = {{200, "Backlog per publisher", stats_schema()},
                   http::problem_response(401, "Not authenticated"),
                   http::problem_response(403, "Not an admin")};
  return doc;
}

}  // namespace

void register_event_admin_routes(http::Router& router, OutboxEventBus& bus) {
  auto* b = &bus;
  router.add({.method = "GET",
              .path = "/api/v1/admin/events/dead",
              .policy = http::Policy::roles({"admin"}),
              .handler = [b](http::Request& r) { return list_dead(*b, r); },
              .module = kModule,
              .doc = list_dead_doc(),
              .access = http::Access::none()});
  router.add({.method = "POST",
              .path = "/api/v1/admin/events/dead/{publisher}/{event_id}/{subscriber}/replay",
              .policy = http::Policy::roles({"admin"}),
              .handler = [b](http::Request& r) { return replay(*b, r); },
              .module = kModule,
              .doc = replay_doc(),
              .access = http::Access::none()});
  router.add({.method = "GET",
              .path = "/api/v1/admin/events/stats",
              .policy = http::Policy::roles({"admin"}),
              .handler = [b](http::Request& r) { return stats(*b, r); },
              .module = kModule,
              .doc = stats_doc(),
              .access = http::Access::none()});
}

}  // namespace nelo::events
