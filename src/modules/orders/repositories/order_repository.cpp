#include "modules/orders/repositories/order_repository.hpp"

#include <boost/json/array.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <stdexcept>

#include "core/db/module_db.hpp"
#include "core/db/newest_first_page.hpp"
#include "core/db/row_statement.hpp"
#include "core/db/transaction.hpp"
#include "modules/orders/names.hpp"

namespace nelo::orders {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The columns every order read returns, in read_order()'s names. `o` is orders.orders.
#define NELO_ORDERS_ORDER_COLUMNS                                                                          \
  "o.id, o.customer_id, o.merchant_id, o.merchant_owner_id, o.status, o.payment_method, o.currency,"      \
  " o.subtotal, o.delivery_fee, o.service_fee, o.total, o.distance_m, o.notes, o.delivery_address,"       \
  " o.dropoff_lat, o.dropoff_lng, o.merchant_snapshot, o.pickup_lat, o.pickup_lng,"                        \
  " o.customer_snapshot, o.version, o.created_at, o.updated_at"

// The lines of `o` as written when it was placed (a jsonb array, in line order).
#define NELO_ORDERS_LINES_COLUMN " o.lines"

// One history entry (the `history` document of an order row).
#define NELO_ORDERS_HISTORY_ENTRY(from, to, action, actor_kind, actor_id, reason, at)                 \
  "jsonb_build_object('from_status', " from ", 'to_status', " to ", 'action', " action ", 'actor_kind', " \
  actor_kind ", 'actor_id', " actor_id ", 'reason', " reason ", 'at', " at ")"

// The orders, their lines and their history, one row each: a row statement
// (core/db/row_statement.hpp), so that the orders placed by the transactions a db::GroupCommit
// commits together go in one statement. A row's history starts with the creation (status r.status,
// by the customer, at r.at); with a follow-up move (r.then_to non-null, by then_actor_kind /
// then_actor_id, with then_reason), the order is stored already moved (version 2) and the move is
// the second entry, at the same time.
constexpr std::string_view kInsert =
    "INSERT INTO orders.orders AS o"
    " (id, customer_id, merchant_id, merchant_owner_id, status, payment_method, currency, subtotal, delivery_fee,"
    "  service_fee, total, distance_m, notes, delivery_address, dropoff_lng, dropoff_lat, merchant_snapshot,"
    "  pickup_lng, pickup_lat, customer_snapshot, lines, version, history, created_at, updated_at)"
    " SELECT r.id, r.customer_id, r.merchant_id, r.merchant_owner_id, COALESCE(r.then_to, r.status),"
    "        r.payment_method, r.currency, r.subtotal, r.delivery_fee, r.service_fee, r.total, r.distance_m,"
    "        r.notes, r.delivery_address, r.dropoff_lng, r.dropoff_lat, r.merchant_snapshot, r.pickup_lng,"
    "        r.pickup_lat, r.customer_snapshot, r.lines, CASE WHEN r.then_to IS NULL THEN 1 ELSE 2 END,"
    "        jsonb_build_array(" NELO_ORDERS_HISTORY_ENTRY("NULL::text", "r.status", "NULL::text", "'customer'::text",
                                                          "r.customer_id", "NULL::text", "r.at") ")"
    "        || CASE WHEN r.then_to IS NULL THEN '[]'::jsonb"
    "           ELSE jsonb_build_array(" NELO_ORDERS_HISTORY_ENTRY("r.status", "r.then_to", "r.then_action",
                                                                   "r.then_actor_kind", "r.then_actor_id",
                                                                   "r.then_reason", "r.at") ") END,"
    "        r.at, r.at"
    " FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::bigint[],"
    "             $9::bigint[], $10::bigint[], $11::bigint[], $12::integer[], $13::text[], $14::jsonb[],"
    "             $15::float8[], $16::float8[], $17::jsonb[], $18::float8[], $19::float8[], $20::jsonb[],"
    "             $21::jsonb[], $22::text[], $23::text[], $24::text[], $25::uuid[], $26::text[],"
    "             $27::timestamptz[])"
    "   AS r (id, customer_id, merchant_id, merchant_owner_id, status, payment_method, currency, subtotal,"
    "         delivery_fee, service_fee, total, distance_m, notes, delivery_address, dropoff_lng, dropoff_lat,"
    "         merchant_snapshot, pickup_lng, pickup_lat, customer_snapshot, lines, then_to, then_action,"
    "         then_actor_kind, then_actor_id, then_reason, at)";

constexpr std::string_view kSelectOne =
    "SELECT " NELO_ORDERS_ORDER_COLUMNS "," NELO_ORDERS_LINES_COLUMN
    " FROM orders.orders o WHERE o.id = $1";

// The status change, with its history entry appended, in one statement.
// The orders whose ids are in $1, their rows locked, in id order: two transactions locking
// overlapping sets take their locks in the same order, so neither waits for the other in a cycle.
constexpr std::string_view kSelectManyForUpdate =
    "SELECT " NELO_ORDERS_ORDER_COLUMNS "," NELO_ORDERS_LINES_COLUMN
    " FROM orders.orders o WHERE o.id = ANY($1::uuid[])"
    " ORDER BY o.id FOR UPDATE OF o";

// Moves each order from m.from_status to m.to_status if it is still there, bumps its version and
// appends the change to its history (its `at` is the database's): a row statement, one row per
// order.
constexpr std::string_view kMoveMany =
    "UPDATE orders.orders AS o"
    " SET status = m.to_status, version = o.version + 1, updated_at = now(),"
    "     history = o.history || jsonb_build_array(" NELO_ORDERS_HISTORY_ENTRY("m.from_status", "m.to_status",
                                                                             "m.action", "m.actor_kind",
                                                                             "m.actor_id", "m.reason", "now()") ")"
    " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[])"
    "   AS m (id, from_status, to_status, action, actor_kind, actor_id, reason)"
    " WHERE o.id = m.id AND o.status = m.from_status"
    " RETURNING o.id, o.version, o.updated_at";

// The orders whose ids are in $1 (canonical text: lowercase), for db::BatchedLookup.
constexpr std::string_view kSelectWithHistory =
    "SELECT " NELO_ORDERS_ORDER_COLUMNS "," NELO_ORDERS_LINES_COLUMN ", o.history"
    " FROM orders.orders o WHERE o.id = ANY($1::uuid[])";

#undef NELO_ORDERS_HISTORY_ENTRY

// --- lists: one statement per (scope, status filter, cursor) combination, built once ---

constexpr std::string_view kListSelect = "SELECT " NELO_ORDERS_ORDER_COLUMNS " FROM orders.orders o";

#undef NELO_ORDERS_ORDER_COLUMNS
#undef NELO_ORDERS_LINES_COLUMN

struct ListShape {
  ListScope scope;
  bool by_status;
  bool after;
};

// Parameters in this order: [user id] [status] [cursor time, cursor id] limit. Each shape has an
// index whose leading columns are its equality filters followed by (created_at DESC, id DESC).
std::string list_sql(const ListShape& shape) {
  std::vector<std::string> conditions;
  int n = 0;
  if (shape.scope == ListScope::Customer) conditions.push_back("o.customer_id = $" + std::to_string(++n));
  if (shape.scope == ListScope::MerchantOwner) conditions.push_back("o.merchant_owner_id = $" + std::to_string(++n));
  if (shape.by_status) conditions.push_back("o.status = $" + std::to_string(++n));
  return db::newest_first_page_sql(kListSelect, "o", std::move(conditions), n, shape.after);
}

const std::string& list_statement(const ListShape& shape) {
  // 3 scopes x status filter x cursor: every statement is a fixed, fully parameterised text.
  static const std::array<std::string, 12> kStatements = [] {
    std::array<std::string, 12> out;
    for (int scope = 0; scope < 3; ++scope) {
      for (int by_status = 0; by_status < 2; ++by_status) {
        for (int after = 0; after < 2; ++after) {
          out[static_cast<std::size_t>(scope * 4 + by_status * 2 + after)] =
              list_sql({static_cast<ListScope>(scope), by_status == 1, after == 1});
        }
      }
    }
    return out;
  }();
  return kStatements[static_cast<std::size_t>(static_cast<int>(shape.scope) * 4 + (shape.by_status ? 2 : 0) +
                                              (shape.after ? 1 : 0))];
}

// --- documents ---

[[noreturn]] void corrupt(std::string_view what) {
  throw std::logic_error("orders: stored " + std::string(what) + " does not have the expected shape");
}

const json::object& object_of(const json::value& v, std::string_view what) {
  if (!v.is_object()) corrupt(what);
  return v.get_object();
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

std::int64_t integer_of(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (!v) corrupt(what);
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  corrupt(what);
}

json::value nullable(const std::optional<std::string>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}

json::object address_document(const AddressSnapshot& a) {
  return {{"address_id", a.address_id}, {"label", a.label},
          {"line1", a.line1},           {"line2", nullable(a.line2)},
          {"city", a.city},             {"postal_code", a.postal_code},
          {"country", a.country},       {"instructions", nullable(a.instructions)}};
}

AddressSnapshot read_address(const json::value& v) {
  constexpr std::string_view kWhat = "delivery address";
  const auto& o = object_of(v, kWhat);
  AddressSnapshot a;
  a.address_id = text_of(o, "address_id", kWhat);
  a.label = text_of(o, "label", kWhat);
  a.line1 = text_of(o, "line1", kWhat);
  a.line2 = optional_text_of(o, "line2", kWhat);
  a.city = text_of(o, "city", kWhat);
  a.postal_code = text_of(o, "postal_code", kWhat);
  a.country = text_of(o, "country", kWhat);
  a.instructions = optional_text_of(o, "instructions", kWhat);
  return a;
}

json::object merchant_document(const MerchantSnapshot& m) {
  return {{"name", m.name},
          {"phone", m.phone},
          {"address", m.address},
          {"time_zone", m.time_zone},
          {"prep_time_minutes", m.prep_time_minutes}};
}

MerchantSnapshot read_merchant(const json::value& v) {
  constexpr std::string_view kWhat = "merchant snapshot";
  const auto& o = object_of(v, kWhat);
  MerchantSnapshot m;
  m.name = text_of(o, "name", kWhat);
  m.phone = text_of(o, "phone", kWhat);
  m.address = text_of(o, "address", kWhat);
  m.time_zone = text_of(o, "time_zone", kWhat);
  m.prep_time_minutes = static_cast<int>(integer_of(o, "prep_time_minutes", kWhat));
  return m;
}

json::object customer_document(const CustomerSnapshot& c) { return {{"name", c.name}, {"phone", nullable(c.phone)}}; }

CustomerSnapshot read_customer(const json::value& v) {
  constexpr std::string_view kWhat = "customer snapshot";
  const auto& o = object_of(v, kWhat);
  CustomerSnapshot c;
  c.name = text_of(o, "name", kWhat);
  c.phone = optional_text_of(o, "phone", kWhat);
  return c;
}

json::array lines_document(const std::vector<OrderLine>& lines) {
  json::array out;
  out.reserve(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    out.push_back(json::object{{"line_no", i + 1},
                               {"product_id", l.product_id},
                               {"name", l.name},
                               {"unit_price", l.unit_price},
                               {"quantity", l.quantity},
                               {"line_total", l.line_total}});
  }
  return out;
}

std::vector<OrderLine> read_lines(const json::value& v) {
  constexpr std::string_view kWhat = "order lines";
  if (!v.is_array()) corrupt(kWhat);
  std::vector<OrderLine> lines;
  lines.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    const auto& o = object_of(item, kWhat);
    OrderLine l;
    l.product_id = text_of(o, "product_id", kWhat);
    l.name = text_of(o, "name", kWhat);
    l.unit_price = integer_of(o, "unit_price", kWhat);
    l.quantity = static_cast<int>(integer_of(o, "quantity", kWhat));
    l.line_total = integer_of(o, "line_total", kWhat);
    lines.push_back(std::move(l));
  }
  return lines;
}

template <class E>
E parsed(std::optional<E> value, std::string_view what) {
  if (!value) corrupt(what);
  return *value;
}

// Memory for the jsonb documents of one row. They are read into structs and dropped at once, so
// they are parsed into a buffer on the stack rather than one heap allocation per member.
class DocumentScratch {
 public:
  json::storage_ptr storage() noexcept { return json::storage_ptr(&resource_); }

