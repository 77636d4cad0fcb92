// The catalog's merchants against PostgreSQL + PostGIS: create, patch (atomic, owner or admin
// only), time zones as PostgreSQL knows them, "open now" evaluated in the merchant's zone across
// DST changes and past midnight, the distance search (order, radius, keyset pages without
// duplicates or gaps, q with LIKE wildcards, open_now), and "my merchants".

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/errors.hpp"
#include "support/catalog_fixture.hpp"

namespace nelo::catalog::test {
namespace {

class CatalogMerchants : public CatalogDbTest {
 protected:
  MerchantSearch search_near(double lat, double lng, int radius_m = 5000, std::size_t limit = 20) {
    MerchantSearch s;
    s.lat = lat;
    s.lng = lng;
    s.radius_m = radius_m;
    s.limit = limit;
    return s;
  }

  std::vector<std::string> names(const MerchantSearchPage& page) {
    std::vector<std::string> out;
    for (const auto& found : page.items) out.push_back(found.merchant.name);
    return out;
  }

  // Every page of a search, following the keyset until the last one.
  std::vector<FoundMerchant> all_pages(MerchantSearch s, int* pages = nullptr) {
    std::vector<FoundMerchant> all;
    int count = 0;
    while (true) {
      auto page = run(merchants_.search(s));
      ++count;
      for (auto& found : page.items) all.push_back(std::move(found));
      if (!page.next) break;
      s.after = page.next;
      if (count > 1000) throw std::runtime_error("the pages never end");
    }
    if (pages) *pages = count;
    return all;
  }

