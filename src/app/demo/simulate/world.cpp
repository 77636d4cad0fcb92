#include "app/demo/simulate/world.hpp"

#include "app/demo/simulate/http_pool.hpp"
#include "app/demo/simulate/runtime.hpp"
#include "app/demo/simulate/session.hpp"
#include "app/demo/simulate/statistics.hpp"

namespace nelo::app::demo::sim {

boost::asio::awaitable<ApiResponse> World::send(std::string method, std::string path, const Session* as,
                                                std::string body, std::string idempotency_key) {
  const std::string token = as ? as->token() : std::string();
  try {
    co_return co_await http.send(method, path, token, std::move(body), std::move(idempotency_key));
  } catch (const std::exception& e) {
    stats.unexpected(method + " " + path, std::string("no answer: ") + e.what());
    ApiResponse none;
    none.body = e.what();
    co_return none;
  }
}

bool World::expect(const ApiResponse& answer, int expected, const std::string& what) {
  if (answer.status == expected) return true;
  if (answer.status != 0) stats.unexpected(what, answer.describe());
  return false;
}

}  // namespace nelo::app::demo::sim
