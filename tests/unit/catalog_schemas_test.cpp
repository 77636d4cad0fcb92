// The catalog's request parsing: every problem named by its field path in one 422, unknown
// fields refused, PATCH semantics (absent, null, value), money and currency rules, the search's
// query parameters, and cursors bound to the query that produced them.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "core/security/tokens.hpp"
#include "modules/catalog/api/v1/merchant_schemas.hpp"
#include "modules/catalog/api/v1/paging.hpp"
#include "modules/catalog/api/v1/product_schemas.hpp"
#include "modules/catalog/currency.hpp"

namespace nelo::catalog {
namespace {

namespace json = boost::json;

const char* const kMerchant = R"({
  "name": "  Chez Léon  ", "description": "Bistrot\nparisien", "address": "12 rue de Rivoli, 75004 Paris",
  "lat": 48.8566, "lng": 2.3522, "phone": "+33142685300",
  "opening_hours": {"monday": [{"opens": "11:30", "closes": "14:30"}]},
  "time_zone": "Europe/Paris", "prep_time_minutes": 15,
  "min_order": {"amount": 1500, "currency": "EUR"}, "delivery_radius_m": 3000
})";

json::object with(const char* base, std::initializer_list<std::pair<std::string, json::value>> changes) {
  json::object body = json::parse(base).as_object();
  for (const auto& [key, value] : changes) body[key] = value;
  return body;
}

json::object without(const char* base, std::string_view key) {
  json::object body = json::parse(base).as_object();
  body.erase(key);
  return body;
}

template <class F>
std::vector<FieldError> errors_of(F&& parse) {
  try {
    parse();
  } catch (const ValidationError& e) {
    return e.errors();
  }
  ADD_FAILURE() << "no ValidationError";
  return {};
}

std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

// --- merchants ---

TEST(CatalogSchemas, NewMerchantIsReadTrimmedAndComplete) {
  const NewMerchant m = parse_new_merchant(json::parse(kMerchant).as_object());
  EXPECT_EQ(m.name, "Chez Léon");
  EXPECT_EQ(m.description, "Bistrot\nparisien");
  EXPECT_EQ(m.address, "12 rue de Rivoli, 75004 Paris");
  EXPECT_DOUBLE_EQ(m.lat, 48.8566);
  EXPECT_DOUBLE_EQ(m.lng, 2.3522);
  EXPECT_EQ(m.phone, "+33142685300");
  ASSERT_EQ(m.opening_hours.days[0].size(), 1u);
  EXPECT_EQ(m.time_zone, "Europe/Paris");
  EXPECT_EQ(m.prep_time_minutes, 15);
  EXPECT_EQ(m.min_order, (Money{1500, "EUR"}));
  EXPECT_EQ(m.delivery_radius_m, 3000);
  EXPECT_FALSE(parse_new_merchant(without(kMerchant, "description")).description.has_value());
}

TEST(CatalogSchemas, NewMerchantReportsEveryProblemByField) {
  const json::object body = json::parse(R"({
    "name": " ", "address": "12 rue\nde Rivoli", "lat": 91, "lng": "2.35", "phone": "01 42 68 53 00",
    "opening_hours": {"monday": [{"opens": "11:30", "closes": "14:30"}, {"opens": "12:00", "closes": "25:00"}]},
    "time_zone": "", "prep_time_minutes": 2.5, "min_order": {"amount": -1, "currency": "eur"},
    "delivery_radius_m": 10, "owner_id": "0190f5d2-7b1c-7a3e-9f00-0123456789ab", "id": "x"
  })").as_object();
  const auto fields = fields_of(errors_of([&] { parse_new_merchant(body); }));
  for (const char* f : {"name", "address", "lat", "lng", "phone", "opening_hours.monday[1].closes", "time_zone",
                        "prep_time_minutes", "min_order.amount", "min_order.currency", "delivery_radius_m",
                        "owner_id", "id"}) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
  }
}

TEST(CatalogSchemas, NewMerchantRequiresItsFields) {
  const auto fields = fields_of(errors_of([] { parse_new_merchant(json::object{}); }));
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "address", "lat", "lng", "phone", "opening_hours", "time_zone",
                                              "prep_time_minutes", "min_order", "delivery_radius_m"}));
}