  // Whether the merchant reads as open at `t`.
  bool open_at(const std::string& merchant_id, std::string_view t) {
    clock_.set(at(t));
    return run(merchants_.get(merchant_id)).open_now;
  }
};

// --- create, read ---

TEST_F(CatalogMerchants, CreateStoresEverythingAndReadsItBack) {
  const std::string owner_id = new_uuid();
  NewMerchant m = new_merchant("Chez Léon");
  m.opening_hours.days[6].clear();  // closed on Sundays
  const Merchant created = add_merchant(owner_id, m);
  EXPECT_TRUE(is_uuid(created.id));
  EXPECT_EQ(created.owner_id, owner_id);
  EXPECT_EQ(created.name, "Chez Léon");
  EXPECT_EQ(created.description, "Bistrot parisien");
  EXPECT_EQ(created.address, "12 rue de Rivoli, 75004 Paris");
  EXPECT_DOUBLE_EQ(created.lat, 48.8566);
  EXPECT_DOUBLE_EQ(created.lng, 2.3522);
  EXPECT_EQ(created.phone, "+33142685300");
  EXPECT_EQ(created.opening_hours, m.opening_hours);
  EXPECT_EQ(created.time_zone, "Europe/Paris");
  EXPECT_EQ(created.prep_time_minutes, 15);
  EXPECT_EQ(created.min_order, eur(1500));
  EXPECT_EQ(created.delivery_radius_m, 3000);
  EXPECT_TRUE(created.open_now) << "the fixture's clock is Wednesday 13:00 in Paris";
  EXPECT_EQ(created.created_at, created.updated_at);

  const Merchant read = run(merchants_.get(created.id));
  EXPECT_EQ(read.name, created.name);
  EXPECT_EQ(read.opening_hours, m.opening_hours);
  EXPECT_EQ(value("SELECT ST_AsText(location) FROM catalog.merchants WHERE id = '" + created.id + "'"),
            "POINT(2.3522 48.8566)");
  EXPECT_EQ(value("SELECT weekly_open::text FROM catalog.merchants WHERE id = '" + created.id + "'"),
            "{[690,870),[1110,1380),[2130,2310),[2550,2820),[3570,3750),[3990,4260),[5010,5190),[5430,5700),"
            "[6450,6630),[6870,7140),[7890,8070),[8310,8580)}");
}

TEST_F(CatalogMerchants, UnknownOrMalformedIdIsNotFound) {
  EXPECT_THROW(run(merchants_.get(new_uuid())), NotFound);
  EXPECT_THROW(run(merchants_.get("not-a-uuid")), NotFound);
  EXPECT_THROW(run(merchants_.get("")), NotFound);
  EXPECT_THROW(run(merchants_.get("'; DROP TABLE catalog.merchants; --")), NotFound);
}

TEST_F(CatalogMerchants, TimeZoneMustBeOneThatPostgresKnows) {
  for (const char* zone : {"Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"}) {
    NewMerchant m = new_merchant();
    m.time_zone = zone;
    EXPECT_EQ(add_merchant(new_uuid(), m).time_zone, zone);
  }
  for (const char* zone : {"Europe/Pariss", "europe/paris", "CEST", "+02:00", "posix/Europe/Paris",
                                 "right/Europe/Paris", "localtime", "Mars/Olympus_Mons"}) {
    NewMerchant m = new_merchant();
    m.time_zone = zone;
    try {
      add_merchant(new_uuid(), m);
      ADD_FAILURE() << zone << " was accepted";
    } catch (const ValidationError& e) {
      ASSERT_EQ(e.errors().size(), 1u);
      EXPECT_EQ(e.errors()[0].field, "time_zone");
    }
  }
  EXPECT_EQ(value("SELECT count(*) FROM catalog.merchants"), "4");
}

// --- patch ---

TEST_F(CatalogMerchants, PatchChangesOnlyWhatItNames) {
  const std::string owner_id = new_uuid();
  const Merchant before = add_merchant(owner_id);
  MerchantPatch patch;
  patch.name = "Chez Léon et Fils";
  patch.lat = 48.86;
  patch.lng = 2.34;
  patch.description = std::optional<std::string>();  // removes it
  const Merchant after = run(merchants_.update(owner(owner_id), before.id, patch));
  EXPECT_EQ(after.name, "Chez Léon et Fils");
  EXPECT_DOUBLE_EQ(after.lat, 48.86);
  EXPECT_DOUBLE_EQ(after.lng, 2.34);
  EXPECT_FALSE(after.description.has_value());
  EXPECT_EQ(after.phone, before.phone);
  EXPECT_EQ(after.opening_hours, before.opening_hours);
  EXPECT_EQ(after.min_order, before.min_order);
  EXPECT_EQ(after.created_at, before.created_at);
  EXPECT_GE(after.updated_at, before.updated_at);
  EXPECT_EQ(value("SELECT description IS NULL FROM catalog.merchants WHERE id = '" + before.id + "'"), "t");
}

TEST_F(CatalogMerchants, PatchingOpeningHoursRecompilesTheWeek) {
  const std::string owner_id = new_uuid();
  const Merchant m = add_merchant(owner_id);
  MerchantPatch patch;
  patch.opening_hours = OpeningHours{};
  patch.opening_hours->days[4] = {range("18:00", "02:00")};  // Friday night into Saturday
  const Merchant after = run(merchants_.update(owner(owner_id), m.id, patch));
  EXPECT_EQ(after.opening_hours, *patch.opening_hours);
  EXPECT_FALSE(after.open_now) << "Wednesday 13:00 is no longer open";
  EXPECT_EQ(value("SELECT weekly_open::text FROM catalog.merchants WHERE id = '" + m.id + "'"), "{[6840,7320)}");
  EXPECT_TRUE(open_at(m.id, "2026-11-28T00:30:00Z")) << "Saturday 01:30 in Paris";
  EXPECT_FALSE(open_at(m.id, "2026-11-28T01:30:00Z")) << "Saturday 02:30 in Paris";
}

TEST_F(CatalogMerchants, AnotherMerchantsPatchIsNotFoundAndChangesNothing) {
  const std::string alice = new_uuid();
  const Merchant m = add_merchant(alice);
  const std::string before = merchant_row(m.id);
  MerchantPatch patch;
  patch.name = "Taken over";
  EXPECT_THROW(run(merchants_.update(owner(new_uuid()), m.id, patch)), NotFound);
  EXPECT_THROW(run(merchants_.update(owner(alice), new_uuid(), patch)), NotFound);
  EXPECT_THROW(run(merchants_.update(owner(alice), "not-a-uuid", patch)), NotFound);
  EXPECT_EQ(merchant_row(m.id), before);
}

TEST_F(CatalogMerchants, AnAdminMayPatchAnyMerchant) {
  const Merchant m = add_merchant(new_uuid());
  MerchantPatch patch;
  patch.prep_time_minutes = 40;
  const Merchant after = run(merchants_.update(admin(), m.id, patch));
  EXPECT_EQ(after.prep_time_minutes, 40);
  EXPECT_EQ(after.owner_id, m.owner_id) << "the owner stays the owner";
}

TEST_F(CatalogMerchants, PatchWithAnUnknownTimeZoneChangesNothing) {
  const std::string owner_id = new_uuid();
  const Merchant m = add_merchant(owner_id);
  const std::string before = merchant_row(m.id);
  MerchantPatch patch;
  patch.name = "Renamed";
  patch.time_zone = "Europe/Atlantis";
  EXPECT_THROW(run(merchants_.update(owner(owner_id), m.id, patch)), ValidationError);
  EXPECT_EQ(merchant_row(m.id), before);
}

TEST_F(CatalogMerchants, CurrencyChangesOnlyWithoutProductsInTheOldOne) {
  const std::string owner_id = new_uuid();
  const Merchant m = add_merchant(owner_id);
  MerchantPatch to_chf;
  to_chf.min_order = Money{2000, "CHF"};
  to_chf.name = "Chez Léon Genève";

  const Product croque = add_product(m);
  const std::string before = merchant_row(m.id);
  try {
    run(merchants_.update(owner(owner_id), m.id, to_chf));
    ADD_FAILURE() << "the currency changed under a product priced in EUR";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].field, "min_order.currency");
  }
  EXPECT_EQ(merchant_row(m.id), before) << "nothing of the refused patch applied";

