#include "modules/deliveries/repositories/delivery_repository.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/db/newest_first_page.hpp"
#include "core/db/transaction.hpp"
#include "modules/deliveries/names.hpp"

namespace nelo::deliveries {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The columns every delivery read returns, in read_delivery()'s names. `d` is deliveries.deliveries.
#define NELO_DELIVERIES_COLUMNS                                                                              \
  "d.id, d.order_id, d.customer_id, d.merchant_id, d.merchant_owner_id, d.status, d.pickup_name,"           \
  " d.pickup_phone, d.pickup_address, d.pickup_lat, d.pickup_lng, d.dropoff_first_name, d.dropoff_address," \
  " d.dropoff_instructions, d.dropoff_notes, d.dropoff_lat, d.dropoff_lng, d.pin, d.pin_attempts,"          \
  " d.driver_id, d.failure_reason, d.version, d.created_at, d.updated_at, d.assigned_at, d.picked_up_at,"   \
  " d.delivered_at"

constexpr std::string_view kSaveSnapshot =
    "INSERT INTO deliveries.order_snapshots (order_id, customer_id, merchant_id, merchant_owner_id, pickup, dropoff)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING";

constexpr std::string_view kTakeSnapshot =
    "DELETE FROM deliveries.order_snapshots WHERE order_id = $1"
    " RETURNING order_id, customer_id, merchant_id, merchant_owner_id, pickup, dropoff";

// The delivery and its creation in the history, in one statement; nothing when its order has one.
constexpr std::string_view kInsert =
    "WITH d AS ("
    "  INSERT INTO deliveries.deliveries (id, order_id, customer_id, merchant_id, merchant_owner_id, status,"
    "    pickup_name, pickup_phone, pickup_address, pickup_lat, pickup_lng, dropoff_first_name, dropoff_address,"
    "    dropoff_instructions, dropoff_notes, dropoff_lat, dropoff_lng, pin, next_search_at)"
    "  VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, now())"
    "  ON CONFLICT (order_id) DO NOTHING"
    "  RETURNING id, version, created_at, updated_at),"
    " h AS ("
    "  INSERT INTO deliveries.status_history (delivery_id, to_status, actor_kind, at)"
    "  SELECT d.id, 'pending', 'system', d.created_at FROM d)"
    " SELECT version, created_at, updated_at FROM d";

constexpr std::string_view kSelectForUpdate =
    "SELECT " NELO_DELIVERIES_COLUMNS " FROM deliveries.deliveries d WHERE d.id = $1 FOR UPDATE OF d";
constexpr std::string_view kSelectByOrderForUpdate =
    "SELECT " NELO_DELIVERIES_COLUMNS " FROM deliveries.deliveries d WHERE d.order_id = $1 FOR UPDATE OF d";
constexpr std::string_view kSelectOne =
    "SELECT " NELO_DELIVERIES_COLUMNS " FROM deliveries.deliveries d WHERE d.id = $1";
// For db::BatchedLookup: the deliveries of the orders in $1 (one at most each).
constexpr std::string_view kSelectByOrders =
    "SELECT " NELO_DELIVERIES_COLUMNS " FROM deliveries.deliveries d WHERE d.order_id = ANY ($1::uuid[])";
constexpr std::string_view kListSelect = "SELECT " NELO_DELIVERIES_COLUMNS " FROM deliveries.deliveries d";

#undef NELO_DELIVERIES_COLUMNS

// The admin list's shapes: active (the partial index deliveries_active) or one status, one
// driver's or everyone's, first page or after a cursor.
struct ListShape {
  bool by_status;
  bool by_driver;
  bool after;
};

// Parameters in this order: [status] [driver id] [cursor time, cursor id] limit.
std::string list_sql(const ListShape& shape) {
  std::vector<std::string> conditions;
  int n = 0;
  conditions.push_back(shape.by_status ? "d.status = $" + std::to_string(++n)
                                       : std::string("d.status NOT IN ('delivered', 'cancelled', 'failed')"));
  if (shape.by_driver) conditions.push_back("d.driver_id = $" + std::to_string(++n) + "::uuid");
  return db::newest_first_page_sql(kListSelect, "d", std::move(conditions), n, shape.after);
}

const std::string& list_statement(const ListShape& shape) {
  // Every statement is a fixed, fully parameterised text, built once.
  static const std::array<std::string, 8> kStatements = [] {
    std::array<std::string, 8> out;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = list_sql({(i & 4) != 0, (i & 2) != 0, (i & 1) != 0});
    return out;
  }();
  return kStatements[(shape.by_status ? 4 : 0) + (shape.by_driver ? 2 : 0) + (shape.after ? 1 : 0)];
}

// The move, its history row, and for an end (delivered, cancelled, failed) the release of the
// driver's assignment and the withdrawal of offers still out, in one statement.
// $1 id, $2 from, $3 to, $4 action, $5 actor kind, $6 actor id, $7 reason, $8 driver id (assign).
constexpr std::string_view kMove =
    "WITH d AS ("
    "  UPDATE deliveries.deliveries"
    "  SET status = $3, version = version + 1, updated_at = now(),"
    "      driver_id = COALESCE($8::uuid, driver_id),"
    "      assigned_at = CASE WHEN $3 = 'assigned' THEN now() ELSE assigned_at END,"
    "      picked_up_at = CASE WHEN $3 = 'picked_up' THEN now() ELSE picked_up_at END,"
    "      delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END,"
    "      failure_reason = CASE WHEN $3 = 'failed' THEN $7 ELSE failure_reason END,"
    "      next_search_at = CASE WHEN $3 = 'pending' THEN now() ELSE NULL END,"
    "      waiting_since = CASE WHEN $3 = 'pending' AND $2 <> 'offered' THEN now() ELSE waiting_since END"
    "  WHERE id = $1 AND status = $2"
    "  RETURNING id, version, updated_at),"
    " h AS ("
    "  INSERT INTO deliveries.status_history (delivery_id, from_status, to_status, action, actor_kind, actor_id,"
    "    reason, at)"
    "  SELECT d.id, $2, $3, $4, $5, $6::uuid, $7, d.updated_at FROM d),"
    " a AS ("
    "  UPDATE deliveries.assignments SET active = false, ended_at = now()"
    "  WHERE delivery_id = (SELECT id FROM d) AND active AND $3 IN ('delivered', 'cancelled', 'failed')),"
    " o AS ("
    "  UPDATE deliveries.offers SET status = 'withdrawn', answered_at = now()"
    "  WHERE delivery_id = (SELECT id FROM d) AND status = 'pending' AND $3 IN ('delivered', 'cancelled', 'failed'))"
    " SELECT version, updated_at FROM d";

constexpr std::string_view kRecordPinFailure =
    "UPDATE deliveries.deliveries SET pin_attempts = pin_attempts + 1 WHERE id = $1 RETURNING pin_attempts";

constexpr std::string_view kDriverHasActive =
    "SELECT EXISTS (SELECT 1 FROM deliveries.assignments WHERE driver_id = $1 AND active)";

// --- documents ---

[[noreturn]] void corrupt(std::string_view what) {
  throw std::logic_error("deliveries: stored " + std::string(what) + " does not have the expected shape");
}

std::string text_of(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) corrupt(what);
  return std::string(v->get_string());
}

