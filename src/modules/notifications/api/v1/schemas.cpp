#include "modules/notifications/api/v1/schemas.hpp"

#include <boost/json/array.hpp>

#include <string>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/request_fields.hpp"
#include "core/text.hpp"
#include "modules/notifications/api/v1/cursors.hpp"
#include "modules/notifications/categories.hpp"

namespace nelo::notifications {
namespace {

namespace json = boost::json;

json::object uuid_schema() { return {{"type", "string"}, {"format", "uuid"}}; }
json::object timestamp_schema() { return {{"type", "string"}, {"format", "date-time"}}; }
json::object nullable_timestamp_schema() {
  return {{"type", json::array{"string", "null"}}, {"format", "date-time"}};
}

json::array category_names() {
  json::array out;
  for (const auto c : kCategories) out.emplace_back(c);
  return out;
}

json::object channels_schema(bool patch) {
  json::object properties;
  for (const auto channel : kChannels) properties[channel] = json::object{{"type", "boolean"}};
  json::object s{{"type", "object"}, {"additionalProperties", false}, {"properties", std::move(properties)}};
  if (patch) {
    s["minProperties"] = 1;
  } else {
    s["required"] = json::array{"in_app", "push", "realtime", "transactional"};
    s["properties"].as_object()["transactional"] =
        json::object{{"type", "boolean"}, {"description", "true: in_app cannot be switched off"}};
  }
  return s;
}

std::string token_end(const std::string& token) {
  return token.size() <= 6 ? token : token.substr(token.size() - 6);
}

}  // namespace

// --- readers ---

InboxQuery parse_inbox_query(std::optional<std::string_view> unread, std::optional<std::string_view> limit,
                             std::optional<std::string_view> cursor) {
  Validator v;
  InboxQuery q;
  if (unread && !unread->empty()) {
    if (*unread == "true") q.unread_only = true;
    else if (*unread == "false") q.unread_only = false;
    else v.add("unread", "must be true or false");
  }
  q.limit = read_page_limit(limit, v, kDefaultPageSize, kMaxPageSize);
  if (cursor && !cursor->empty()) {
    q.after = kNotificationCursor.decode(*cursor);
    if (!q.after) v.add("cursor", "is not a cursor this list returned");
  }
  v.throw_if_invalid();
  return q;
}

PushFailureQuery parse_push_failure_query(std::optional<std::string_view> limit, std::optional<std::string_view> cursor) {
  Validator v;
  PushFailureQuery q;
  q.limit = read_page_limit(limit, v, kDefaultPageSize, kMaxPageSize);
  if (cursor && !cursor->empty()) {
    q.after = kPushFailureCursor.decode(*cursor);
    if (!q.after) v.add("cursor", "is not a cursor this list returned");
  }
  v.throw_if_invalid();
  return q;
}

PreferencesPatch parse_preferences_patch(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"categories"});
  PreferencesPatch patch;
  const json::object* categories = r.required_object("categories");
  if (categories) {
    if (categories->empty()) v.add("categories", "must name at least one category");
    for (const auto& [key, value] : *categories) {
      const std::string category(key);
      const std::string field = "categories." + category;
      if (!is_category(category)) {
        std::string known;
        for (const auto c : kCategories) known += (known.empty() ? "" : ", ") + std::string(c);
        v.add(field, "is not a known category (one of: " + known + ")");
        continue;
      }
      if (!value.is_object()) {
        v.add(field, "must be an object of channels: {in_app?, push?, realtime?}");
        continue;
      }
      JsonReader channels(value.get_object(), v, field);
      channels.reject_unknown({"in_app", "push", "realtime"});
      if (value.get_object().empty()) v.add(field, "must name at least one channel (in_app, push, realtime)");
      ChannelsPatch c;
      c.in_app = channels.optional_bool("in_app");
      c.push = channels.optional_bool("push");
      c.realtime = channels.optional_bool("realtime");
      if (is_transactional(category) && c.in_app == std::optional<bool>(false)) {
        v.add(field + ".in_app", transactional_rule_message(category));
      }
      patch.categories.emplace_back(category, c);
    }
  }
  v.throw_if_invalid();
  return patch;
}