  // The amount alone may change; once the product is gone, the currency too.
  MerchantPatch amount_only;
  amount_only.min_order = eur(2500);
  EXPECT_EQ(run(merchants_.update(owner(owner_id), m.id, amount_only)).min_order, eur(2500));
  run(products_.remove(owner(owner_id), m.id, croque.id));
  const Merchant after = run(merchants_.update(owner(owner_id), m.id, to_chf));
  EXPECT_EQ(after.min_order, (Money{2000, "CHF"}));
  EXPECT_EQ(after.name, "Chez Léon Genève");
}

// Two patches of different fields at once: the row lock serialises them, so neither is lost.
TEST_F(CatalogMerchants, ConcurrentPatchesOfDifferentFieldsAreBothKept) {
  const std::string owner_id = new_uuid();
  const Merchant m = add_merchant(owner_id);
  for (int round = 0; round < 5; ++round) {
    MerchantPatch name;
    name.name = "Name " + std::to_string(round);
    MerchantPatch prep;
    prep.prep_time_minutes = 20 + round;
    const Actor actor = owner(owner_id);
    const int failures = run_concurrently(
        {[&]() -> asio::awaitable<void> { co_await merchants_.update(actor, m.id, name); },
         [&]() -> asio::awaitable<void> { co_await merchants_.update(actor, m.id, prep); }});
    ASSERT_EQ(failures, 0);
    const Merchant now = run(merchants_.get(m.id));
    EXPECT_EQ(now.name, "Name " + std::to_string(round));
    EXPECT_EQ(now.prep_time_minutes, 20 + round);
  }
}

// --- open now: the merchant's local time, DST and past midnight ---

