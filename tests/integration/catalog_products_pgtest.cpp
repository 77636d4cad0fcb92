// The catalog's products against PostgreSQL: create, patch and soft delete by the owner or an
// admin only, prices in the merchant's currency, the menu's pages and category filter, and
// CatalogInterface as the orders module uses it (merchant with "open" at an instant, products in
// one query with foreign, deleted, unknown and malformed ids left out).

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/errors.hpp"
#include "support/catalog_fixture.hpp"

namespace nelo::catalog::test {
namespace {

class CatalogProducts : public CatalogDbTest {
 protected:
  std::vector<std::string> ids(const std::vector<ProductDto>& products) {
    std::vector<std::string> out;
    for (const auto& p : products) out.push_back(p.id);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  // Every page of the menu, following the cursor.
  std::vector<Product> menu(const std::string& merchant_id, std::optional<std::string> category, std::size_t limit) {
    std::vector<Product> all;
    std::optional<std::string> after;
    do {
      auto page = run(products_.list(merchant_id, category, after, limit));
      for (auto& p : page.items) all.push_back(std::move(p));
      after = page.next_after;
    } while (after);
    return all;
  }
};

TEST_F(CatalogProducts, CreateReadAndDefaults) {
  const Merchant m = add_merchant(new_uuid());
  NewProduct p = new_product("Croque-monsieur", 950, "Plats");
  p.description = "Jambon, comté\nServi avec salade";
  const Product created = add_product(m, p);
  EXPECT_TRUE(is_uuid(created.id));
  EXPECT_EQ(created.merchant_id, m.id);
  EXPECT_EQ(created.name, "Croque-monsieur");
  EXPECT_EQ(created.description, "Jambon, comté\nServi avec salade");
  EXPECT_EQ(created.price, eur(950));
  EXPECT_TRUE(created.available);
  EXPECT_EQ(created.category, "Plats");
  const Product read = run(products_.get(m.id, created.id));
  EXPECT_EQ(read.name, created.name);
  EXPECT_EQ(read.price, created.price);
  EXPECT_EQ(read.created_at, created.created_at);
}

TEST_F(CatalogProducts, PriceMustBeInTheMerchantsCurrency) {
  const Merchant m = add_merchant(new_uuid());
  NewProduct p = new_product();
  p.price = Money{950, "USD"};
  try {
    add_product(m, p);
    ADD_FAILURE() << "a USD price was accepted by a EUR merchant";
  } catch (const ValidationError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].field, "price.currency");
  }
  const Product ok = add_product(m);
  ProductPatch patch;
  patch.price = Money{1200, "GBP"};
  patch.name = "Renamed";
  EXPECT_THROW(run(products_.update(owner(m.owner_id), m.id, ok.id, patch)), ValidationError);
  EXPECT_EQ(run(products_.get(m.id, ok.id)).name, "Croque-monsieur") << "nothing of the refused patch applied";
  EXPECT_EQ(value("SELECT count(*) FROM catalog.products"), "1");
}

TEST_F(CatalogProducts, PatchChangesOnlyWhatItNames) {
  const Merchant m = add_merchant(new_uuid());
  NewProduct p = new_product("Salade", 800, "Entrées");
  p.description = "Verte";
  const Product before = add_product(m, p);
  ProductPatch patch;
  patch.price = eur(850);
  patch.available = false;
  patch.category = std::optional<std::string>();  // removes it
  const Product after = run(products_.update(owner(m.owner_id), m.id, before.id, patch));
  EXPECT_EQ(after.price, eur(850));
  EXPECT_FALSE(after.available);
  EXPECT_FALSE(after.category.has_value());
  EXPECT_EQ(after.name, "Salade");
  EXPECT_EQ(after.description, "Verte");
  EXPECT_GE(after.updated_at, before.updated_at);
}

TEST_F(CatalogProducts, AnotherMerchantCannotTouchTheProducts) {
  const Merchant mine = add_merchant(new_uuid(), "Mine");
  const Merchant theirs = add_merchant(new_uuid(), "Theirs");
  const Product product = add_product(mine);
  const std::string before = product_row(product.id);
  const Actor intruder = owner(theirs.owner_id);
  ProductPatch patch;
  patch.price = eur(1);
  EXPECT_THROW(run(products_.create(intruder, mine.id, new_product("Intruder"))), NotFound);
  EXPECT_THROW(run(products_.update(intruder, mine.id, product.id, patch)), NotFound);
  EXPECT_THROW(run(products_.remove(intruder, mine.id, product.id)), NotFound);
  // Through their own merchant's path, the product is not theirs either.
  EXPECT_THROW(run(products_.update(intruder, theirs.id, product.id, patch)), NotFound);
  EXPECT_THROW(run(products_.remove(intruder, theirs.id, product.id)), NotFound);
  EXPECT_EQ(product_row(product.id), before);
  EXPECT_EQ(value("SELECT count(*) FROM catalog.products"), "1");
  // An admin may.
  EXPECT_EQ(run(products_.update(admin(), mine.id, product.id, patch)).price, eur(1));
}

TEST_F(CatalogProducts, MalformedIdsAreNotFound) {
  const Merchant m = add_merchant(new_uuid());
  const Actor o = owner(m.owner_id);
  ProductPatch patch;
  patch.available = false;
  EXPECT_THROW(run(products_.get(m.id, "nope")), NotFound);
  EXPECT_THROW(run(products_.get("nope", new_uuid())), NotFound);
  EXPECT_THROW(run(products_.list("nope", std::nullopt, std::nullopt, 20)), NotFound);
  EXPECT_THROW(run(products_.list(new_uuid(), std::nullopt, std::nullopt, 20)), NotFound);
  EXPECT_THROW(run(products_.create(o, "nope", new_product())), NotFound);
  EXPECT_THROW(run(products_.update(o, m.id, "nope", patch)), NotFound);
  EXPECT_THROW(run(products_.remove(o, m.id, "nope")), NotFound);
}

TEST_F(CatalogProducts, SoftDeleteHidesTheProductEverywhereButKeepsTheRow) {
  const Merchant m = add_merchant(new_uuid());
  const Product kept = add_product(m, new_product("Kept"));
  const Product gone = add_product(m, new_product("Gone"));
  run(products_.remove(owner(m.owner_id), m.id, gone.id));

  EXPECT_THROW(run(products_.get(m.id, gone.id)), NotFound);
  const auto listed = menu(m.id, std::nullopt, 20);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, kept.id);
  EXPECT_EQ(ids(run(directory_.get_products(m.id, {kept.id, gone.id}))), std::vector<std::string>{kept.id});
  ProductPatch patch;
  patch.name = "Back from the dead";
  EXPECT_THROW(run(products_.update(owner(m.owner_id), m.id, gone.id, patch)), NotFound);
  EXPECT_THROW(run(products_.remove(owner(m.owner_id), m.id, gone.id)), NotFound) << "a second delete";
  EXPECT_EQ(value("SELECT name || ' ' || (deleted_at IS NOT NULL) FROM catalog.products WHERE id = '" + gone.id + "'"),
            "Gone true");
}

