#include "modules/users/api/v1/schemas.hpp"

#include <boost/json/array.hpp>

#include "core/errors.hpp"
#include "core/json.hpp"
#include "core/request_fields.hpp"
#include "core/text.hpp"
#include "modules/users/api/v1/address_cursor.hpp"
#include "modules/users/countries.hpp"
#include "modules/users/validation.hpp"

namespace nelo::users {
namespace {

namespace json = boost::json;

constexpr std::string_view kPhoneExample = "+33612345678";

// --- reading fields ---

std::optional<std::string> country(JsonReader& r, Presence presence) {
  auto value = read_string(r, "country", presence);
  if (!value) return std::nullopt;
  std::string code = *value;
  for (auto& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (!is_assigned_country_code(code)) {
    r.validator().add(r.field("country"), "must be an assigned ISO 3166-1 alpha-2 country code, such as FR");
    return std::nullopt;
  }
  return code;
}

// --- OpenAPI ---

json::object string_schema(std::size_t max_length, const char* description = nullptr) {
  json::object s{{"type", "string"}, {"minLength", 1}, {"maxLength", max_length}};
  if (description) s["description"] = description;
  return s;
}

json::object nullable_string_schema(std::size_t max_length, const char* description = nullptr) {
  json::object s{{"type", json::array{"string", "null"}}, {"minLength", 1}, {"maxLength", max_length}};
  if (description) s["description"] = description;
  return s;
}

json::object timestamp_schema() { return {{"type", "string"}, {"format", "date-time"}}; }

constexpr const char* kPhoneDescription = "E.164: '+' then up to 15 digits, e.g. +33612345678";
constexpr const char* kPhonePattern = "^\\+[1-9][0-9]{1,14}$";
constexpr const char* kCountryDescription = "ISO 3166-1 alpha-2 (an assigned code), returned in upper case";
constexpr const char* kInstructionsDescription = "For the courier (door code, floor...); line breaks allowed";

json::object address_fields(bool patch) {
  return {{"label", string_schema(kMaxLabelLength, "Free name: Home, Work...")},
          {"line1", string_schema(kMaxLineLength)},
          {"line2", nullable_string_schema(kMaxLineLength, patch ? "null removes it" : nullptr)},
          {"city", string_schema(kMaxCityLength)},
          {"postal_code", string_schema(kMaxPostalCodeLength)},
          {"country", json::object{{"type", "string"}, {"pattern", "^[A-Za-z]{2}$"}, {"description", kCountryDescription}}},
          {"lat", json::object{{"type", "number"}, {"minimum", -90}, {"maximum", 90}, {"description", "WGS 84 latitude"}}},
          {"lng",
           json::object{{"type", "number"}, {"minimum", -180}, {"maximum", 180}, {"description", "WGS 84 longitude"}}},
          {"instructions", nullable_string_schema(kMaxInstructionsLength, patch ? "For the courier (door code, floor...); "
                                                                                  "line breaks allowed; null removes it"
                                                                                : kInstructionsDescription)},
          {"is_default",
           json::object{{"type", "boolean"},
                        {"description", patch ? "true makes this the default (the previous one is unset); false on "
                                                "the default is a 409"
                                              : "true makes it the default; the first address is the default anyway"}}}};
}

}  // namespace

// --- parsing ---

ProfilePatch parse_profile_patch(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"name", "phone", "locale"});
  require_some(r, {"name", "phone", "locale"});
  ProfilePatch patch;
  patch.name = read_text(r, "name", Presence::Patch, kMaxNameLength);
  patch.phone = read_clearable(r, "phone", [&] { return read_phone(r, "phone", Presence::Optional, kPhoneExample); });
  patch.locale = read_string(r, "locale", Presence::Patch);
  if (patch.locale && !is_supported_locale(*patch.locale)) v.add("locale", "must be one of: fr, en");
  v.throw_if_invalid();
  return patch;
}

NewAddress parse_new_address(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"label", "line1", "line2", "city", "postal_code", "country", "lat", "lng", "instructions",
                    "is_default"});
  NewAddress a;
  a.label = read_text(r, "label", Presence::Required, kMaxLabelLength).value_or("");
  a.line1 = read_text(r, "line1", Presence::Required, kMaxLineLength).value_or("");
  a.line2 = read_text(r, "line2", Presence::Optional, kMaxLineLength);
  a.city = read_text(r, "city", Presence::Required, kMaxCityLength).value_or("");
  a.postal_code = read_text(r, "postal_code", Presence::Required, kMaxPostalCodeLength).value_or("");
  a.country = country(r, Presence::Required).value_or("");
  a.lat = read_coordinate(r, "lat", Presence::Required, 90).value_or(0);
  a.lng = read_coordinate(r, "lng", Presence::Required, 180).value_or(0);
  a.instructions = read_text(r, "instructions", Presence::Optional, kMaxInstructionsLength, TextKind::MultiLine);
  a.is_default = r.optional_bool("is_default").value_or(false);
  v.throw_if_invalid();
  return a;
}