TEST_F(CatalogMerchants, OpenNowFollowsParisAcrossTheSpringDstChange) {
  // 2026-03-29: Paris goes from 02:00 CET (UTC+1) to 03:00 CEST (UTC+2). Sunday 01:00-03:30.
  NewMerchant m = new_merchant();
  m.opening_hours = OpeningHours{};
  m.opening_hours.days[6] = {range("01:00", "03:30")};
  const std::string id = add_merchant(new_uuid(), m).id;
  EXPECT_FALSE(open_at(id, "2026-03-28T23:59:00Z")) << "00:59 CET";
  EXPECT_TRUE(open_at(id, "2026-03-29T00:00:00Z")) << "01:00 CET";
  EXPECT_TRUE(open_at(id, "2026-03-29T00:59:59Z")) << "01:59:59 CET";
  EXPECT_TRUE(open_at(id, "2026-03-29T01:00:00Z")) << "03:00 CEST, straight after 01:59:59";
  EXPECT_TRUE(open_at(id, "2026-03-29T01:29:00Z")) << "03:29 CEST";
  EXPECT_FALSE(open_at(id, "2026-03-29T01:30:00Z")) << "03:30 CEST";
  // The same wall-clock hours a week earlier, in winter time, are one UTC hour later.
  EXPECT_TRUE(open_at(id, "2026-03-22T02:29:00Z")) << "03:29 CET";
  EXPECT_FALSE(open_at(id, "2026-03-22T02:30:00Z")) << "03:30 CET";
}

TEST_F(CatalogMerchants, OpenNowFollowsParisAcrossTheAutumnDstChange) {
  // 2026-10-25: Paris goes from 03:00 CEST back to 02:00 CET; 02:00-02:59 happens twice.
  NewMerchant m = new_merchant();
  m.opening_hours = OpeningHours{};
  m.opening_hours.days[6] = {range("02:00", "03:00")};
  const std::string id = add_merchant(new_uuid(), m).id;
  EXPECT_FALSE(open_at(id, "2026-10-24T23:59:00Z")) << "01:59 CEST";
  EXPECT_TRUE(open_at(id, "2026-10-25T00:00:00Z")) << "02:00 CEST (first time)";
  EXPECT_TRUE(open_at(id, "2026-10-25T01:30:00Z")) << "02:30 CET (second time)";
  EXPECT_FALSE(open_at(id, "2026-10-25T02:00:00Z")) << "03:00 CET";
}

TEST_F(CatalogMerchants, OpenNowUsesEachMerchantsOwnZone) {
  // Monday 09:00-17:00 in New York and in Tokyo; the same instant is Monday 10:00 in New York
  // (UTC-5 in November) and Tuesday 00:00 in Tokyo.
  NewMerchant ny = new_merchant("Deli");
  ny.time_zone = "America/New_York";
  ny.opening_hours = OpeningHours{};
  ny.opening_hours.days[0] = {range("09:00", "17:00")};
  NewMerchant tokyo = ny;
  tokyo.name = "Izakaya";
  tokyo.time_zone = "Asia/Tokyo";
  const std::string ny_id = add_merchant(new_uuid(), ny).id;
  const std::string tokyo_id = add_merchant(new_uuid(), tokyo).id;
  EXPECT_TRUE(open_at(ny_id, "2026-11-23T15:00:00Z"));
  EXPECT_FALSE(open_at(tokyo_id, "2026-11-23T15:00:00Z"));
  EXPECT_TRUE(open_at(tokyo_id, "2026-11-23T01:00:00Z")) << "Monday 10:00 in Tokyo";
}

