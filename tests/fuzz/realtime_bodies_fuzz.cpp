// The realtime module's reader of what a client sends over its WebSocket
// (modules/realtime/api/v1/client_messages.hpp), fed any text: each message is read or refused with
// one of Nelo's typed errors (the connection answers it with an "error" message), never anything
// else. Both the raw input and the input as a JSON object are tried.

#include <boost/json/serialize.hpp>

#include <string_view>

#include "body_input.hpp"
#include "fuzz_support.hpp"
#include "modules/realtime/api/v1/client_messages.hpp"

using namespace nelo::realtime;
using nelo::fuzz::only_typed_errors;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  only_typed_errors("parse_client_message", [&] { (void)parse_client_message(text); });
  if (auto body = nelo::fuzz::body_object(data, size)) {
    const std::string serialized = boost::json::serialize(*body);
    only_typed_errors("parse_client_message", [&] { (void)parse_client_message(serialized); });
  }
  return 0;
}
