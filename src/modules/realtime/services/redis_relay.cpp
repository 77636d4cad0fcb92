#include "modules/realtime/services/redis_relay.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "core/error_text.hpp"
#include "core/uuid.hpp"

namespace nelo::realtime {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// Past this many messages waiting for Redis (it is down or slow), new ones are dropped.
constexpr std::size_t kMaxPending = 100'000;

std::string_view kind_code(HubMessage::Kind kind) {
  switch (kind) {
    case HubMessage::Kind::Publish: return "p";
    case HubMessage::Kind::End: return "e";
    case HubMessage::Kind::Recheck: return "r";
  }
  return "p";
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

struct RelayState {
  RelayState(asio::any_io_executor ex, std::string url, std::string ch, Hub& h)
      : executor(ex), client(ex, redis::ClientOptions{.url = std::move(url)}), channel(std::move(ch)), hub(h),
        origin(new_uuid_v7()) {}
  asio::any_io_executor executor;
  redis::Client client;
  std::string channel;
  Hub& hub;
  const std::string origin;
  std::mutex mutex;
  std::vector<HubMessage> pending;
  bool flushing = false;
  bool stopped = false;
  std::size_t dropped = 0;
};

RedisRelay::RedisRelay(asio::any_io_executor executor, std::string url, std::string channel, Hub& hub)
    : state_(std::make_shared<RelayState>(executor, url, channel, hub)),
      subscriber_(url, channel, [state = state_](std::string payload) {
        std::string origin;
        auto messages = decode(payload, origin);
        if (origin.empty() || origin == state->origin) return;
        for (const auto& m : messages) state->hub.receive(m);
      }) {}

RedisRelay::~RedisRelay() { stop(); }

void RedisRelay::start() { subscriber_.start(); }

void RedisRelay::stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopped = true;
  }
  subscriber_.stop();
}

void RedisRelay::send(const HubMessage& message) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->stopped) return;
    if (state_->pending.size() >= kMaxPending) {
      if (state_->dropped++ % 10'000 == 0) spdlog::warn("realtime: Redis is not keeping up; cross-process messages dropped");
      return;
    }
    state_->pending.push_back(message);
    if (state_->flushing) return;
    state_->flushing = true;
  }
  // Outside the lock: co_spawn may run the flush inline (dispatch) on an io_context thread.
  asio::co_spawn(state_->executor, flush(state_), asio::detached);
}

asio::awaitable<void> RedisRelay::flush(std::shared_ptr<RelayState> state) {
  for (;;) {
    std::vector<HubMessage> batch;
    {
      std::lock_guard lock(state->mutex);
      if (state->pending.empty()) {
        state->flushing = false;
        co_return;
      }
      batch.swap(state->pending);
    }
    std::vector<std::string> command{"PUBLISH", state->channel, encode(state->origin, batch)};
    try {
      auto reply = co_await state->client.command(std::move(command));
      if (reply.is_error()) spdlog::warn("realtime: PUBLISH refused: {}", reply.text);
    } catch (...) {
      spdlog::warn("realtime: PUBLISH failed ({} message(s) lost for the other processes): {}", batch.size(),
                   error_text(std::current_exception()));
    }
  }
}

std::string RedisRelay::encode(const std::string& origin, const std::vector<HubMessage>& messages) {
  json::array items;
  items.reserve(messages.size());
  for (const auto& m : messages) {
    json::object o{{"k", kind_code(m.kind)}, {"t", m.topic}};
    if (!m.event.empty()) o["e"] = m.event;
    if (!m.data.empty()) o["d"] = m.data;
    if (!m.coalesce_key.empty()) o["c"] = m.coalesce_key;
    if (!m.reason.empty()) o["r"] = m.reason;
    items.push_back(std::move(o));
  }
  return json::serialize(json::object{{"o", origin}, {"m", std::move(items)}});
}

std::vector<HubMessage> RedisRelay::decode(const std::string& payload, std::string& origin) {
  std::vector<HubMessage> out;
  origin.clear();
  boost::system::error_code ec;
  const json::value parsed = json::parse(payload, ec);
  const json::object* batch = ec ? nullptr : parsed.if_object();
  if (!batch) return out;
  const json::value* items = batch->if_contains("m");
  if (!items || !items->is_array()) return out;
  for (const auto& item : items->get_array()) {
    const json::object* o = item.if_object();
    if (!o) continue;
    HubMessage m;
    const std::string kind = text_of(*o, "k");
    m.kind = kind == "e" ? HubMessage::Kind::End : kind == "r" ? HubMessage::Kind::Recheck : HubMessage::Kind::Publish;
    m.topic = text_of(*o, "t");
    m.event = text_of(*o, "e");
    m.data = text_of(*o, "d");
    m.coalesce_key = text_of(*o, "c");
    m.reason = text_of(*o, "r");
    if (!m.topic.empty()) out.push_back(std::move(m));
  }
  origin = text_of(*batch, "o");
  return out;
}

}  // namespace nelo::realtime