 private:
  unsigned char buffer_[8192];
  json::monotonic_resource resource_{buffer_, sizeof buffer_};
};

Order read_order(const db::Row& row, bool with_lines, const json::storage_ptr& storage) {
  Order o;
  o.id = row.get<std::string>("id");
  o.customer_id = row.get<std::string>("customer_id");
  o.merchant_id = row.get<std::string>("merchant_id");
  o.merchant_owner_id = row.get<std::string>("merchant_owner_id");
  o.status = parsed(parse_status(row.text("status")), "status");
  o.payment_method = parsed(parse_payment_method(row.text("payment_method")), "payment method");
  o.pricing.currency = row.get<std::string>("currency");
  o.pricing.subtotal = row.get<std::int64_t>("subtotal");
  o.pricing.delivery_fee = row.get<std::int64_t>("delivery_fee");
  o.pricing.service_fee = row.get<std::int64_t>("service_fee");
  o.pricing.total = row.get<std::int64_t>("total");
  o.distance_m = row.get<std::int32_t>("distance_m");
  o.notes = row.get<std::optional<std::string>>("notes");
  o.delivery_address = read_address(row.json("delivery_address", storage));
  o.delivery_address.point = {row.get<double>("dropoff_lat"), row.get<double>("dropoff_lng")};
  o.merchant = read_merchant(row.json("merchant_snapshot", storage));
  o.merchant.point = {row.get<double>("pickup_lat"), row.get<double>("pickup_lng")};
  o.customer = read_customer(row.json("customer_snapshot", storage));
  o.version = row.get<std::int32_t>("version");
  o.created_at = row.get<Timestamp>("created_at");
  o.updated_at = row.get<Timestamp>("updated_at");
  if (with_lines) o.lines = read_lines(row.json("lines", storage));
  return o;
}

std::vector<StatusChange> read_history(const json::value& v) {
  constexpr std::string_view kWhat = "status history";
  if (!v.is_array()) corrupt(kWhat);
  std::vector<StatusChange> changes;
  changes.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    const auto& o = object_of(item, kWhat);
    StatusChange c;
    if (auto from = optional_text_of(o, "from_status", kWhat)) c.from = parsed(parse_status(*from), kWhat);
    c.to = parsed(parse_status(text_of(o, "to_status", kWhat)), kWhat);
    if (auto action = optional_text_of(o, "action", kWhat)) c.action = parsed(parse_action(*action), kWhat);
    c.actor_kind = parsed(parse_actor_kind(text_of(o, "actor_kind", kWhat)), kWhat);
    c.actor_id = optional_text_of(o, "actor_id", kWhat);
    c.reason = optional_text_of(o, "reason", kWhat);
    c.at = parsed(parse_timestamp(text_of(o, "at", kWhat)), kWhat);
    changes.push_back(std::move(c));
  }
  return changes;
}