TEST_F(CatalogMerchants, PastMidnightRangesAndSundayIntoMonday) {
  NewMerchant m = new_merchant();
  m.opening_hours = OpeningHours{};
  m.opening_hours.days[6] = {range("20:00", "02:00")};  // Sunday night into Monday
  m.opening_hours.days[2] = {range("00:00", "24:00")};  // all Wednesday
  const std::string id = add_merchant(new_uuid(), m).id;
  EXPECT_TRUE(open_at(id, "2026-11-29T19:00:00Z")) << "Sunday 20:00";
  EXPECT_TRUE(open_at(id, "2026-11-29T23:30:00Z")) << "Monday 00:30";
  EXPECT_FALSE(open_at(id, "2026-11-30T01:00:00Z")) << "Monday 02:00";
  EXPECT_FALSE(open_at(id, "2026-11-24T22:59:00Z")) << "Tuesday 23:59";
  EXPECT_TRUE(open_at(id, "2026-11-24T23:00:00Z")) << "Wednesday 00:00";
  EXPECT_TRUE(open_at(id, "2026-11-25T22:59:59Z")) << "Wednesday 23:59:59";
  EXPECT_FALSE(open_at(id, "2026-11-25T23:00:00Z")) << "Thursday 00:00";
}

TEST_F(CatalogMerchants, WeekMinuteIsLocalAndInlinedIntoTheCallingQuery) {
  // Minutes since Monday 00:00 local time, before and after 1970, in whole and odd zones.
  EXPECT_EQ(value("SELECT catalog.week_minute('2026-11-30T00:00:00Z', 'UTC')"), "0") << "a Monday";
  EXPECT_EQ(value("SELECT catalog.week_minute('2026-11-29T23:00:00Z', 'Europe/Paris')"), "0") << "Monday 00:00 CET";
  EXPECT_EQ(value("SELECT catalog.week_minute('2026-03-29T01:30:00Z', 'Europe/Paris')"), std::to_string(6 * 1440 + 3 * 60 + 30))
      << "Sunday 03:30 CEST, just after the spring change";
  EXPECT_EQ(value("SELECT catalog.week_minute('2026-11-25T12:00:00Z', 'Asia/Kolkata')"), std::to_string(2 * 1440 + 17 * 60 + 30))
      << "Wednesday 17:30 IST";
  EXPECT_EQ(value("SELECT catalog.week_minute('1969-12-31T23:59:59Z', 'UTC')"), std::to_string(2 * 1440 + 23 * 60 + 59))
      << "a Wednesday before the epoch";
  EXPECT_EQ(value("SELECT catalog.week_minute(NULL, 'UTC') IS NULL"), "t");
  // Inlined: the plan shows the expression, not a call that parses the function body each time.
  const std::string plan = value("EXPLAIN (VERBOSE, FORMAT JSON) SELECT catalog.week_minute(now(), time_zone) FROM catalog.merchants");
  EXPECT_EQ(plan.find("week_minute"), std::string::npos) << plan;
}

// --- search ---

TEST_F(CatalogMerchants, SearchIsNearestFirstWithinTheRadius) {
  // Along a meridian: 0.01 degree of latitude is about 1.11 km.
  add_merchant(new_uuid(), "Far", 48.8966, 2.3522);     // ~4.4 km
  add_merchant(new_uuid(), "Near", 48.8576, 2.3522);    // ~110 m
  add_merchant(new_uuid(), "Middle", 48.8766, 2.3522);  // ~2.2 km
  add_merchant(new_uuid(), "Outside", 48.9166, 2.3522); // ~6.7 km
  const auto page = run(merchants_.search(search_near(48.8566, 2.3522, 5000)));
  EXPECT_EQ(names(page), (std::vector<std::string>{"Near", "Middle", "Far"}));
  EXPECT_FALSE(page.next.has_value());
  EXPECT_NEAR(page.items[0].distance_m, 111, 2);
  EXPECT_NEAR(page.items[1].distance_m, 2224, 10);
  EXPECT_NEAR(page.items[2].distance_m, 4448, 15);
  EXPECT_EQ(names(run(merchants_.search(search_near(48.8566, 2.3522, 3000)))),
            (std::vector<std::string>{"Near", "Middle"}));
  EXPECT_TRUE(run(merchants_.search(search_near(-33.87, 151.21))).items.empty()) << "nothing near Sydney";
}