TEST_F(CatalogProducts, MenuPagesInCreationOrderWithOrWithoutACategory) {
  const Merchant m = add_merchant(new_uuid());
  const Merchant other = add_merchant(new_uuid(), "Other");
  std::vector<std::string> all;
  std::vector<std::string> drinks;
  for (int i = 0; i < 11; ++i) {
    const bool drink = i % 3 == 0;
    const Product p = add_product(m, new_product("P" + std::to_string(i), 100 + i,
                                                 drink ? std::optional<std::string>("Boissons") : std::nullopt));
    all.push_back(p.id);
    if (drink) drinks.push_back(p.id);
    add_product(other, new_product("Other " + std::to_string(i)));
  }
  NewProduct unavailable = new_product("Sold out", 500, "Boissons");
  unavailable.available = false;
  const Product sold_out = add_product(m, unavailable);
  all.push_back(sold_out.id);
  drinks.push_back(sold_out.id);

  std::vector<std::string> listed;
  for (const auto& p : menu(m.id, std::nullopt, 4)) listed.push_back(p.id);
  EXPECT_EQ(listed, all) << "every product once, in creation order, unavailable ones included";
  listed.clear();
  for (const auto& p : menu(m.id, "Boissons", 2)) {
    EXPECT_EQ(p.category, "Boissons");
    listed.push_back(p.id);
  }
  EXPECT_EQ(listed, drinks);
  EXPECT_TRUE(menu(m.id, "boissons", 20).empty()) << "the category matches exactly";
  const auto page = run(products_.list(m.id, std::nullopt, std::nullopt, 100));
  EXPECT_EQ(page.items.size(), 12u);
  EXPECT_FALSE(page.next_after.has_value());
  EXPECT_FALSE(page.items.back().available);
}

TEST_F(CatalogProducts, MenuOfAMerchantWithoutProductsIsEmpty) {
  const Merchant m = add_merchant(new_uuid());
  const auto page = run(products_.list(m.id, std::nullopt, std::nullopt, 20));
  EXPECT_TRUE(page.items.empty());
  EXPECT_FALSE(page.next_after.has_value());
}

// --- CatalogInterface ---