std::optional<std::string> optional_text_of(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) corrupt(what);
  return std::string(v->get_string());
}

double number_of(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_number()) corrupt(what);
  return v->to_number<double>();
}

json::value nullable(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::object pickup_document(const PickupSnapshot& p) {
  return {{"name", p.name}, {"phone", p.phone}, {"address", p.address}, {"lat", p.point.lat}, {"lng", p.point.lng}};
}

json::object dropoff_document(const DropoffSnapshot& d) {
  return {{"customer_first_name", d.customer_first_name},
          {"address", d.address},
          {"instructions", nullable(d.instructions)},
          {"notes", nullable(d.notes)},
          {"lat", d.point.lat},
          {"lng", d.point.lng}};
}

PickupSnapshot read_pickup(const json::value& v) {
  constexpr std::string_view kWhat = "pickup snapshot";
  if (!v.is_object()) corrupt(kWhat);
  const auto& o = v.get_object();
  PickupSnapshot p;
  p.name = text_of(o, "name", kWhat);
  p.phone = text_of(o, "phone", kWhat);
  p.address = text_of(o, "address", kWhat);
  p.point = {number_of(o, "lat", kWhat), number_of(o, "lng", kWhat)};
  return p;
}

DropoffSnapshot read_dropoff(const json::value& v) {
  constexpr std::string_view kWhat = "drop-off snapshot";
  if (!v.is_object()) corrupt(kWhat);
  const auto& o = v.get_object();
  DropoffSnapshot d;
  d.customer_first_name = text_of(o, "customer_first_name", kWhat);
  d.address = text_of(o, "address", kWhat);
  d.instructions = optional_text_of(o, "instructions", kWhat);
  d.notes = optional_text_of(o, "notes", kWhat);
  d.point = {number_of(o, "lat", kWhat), number_of(o, "lng", kWhat)};
  return d;
}

Delivery read_delivery(const db::Row& row) {
  Delivery d;
  d.id = row.get<std::string>("id");
  d.order_id = row.get<std::string>("order_id");
  d.customer_id = row.get<std::string>("customer_id");
  d.merchant_id = row.get<std::string>("merchant_id");
  d.merchant_owner_id = row.get<std::string>("merchant_owner_id");
  const auto status = parse_delivery_status(row.text("status"));
  if (!status) corrupt("status");
  d.status = *status;
  d.pickup.name = row.get<std::string>("pickup_name");
  d.pickup.phone = row.get<std::string>("pickup_phone");
  d.pickup.address = row.get<std::string>("pickup_address");
  d.pickup.point = {row.get<double>("pickup_lat"), row.get<double>("pickup_lng")};
  d.dropoff.customer_first_name = row.get<std::string>("dropoff_first_name");
  d.dropoff.address = row.get<std::string>("dropoff_address");
  d.dropoff.instructions = row.get<std::optional<std::string>>("dropoff_instructions");
  d.dropoff.notes = row.get<std::optional<std::string>>("dropoff_notes");
  d.dropoff.point = {row.get<double>("dropoff_lat"), row.get<double>("dropoff_lng")};
  d.pin = row.get<std::string>("pin");
  d.pin_attempts = row.get<std::int32_t>("pin_attempts");
  d.driver_id = row.get<std::optional<std::string>>("driver_id");
  d.failure_reason = row.get<std::optional<std::string>>("failure_reason");
  d.version = row.get<std::int32_t>("version");
  d.created_at = row.get<Timestamp>("created_at");
  d.updated_at = row.get<Timestamp>("updated_at");
  d.assigned_at = row.get<std::optional<Timestamp>>("assigned_at");
  d.picked_up_at = row.get<std::optional<Timestamp>>("picked_up_at");
  d.delivered_at = row.get<std::optional<Timestamp>>("delivered_at");
  return d;
}

std::optional<Delivery> first(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  return read_delivery(result.front());
}

}  // namespace

