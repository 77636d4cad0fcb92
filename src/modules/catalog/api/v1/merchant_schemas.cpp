#include "modules/catalog/api/v1/merchant_schemas.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>

#include <charconv>
#include <cmath>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/request_fields.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "modules/catalog/api/v1/money_field.hpp"
#include "modules/catalog/api/v1/paging.hpp"
#include "modules/catalog/api/v1/schema_parts.hpp"
#include "modules/catalog/validation.hpp"

namespace nelo::catalog {
namespace {

namespace json = boost::json;

constexpr std::string_view kPhoneExample = "+33142685300";

constexpr std::string_view kFields[] = {"name",          "description", "address",           "lat",
                                        "lng",           "phone",       "opening_hours",     "time_zone",
                                        "prep_time_minutes", "min_order", "delivery_radius_m"};

std::optional<OpeningHours> read_opening_hours(JsonReader& r, Presence presence) {
  const json::object* object = nullptr;
  if (presence == Presence::Required) {
    object = r.required_object("opening_hours");
  } else if (const json::value* v = r.object().if_contains("opening_hours"); v && v->is_null()) {
    r.validator().add("opening_hours", "must not be null (an empty object {} means closed every day)");
  } else {
    object = r.optional_object("opening_hours");
  }
  if (!object) return std::nullopt;
  return parse_opening_hours(*object, r.validator(), r.field("opening_hours"));
}

// Shape only: whether PostgreSQL knows the zone is the service's question.
std::optional<std::string> read_time_zone(JsonReader& r, Presence presence) {
  auto value = read_string(r, "time_zone", presence);
  if (value && (value->empty() || value->size() > 64)) {
    r.validator().add("time_zone", "must be an IANA time zone name such as Europe/Paris");
    return std::nullopt;
  }
  return value;
}

void reject_unknown_fields(JsonReader& r) {
  r.reject_unknown({kFields[0], kFields[1], kFields[2], kFields[3], kFields[4], kFields[5], kFields[6], kFields[7],
                    kFields[8], kFields[9], kFields[10]});
}

// A query parameter holding a number; nullopt (reported) when it is not a finite one.
std::optional<double> query_number(std::optional<std::string_view> text, std::string_view name, Validator& v,
                                   double limit) {
  if (!text) {
    v.add(std::string(name), "is required");
    return std::nullopt;
  }
  double value = 0;
  const char* end = text->data() + text->size();
  const auto [stop, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || stop != end || !std::isfinite(value) || value < -limit || value > limit) {
    const auto bound = std::to_string(static_cast<int>(limit));
    v.add(std::string(name), "must be a number between -" + bound + " and " + bound);
    return std::nullopt;
  }
  return value;
}

std::string number_text(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, ec == std::errc() ? end : text);
}

json::object base_json(const Merchant& m, Audience audience) {
  json::object out{{"id", m.id}};
  if (audience == Audience::Manager) out["owner_id"] = m.owner_id;
  out["name"] = m.name;
  out["description"] = nullable(m.description);
  out["address"] = m.address;
  out["lat"] = m.lat;
  out["lng"] = m.lng;
  out["phone"] = m.phone;
  out["opening_hours"] = to_json(m.opening_hours);
  out["time_zone"] = m.time_zone;
  out["prep_time_minutes"] = m.prep_time_minutes;
  out["min_order"] = json::value_from(m.min_order);
  out["delivery_radius_m"] = m.delivery_radius_m;
  out["open_now"] = m.open_now;
  out["created_at"] = to_rfc3339_millis(m.created_at);
  out["updated_at"] = to_rfc3339_millis(m.updated_at);
  return out;
}

// --- OpenAPI ---

constexpr const char* kPhoneDescription = "E.164: '+' then up to 15 digits, e.g. +33142685300";
constexpr const char* kPhonePattern = "^\\+[1-9][0-9]{1,14}$";
constexpr const char* kTimePattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
constexpr const char* kClosingPattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

json::object opening_hours_schema() {
  json::object range{{"type", "object"},
                     {"additionalProperties", false},
                     {"required", json::array{"opens", "closes"}},
                     {"properties",
                      json::object{{"opens", json::object{{"type", "string"}, {"pattern", kTimePattern}}},
                                   {"closes", json::object{{"type", "string"},
                                                           {"pattern", kClosingPattern},
                                                           {"description", "Before opens: the range runs past "
                                                                           "midnight into the next day"}}}}}};
  json::object days;
  for (std::string_view day : kWeekdays) {
    days[day] = json::object{{"type", json::array{"array", "null"}}, {"maxItems", kMaxRangesPerDay}, {"items", range}};
  }
  return {{"type", "object"},
          {"additionalProperties", false},
          {"description", "Local times in time_zone, per weekday; an absent or empty day is closed. Ranges of a day "
                          "(and a past-midnight range with the next day's) must not overlap."},
          {"properties", std::move(days)}};
}

json::object merchant_fields() {
  return {{"name", text_schema(kMaxNameLength)},
          {"description", nullable_text_schema(kMaxDescriptionLength, "Line breaks allowed")},
          {"address", text_schema(kMaxAddressLength, "One printable line: \"12 rue de Rivoli, 75004 Paris\"")},
          {"lat", json::object{{"type", "number"}, {"minimum", -90}, {"maximum", 90}, {"description", "WGS 84 latitude"}}},
          {"lng",
           json::object{{"type", "number"}, {"minimum", -180}, {"maximum", 180}, {"description", "WGS 84 longitude"}}},
          {"phone", json::object{{"type", "string"}, {"pattern", kPhonePattern}, {"description", kPhoneDescription}}},
          {"opening_hours", opening_hours_schema()},
          {"time_zone", json::object{{"type", "string"}, {"description", "IANA time zone, e.g. Europe/Paris"}}},
          {"prep_time_minutes", integer_schema(0, kMaxPrepTimeMinutes, "Usual time to prepare an order")},
          {"min_order", money_schema(0, kMaxMinOrderAmount,
                                     "Minimum subtotal of an order; its currency is the merchant's, every product "
                                     "is priced in it")},
          {"delivery_radius_m",
           integer_schema(kMinDeliveryRadiusM, kMaxDeliveryRadiusM, "Straight-line distance it delivers to")}};
}

}  // namespace