Order read_order(const db::Row& row, bool with_lines) {
  DocumentScratch scratch;
  return read_order(row, with_lines, scratch.storage());
}

OrderRepository::OrderWithHistory read_order_with_history(const db::Row& row) {
  DocumentScratch scratch;  // one for the order's documents and its history
  OrderRepository::OrderWithHistory found;
  found.order = read_order(row, true, scratch.storage());
  found.history = read_history(row.json("history", scratch.storage()));
  return found;
}

}  // namespace

std::optional<OrderRepository::StatusUpdate> OrderRepository::insert_at_commit(db::CommitWriter& tx, Order& o,
                                                                             Timestamp at,
                                                                             const StatusChange* then) {
  if (then && (!then->from || *then->from != o.status || !then->action)) {
    throw std::logic_error("orders: a move written with the order must start from its initial status");
  }
  const json::object address = address_document(o.delivery_address);
  const json::object merchant = merchant_document(o.merchant);
  const json::object customer = customer_document(o.customer);
  const json::value lines = lines_document(o.lines);
  std::optional<std::string> then_to, then_action, then_actor_kind, then_actor_id, then_reason;
  if (then) {
    then_to = std::string(to_string(then->to));
    then_action = std::string(to_string(*then->action));
    then_actor_kind = std::string(to_string(then->actor_kind));
    then_actor_id = then->actor_id;
    then_reason = then->reason;
  }
  tx.execute_rows_at_commit(
      std::string(kInsert),
      db::row(o.id, o.customer_id, o.merchant_id, o.merchant_owner_id, to_string(o.status),
              to_string(o.payment_method), o.pricing.currency, o.pricing.subtotal, o.pricing.delivery_fee,
              o.pricing.service_fee, o.pricing.total, o.distance_m, o.notes, address, o.delivery_address.point.lng,
              o.delivery_address.point.lat, merchant, o.merchant.point.lng, o.merchant.point.lat, customer, lines,
              then_to, then_action, then_actor_kind, then_actor_id, then_reason, at));
  o.version = 1;
  o.created_at = at;
  o.updated_at = at;
  if (!then) return std::nullopt;
  return StatusUpdate{2, at};
}

