#include "modules/realtime/module.hpp"

#include <spdlog/spdlog.h>

#include "core/http/router.hpp"
#include "modules/realtime/api/v1/realtime_routes.hpp"
#include "modules/realtime/realtime_settings.hpp"
#include "modules/realtime/services/channels.hpp"
#include "modules/realtime/services/event_feeds.hpp"
#include "modules/realtime/services/hub.hpp"
#include "modules/realtime/services/hub_live_feed.hpp"
#include "modules/realtime/services/realtime_metrics.hpp"
#include "modules/realtime/services/redis_relay.hpp"
#include "shared/events/event_bus.hpp"

namespace nelo::realtime {
namespace {

namespace asio = boost::asio;

class HubFanout final : public Fanout {
 public:
  HubFanout(asio::any_io_executor executor, const Config& config) : feed_(hub_) {
    if (!config.redis_url.empty()) {
      relay_ = std::make_unique<RedisRelay>(std::move(executor), config.redis_url, config.redis_key_prefix + ":realtime",
                                            hub_);
      hub_.set_relay(relay_.get());
    }
  }

  LiveFeed& live_feed() override { return feed_; }
  Hub& hub() { return hub_; }
  RedisRelay* relay() { return relay_.get(); }

 private:
  Hub hub_;
  HubLiveFeed feed_;
  std::unique_ptr<RedisRelay> relay_;
};

class RealtimeModule final : public Module {
 public:
  RealtimeModule(const ModuleContext& context, std::shared_ptr<Fanout> fanout, RealtimeDependencies dependencies,
                 RealtimeSettings settings)
      : fanout_(std::static_pointer_cast<HubFanout>(std::move(fanout))),
        settings_(settings),
        channels_(dependencies.orders, dependencies.deliveries),
        metrics_(context.metrics),
        parts_{fanout_->hub(), channels_, dependencies.verifier, settings_, context.clock, metrics_} {}

  std::string name() const override { return "realtime"; }
  std::span<const db::MigrationFile> migrations() const override { return realtime::migrations(); }

  void register_routes(http::Router& router) override { register_realtime_routes(router, parts_); }

  void register_subscriptions(events::EventBus& bus) override {
    // The event reaches one process (the bus delivers it once); the hub sends it on to the
    // others through Redis, once the inbox row is committed: a delivery the bus rolls back (and
    // runs again) sends nothing. A redelivery after a crash between the commit and the bus's
    // bookkeeping finds the inbox row and sends nothing either.
    for (const auto& name : followed_events()) {
      bus.subscribe("realtime", name, [this](db::Transaction& tx, const events::Event& event) -> asio::awaitable<void> {
        tx.on_commit([this, messages = hub_messages_for(event.name, event.payload)] {
          for (const auto& message : messages) fanout_->hub().send(message);
        });
        co_return;
      });
    }
  }

  asio::awaitable<void> start() override {
    if (auto* relay = fanout_->relay()) relay->start();
    co_return;
  }

  asio::awaitable<void> stop() override {
    if (auto* relay = fanout_->relay()) relay->stop();
    co_return;
  }

 private:
  std::shared_ptr<HubFanout> fanout_;
  RealtimeSettings settings_;
  Channels channels_;
  RealtimeMetrics metrics_;
  GatewayParts parts_;
};

}  // namespace

std::shared_ptr<Fanout> make_fanout(asio::any_io_executor executor, const Config& config) {
  return std::make_shared<HubFanout>(std::move(executor), config);
}

std::unique_ptr<Module> make_module(const ModuleContext& context, std::shared_ptr<Fanout> fanout,
                                    RealtimeDependencies dependencies) {
  return std::make_unique<RealtimeModule>(context, std::move(fanout), dependencies,
                                          realtime_settings_from_environment());
}

}  // namespace nelo::realtime