DeliveryRepository::DeliveryRepository(db::ModuleDb& db, asio::any_io_executor executor, metrics::Registry* metrics)
    : db_(db),
      by_order_(db, std::move(executor), std::string(kSelectByOrders), "order_id", {.name = "deliveries.by_order"},
                metrics) {}

asio::awaitable<void> DeliveryRepository::save_snapshot(db::Transaction& tx, const OrderSnapshot& s) {
  const json::object pickup = pickup_document(s.pickup);
  const json::object dropoff = dropoff_document(s.dropoff);
  co_await tx.execute(kSaveSnapshot,
                      db::params(s.order_id, s.customer_id, s.merchant_id, s.merchant_owner_id, pickup, dropoff));
}

asio::awaitable<std::optional<OrderSnapshot>> DeliveryRepository::take_snapshot(db::Transaction& tx,
                                                                                 std::string order_id) {
  auto result = co_await tx.execute(kTakeSnapshot, db::params(order_id));
  if (result.empty()) co_return std::nullopt;
  const db::Row row = result.front();
  OrderSnapshot s;
  s.order_id = row.get<std::string>("order_id");
  s.customer_id = row.get<std::string>("customer_id");
  s.merchant_id = row.get<std::string>("merchant_id");
  s.merchant_owner_id = row.get<std::string>("merchant_owner_id");
  s.pickup = read_pickup(row.get<json::value>("pickup"));
  s.dropoff = read_dropoff(row.get<json::value>("dropoff"));
  co_return s;
}

