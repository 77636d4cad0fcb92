#include "modules/catalog/repositories/merchant_repository.hpp"

#include <boost/json/value.hpp>

#include "core/db/module_db.hpp"

namespace nelo::catalog {
namespace {

namespace asio = boost::asio;

// Every statement that returns merchants takes the instant `open_now` is evaluated at as $1.
// The column list, in read_merchant()'s names; a merchant whose zone PostgreSQL no longer knows
// (tz database update) reads as closed instead of failing the whole query.
#define NELO_CATALOG_MERCHANT_COLUMNS                                                                       \
  "id, owner_id, name, description, address,"                                                              \
  " ST_Y(location::geometry) AS lat, ST_X(location::geometry) AS lng, phone, opening_hours, time_zone,"    \
  " prep_time_minutes, min_order_amount, currency, delivery_radius_m,"                                     \
  " COALESCE(weekly_open @> catalog.week_minute($1::timestamptz, time_zone), false) AS open_now,"          \
  " created_at, updated_at"

// The same names, for a query over a subquery that computed them.
#define NELO_CATALOG_MERCHANT_NAMES                                                                    \
  "id, owner_id, name, description, address, lat, lng, phone, opening_hours, time_zone,"              \
  " prep_time_minutes, min_order_amount, currency, delivery_radius_m, open_now, created_at, updated_at"

// Points are built as (longitude, latitude): PostGIS's x/y order.
#define NELO_CATALOG_POINT(lng, lat) "ST_SetSRID(ST_MakePoint(" lng "::float8, " lat "::float8), 4326)::geography"

constexpr std::string_view kSelectOne =
    "SELECT " NELO_CATALOG_MERCHANT_COLUMNS
    " FROM catalog.merchants"
    " WHERE id = $2";

constexpr std::string_view kSelectOneForUpdate =
    "SELECT " NELO_CATALOG_MERCHANT_COLUMNS
    " FROM catalog.merchants"
    " WHERE id = $2"
    " FOR UPDATE";

constexpr std::string_view kExists = "SELECT EXISTS (SELECT 1 FROM catalog.merchants WHERE id = $1) AS found";

constexpr std::string_view kSelectRefForShare =
    "SELECT id, owner_id, currency FROM catalog.merchants WHERE id = $1 FOR SHARE";

// The GiST index answers ST_DWithin; the merchants within the radius are then ordered by their
// distance, computed once per row in the subquery so that the keyset comparison and the order
// use the very same value, which is also the one the cursor carries.
// $2 lng, $3 lat, $4 radius, $5 ILIKE pattern or NULL, $6 open now only, $7/$8 keyset or NULL,
// $9 limit.
constexpr std::string_view kSearch =
    "SELECT " NELO_CATALOG_MERCHANT_NAMES ", distance_m FROM ("
    "  SELECT " NELO_CATALOG_MERCHANT_COLUMNS ","
    "         ST_Distance(location, " NELO_CATALOG_POINT("$2", "$3") ") AS distance_m"
    "  FROM catalog.merchants"
    "  WHERE ST_DWithin(location, " NELO_CATALOG_POINT("$2", "$3") ", $4::float8)"
    "    AND ($5::text IS NULL OR name ILIKE $5::text ESCAPE '\\' OR description ILIKE $5::text ESCAPE '\\')"
    "    AND (NOT $6::boolean OR COALESCE(weekly_open @> catalog.week_minute($1::timestamptz, time_zone), false))"
    ") AS found"
    " WHERE $7::float8 IS NULL OR (distance_m, id) > ($7::float8, $8::uuid)"
    " ORDER BY distance_m, id"
    " LIMIT $9";

constexpr std::string_view kListByOwner =
    "SELECT " NELO_CATALOG_MERCHANT_COLUMNS
    " FROM catalog.merchants"
    " WHERE owner_id = $2 AND ($3::uuid IS NULL OR id > $3::uuid)"
    " ORDER BY id"
    " LIMIT $4";

constexpr std::string_view kInsert =
    "INSERT INTO catalog.merchants"
    " (id, owner_id, name, description, address, location, phone, opening_hours, weekly_open, time_zone,"
    "  prep_time_minutes, min_order_amount, currency, delivery_radius_m)"
    " VALUES ($2, $3, $4, $5, $6, " NELO_CATALOG_POINT("$7", "$8") ", $9, $10::jsonb, $11::int4multirange, $12,"
    "         $13, $14, $15, $16)"
    " RETURNING " NELO_CATALOG_MERCHANT_COLUMNS;

constexpr std::string_view kUpdate =
    "UPDATE catalog.merchants"
    " SET name = $3, description = $4, address = $5, location = " NELO_CATALOG_POINT("$6", "$7") ","
    "     phone = $8, opening_hours = $9::jsonb, weekly_open = $10::int4multirange, time_zone = $11,"
    "     prep_time_minutes = $12, min_order_amount = $13, currency = $14, delivery_radius_m = $15,"
    "     updated_at = now()"
    " WHERE id = $2"
    " RETURNING " NELO_CATALOG_MERCHANT_COLUMNS;

#undef NELO_CATALOG_POINT
#undef NELO_CATALOG_MERCHANT_NAMES
#undef NELO_CATALOG_MERCHANT_COLUMNS

Merchant read_merchant(const db::Row& row) {
  Merchant m;
  m.id = row.get<std::string>("id");
  m.owner_id = row.get<std::string>("owner_id");
  m.name = row.get<std::string>("name");
  m.description = row.get<std::optional<std::string>>("description");
  m.address = row.get<std::string>("address");
  m.lat = row.get<double>("lat");
  m.lng = row.get<double>("lng");
  m.phone = row.get<std::string>("phone");
  m.opening_hours = stored_opening_hours(row.get<boost::json::value>("opening_hours"));
  m.time_zone = row.get<std::string>("time_zone");
  m.prep_time_minutes = row.get<std::int32_t>("prep_time_minutes");
  m.min_order.amount = row.get<std::int64_t>("min_order_amount");
  m.min_order.currency = row.get<std::string>("currency");
  m.delivery_radius_m = row.get<std::int32_t>("delivery_radius_m");
  m.open_now = row.get<bool>("open_now");
  m.created_at = row.get<Timestamp>("created_at");
  m.updated_at = row.get<Timestamp>("updated_at");
  return m;
}

std::vector<Merchant> read_merchants(const db::Result& result) {
  std::vector<Merchant> items;
  items.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) items.push_back(read_merchant(row));
  return items;
}

std::string weekly_open(const OpeningHours& hours) { return to_multirange_literal(compile(hours)); }

// The ILIKE pattern matching `text` anywhere, its own wildcards taken literally.
std::string contains_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace

asio::awaitable<std::optional<Merchant>> MerchantRepository::find(std::string id, Timestamp at) {
  auto result = co_await db_.execute_pipelined(kSelectOne, db::params(at, id));
  if (result.empty()) co_return std::nullopt;
  co_return read_merchant(result.front());
}

asio::awaitable<std::vector<FoundMerchant>> MerchantRepository::search(const MerchantSearch& s, Timestamp at) {
  const std::optional<std::string> pattern = s.text ? std::optional(contains_pattern(*s.text)) : std::nullopt;
  const std::optional<double> after_distance = s.after ? std::optional(s.after->distance_m) : std::nullopt;
  const std::optional<std::string> after_id = s.after ? std::optional(s.after->id) : std::nullopt;
  db::Params values =
      db::params(at, s.lng, s.lat, static_cast<double>(s.radius_m), pattern, s.open_now_only, after_distance, after_id,
                 s.limit);
  auto result = co_await db_.execute(kSearch, values);
  std::vector<FoundMerchant> items;
  items.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) {
    FoundMerchant found;
    found.merchant = read_merchant(row);
    found.distance_m = row.get<double>("distance_m");
    items.push_back(std::move(found));
  }
  co_return items;
}