NewDevice parse_new_device(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"platform", "token"});
  NewDevice d;
  auto platform = r.required_string("platform");
  if (platform) {
    if (*platform == "ios" || *platform == "android" || *platform == "web") d.platform = *platform;
    else v.add("platform", "must be one of: ios, android, web");
  }
  auto token = r.required_string("token");
  if (token) {
    bool printable = !token->empty();
    for (const unsigned char c : *token) printable = printable && c > 0x20 && c < 0x7f;
    if (token->size() > kMaxTokenLength) v.add("token", "must be at most 4096 characters");
    else if (!printable) v.add("token", "must be 1 to 4096 visible ASCII characters (no spaces)");
    else d.token = *token;
  }
  v.throw_if_invalid();
  return d;
}

// --- bodies ---

json::object to_json(const Notification& n) {
  return {{"id", n.id},
          {"event", n.event_name},
          {"category", n.category},
          {"audience", n.audience},
          {"locale", n.locale},
          {"title", n.title},
          {"body", n.body},
          {"data", n.data},
          {"read", n.read_at.has_value()},
          {"read_at", n.read_at ? json::value(to_rfc3339_millis(*n.read_at)) : json::value(nullptr)},
          {"created_at", to_rfc3339_millis(n.created_at)}};
}

json::object to_json(const NotificationPage& page) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& n : page.items) items.push_back(to_json(n));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next ? json::value(kNotificationCursor.encode(*page.next)) : json::value(nullptr);
  body["unread_count"] = page.unread_count;
  return body;
}

json::object preferences_to_json(const std::vector<CategoryPreference>& preferences) {
  json::object categories;
  for (const auto& p : preferences) {
    categories[p.category] = json::object{{"in_app", p.channels.in_app},
                                          {"push", p.channels.push},
                                          {"realtime", p.channels.realtime},
                                          {"transactional", is_transactional(p.category)}};
  }
  return {{"categories", std::move(categories)}};
}

json::object to_json(const Device& d) {
  return {{"id", d.id},
          {"platform", d.platform},
          {"token_end", token_end(d.token)},
          {"created_at", to_rfc3339_millis(d.created_at)},
          {"updated_at", to_rfc3339_millis(d.updated_at)}};
}

json::object devices_to_json(const std::vector<Device>& devices) {
  json::array items;
  for (const auto& d : devices) items.push_back(to_json(d));
  return {{"items", std::move(items)}};
}

json::object to_json(const PushFailurePage& page) {
  json::array items;
  for (const auto& f : page.items) {
    json::array log;
    for (const auto& a : f.attempt_log) {
      log.push_back(json::object{{"attempt", a.attempt},
                                 {"at", to_rfc3339_millis(a.at)},
                                 {"outcome", a.outcome},
                                 {"http_status", a.http_status ? json::value(*a.http_status) : json::value(nullptr)},
                                 {"error", nullable(a.error)}});
    }
    items.push_back(json::object{
        {"id", f.id},
        {"notification_id", f.notification_id},
        {"user_id", f.user_id},
        {"device_id", f.device_id},
        {"platform", f.platform},
        {"attempts", f.attempts},
        {"last_error", nullable(f.last_error)},
        {"last_http_status", f.last_http_status ? json::value(*f.last_http_status) : json::value(nullptr)},
        {"created_at", to_rfc3339_millis(f.created_at)},
        {"failed_at", f.finished_at ? json::value(to_rfc3339_millis(*f.finished_at)) : json::value(nullptr)},
        {"attempt_log", std::move(log)}});
  }
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next ? json::value(kPushFailureCursor.encode(*page.next)) : json::value(nullptr);
  return body;
}

// --- OpenAPI ---

json::value notification_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"id", "event", "category", "audience", "locale", "title", "body", "data", "read",
                               "read_at", "created_at"}},
      {"properties",
       json::object{{"id", uuid_schema()},
                    {"event", json::object{{"type", "string"}, {"description", "The event it tells of: order.placed..."}}},
                    {"category", json::object{{"enum", category_names()}}},
                    {"audience", json::object{{"enum", json::array{"customer", "merchant", "driver", "admin"}}}},
                    {"locale", json::object{{"enum", json::array{"fr", "en"}}}},
                    {"title", json::object{{"type", "string"}}},
                    {"body", json::object{{"type", "string"}}},
                    {"data", json::object{{"type", "object"},
                                          {"description", "What it is about: order_id, and delivery_id or payment_id"}}},
                    {"read", json::object{{"type", "boolean"}}},
                    {"read_at", nullable_timestamp_schema()},
                    {"created_at", timestamp_schema()}}}};
}