asio::awaitable<std::optional<Order>> OrderRepository::find_for_update(db::Transaction& tx, std::string order_id) {
  const std::vector<std::string> ids{std::move(order_id)};
  auto found = co_await find_many_for_update(tx, ids);
  if (found.empty()) co_return std::nullopt;
  co_return std::move(found.front());
}

asio::awaitable<std::optional<OrderRepository::StatusUpdate>> OrderRepository::move(db::Transaction& tx,
                                                                                   std::string order_id,
                                                                                   const StatusChange& change) {
  const std::vector<std::pair<std::string, StatusChange>> one{{std::move(order_id), change}};
  auto moved = co_await move_many(tx, one);
  if (moved.empty()) co_return std::nullopt;
  co_return moved.begin()->second;
}

asio::awaitable<std::vector<Order>> OrderRepository::find_many_for_update(db::Transaction& tx,
                                                                          const std::vector<std::string>& ids) {
  auto result = co_await tx.execute(kSelectManyForUpdate, db::params(ids));
  std::vector<Order> orders;
  orders.reserve(static_cast<std::size_t>(result.size()));
  for (const auto& row : result) orders.push_back(read_order(row, true));
  co_return orders;
}

asio::awaitable<std::map<std::string, OrderRepository::StatusUpdate>> OrderRepository::move_many(
    db::Transaction& tx, const std::vector<std::pair<std::string, StatusChange>>& moves) {
  std::map<std::string, StatusUpdate> moved;
  if (moves.empty()) co_return moved;
  std::vector<db::Params> each;
  each.reserve(moves.size());
  for (const auto& [order_id, change] : moves) {
    if (!change.from || !change.action) throw std::logic_error("orders: a status change needs its origin and action");
    each.push_back(db::row(order_id, to_string(*change.from), to_string(change.to), to_string(*change.action),
                           to_string(change.actor_kind), change.actor_id, change.reason));
  }
  auto result = co_await tx.execute(kMoveMany, db::rows(each));
  for (const auto& row : result) {
    moved.emplace(row.get<std::string>("id"),
                  StatusUpdate{row.get<std::int32_t>("version"), row.get<Timestamp>("updated_at")});
  }
  co_return moved;
}