TEST_F(CatalogMerchants, SearchUsesTheGistIndex) {
  for (int i = 0; i < 50; ++i) add_merchant(new_uuid(), "M" + std::to_string(i), 48.80 + i * 0.002, 2.35);
  database_.exec("ANALYZE catalog.merchants");
  const std::string plan = value(
      "SET enable_seqscan = off; EXPLAIN (FORMAT JSON) SELECT id FROM catalog.merchants WHERE ST_DWithin(location, "
      "ST_SetSRID(ST_MakePoint(2.35, 48.85), 4326)::geography, 1000)");
  EXPECT_NE(plan.find("merchants_location"), std::string::npos) << plan;
}

TEST_F(CatalogMerchants, KeysetPagesHaveNoDuplicatesNorGaps) {
  // 23 merchants, several at exactly the same distance (same point, ties broken by id), others
  // spread around; pages of 4.
  std::set<std::string> expected;
  for (int i = 0; i < 6; ++i) expected.insert(add_merchant(new_uuid(), "Same " + std::to_string(i), 48.86, 2.35).id);
  for (int i = 0; i < 17; ++i) {
    const double angle = i * 0.37;
    expected.insert(add_merchant(new_uuid(), "Spread " + std::to_string(i), 48.8566 + 0.02 * std::sin(angle) * (i % 5) / 4,
                                 2.3522 + 0.02 * std::cos(angle) * (i % 7) / 6)
                        .id);
  }
  int pages = 0;
  const auto all = all_pages(search_near(48.8566, 2.3522, 10000, 4), &pages);
  EXPECT_EQ(pages, 6);
  std::set<std::string> seen;
  for (const auto& found : all) EXPECT_TRUE(seen.insert(found.merchant.id).second) << "twice: " << found.merchant.id;
  EXPECT_EQ(seen, expected);
  for (std::size_t i = 1; i < all.size(); ++i) {
    const bool ordered = all[i - 1].distance_m < all[i].distance_m ||
                         (all[i - 1].distance_m == all[i].distance_m && all[i - 1].merchant.id < all[i].merchant.id);
    EXPECT_TRUE(ordered) << "at " << i;
  }
}

TEST_F(CatalogMerchants, KeysetIsStableWhenMerchantsAreAddedBetweenPages) {
  for (int i = 0; i < 6; ++i) add_merchant(new_uuid(), "Before " + std::to_string(i), 48.8566 + 0.001 * (i + 1), 2.3522);
  MerchantSearch s = search_near(48.8566, 2.3522, 5000, 3);
  auto first = run(merchants_.search(s));
  ASSERT_TRUE(first.next.has_value());
  // A merchant nearer than the page boundary appears meanwhile: it is not part of the rest.
  add_merchant(new_uuid(), "Newcomer", 48.8566, 2.3522);
  s.after = first.next;
  auto rest = run(merchants_.search(s));
  EXPECT_EQ(names(rest), (std::vector<std::string>{"Before 3", "Before 4", "Before 5"}));
  EXPECT_FALSE(rest.next.has_value());
}

TEST_F(CatalogMerchants, SearchTextMatchesNameOrDescriptionAndTakesWildcardsLiterally) {
  NewMerchant percent = new_merchant("100% Bio");
  percent.description = "Épicerie";
  add_merchant(new_uuid(), percent);
  NewMerchant underscore = new_merchant("Snack_Bar");
  underscore.description = std::nullopt;
  add_merchant(new_uuid(), underscore);
  NewMerchant plain = new_merchant("SnackXBar 100 Bio");
  plain.description = "Le meilleur KEBAB du quartier";
  add_merchant(new_uuid(), plain);
  NewMerchant backslash = new_merchant("Back\\slash");
  add_merchant(new_uuid(), backslash);

  auto with_text = [&](std::string text) {
    MerchantSearch s = search_near(48.8566, 2.3522);
    s.text = std::move(text);
    auto found = names(run(merchants_.search(s)));
    std::sort(found.begin(), found.end());
    return found;
  };
  EXPECT_EQ(with_text("%"), (std::vector<std::string>{"100% Bio"}));
  EXPECT_EQ(with_text("0% b"), (std::vector<std::string>{"100% Bio"}));
  EXPECT_EQ(with_text("_"), (std::vector<std::string>{"Snack_Bar"}));
  EXPECT_EQ(with_text("k_b"), (std::vector<std::string>{"Snack_Bar"}));
  EXPECT_EQ(with_text("\\"), (std::vector<std::string>{"Back\\slash"}));
  EXPECT_EQ(with_text("kebab"), (std::vector<std::string>{"SnackXBar 100 Bio"})) << "description, any case";
  EXPECT_EQ(with_text("ÉPICERIE"), (std::vector<std::string>{"100% Bio"})) << "case-insensitive beyond ASCII";
  EXPECT_EQ(with_text("bio"), (std::vector<std::string>{"100% Bio", "SnackXBar 100 Bio"}));
  EXPECT_TRUE(with_text("sushi").empty());
}

