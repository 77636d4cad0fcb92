#pragma once
// What every actor of the simulation works with: the clock, the HTTP pool, the counters, the
// city and the options; and the one way to call the API and judge its answer, so that every
// unexpected answer is counted the same way wherever it comes from.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "app/demo/api_client.hpp"

namespace nelo::app::demo::sim {

class City;
class HttpPool;
class Runtime;
class Session;
class Statistics;
struct SimulationOptions;

struct World {
  Runtime& runtime;
  HttpPool& http;
  // Sign-ins, registrations and refreshes, one at a time over their own connection: the server
  // hashes passwords on one thread anyway, and its login throttle refuses concurrent attempts
  // from one address with a spurious 429 (auth's kCountAttempt compares with the transaction's
  // now(): a later transaction's value is in the future for an earlier one waiting on the lock).
  HttpPool& auth;
  Statistics& stats;
  City& city;
  const SimulationOptions& options;

  // `as` null: anonymous. The token is read when the request leaves, so a refreshed one is used.
  // No answer at all is counted as unexpected here and returned as status 0.
  boost::asio::awaitable<ApiResponse> send(std::string method, std::string path, const Session* as,
                                           std::string body = {}, std::string idempotency_key = {});
  // True when `answer` has the `expected` status; anything else is counted (once) as unexpected,
  // named by `what` ("POST /api/v1/orders/{id}/accept"), and is false.
  bool expect(const ApiResponse& answer, int expected, const std::string& what);
};

}  // namespace nelo::app::demo::sim