asio::awaitable<bool> DeliveryRepository::insert(db::Transaction& tx, Delivery& d) {
  const db::Params values =
      db::params(d.id, d.order_id, d.customer_id, d.merchant_id, d.merchant_owner_id, d.pickup.name, d.pickup.phone,
                 d.pickup.address, d.pickup.point.lat, d.pickup.point.lng, d.dropoff.customer_first_name,
                 d.dropoff.address, d.dropoff.instructions, d.dropoff.notes, d.dropoff.point.lat, d.dropoff.point.lng,
                 d.pin);
  auto result = co_await tx.execute(kInsert, values);
  if (result.empty()) co_return false;
  const db::Row row = result.front();
  d.status = DeliveryStatus::Pending;
  d.version = row.get<std::int32_t>("version");
  d.created_at = row.get<Timestamp>("created_at");
  d.updated_at = row.get<Timestamp>("updated_at");
  co_return true;
}

asio::awaitable<std::optional<Delivery>> DeliveryRepository::find_for_update(db::Transaction& tx,
                                                                              std::string delivery_id) {
  auto result = co_await tx.execute(kSelectForUpdate, db::params(delivery_id));
  co_return first(result);
}

asio::awaitable<std::optional<Delivery>> DeliveryRepository::find_by_order_for_update(db::Transaction& tx,
                                                                                       std::string order_id) {
  auto result = co_await tx.execute(kSelectByOrderForUpdate, db::params(order_id));
  co_return first(result);
}

asio::awaitable<std::optional<DeliveryRepository::StatusUpdate>> DeliveryRepository::move(
    db::Transaction& tx, std::string delivery_id, const StatusChange& change) {
  const std::optional<std::string> actor_id =
      change.actor.id.empty() ? std::nullopt : std::optional<std::string>(change.actor.id);
  const std::optional<std::string> driver_id =
      change.to == DeliveryStatus::Assigned ? actor_id : std::optional<std::string>();
  const db::Params values = db::params(delivery_id, to_string(change.from), to_string(change.to),
                                       to_string(change.action), to_string(change.actor.kind), actor_id,
                                       change.reason, driver_id);
  auto result = co_await tx.execute(kMove, values);
  if (result.empty()) co_return std::nullopt;
  const db::Row row = result.front();
  co_return StatusUpdate{row.get<std::int32_t>("version"), row.get<Timestamp>("updated_at")};
}

asio::awaitable<int> DeliveryRepository::record_pin_failure(db::Transaction& tx, std::string delivery_id) {
  auto result = co_await tx.execute(kRecordPinFailure, db::params(delivery_id));
  if (result.empty()) throw std::logic_error("deliveries: the locked delivery vanished");
  co_return result.front().get<std::int32_t>(0);
}

asio::awaitable<std::optional<Delivery>> DeliveryRepository::find(std::string delivery_id) {
  auto result = co_await db_.execute(kSelectOne, db::params(delivery_id));
  co_return first(result);
}

asio::awaitable<std::optional<Delivery>> DeliveryRepository::find_by_order(std::string order_id) {
  auto found = co_await by_order_.find_uuid(order_id);
  if (!found) co_return std::nullopt;
  co_return read_delivery(found->row());
}

asio::awaitable<bool> DeliveryRepository::driver_has_active(std::string driver_id) {
  auto result = co_await db_.execute(kDriverHasActive, db::params(driver_id));
  co_return result.front().get<bool>(0);
}

asio::awaitable<std::vector<Delivery>> DeliveryRepository::list(const DeliveryListQuery& query, std::size_t limit) {
  const ListShape shape{query.status.has_value(), query.driver_id.has_value(), query.after.has_value()};
  db::Params values;
  if (query.status) values.push_back(db::to_param(to_string(*query.status)));
  if (query.driver_id) values.push_back(db::to_param(*query.driver_id));
  if (query.after) {
    values.push_back(db::to_param(query.after->created_at));
    values.push_back(db::to_param(query.after->id));
  }
  values.push_back(db::to_param(limit));
  auto result = co_await db_.execute(list_statement(shape), values);
  std::vector<Delivery> deliveries;
  deliveries.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) deliveries.push_back(read_delivery(row));
  co_return deliveries;
}

}  // namespace nelo::deliveries