// --- parsing ---

NewMerchant parse_new_merchant(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  reject_unknown_fields(r);
  NewMerchant m;
  m.name = read_text(r, "name", Presence::Required, kMaxNameLength).value_or("");
  m.description = read_text(r, "description", Presence::Optional, kMaxDescriptionLength, TextKind::MultiLine);
  m.address = read_text(r, "address", Presence::Required, kMaxAddressLength).value_or("");
  m.lat = read_coordinate(r, "lat", Presence::Required, 90).value_or(0);
  m.lng = read_coordinate(r, "lng", Presence::Required, 180).value_or(0);
  m.phone = read_phone(r, "phone", Presence::Required, kPhoneExample).value_or("");
  m.opening_hours = read_opening_hours(r, Presence::Required).value_or(OpeningHours{});
  m.time_zone = read_time_zone(r, Presence::Required).value_or("");
  m.prep_time_minutes = read_int(r, "prep_time_minutes", Presence::Required, 0, kMaxPrepTimeMinutes).value_or(0);
  m.min_order = read_money(r, "min_order", Presence::Required, 0, kMaxMinOrderAmount).value_or(Money{});
  m.delivery_radius_m =
      read_int(r, "delivery_radius_m", Presence::Required, kMinDeliveryRadiusM, kMaxDeliveryRadiusM).value_or(0);
  v.throw_if_invalid();
  return m;
}

MerchantPatch parse_merchant_patch(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  reject_unknown_fields(r);
  require_some(r, {kFields[0], kFields[1], kFields[2], kFields[3], kFields[4], kFields[5], kFields[6], kFields[7],
                   kFields[8], kFields[9], kFields[10]});
  MerchantPatch p;
  p.name = read_text(r, "name", Presence::Patch, kMaxNameLength);
  p.description = read_clearable_text(r, "description", kMaxDescriptionLength, TextKind::MultiLine);
  p.address = read_text(r, "address", Presence::Patch, kMaxAddressLength);
  p.lat = read_coordinate(r, "lat", Presence::Patch, 90);
  p.lng = read_coordinate(r, "lng", Presence::Patch, 180);
  require_both_coordinates(r);
  p.phone = read_phone(r, "phone", Presence::Patch, kPhoneExample);
  p.opening_hours = read_opening_hours(r, Presence::Patch);
  p.time_zone = read_time_zone(r, Presence::Patch);
  p.prep_time_minutes = read_int(r, "prep_time_minutes", Presence::Patch, 0, kMaxPrepTimeMinutes);
  p.min_order = read_money(r, "min_order", Presence::Patch, 0, kMaxMinOrderAmount);
  p.delivery_radius_m = read_int(r, "delivery_radius_m", Presence::Patch, kMinDeliveryRadiusM, kMaxDeliveryRadiusM);
  v.throw_if_invalid();
  return p;
}