TEST(CatalogSchemas, MerchantPatchSemantics) {
  const MerchantPatch p = parse_merchant_patch(json::parse(R"({"description": null, "lat": 48.9, "lng": 2.4,
                                                               "min_order": {"amount": 0, "currency": "CHF"}})")
                                                   .as_object());
  ASSERT_TRUE(p.description.has_value());
  EXPECT_FALSE(p.description->has_value()) << "null clears the description";
  EXPECT_EQ(p.lat, 48.9);
  EXPECT_EQ(p.lng, 2.4);
  EXPECT_EQ(p.min_order, (Money{0, "CHF"}));
  EXPECT_FALSE(p.name.has_value());
  EXPECT_FALSE(p.opening_hours.has_value());

  EXPECT_EQ(fields_of(errors_of([] { parse_merchant_patch(json::object{}); })), std::vector<std::string>{"body"});
  EXPECT_EQ(fields_of(errors_of([] { parse_merchant_patch(json::parse(R"({"lat": 48.9})").as_object()); })),
            std::vector<std::string>{"lng"});
  EXPECT_EQ(fields_of(errors_of([] { parse_merchant_patch(json::parse(R"({"name": null})").as_object()); })),
            std::vector<std::string>{"name"});
  EXPECT_EQ(fields_of(errors_of([] { parse_merchant_patch(json::parse(R"({"opening_hours": null})").as_object()); })),
            std::vector<std::string>{"opening_hours"});
  EXPECT_EQ(fields_of(errors_of([] {
              parse_merchant_patch(json::parse(R"({"owner_id": "0190f5d2-7b1c-7a3e-9f00-0123456789ab"})").as_object());
            })),
            (std::vector<std::string>{"owner_id", "body"}));
  EXPECT_EQ(fields_of(errors_of([] {
              parse_merchant_patch(
                  json::parse(R"({"opening_hours": {"monday": [{"opens": "11:00", "closes": "15:00"},
                                                               {"opens": "14:00", "closes": "16:00"}]}})")
                      .as_object());
            })),
            std::vector<std::string>{"opening_hours.monday[1]"});
}

// --- money and currencies ---

TEST(CatalogSchemas, CurrenciesAreAcceptedIso4217CodesInUpperCase) {
  for (const char* code : {"EUR", "GBP", "USD", "CHF", "JPY", "SEK"}) EXPECT_TRUE(find_currency(code)) << code;
  for (const char* code : {"eur", "Eur", "EURO", "EU", "", "XXX", "XAU", "ABC", "€"}) {
    EXPECT_FALSE(find_currency(code)) << code;
  }
  EXPECT_EQ(find_currency("JPY")->minor_digits, 0);
  EXPECT_EQ(find_currency("EUR")->minor_digits, 2);
  const auto all = accepted_currencies();
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const Currency& a, const Currency& b) { return a.code < b.code; }));
}

TEST(CatalogSchemas, PricesAreIntegerMinorUnitsAboveZero) {
  const char* base = R"({"name": "Croque", "price": {"amount": 950, "currency": "EUR"}})";
  const NewProduct p = parse_new_product(json::parse(base).as_object());
  EXPECT_EQ(p.price, (Money{950, "EUR"}));
  EXPECT_TRUE(p.available) << "available by default";
  EXPECT_FALSE(p.category.has_value());

  auto price_fields = [&](const char* price) {
    return fields_of(errors_of([&] { parse_new_product(with(base, {{"price", json::parse(price)}})); }));
  };
  EXPECT_EQ(price_fields(R"({"amount": 0, "currency": "EUR"})"), std::vector<std::string>{"price.amount"});
  EXPECT_EQ(price_fields(R"({"amount": -5, "currency": "EUR"})"), std::vector<std::string>{"price.amount"});
  EXPECT_EQ(price_fields(R"({"amount": 9.5, "currency": "EUR"})"), std::vector<std::string>{"price.amount"});
  EXPECT_EQ(price_fields(R"({"amount": "950", "currency": "EUR"})"), std::vector<std::string>{"price.amount"});
  EXPECT_EQ(price_fields(R"({"amount": 100000001, "currency": "EUR"})"), std::vector<std::string>{"price.amount"});
  EXPECT_EQ(price_fields(R"({"amount": 18446744073709551615, "currency": "EUR"})"),
            std::vector<std::string>{"price.amount"});
  EXPECT_EQ(price_fields(R"({"amount": 950, "currency": "eur"})"), std::vector<std::string>{"price.currency"});
  EXPECT_EQ(price_fields(R"({"amount": 950, "currency": "XXX"})"), std::vector<std::string>{"price.currency"});
  EXPECT_EQ(price_fields(R"({"amount": 950})"), std::vector<std::string>{"price.currency"});
  EXPECT_EQ(price_fields(R"({"amount": 950, "currency": "EUR", "vat": 20})"), std::vector<std::string>{"price.vat"});
  EXPECT_EQ(price_fields("950"), std::vector<std::string>{"price"});
}