TEST_F(CatalogMerchants, OpenNowOnlyKeepsTheOpenOnesAndPaginatesOverThem) {
  NewMerchant lunch = new_merchant("Lunch");  // 11:30-14:30, 18:30-23:00
  NewMerchant night = new_merchant("Night");
  night.opening_hours = every_day({range("18:00", "02:00")});
  NewMerchant always = new_merchant("Always");
  always.opening_hours = every_day({range("00:00", "24:00")});
  for (int i = 0; i < 3; ++i) {
    add_merchant(new_uuid(), lunch);
    add_merchant(new_uuid(), night);
    add_merchant(new_uuid(), always);
  }
  auto open_names = [&](std::string_view t) {
    clock_.set(at(t));
    MerchantSearch s = search_near(48.8566, 2.3522, 5000, 2);
    s.open_now_only = true;
    std::multiset<std::string> out;
    for (const auto& found : all_pages(s)) {
      EXPECT_TRUE(found.merchant.open_now);
      out.insert(found.merchant.name);
    }
    return out;
  };
  EXPECT_EQ(open_names("2026-11-25T12:00:00Z"), (std::multiset<std::string>{"Always", "Always", "Always", "Lunch",
                                                                            "Lunch", "Lunch"}))
      << "13:00 in Paris";
  EXPECT_EQ(open_names("2026-11-25T23:30:00Z"), (std::multiset<std::string>{"Always", "Always", "Always", "Night",
                                                                            "Night", "Night"}))
      << "00:30 in Paris";
  EXPECT_EQ(open_names("2026-11-25T19:00:00Z").size(), 9u) << "20:00 in Paris";

  clock_.set(at("2026-11-25T23:30:00Z"));
  const auto everyone = run(merchants_.search(search_near(48.8566, 2.3522, 5000, 100)));
  EXPECT_EQ(everyone.items.size(), 9u) << "without the filter, closed ones are listed (open_now false)";
  EXPECT_EQ(std::count_if(everyone.items.begin(), everyone.items.end(),
                          [](const FoundMerchant& f) { return !f.merchant.open_now; }),
            3);
}

// --- my merchants ---

TEST_F(CatalogMerchants, ListOwnedReturnsOnlyMineInCreationOrder) {
  const std::string me = new_uuid();
  std::vector<std::string> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(add_merchant(me, "Mine " + std::to_string(i)).id);
    add_merchant(new_uuid(), "Theirs " + std::to_string(i));
  }
  std::vector<std::string> listed;
  std::optional<std::string> after;
  int pages = 0;
  do {
    auto page = run(merchants_.list_owned(owner(me), after, 2));
    ++pages;
    for (const auto& m : page.items) {
      EXPECT_EQ(m.owner_id, me);
      listed.push_back(m.id);
    }
    after = page.next_after;
  } while (after);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(listed, mine);
  EXPECT_TRUE(run(merchants_.list_owned(owner(new_uuid()), std::nullopt, 20)).items.empty());
}

}  // namespace
}  // namespace nelo::catalog::test
