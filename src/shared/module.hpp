#pragma once
// What a module gives the composition root. Each module exposes one factory
// (`nelo::<module>::make_module(...)`) that app/main.cpp calls explicitly, in order.

#include <boost/asio/awaitable.hpp>

#include <span>
#include <string>
#include <vector>

#include "core/db/migration.hpp"

namespace nelo::http {
class Router;
}
namespace nelo::events {
class EventBus;
}

namespace nelo {

class Module {
 public:
  virtual ~Module() = default;
  // Module name == PostgreSQL schema == role suffix (nelo_<name>) == metrics label.
  virtual std::string name() const = 0;
  virtual std::span<const db::MigrationFile> migrations() const = 0;
  virtual void register_routes(http::Router& router) = 0;
  virtual void register_subscriptions(events::EventBus& bus) = 0;
  // After migrations, before the server accepts requests (e.g. load signing keys).
  virtual boost::asio::awaitable<void> start() { co_return; }
  // After the server drained, before the pool closes.
  virtual boost::asio::awaitable<void> stop() { co_return; }
};

// What every module schema gets before its own migration files: the event tables (outbox,
// deliveries, inbox) and the idempotency keys.
std::vector<db::MigrationFile> module_schema_templates();

}  // namespace nelo