TEST(CatalogSchemas, ProductPatchSemantics) {
  const ProductPatch p =
      parse_product_patch(json::parse(R"({"category": null, "available": false, "name": " Salade "})").as_object());
  ASSERT_TRUE(p.category.has_value());
  EXPECT_FALSE(p.category->has_value());
  EXPECT_EQ(p.available, false);
  EXPECT_EQ(p.name, "Salade");
  EXPECT_FALSE(p.price.has_value());
  EXPECT_FALSE(p.description.has_value());
  EXPECT_EQ(fields_of(errors_of([] { parse_product_patch(json::parse(R"({"price": null})").as_object()); })),
            std::vector<std::string>{"price"});
  EXPECT_EQ(fields_of(errors_of([] { parse_product_patch(json::parse(R"({"available": "no"})").as_object()); })),
            std::vector<std::string>{"available"});
  EXPECT_EQ(
      fields_of(errors_of([] { parse_product_patch(json::parse(R"({"merchant_id": "x", "deleted_at": null})").as_object()); })),
      (std::vector<std::string>{"merchant_id", "deleted_at", "body"}));
}

// --- the search's query parameters ---

TEST(CatalogSchemas, SearchParameters) {
  SearchParameters in;
  in.lat = "48.8566";
  in.lng = "2.3522";
  const ParsedSearch defaults = parse_merchant_search(in);
  EXPECT_DOUBLE_EQ(defaults.search.lat, 48.8566);
  EXPECT_DOUBLE_EQ(defaults.search.lng, 2.3522);
  EXPECT_EQ(defaults.search.radius_m, 5000);
  EXPECT_EQ(defaults.search.limit, kDefaultPageSize);
  EXPECT_FALSE(defaults.search.text.has_value());
  EXPECT_FALSE(defaults.search.open_now_only);
  EXPECT_FALSE(defaults.search.after.has_value());

  in.radius_m = "1200";
  in.q = "  100% _bio ";
  in.open_now = "true";
  in.limit = "1000";
  const ParsedSearch full = parse_merchant_search(in);
  EXPECT_EQ(full.search.radius_m, 1200);
  EXPECT_EQ(full.search.text, "100% _bio");
  EXPECT_TRUE(full.search.open_now_only);
  EXPECT_EQ(full.search.limit, kMaxPageSize) << "clamped to 100";
  EXPECT_NE(full.fingerprint, defaults.fingerprint);

  in.q = "   ";
  EXPECT_FALSE(parse_merchant_search(in).search.text.has_value()) << "blank q is no filter";

  SearchParameters bad;
  bad.lng = "nan";
  bad.radius_m = "0";
  bad.open_now = "yes";
  bad.limit = "0";
  bad.q = "a\x01";
  EXPECT_EQ(fields_of(errors_of([&] { parse_merchant_search(bad); })),
            (std::vector<std::string>{"lat", "lng", "radius_m", "q", "open_now", "limit"}));
  SearchParameters out_of_range;
  out_of_range.lat = "-90.5";
  out_of_range.lng = "180.0001";
  out_of_range.radius_m = "50001";
  EXPECT_EQ(fields_of(errors_of([&] { parse_merchant_search(out_of_range); })),
            (std::vector<std::string>{"lat", "lng", "radius_m"}));
}

