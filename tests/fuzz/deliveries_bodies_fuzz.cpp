// The deliveries module's request readers (modules/deliveries/api/v1/driver_schemas.hpp,
// step_bodies.hpp and delivery_list_query.hpp), fed any JSON object: each returns its value or
// throws one of Nelo's typed errors (a 4xx), never anything else. The ping window is fixed around the corpus's timestamps.

#include "body_input.hpp"
#include "core/time.hpp"
#include "fuzz_support.hpp"
#include "modules/deliveries/api/v1/delivery_list_query.hpp"
#include "modules/deliveries/api/v1/driver_schemas.hpp"
#include "modules/deliveries/api/v1/step_bodies.hpp"

using namespace nelo::deliveries;
using nelo::fuzz::only_typed_errors;
using nelo::fuzz::query;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = nelo::fuzz::body_object(data, size);
  if (!body) return 0;
  static const auto kNow = std::chrono::system_clock::time_point(*nelo::parse_timestamp("2026-12-06T23:00:00Z"));
  const PingWindow window{kNow - std::chrono::minutes(10), kNow + std::chrono::seconds(30)};
  only_typed_errors("parse_driver_profile", [&] { (void)parse_driver_profile(*body); });
  only_typed_errors("parse_ping", [&] { (void)parse_ping(*body, window); });
  only_typed_errors("parse_ping_batch", [&] { (void)parse_ping_batch(*body, window); });
  only_typed_errors("parse_nearby_query", [&] {
    NearbyParameters parameters{query(*body, "lat"), query(*body, "lng"), query(*body, "radius_m"), query(*body, "limit")};
    (void)parse_nearby_query(parameters);
  });
  only_typed_errors("parse_delivery_list_query", [&] {
    (void)parse_delivery_list_query(query(*body, "status"), query(*body, "driver_id"), query(*body, "limit"),
                                    query(*body, "cursor"));
  });
  only_typed_errors("parse_hand_over", [&] { (void)parse_hand_over(*body); });
  only_typed_errors("parse_failure", [&] { (void)parse_failure(*body); });
  return 0;
}
