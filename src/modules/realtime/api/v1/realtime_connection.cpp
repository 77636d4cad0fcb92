#include "modules/realtime/api/v1/realtime_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/http/pipeline.hpp"
#include "core/http/request.hpp"
#include "core/http/websocket.hpp"
#include "core/security/token_expiry.hpp"
#include "core/security/token_verifier.hpp"
#include "modules/realtime/api/v1/client_messages.hpp"
#include "modules/realtime/services/channels.hpp"
#include "modules/realtime/services/client_queue.hpp"
#include "modules/realtime/services/hub.hpp"
#include "modules/realtime/services/realtime_metrics.hpp"

namespace nelo::realtime {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
using SteadyClock = std::chrono::steady_clock;

// The error code a client reads for a typed error.
std::string_view error_code(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::Malformed: return "bad_request";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Unauthenticated: return "unauthenticated";
    case ErrorKind::Forbidden: return "forbidden";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Unavailable: return "unavailable";
    case ErrorKind::Throttled: return "too_many";
    default: return "error";
  }
}

std::int64_t unix_seconds(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string expires_text(std::int64_t unix) {
  return to_rfc3339_millis(Timestamp(std::chrono::seconds(unix)));
}

class Connection final : public Subscriber, public std::enable_shared_from_this<Connection> {
 public:
  Connection(const GatewayParts& parts, std::shared_ptr<http::WebSocket> socket)
      : parts_(parts),
        ws_(std::move(socket)),
        queue_(parts.settings.queue_messages),
        wake_timer_(ws_->executor()),
        auth_timer_(ws_->executor()) {}

  asio::awaitable<void> serve(http::Request& request) {
    auto self = shared_from_this();
    parts_.metrics.connections.inc();
    ws_->on_server_stop([self] { self->close_with(kCloseGoingAway, "server going away", false); });
    asio::co_spawn(ws_->executor(), write_loop(self), asio::detached);

    if (auto header = request.header("authorization")) {
      const std::string token(http::bearer_token(*header));
      if (!authenticate(token, nullptr)) close_with(kCloseUnauthenticated, "invalid access token", false);
    }
    asio::co_spawn(ws_->executor(), auth_watch(self), asio::detached);

    while (auto text = co_await ws_->read()) {
      co_await handle(*text);
    }
    finish();
  }

  // ---- Subscriber (any thread)
  void deliver(const std::string& channel, const SharedEvent& event) override {
    if (stopped_taking_.load(std::memory_order_relaxed)) return;  // closing: nothing more goes out
    const auto now = SteadyClock::now();
    switch (queue_.push_event(channel, event, now)) {
      case ClientQueue::Push::Queued: wake(); break;
      case ClientQueue::Push::Coalesced:
      case ClientQueue::Push::Ignored: break;
      case ClientQueue::Push::Dropped: {
        parts_.metrics.dropped.inc();
        auto full = queue_.full_for(now);
        if (full && *full >= parts_.settings.slow_client_grace) {
          auto self = shared_from_this();
          asio::post(ws_->executor(), [self] {
            if (self->close_code_) return;
            self->parts_.metrics.slow_closed.inc();
            self->close_with(kCloseTooSlow, "too slow: messages were piling up", true);
          });
        }
        break;
      }
    }
  }

  void end(const std::string& channel, const std::string& reason) override {
    auto self = shared_from_this();
    asio::post(ws_->executor(), [self, channel, reason] { self->drop_subscription(channel, reason); });
  }

  void recheck(const std::string& channel) override {
    auto self = shared_from_this();
    asio::co_spawn(ws_->executor(), self->recheck_one(self, channel), asio::detached);
  }

 private:
  // ---- the reader's side

  asio::awaitable<void> handle(const std::string& text) {
    ClientMessage message;
    try {
      message = parse_client_message(text);
    } catch (const Error& e) {
      send_error(e, nullptr, {});
      co_return;
    }
    switch (message.type) {
      case ClientMessage::Type::Ping: {
        json::object pong{{"type", "pong"}};
        if (!message.id.is_null()) pong["id"] = message.id;
        control(pong);
        break;
      }
      case ClientMessage::Type::Auth: authenticate(message.token, &message.id); break;
      case ClientMessage::Type::Subscribe: co_await subscribe(message.channel, message.id); break;
      case ClientMessage::Type::Unsubscribe: unsubscribe(message.channel, message.id); break;
    }
  }

  // Verifies `token` and answers; on a renewal (already authenticated) the user must stay the same
  // and every subscription is authorised again (the roles may have changed). False when refused.
  bool authenticate(const std::string& token, const json::value* id) {
    if (!parts_.verifier) {
      send_error(Unauthorized("Access tokens cannot be verified by this server"), id, {});
      return false;
    }
    Principal who;
    try {
      who = parts_.verifier->verify(token);
    } catch (const Error& e) {
      send_error(e, id, {});
      return false;
    }
    if (principal_ && principal_->user_id != who.user_id) {
      send_error(Forbidden("A renewal must carry a token of the same user"), id, {});
      return false;
    }
    const bool renewal = principal_.has_value();
    principal_ = std::move(who);
    token_ = token;
    expires_at_ = security::verified_token_expiry(token).value_or(0);
    json::object reply{{"type", renewal ? "renewed" : "ready"}, {"user_id", principal_->user_id}};
    reply["expires_at"] = expires_at_ ? json::value(expires_text(expires_at_)) : json::value(nullptr);
    if (id && !id->is_null()) reply["id"] = *id;
    control(reply);
    auth_timer_.cancel();  // the watch recomputes its deadline
    if (renewal) {
      auto self = shared_from_this();
      for (const auto& [channel, topics] : subscriptions_) {
        asio::co_spawn(ws_->executor(), recheck_one(self, channel), asio::detached);
      }
    }
    return true;
  }

  asio::awaitable<void> subscribe(const std::string& channel, const json::value& id) {
    if (!principal_) {
      send_error(Unauthorized("Authenticate first: {\"type\": \"auth\", \"token\": \"<access token>\"}"), &id, channel);
      co_return;
    }
    if (subscriptions_.contains(channel)) {
      subscribed(channel, id);
      co_return;
    }
    if (subscriptions_.size() >= parts_.settings.max_subscriptions) {
      send_error(TooManyRequests(std::chrono::seconds(0), "At most " + std::to_string(parts_.settings.max_subscriptions) +
                                                               " channels per connection"),
                 &id, channel);
      co_return;
    }
    std::vector<std::string> topics;
    try {
      const Principal who = *principal_;
      topics = co_await parts_.channels.authorize(who, channel);
    } catch (const Error& e) {
      send_error(e, &id, channel);
      co_return;
    } catch (const std::exception& e) {
      spdlog::warn("realtime: authorising {} failed: {}", channel, e.what());
      send_error(ServiceUnavailable("The channel cannot be authorised now; retry later"), &id, channel);
      co_return;
    }
    if (closing() || subscriptions_.contains(channel)) co_return;
    queue_.open(channel);
    subscribed(channel, id);
    auto self = shared_from_this();
    for (const auto& topic : topics) parts_.hub.subscribe(topic, self, channel);
    subscriptions_.emplace(channel, std::move(topics));
    parts_.metrics.subscriptions.inc();
  }

  void subscribed(const std::string& channel, const json::value& id) {
    json::object reply{{"type", "subscribed"}, {"channel", channel}, {"seq", queue_.last_seq(channel)}};
    if (!id.is_null()) reply["id"] = id;
    control(reply);
  }

  void unsubscribe(const std::string& channel, const json::value& id) {
    const std::uint64_t seq = queue_.last_seq(channel);
    remove(channel);
    json::object reply{{"type", "unsubscribed"}, {"channel", channel}, {"reason", "requested"}, {"seq", seq}};
    if (!id.is_null()) reply["id"] = id;
    control(reply);
  }

  // The right to the channel ended (or the source says the channel is over).
  void drop_subscription(const std::string& channel, const std::string& reason) {
    if (!subscriptions_.contains(channel)) return;
    const std::uint64_t seq = queue_.last_seq(channel);
    remove(channel);
    control(json::object{{"type", "unsubscribed"}, {"channel", channel}, {"reason", reason}, {"seq", seq}});
  }

  void remove(const std::string& channel) {
    auto it = subscriptions_.find(channel);
    if (it == subscriptions_.end()) return;
    for (const auto& topic : it->second) parts_.hub.unsubscribe(topic, this);
    subscriptions_.erase(it);
    queue_.forget(channel);
    parts_.metrics.subscriptions.dec();
  }

  static asio::awaitable<void> recheck_one(std::shared_ptr<Connection> self, std::string channel) {
    if (!self->principal_ || !self->subscriptions_.contains(channel) || self->closing()) co_return;
    try {
      const Principal who = *self->principal_;
      co_await self->parts_.channels.authorize(who, channel);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::Forbidden || e.kind() == ErrorKind::NotFound) {
        self->drop_subscription(channel, "access_ended");
      }
    } catch (const std::exception& e) {
      spdlog::debug("realtime: re-check of {} failed: {}", channel, e.what());
    }
  }

  void send_error(const Error& e, const json::value* id, const std::string& channel) {
    json::object error{{"type", "error"}, {"code", error_code(e)}, {"message", e.what()}};
    if (!channel.empty()) error["channel"] = channel;
    if (id && !id->is_null()) error["id"] = *id;
    if (const auto* invalid = dynamic_cast<const ValidationError*>(&e); invalid && invalid->has_fields()) {
      json::array fields;
      for (const auto& f : invalid->errors()) fields.push_back(json::object{{"field", f.field}, {"message", f.message}});
      error["errors"] = std::move(fields);
    }
    control(error);
  }

  void control(const json::object& message) {
    if (queue_.push_control(json::serialize(message), SteadyClock::now()) == ClientQueue::Push::Queued) wake();
  }

  // ---- closing (on the strand)

  bool closing() const { return close_code_.has_value() || finished_; }

  // The writer sends what is queued (nothing, when `discard`), then the close frame.
  void close_with(int code, std::string reason, bool discard) {
    if (close_code_ || finished_) return;
    close_code_ = code;
    close_reason_ = std::move(reason);
    stopped_taking_.store(true, std::memory_order_relaxed);
    if (discard) queue_.discard();
    wake_timer_.cancel();
  }

  void finish() {
    finished_ = true;
    while (!subscriptions_.empty()) remove(subscriptions_.begin()->first);
    wake_timer_.cancel();
    auth_timer_.cancel();
    parts_.metrics.connections.dec();
  }

  // ---- the writer: everything queued, in one frame, one write at a time

  void wake() {
    if (wake_posted_.exchange(true)) return;
    asio::post(ws_->executor(), [self = shared_from_this()] {
      self->wake_posted_.store(false);
      self->wake_timer_.cancel();
    });
  }

  static asio::awaitable<void> write_loop(std::shared_ptr<Connection> self) {
    Connection& c = *self;
    std::string frame;
    for (;;) {
      if (c.finished_) break;
      const std::size_t messages = c.queue_.drain_into(frame);
      if (messages == 0) {
        if (c.close_code_) {
          co_await c.ws_->close(*c.close_code_, c.close_reason_);
          break;
        }
        c.wake_timer_.expires_at(SteadyClock::time_point::max());
        co_await c.wake_timer_.async_wait(kUseTuple);
        continue;
      }
      if (!co_await c.ws_->write(frame)) break;
      c.parts_.metrics.frames.inc();
      c.parts_.metrics.messages.inc(static_cast<double>(messages));
    }
  }

  // ---- the auth watch: the first message's deadline, the token's expiry, its revocation

  static asio::awaitable<void> auth_watch(std::shared_ptr<Connection> self) {
    Connection& c = *self;
    const auto auth_deadline = SteadyClock::now() + c.parts_.settings.auth_timeout;
    while (!c.closing()) {
      if (!c.principal_) {
        if (SteadyClock::now() >= auth_deadline) {
          c.close_with(kCloseUnauthenticated, "authentication required", false);
          break;
        }
        c.auth_timer_.expires_at(auth_deadline);
        co_await c.auth_timer_.async_wait(kUseTuple);
        continue;
      }
      const std::int64_t now = unix_seconds(c.parts_.clock.now());
      const std::int64_t expires = c.expires_at_;
      if (expires != 0 && now >= expires) {
        c.close_with(kCloseTokenExpired, "token expired", false);
        break;
      }
      auto wait = std::chrono::duration_cast<SteadyClock::duration>(c.parts_.settings.auth_recheck);
      if (expires != 0) wait = std::min<SteadyClock::duration>(wait, std::chrono::seconds(expires - now));
      c.auth_timer_.expires_after(wait);
      auto [ec] = co_await c.auth_timer_.async_wait(kUseTuple);
      if (ec || c.closing()) continue;  // renewed (the deadline moves) or closing
      if (c.expires_at_ != 0 && unix_seconds(c.parts_.clock.now()) >= c.expires_at_) continue;
      try {
        (void)c.parts_.verifier->verify(c.token_);
      } catch (const std::exception&) {
        c.close_with(kCloseSessionRevoked, "session revoked", false);
        break;
      }
    }
  }

  const GatewayParts& parts_;
  std::shared_ptr<http::WebSocket> ws_;
  ClientQueue queue_;
  asio::steady_timer wake_timer_;
  asio::steady_timer auth_timer_;
  std::atomic<bool> wake_posted_{false};
  std::atomic<bool> stopped_taking_{false};  // set with close_code_: the hub's events are no longer queued
  std::optional<Principal> principal_;
  std::string token_;
  std::int64_t expires_at_ = 0;  // the token's exp (Unix seconds); 0: unknown
  std::map<std::string, std::vector<std::string>> subscriptions_;  // channel -> hub topics
  std::optional<int> close_code_;
  std::string close_reason_;
  bool finished_ = false;
};

}  // namespace

asio::awaitable<void> serve_realtime(const GatewayParts& parts, http::Request& request,
                                     std::shared_ptr<http::WebSocket> socket) {
  auto connection = std::make_shared<Connection>(parts, std::move(socket));
  co_await connection->serve(request);
}

}  // namespace nelo::realtime