OrderRepository::OrderRepository(db::ModuleDb& db, asio::any_io_executor executor, metrics::Registry* metrics)
    : db_(db),
      with_history_(db, std::move(executor), std::string(kSelectWithHistory), "id",
                    {.name = "orders.with_history"}, metrics) {}

asio::awaitable<std::optional<Order>> OrderRepository::find(std::string order_id) {
  auto result = co_await db_.execute_pipelined(kSelectOne, db::params(order_id));
  if (result.empty()) co_return std::nullopt;
  co_return read_order(result.front(), true);
}

asio::awaitable<std::optional<OrderRepository::OrderWithHistory>> OrderRepository::find_with_history(
    std::string order_id) {
  auto found = co_await with_history_.find_uuid(order_id);
  if (!found) co_return std::nullopt;
  co_return read_order_with_history(found->row());
}

asio::awaitable<std::vector<Order>> OrderRepository::list(ListScope scope, std::string user_id,
                                                          const OrderListQuery& query, std::size_t limit) {
  const ListShape shape{scope, query.status.has_value(), query.after.has_value()};
  db::Params values;
  if (scope != ListScope::All) values.push_back(db::to_param(user_id));
  if (query.status) values.push_back(db::to_param(to_string(*query.status)));
  if (query.after) {
    values.push_back(db::to_param(query.after->created_at));
    values.push_back(db::to_param(query.after->id));
  }
  values.push_back(db::to_param(limit));
  auto result = co_await db_.execute(list_statement(shape), values);
  std::vector<Order> orders;
  orders.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) orders.push_back(read_order(row, false));
  co_return orders;
}

}  // namespace nelo::orders