AddressPatch parse_address_patch(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"label", "line1", "line2", "city", "postal_code", "country", "lat", "lng", "instructions",
                    "is_default"});
  require_some(r, {"label", "line1", "line2", "city", "postal_code", "country", "lat", "lng", "instructions",
                   "is_default"});
  AddressPatch p;
  p.label = read_text(r, "label", Presence::Patch, kMaxLabelLength);
  p.line1 = read_text(r, "line1", Presence::Patch, kMaxLineLength);
  p.line2 = read_clearable_text(r, "line2", kMaxLineLength);
  p.city = read_text(r, "city", Presence::Patch, kMaxCityLength);
  p.postal_code = read_text(r, "postal_code", Presence::Patch, kMaxPostalCodeLength);
  p.country = country(r, Presence::Patch);
  p.lat = read_coordinate(r, "lat", Presence::Patch, 90);
  p.lng = read_coordinate(r, "lng", Presence::Patch, 180);
  require_both_coordinates(r);
  p.instructions = read_clearable_text(r, "instructions", kMaxInstructionsLength, TextKind::MultiLine);
  p.is_default = read_bool(r, "is_default", Presence::Patch);
  v.throw_if_invalid();
  return p;
}

PageRequest parse_page_request(std::optional<std::string_view> limit, std::optional<std::string_view> cursor) {
  Validator v;
  PageRequest page;
  page.limit = read_page_limit(limit, v, kDefaultPageSize, kMaxPageSize);
  if (cursor && !cursor->empty()) {
    page.after = kAddressCursor.decode(*cursor);
    if (!page.after) v.add("cursor", "is not a cursor this list returned");
  }
  v.throw_if_invalid();
  return page;
}

// --- serialization ---

std::string format_timestamp(Timestamp t) { return to_rfc3339_millis(t); }

json::object to_json(const Profile& p) {
  return {{"id", p.user_id},
          {"email", p.email},
          {"name", p.name},
          {"phone", nullable(p.phone)},
          {"locale", p.locale},
          {"created_at", format_timestamp(p.created_at)},
          {"updated_at", format_timestamp(p.updated_at)}};
}

json::object to_json(const Address& a) {
  return {{"id", a.id},
          {"label", a.label},
          {"line1", a.line1},
          {"line2", nullable(a.line2)},
          {"city", a.city},
          {"postal_code", a.postal_code},
          {"country", a.country},
          {"lat", a.lat},
          {"lng", a.lng},
          {"instructions", nullable(a.instructions)},
          {"is_default", a.is_default},
          {"created_at", format_timestamp(a.created_at)},
          {"updated_at", format_timestamp(a.updated_at)}};
}

json::object to_json(const AddressPage& page) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& a : page.items) items.push_back(to_json(a));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next ? json::value(kAddressCursor.encode(*page.next)) : json::value(nullptr);
  return body;
}

// --- OpenAPI ---

json::value profile_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"id", "email", "name", "phone", "locale", "created_at", "updated_at"}},
      {"properties",
       json::object{{"id", json::object{{"type", "string"}, {"format", "uuid"}, {"description", "The user id"}}},
                    {"email", json::object{{"type", "string"},
                                           {"format", "email"},
                                           {"description", "The account's e-mail (changed through auth only)"}}},
                    {"name", string_schema(kMaxNameLength)},
                    {"phone", json::object{{"type", json::array{"string", "null"}},
                                           {"pattern", kPhonePattern},
                                           {"description", kPhoneDescription}}},
                    {"locale", json::object{{"enum", json::array{"fr", "en"}}}},
                    {"created_at", timestamp_schema()},
                    {"updated_at", timestamp_schema()}}}};
}

json::value profile_patch_schema() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"minProperties", 1},
      {"properties",
       json::object{{"name", string_schema(kMaxNameLength)},
                    {"phone", json::object{{"type", json::array{"string", "null"}},
                                           {"pattern", kPhonePattern},
                                           {"description", std::string(kPhoneDescription) + "; null removes it"}}},
                    {"locale", json::object{{"enum", json::array{"fr", "en"}}}}}}};
}

json::value address_schema() {
  json::object properties = address_fields(false);
  properties["id"] = json::object{{"type", "string"}, {"format", "uuid"}};
  properties["country"] = json::object{{"type", "string"}, {"pattern", "^[A-Z]{2}$"}, {"description", kCountryDescription}};
  properties["created_at"] = timestamp_schema();
  properties["updated_at"] = timestamp_schema();
  return json::object{{"type", "object"},
                      {"required", json::array{"id", "label", "line1", "line2", "city", "postal_code", "country", "lat",
                                               "lng", "instructions", "is_default", "created_at", "updated_at"}},
                      {"properties", std::move(properties)}};
}

json::value new_address_schema() {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", json::array{"label", "line1", "city", "postal_code", "country", "lat", "lng"}},
                      {"properties", address_fields(false)}};
}

json::value address_patch_schema() {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"minProperties", 1},
                      {"dependentRequired", json::object{{"lat", json::array{"lng"}}, {"lng", json::array{"lat"}}}},
                      {"properties", address_fields(true)}};
}

json::value address_page_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"items", "next_cursor"}},
      {"properties", json::object{{"items", json::object{{"type", "array"}, {"items", address_schema()}}},
                                  {"next_cursor", json::object{{"type", json::array{"string", "null"}},
                                                               {"description", "Pass back as ?cursor= ; null on the last page"}}}}}};
}

}  // namespace nelo::users