TEST_F(CatalogProducts, DirectoryGetProductsKeepsOnlyThisMerchantsLiveOnes) {
  const Merchant m = add_merchant(new_uuid(), "Mine");
  const Merchant other = add_merchant(new_uuid(), "Other");
  const Product a = add_product(m, new_product("A", 100));
  NewProduct unavailable = new_product("B", 200);
  unavailable.available = false;
  const Product b = add_product(m, unavailable);
  const Product deleted = add_product(m, new_product("Deleted", 300));
  run(products_.remove(owner(m.owner_id), m.id, deleted.id));
  const Product foreign = add_product(other, new_product("Foreign", 400));

  std::string upper = a.id;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  const auto found = run(directory_.get_products(
      m.id, {a.id, b.id, deleted.id, foreign.id, new_uuid(), "not-a-uuid", "", a.id, upper}));
  EXPECT_EQ(ids(found), sorted({a.id, b.id})) << "duplicates once; foreign, deleted, unknown, malformed ids absent";
  for (const auto& p : found) {
    EXPECT_EQ(p.merchant_id, m.id);
    if (p.id == b.id) {
      EXPECT_FALSE(p.available) << "unavailable products are returned, flagged";
      EXPECT_EQ(p.price, eur(200));
      EXPECT_EQ(p.name, "B");
    }
  }
  EXPECT_TRUE(run(directory_.get_products(m.id, {})).empty());
  EXPECT_TRUE(run(directory_.get_products("not-a-uuid", {a.id})).empty());
  EXPECT_TRUE(run(directory_.get_products(other.id, {a.id, b.id})).empty());
}

// The pool the directory runs on, counting what is asked of it.
class CountingPool final : public db::Pool {
 public:
  explicit CountingPool(db::Pool& inner) : inner_(inner) {}
  asio::awaitable<db::Transaction> begin(std::string_view module, db::TxOptions options) override {
    ++transactions;
    return inner_.begin(module, options);
  }
  asio::awaitable<db::Result> execute(std::string_view module, std::string_view sql,
                                      const db::Params& params) override {
    ++statements;
    return inner_.execute(module, sql, params);
  }
  asio::awaitable<db::Result> execute_pipelined(std::string_view module, std::string_view sql,
                                                const db::Params& params) override {
    ++statements;
    return inner_.execute_pipelined(module, sql, params);
  }
  asio::awaitable<db::Result> execute_as_owner(std::string_view sql, const db::Params& params) override {
    ++statements;
    return inner_.execute_as_owner(sql, params);
  }
  asio::awaitable<db::Transaction> begin_as_owner() override {
    ++transactions;
    return inner_.begin_as_owner();
  }
  asio::awaitable<bool> ping() override { return inner_.ping(); }
  db::PoolStats stats() const override { return inner_.stats(); }
  void close() override {}

  std::atomic<int> statements{0};
  std::atomic<int> transactions{0};

 private:
  db::Pool& inner_;
};

TEST_F(CatalogProducts, DirectoryGetProductsIsOneStatement) {
  const Merchant m = add_merchant(new_uuid());
  std::vector<std::string> wanted;
  for (int i = 0; i < 30; ++i) wanted.push_back(add_product(m, new_product("P" + std::to_string(i))).id);
  CountingPool counting(*pool_);
  db::ModuleDb counted(counting, "catalog");
  MerchantRepository merchants(counted);
  ProductRepository products(counted);
  CatalogDirectory directory(merchants, products);
  const auto found = run(directory.get_products(m.id, wanted));
  EXPECT_EQ(found.size(), 30u);
  EXPECT_EQ(counting.statements.load(), 1) << "30 products in one statement, not 30";
  EXPECT_EQ(counting.transactions.load(), 0);
}

TEST_F(CatalogProducts, DirectoryGetMerchantEvaluatesOpenAtTheInstantGiven) {
  NewMerchant nm = new_merchant();
  nm.opening_hours = every_day({range("11:30", "14:30")});
  const Merchant m = add_merchant(new_uuid(), nm);
  const auto lunch = run(directory_.get_merchant(m.id, at("2026-11-25T11:00:00Z")));  // 12:00 in Paris
  ASSERT_TRUE(lunch.has_value());
  EXPECT_TRUE(lunch->open);
  EXPECT_EQ(lunch->id, m.id);
  EXPECT_EQ(lunch->owner_id, m.owner_id);
  EXPECT_EQ(lunch->name, m.name);
  EXPECT_EQ(lunch->phone, m.phone);
  EXPECT_EQ(lunch->address, m.address);
  EXPECT_DOUBLE_EQ(lunch->lat, m.lat);
  EXPECT_DOUBLE_EQ(lunch->lng, m.lng);
  EXPECT_EQ(lunch->time_zone, "Europe/Paris");
  EXPECT_EQ(lunch->prep_time_minutes, 15);
  EXPECT_EQ(lunch->min_order, eur(1500));
  EXPECT_EQ(lunch->delivery_radius_m, 3000);
  const auto evening = run(directory_.get_merchant(m.id, at("2026-11-25T17:00:00Z")));  // 18:00 in Paris
  ASSERT_TRUE(evening.has_value());
  EXPECT_FALSE(evening->open);
  EXPECT_FALSE(run(directory_.get_merchant(new_uuid(), at("2026-11-25T11:00:00Z"))).has_value());
  EXPECT_FALSE(run(directory_.get_merchant("not-a-uuid", at("2026-11-25T11:00:00Z"))).has_value());
}

}  // namespace
}  // namespace nelo::catalog::test