json::value notification_page_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"items", "next_cursor", "unread_count"}},
      {"properties",
       json::object{{"items", json::object{{"type", "array"}, {"items", notification_schema()}}},
                    {"next_cursor", json::object{{"type", json::array{"string", "null"}},
                                                 {"description", "Pass back as ?cursor= ; null on the last page"}}},
                    {"unread_count", json::object{{"type", "integer"}, {"minimum", 0}}}}}};
}

json::value unread_count_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"unread_count"}},
                      {"properties", json::object{{"unread_count", json::object{{"type", "integer"}, {"minimum", 0}}}}}};
}

json::value read_all_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"marked_read", "unread_count"}},
                      {"properties", json::object{{"marked_read", json::object{{"type", "integer"}, {"minimum", 0}}},
                                                  {"unread_count", json::object{{"type", "integer"}, {"minimum", 0}}}}}};
}

json::value preferences_schema() {
  json::object properties;
  for (const auto c : kCategories) properties[c] = channels_schema(false);
  return json::object{
      {"type", "object"},
      {"required", json::array{"categories"}},
      {"properties", json::object{{"categories", json::object{{"type", "object"}, {"properties", std::move(properties)}}}}}};
}

json::value preferences_patch_schema() {
  json::object properties;
  for (const auto c : kCategories) properties[c] = channels_schema(true);
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"categories"}},
      {"properties",
       json::object{{"categories", json::object{{"type", "object"},
                                                {"additionalProperties", false},
                                                {"minProperties", 1},
                                                {"properties", std::move(properties)},
                                                {"description", "Only the categories and channels named change; "
                                                                "order_status and payments keep in_app on"}}}}}};
}

json::value device_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"id", "platform", "token_end", "created_at", "updated_at"}},
      {"properties", json::object{{"id", uuid_schema()},
                                  {"platform", json::object{{"enum", json::array{"ios", "android", "web"}}}},
                                  {"token_end", json::object{{"type", "string"}, {"description", "The token's last 6 characters"}}},
                                  {"created_at", timestamp_schema()},
                                  {"updated_at", timestamp_schema()}}}};
}

json::value device_list_schema() {
  return json::object{{"type", "object"},
                      {"required", json::array{"items"}},
                      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", device_schema()}}}}}};
}

json::value new_device_schema() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"required", json::array{"platform", "token"}},
      {"properties",
       json::object{{"platform", json::object{{"enum", json::array{"ios", "android", "web"}}}},
                    {"token", json::object{{"type", "string"},
                                           {"minLength", 1},
                                           {"maxLength", kMaxTokenLength},
                                           {"pattern", "^[!-~]+$"},
                                           {"description", "The push token of this app installation"}}}}}};
}

json::value push_failure_page_schema() {
  json::object attempt{{"type", "object"},
                       {"properties", json::object{{"attempt", json::object{{"type", "integer"}}},
                                                   {"at", timestamp_schema()},
                                                   {"outcome", json::object{{"enum", json::array{"delivered", "retry", "failed",
                                                                                                 "invalid_token", "dropped"}}}},
                                                   {"http_status", json::object{{"type", json::array{"integer", "null"}}}},
                                                   {"error", json::object{{"type", json::array{"string", "null"}}}}}}};
  json::object failure{
      {"type", "object"},
      {"required", json::array{"id", "notification_id", "user_id", "device_id", "platform", "attempts", "last_error",
                               "last_http_status", "created_at", "failed_at", "attempt_log"}},
      {"properties", json::object{{"id", uuid_schema()},
                                  {"notification_id", uuid_schema()},
                                  {"user_id", uuid_schema()},
                                  {"device_id", uuid_schema()},
                                  {"platform", json::object{{"type", "string"}}},
                                  {"attempts", json::object{{"type", "integer"}}},
                                  {"last_error", json::object{{"type", json::array{"string", "null"}}}},
                                  {"last_http_status", json::object{{"type", json::array{"integer", "null"}}}},
                                  {"created_at", timestamp_schema()},
                                  {"failed_at", nullable_timestamp_schema()},
                                  {"attempt_log", json::object{{"type", "array"}, {"items", std::move(attempt)}}}}}};
  return json::object{
      {"type", "object"},
      {"required", json::array{"items", "next_cursor"}},
      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", std::move(failure)}}},
                                  {"next_cursor", json::object{{"type", json::array{"string", "null"}}}}}}};
}

}  // namespace nelo::notifications