TEST(CatalogSchemas, SearchCursorIsBoundToItsQuery) {
  SearchParameters in;
  in.lat = "48.8566";
  in.lng = "2.3522";
  const ParsedSearch first = parse_merchant_search(in);
  SearchKey key;
  key.distance_m = 1234.5678901234567;
  key.id = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  const std::string cursor = encode_search_cursor(key, first.fingerprint);

  in.cursor = cursor;
  in.limit = "5";  // the page size may change between pages
  const ParsedSearch next = parse_merchant_search(in);
  ASSERT_TRUE(next.search.after.has_value());
  EXPECT_EQ(*next.search.after, key) << "the distance comes back bit for bit";

  in.lat = "48.8567";
  EXPECT_EQ(fields_of(errors_of([&] { parse_merchant_search(in); })), std::vector<std::string>{"cursor"});
  in.lat = "48.8566";
  for (const std::string& forged :
       {std::string("garbage"), security::base64url_encode("s1~-1~0190f5d2-7b1c-7a3e-9f00-0123456789ab~" + first.fingerprint),
        security::base64url_encode("s1~inf~0190f5d2-7b1c-7a3e-9f00-0123456789ab~" + first.fingerprint),
        security::base64url_encode("s1~12~not-a-uuid~" + first.fingerprint),
        security::base64url_encode("i1~0190f5d2-7b1c-7a3e-9f00-0123456789ab~" + first.fingerprint)}) {
    in.cursor = forged;
    EXPECT_EQ(fields_of(errors_of([&] { parse_merchant_search(in); })), std::vector<std::string>{"cursor"}) << forged;
  }
}

TEST(CatalogSchemas, ProductCursorIsBoundToMerchantAndCategory) {
  const std::string merchant = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  const std::string other = "0190f5d2-7b1c-7a3e-9f00-0123456789ac";
  const std::string product = "0190f5d3-0000-7000-8000-000000000001";
  const ProductPageRequest first = parse_product_page_request(merchant, "Boissons", "2", std::nullopt);
  EXPECT_EQ(first.category, "Boissons");
  EXPECT_EQ(first.limit, 2u);
  const std::string cursor = encode_id_cursor(product, first.fingerprint);
  EXPECT_EQ(parse_product_page_request(merchant, "Boissons", std::nullopt, cursor).after, product);
  EXPECT_THROW(parse_product_page_request(merchant, "Desserts", std::nullopt, cursor), ValidationError);
  EXPECT_THROW(parse_product_page_request(merchant, std::nullopt, std::nullopt, cursor), ValidationError);
  EXPECT_THROW(parse_product_page_request(other, "Boissons", std::nullopt, cursor), ValidationError);
  EXPECT_FALSE(parse_product_page_request(merchant, "", std::nullopt, std::nullopt).category.has_value());
  EXPECT_THROW(parse_product_page_request(merchant, std::nullopt, "-1", std::nullopt), ValidationError);
  EXPECT_EQ(parse_product_page_request(merchant, std::nullopt, "99999999999999999999999", std::nullopt).limit,
            kMaxPageSize);
}

// --- serialization ---

TEST(CatalogSchemas, MerchantJsonShowsTheOwnerToManagersOnly) {
  Merchant m;
  m.id = "0190f5d2-7b1c-7a3e-9f00-0123456789ab";
  m.owner_id = "0190f5d2-7b1c-7a3e-9f00-0123456789ac";
  m.name = "Chez Léon";
  m.min_order = Money{1500, "EUR"};
  m.created_at = Timestamp(std::chrono::seconds(1795615407));
  m.updated_at = m.created_at + std::chrono::microseconds(512345);
  const json::object manager = to_json(m, Audience::Manager);
  const json::object reader = to_json(m, Audience::Public);
  EXPECT_EQ(manager.at("owner_id").as_string(), m.owner_id);
  EXPECT_FALSE(reader.contains("owner_id"));
  EXPECT_TRUE(reader.at("description").is_null());
  EXPECT_EQ(reader.at("min_order"), json::parse(R"({"amount": 1500, "currency": "EUR"})"));
  EXPECT_EQ(reader.at("created_at").as_string(), "2026-11-25T14:03:27.000Z");
  EXPECT_EQ(reader.at("updated_at").as_string(), "2026-11-25T14:03:27.512Z");
  EXPECT_EQ(reader.at("opening_hours").as_object().size(), 7u);

  MerchantSearchPage page;
  FoundMerchant found;
  found.merchant = m;
  found.distance_m = 1234.56;
  page.items.push_back(found);
  const json::object body = to_json(page, "f");
  EXPECT_EQ(body.at("items").as_array().at(0).at("distance_m").as_int64(), 1235);
  EXPECT_TRUE(body.at("next_cursor").is_null());
}

}  // namespace
}  // namespace nelo::catalog