asio::awaitable<std::vector<Merchant>> MerchantRepository::list_by_owner(std::string owner_id,
                                                                         std::optional<std::string> after,
                                                                         std::size_t limit, Timestamp at) {
  auto result = co_await db_.execute(kListByOwner, db::params(at, owner_id, after, limit));
  co_return read_merchants(result);
}

asio::awaitable<Merchant> MerchantRepository::insert(db::Transaction& tx, std::string id, std::string owner_id,
                                                     const NewMerchant& m, Timestamp at) {
  db::Params values = db::params(at, id, owner_id, m.name, m.description, m.address, m.lng, m.lat, m.phone,
                                 to_json(m.opening_hours), weekly_open(m.opening_hours), m.time_zone,
                                 m.prep_time_minutes, m.min_order.amount, m.min_order.currency, m.delivery_radius_m);
  auto result = co_await tx.execute(kInsert, values);
  co_return read_merchant(result.front());
}

asio::awaitable<std::optional<Merchant>> MerchantRepository::find_for_update(db::Transaction& tx, std::string id,
                                                                            Timestamp at) {
  auto result = co_await tx.execute(kSelectOneForUpdate, db::params(at, id));
  if (result.empty()) co_return std::nullopt;
  co_return read_merchant(result.front());
}

asio::awaitable<Merchant> MerchantRepository::update(db::Transaction& tx, const Merchant& m, Timestamp at) {
  db::Params values = db::params(at, m.id, m.name, m.description, m.address, m.lng, m.lat, m.phone,
                                 to_json(m.opening_hours), weekly_open(m.opening_hours), m.time_zone,
                                 m.prep_time_minutes, m.min_order.amount, m.min_order.currency, m.delivery_radius_m);
  auto result = co_await tx.execute(kUpdate, values);
  if (result.empty()) throw std::logic_error("MerchantRepository::update: the locked merchant vanished");
  co_return read_merchant(result.front());
}

asio::awaitable<std::optional<MerchantRef>> MerchantRepository::find_ref_for_share(db::Transaction& tx,
                                                                                  std::string id) {
  auto result = co_await tx.execute(kSelectRefForShare, db::params(id));
  if (result.empty()) co_return std::nullopt;
  MerchantRef ref;
  ref.id = result.front().get<std::string>("id");
  ref.owner_id = result.front().get<std::string>("owner_id");
  ref.currency = result.front().get<std::string>("currency");
  co_return ref;
}

asio::awaitable<bool> MerchantRepository::exists(std::string id) {
  auto result = co_await db_.execute_pipelined(kExists, db::params(id));
  co_return result.front().get<bool>("found");
}

}  // namespace nelo::catalog
