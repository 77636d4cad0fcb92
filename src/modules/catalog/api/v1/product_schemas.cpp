#include "modules/catalog/api/v1/product_schemas.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>

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

json::object product_fields() {
  return {{"name", text_schema(kMaxNameLength)},
          {"description", nullable_text_schema(kMaxDescriptionLength, "Line breaks allowed")},
          {"price", money_schema(1, kMaxPriceAmount, "In the merchant's currency (that of its min_order)")},
          {"available", json::object{{"type", "boolean"},
                                     {"description", "false: listed but cannot be ordered right now (default true)"}}},
          {"category", nullable_text_schema(kMaxCategoryLength, "Free grouping: Starters, Drinks...")}};
}

}  // namespace

NewProduct parse_new_product(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"name", "description", "price", "available", "category"});
  NewProduct p;
  p.name = read_text(r, "name", Presence::Required, kMaxNameLength).value_or("");
  p.description = read_text(r, "description", Presence::Optional, kMaxDescriptionLength, TextKind::MultiLine);
  p.price = read_money(r, "price", Presence::Required, 1, kMaxPriceAmount).value_or(Money{});
  p.available = read_bool(r, "available", Presence::Optional).value_or(true);
  p.category = read_text(r, "category", Presence::Optional, kMaxCategoryLength);
  v.throw_if_invalid();
  return p;
}

ProductPatch parse_product_patch(const json::object& body) {
  Validator v;
  JsonReader r(body, v);
  r.reject_unknown({"name", "description", "price", "available", "category"});
  require_some(r, {"name", "description", "price", "available", "category"});
  ProductPatch p;
  p.name = read_text(r, "name", Presence::Patch, kMaxNameLength);
  p.description = read_clearable_text(r, "description", kMaxDescriptionLength, TextKind::MultiLine);
  p.price = read_money(r, "price", Presence::Patch, 1, kMaxPriceAmount);
  p.available = read_bool(r, "available", Presence::Patch);
  p.category = read_clearable_text(r, "category", kMaxCategoryLength);
  v.throw_if_invalid();
  return p;
}

ProductPageRequest parse_product_page_request(const std::string& merchant_id, std::optional<std::string_view> category,
                                              std::optional<std::string_view> limit,
                                              std::optional<std::string_view> cursor) {
  Validator v;
  ProductPageRequest page;
  if (const std::string_view text = category ? trimmed(*category) : std::string_view{}; !text.empty()) {
    if (auto problem = text_problem(text, kMaxCategoryLength)) {
      v.add("category", *problem);
    } else {
      page.category = std::string(text);
    }
  }
  page.limit = parse_limit(limit, v);
  page.fingerprint = query_fingerprint("products|" + merchant_id + "|" + (page.category ? "1" + *page.category : "0"));
  if (cursor && !cursor->empty() && v.ok()) {
    page.after = decode_id_cursor(*cursor, page.fingerprint);
    if (!page.after) v.add("cursor", "is not a cursor this list returned (with this category)");
  }
  v.throw_if_invalid();
  return page;
}

json::object to_json(const Product& p) {
  return {{"id", p.id},
          {"merchant_id", p.merchant_id},
          {"name", p.name},
          {"description", nullable(p.description)},
          {"price", json::value_from(p.price)},
          {"available", p.available},
          {"category", nullable(p.category)},
          {"created_at", to_rfc3339_millis(p.created_at)},
          {"updated_at", to_rfc3339_millis(p.updated_at)}};
}

json::object to_json(const ProductPage& page, std::string_view fingerprint) {
  json::array items;
  items.reserve(page.items.size());
  for (const auto& product : page.items) items.push_back(to_json(product));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] =
      page.next_after ? json::value(encode_id_cursor(*page.next_after, fingerprint)) : json::value(nullptr);
  return body;
}

json::value product_schema() {
  json::object properties = product_fields();
  properties["id"] = uuid_schema();
  properties["merchant_id"] = uuid_schema();
  properties["created_at"] = timestamp_schema();
  properties["updated_at"] = timestamp_schema();
  return json::object{{"type", "object"},
                      {"required", json::array{"id", "merchant_id", "name", "description", "price", "available",
                                               "category", "created_at", "updated_at"}},
                      {"properties", std::move(properties)}};
}

json::value new_product_schema() {
  return json::object{{"type", "object"},
                      {"additionalProperties", false},
                      {"required", json::array{"name", "price"}},
                      {"properties", product_fields()}};
}

json::value product_patch_schema() {
  return json::object{
      {"type", "object"}, {"additionalProperties", false}, {"minProperties", 1}, {"properties", product_fields()}};
}

json::value product_page_schema() { return page_schema(product_schema()); }

}  // namespace nelo::catalog
