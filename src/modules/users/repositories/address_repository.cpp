#include "modules/users/repositories/address_repository.hpp"

#include "core/db/errors.hpp"
#include "core/db/module_db.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;

// The column list every read returns, in read_address()'s order of names.
#define NELO_USERS_ADDRESS_COLUMNS                                                                        \
  "id, user_id, label, line1, line2, city, postal_code, country, "                                       \
  "ST_Y(location::geometry) AS lat, ST_X(location::geometry) AS lng, instructions, is_default, created_at, " \
  "updated_at"

constexpr std::string_view kListFirst =
    "SELECT " NELO_USERS_ADDRESS_COLUMNS
    " FROM users.addresses"
    " WHERE user_id = $1"
    " ORDER BY created_at DESC, id DESC"
    " LIMIT $2";

constexpr std::string_view kListAfter =
    "SELECT " NELO_USERS_ADDRESS_COLUMNS
    " FROM users.addresses"
    " WHERE user_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid)"
    " ORDER BY created_at DESC, id DESC"
    " LIMIT $4";

constexpr std::string_view kSelectOne =
    "SELECT " NELO_USERS_ADDRESS_COLUMNS
    " FROM users.addresses"
    " WHERE id = $1 AND user_id = $2";

constexpr std::string_view kSelectOneForUpdate =
    "SELECT " NELO_USERS_ADDRESS_COLUMNS
    " FROM users.addresses"
    " WHERE id = $1 AND user_id = $2"
    " FOR UPDATE";

constexpr std::string_view kSummary =
    "SELECT count(*) AS count, COALESCE(bool_or(is_default), false) AS has_default"
    " FROM users.addresses"
    " WHERE user_id = $1";

constexpr std::string_view kClearDefault =
    "UPDATE users.addresses SET is_default = false, updated_at = now()"
    " WHERE user_id = $1 AND is_default";

// Points are built as (longitude, latitude): PostGIS's x/y order.
constexpr std::string_view kInsert =
    "INSERT INTO users.addresses"
    " (id, user_id, label, line1, line2, city, postal_code, country, location, instructions, is_default)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
    "         ST_SetSRID(ST_MakePoint($9::float8, $10::float8), 4326)::geography, $11, $12)"
    " RETURNING " NELO_USERS_ADDRESS_COLUMNS;

constexpr std::string_view kUpdate =
    "UPDATE users.addresses"
    " SET label = $3, line1 = $4, line2 = $5, city = $6, postal_code = $7, country = $8,"
    "     location = ST_SetSRID(ST_MakePoint($9::float8, $10::float8), 4326)::geography,"
    "     instructions = $11, is_default = $12, updated_at = now()"
    " WHERE id = $1 AND user_id = $2"
    " RETURNING " NELO_USERS_ADDRESS_COLUMNS;

constexpr std::string_view kDelete =
    "DELETE FROM users.addresses WHERE id = $1 AND user_id = $2 RETURNING is_default";

constexpr std::string_view kPromoteMostRecent =
    "UPDATE users.addresses SET is_default = true, updated_at = now()"
    " WHERE id = (SELECT id FROM users.addresses WHERE user_id = $1"
    "             ORDER BY created_at DESC, id DESC LIMIT 1)"
    " RETURNING id";

#undef NELO_USERS_ADDRESS_COLUMNS

constexpr std::string_view kOneDefaultIndex = "addresses_one_default_per_user";

Address read_address(const db::Row& row) {
  Address a;
  a.id = row.get<std::string>("id");
  a.user_id = row.get<std::string>("user_id");
  a.label = row.get<std::string>("label");
  a.line1 = row.get<std::string>("line1");
  a.line2 = row.get<std::optional<std::string>>("line2");
  a.city = row.get<std::string>("city");
  a.postal_code = row.get<std::string>("postal_code");
  a.country = row.get<std::string>("country");
  a.lat = row.get<double>("lat");
  a.lng = row.get<double>("lng");
  a.instructions = row.get<std::optional<std::string>>("instructions");
  a.is_default = row.get<bool>("is_default");
  a.created_at = row.get<Timestamp>("created_at");
  a.updated_at = row.get<Timestamp>("updated_at");
  return a;
}