ParsedSearch parse_merchant_search(const SearchParameters& in) {
  Validator v;
  ParsedSearch parsed;
  MerchantSearch& s = parsed.search;
  s.lat = query_number(in.lat, "lat", v, 90).value_or(0);
  s.lng = query_number(in.lng, "lng", v, 180).value_or(0);
  s.radius_m = kDefaultSearchRadiusM;
  if (in.radius_m) {
    int radius = 0;
    const char* end = in.radius_m->data() + in.radius_m->size();
    const auto [stop, ec] = std::from_chars(in.radius_m->data(), end, radius);
    if (ec != std::errc() || stop != end || radius < 1 || radius > kMaxSearchRadiusM) {
      v.add("radius_m", "must be an integer between 1 and " + std::to_string(kMaxSearchRadiusM) + " (metres)");
    } else {
      s.radius_m = radius;
    }
  }
  if (in.q) {
    std::string text(trimmed(*in.q));
    if (!text.empty()) {
      if (auto problem = text_problem(text, kMaxSearchLength)) {
        v.add("q", *problem);
      } else {
        s.text = std::move(text);
      }
    }
  }
  if (in.open_now) {
    if (*in.open_now == "true") {
      s.open_now_only = true;
    } else if (*in.open_now != "false") {
      v.add("open_now", "must be true or false");
    }
  }
  s.limit = parse_limit(in.limit, v);
  // Everything that decides which merchants are listed, in order; not the page size.
  parsed.fingerprint = query_fingerprint("merchants|" + number_text(s.lat) + "|" + number_text(s.lng) + "|" +
                                         std::to_string(s.radius_m) + "|" + (s.open_now_only ? "1" : "0") + "|" +
                                         s.text.value_or(""));
  if (in.cursor && !in.cursor->empty() && v.ok()) {
    s.after = decode_search_cursor(*in.cursor, parsed.fingerprint);
    if (!s.after) v.add("cursor", "is not a cursor this search returned (with these lat, lng, radius_m, q, open_now)");
  }
  v.throw_if_invalid();
  return parsed;
}

OwnedPageRequest parse_owned_page_request(const std::string& owner_id, std::optional<std::string_view> limit,
                                          std::optional<std::string_view> cursor) {
  Validator v;
  OwnedPageRequest page;
  page.limit = parse_limit(limit, v);
  page.fingerprint = query_fingerprint("owned|" + owner_id);
  if (cursor && !cursor->empty()) {
    page.after = decode_id_cursor(*cursor, page.fingerprint);
    if (!page.after) v.add("cursor", "is not a cursor this list returned");
  }
  v.throw_if_invalid();
  return page;
}

// --- serialization ---

json::object to_json(const Merchant& merchant, Audience audience) { return base_json(merchant, audience); }

json::object to_json(const MerchantSearchPage& page, std::string_view fingerprint) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& found : page.items) {
    json::object item = base_json(found.merchant, Audience::Public);
    item["distance_m"] = std::llround(found.distance_m);
    items.push_back(std::move(item));
  }
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next ? json::value(encode_search_cursor(*page.next, fingerprint)) : json::value(nullptr);
  return body;
}

json::object to_json(const MerchantPage& page, std::string_view fingerprint) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& merchant : page.items) items.push_back(base_json(merchant, Audience::Manager));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] =
      page.next_after ? json::value(encode_id_cursor(*page.next_after, fingerprint)) : json::value(nullptr);
  return body;
}

// --- OpenAPI ---

json::value merchant_schema(Audience audience) {
  json::object properties = merchant_fields();
  properties["id"] = uuid_schema();
  json::array required{"id"};
  if (audience == Audience::Manager) {
    properties["owner_id"] = uuid_schema("The merchant user who manages it (shown to its managers only)");
    required.emplace_back("owner_id");
  }
  properties["open_now"] =
      json::object{{"type", "boolean"}, {"description", "Open at the time of the request, in its own time zone"}};
  properties["created_at"] = timestamp_schema();
  properties["updated_at"] = timestamp_schema();
  for (std::string_view name : kFields) required.emplace_back(name);
  for (const char* name : {"open_now", "created_at", "updated_at"}) required.emplace_back(name);
  return json::object{{"type", "object"}, {"required", std::move(required)}, {"properties", std::move(properties)}};
}

json::value new_merchant_schema() {
  json::array required;
  for (std::string_view name : kFields) {
    if (name != "description") required.emplace_back(name);
  }
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", std::move(required)},
                      {"properties", merchant_fields()}};
}

json::value merchant_patch_schema() {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"minProperties", 1},
                      {"dependentRequired", json::object{{"lat", json::array{"lng"}}, {"lng", json::array{"lat"}}}},
                      {"properties", merchant_fields()}};
}

json::value merchant_search_page_schema() {
  json::value item = merchant_schema(Audience::Public);
  item.as_object()["properties"].as_object()["distance_m"] =
      json::object{{"type", "integer"}, {"description", "From the searched point, in metres (rounded)"}};
  item.as_object()["required"].as_array().emplace_back("distance_m");
  return page_schema(std::move(item));
}

json::value merchant_page_schema() { return page_schema(merchant_schema(Audience::Manager)); }

}  // namespace nelo::catalog
