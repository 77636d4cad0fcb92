#include "modules/realtime/api/v1/client_messages.hpp"

#include <boost/json/object.hpp>

#include "core/errors.hpp"
#include "core/json.hpp"

namespace nelo::realtime {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDepth = 4;

boost::json::value read_id(JsonReader& reader) {
  const json::value* id = reader.object().if_contains("id");
  if (!id || id->is_null()) return nullptr;
  if (id->is_int64() || id->is_uint64()) return *id;
  if (id->is_string() && id->get_string().size() <= kMaxClientIdBytes) return *id;
  reader.validator().add("id", "must be an integer or a string of at most 64 bytes");
  return nullptr;
}

std::string read_channel(JsonReader& reader) {
  auto channel = reader.required_string("channel");
  if (!channel) return {};
  if (channel->empty() || channel->size() > kMaxChannelNameBytes) {
    reader.validator().add("channel", "must be a channel name of 1 to 128 bytes");
  }
  return std::move(*channel);
}

}  // namespace

ClientMessage parse_client_message(std::string_view text) {
  const json::value parsed = parse_json_strict(text, kMaxDepth);
  const json::object* object = parsed.if_object();
  if (!object) throw BadRequest("A message is one JSON object");
  Validator validator;
  JsonReader reader(*object, validator);
  ClientMessage message;
  auto type = reader.required_string("type");
  if (!type) {
    validator.throw_if_invalid();
  }
  if (*type == "auth") {
    message.type = ClientMessage::Type::Auth;
    reader.reject_unknown({"type", "token", "id"});
    if (auto token = reader.required_string("token")) {
      if (token->empty() || token->size() > kMaxTokenBytes) validator.add("token", "must be an access token");
      message.token = std::move(*token);
    }
  } else if (*type == "subscribe" || *type == "unsubscribe") {
    message.type = *type == "subscribe" ? ClientMessage::Type::Subscribe : ClientMessage::Type::Unsubscribe;
    reader.reject_unknown({"type", "channel", "id"});
    message.channel = read_channel(reader);
  } else if (*type == "ping") {
    message.type = ClientMessage::Type::Ping;
    reader.reject_unknown({"type", "id"});
  } else {
    validator.add("type", "must be one of auth, subscribe, unsubscribe, ping");
  }
  message.id = read_id(reader);
  validator.throw_if_invalid();
  return message;
}

}  // namespace nelo::realtime