// The partial unique index only fires if the profile lock was bypassed; say so in domain terms
// rather than leak the driver's wording.
[[noreturn]] void rethrow_default_conflict(const db::UniqueViolation& e) {
  if (e.constraint() == kOneDefaultIndex) {
    throw Conflict("Another address became the default at the same time; retry");
  }
  throw;
}

}  // namespace

asio::awaitable<std::vector<Address>> AddressRepository::list(std::string user_id, std::optional<AddressKey> after,
                                                              std::size_t limit) {
  db::Params values = after ? db::params(user_id, after->created_at, after->id, limit) : db::params(user_id, limit);
  const std::string_view sql = after ? kListAfter : kListFirst;
  auto result = co_await db_.execute(sql, values);
  std::vector<Address> items;
  items.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) items.push_back(read_address(row));
  co_return items;
}

asio::awaitable<std::optional<Address>> AddressRepository::find(std::string user_id, std::string address_id) {
  auto result = co_await db_.execute_pipelined(kSelectOne, db::params(address_id, user_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_address(result.front());
}

asio::awaitable<AddressRepository::Summary> AddressRepository::summary(db::Transaction& tx, std::string user_id) {
  auto result = co_await tx.execute(kSummary, db::params(user_id));
  Summary s;
  s.count = result.front().get<std::int64_t>("count");
  s.has_default = result.front().get<bool>("has_default");
  co_return s;
}

asio::awaitable<std::optional<Address>> AddressRepository::find_for_update(db::Transaction& tx, std::string user_id,
                                                                           std::string address_id) {
  auto result = co_await tx.execute(kSelectOneForUpdate, db::params(address_id, user_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_address(result.front());
}

asio::awaitable<void> AddressRepository::clear_default(db::Transaction& tx, std::string user_id) {
  co_await tx.execute(kClearDefault, db::params(user_id));
}

asio::awaitable<Address> AddressRepository::insert(db::Transaction& tx, std::string id, std::string user_id,
                                                   const NewAddress& a) {
  db::Params values = db::params(id, user_id, a.label, a.line1, a.line2, a.city, a.postal_code, a.country, a.lng,
                                 a.lat, a.instructions, a.is_default);
  std::optional<db::Result> result;
  try {
    result.emplace(co_await tx.execute(kInsert, values));
  } catch (const db::UniqueViolation& e) {
    rethrow_default_conflict(e);
  }
  co_return read_address(result->front());
}

asio::awaitable<Address> AddressRepository::update(db::Transaction& tx, const Address& a) {
  db::Params values = db::params(a.id, a.user_id, a.label, a.line1, a.line2, a.city, a.postal_code, a.country, a.lng,
                                 a.lat, a.instructions, a.is_default);
  std::optional<db::Result> result;
  try {
    result.emplace(co_await tx.execute(kUpdate, values));
  } catch (const db::UniqueViolation& e) {
    rethrow_default_conflict(e);
  }
  if (result->empty()) throw std::logic_error("AddressRepository::update: the locked address vanished");
  co_return read_address(result->front());
}

asio::awaitable<std::optional<bool>> AddressRepository::remove(db::Transaction& tx, std::string user_id,
                                                               std::string address_id) {
  auto result = co_await tx.execute(kDelete, db::params(address_id, user_id));
  if (result.empty()) co_return std::nullopt;
  co_return result.front().get<bool>("is_default");
}

asio::awaitable<std::optional<std::string>> AddressRepository::promote_most_recent(db::Transaction& tx,
                                                                                   std::string user_id) {
  auto result = co_await tx.execute(kPromoteMostRecent, db::params(user_id));
  if (result.empty()) co_return std::nullopt;
  co_return result.front().get<std::string>("id");
}

}  // namespace nelo::users
