#include "app/demo/simulate/janitor.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>
#include <vector>

#include "app/demo/simulate/city.hpp"
#include "app/demo/simulate/json_read.hpp"
#include "core/json_text.hpp"

namespace nelo::app::demo::sim {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// A parcel that left the shop: cancelling its order leaves the delivery to an admin, who fails it.
// Before that, cancelling the order cancels the delivery too (deliveries reacts to order.cancelled).
const std::set<std::string> kParcelOnItsWay = {"picked_up", "at_dropoff"};
const std::vector<std::string> kOrderOpen = {"placed", "accepted", "preparing", "ready_for_pickup", "picked_up"};

}  // namespace

asio::awaitable<bool> settle_order(World& world, std::string order_id, std::string reason) {
  const std::string path = "/api/v1/orders/" + order_id;
  auto read = co_await world.send("GET", path, world.city.admin);
  if (!world.expect(read, 200, "GET /api/v1/orders/{id} as the admin")) co_return false;
  const auto order = parse_body(read.body);
  json::object because{{"reason", reason}};
  const std::string body = to_json_text(because);
  if (const auto* delivery = field(order, "delivery"); delivery && delivery->is_object()) {
    if (kParcelOnItsWay.count(text_of(*delivery, "status"))) {
      auto failed = co_await world.send("POST", "/api/v1/deliveries/" + text_of(*delivery, "id") + "/failed",
                                        world.city.admin, body);
      // 409: it moved on meanwhile (delivered, say): nothing to free.
      if (failed.status != 409 && !world.expect(failed, 200, "POST /api/v1/deliveries/{id}/failed as the admin")) {
        co_return false;
      }
    }
  }
  const std::string status = text_of(order, "status");
  if (std::find(kOrderOpen.begin(), kOrderOpen.end(), status) == kOrderOpen.end()) co_return true;
  auto cancelled = co_await world.send("POST", path + "/cancel", world.city.admin, body);
  if (cancelled.status == 409) co_return true;  // delivered meanwhile
  co_return world.expect(cancelled, 200, "POST /api/v1/orders/{id}/cancel as the admin");
}

asio::awaitable<int> settle_leftovers(World& world) {
  std::vector<std::string> ids;
  for (const auto& status : kOrderOpen) {
    std::string cursor;
    do {
      // Built apart: g++ 12 destroys a conditional's temporary twice inside a co_await expression.
      std::string path = "/api/v1/orders?status=" + status + "&limit=100";
      if (!cursor.empty()) path += "&cursor=" + cursor;
      auto page = co_await world.send("GET", path, world.city.admin);
      if (!world.expect(page, 200, "GET /api/v1/orders?status=" + status + " as the admin")) break;
      const auto body = parse_body(page.body);
      for (const auto& item : items_of(body)) ids.push_back(text_of(item, "id"));
      cursor = text_of(body, "next_cursor");
    } while (!cursor.empty());
  }
  int settled = 0;
  for (const auto& id : ids) {
    auto read = co_await world.send("GET", "/api/v1/orders/" + id, world.city.admin);
    if (!world.expect(read, 200, "GET /api/v1/orders/{id} as the admin")) continue;
    if (text_of(parse_body(read.body), "notes") != kSimulatedOrderNote) continue;
    if (co_await settle_order(world, id, "Left by an earlier simulation")) ++settled;
  }
  co_return settled;
}

}  // namespace nelo::app::demo::sim
