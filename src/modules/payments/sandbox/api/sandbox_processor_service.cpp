#include "modules/payments/module.hpp"

#include <spdlog/spdlog.h>

#include "modules/payments/sandbox/api/sandbox_routes.hpp"
#include "modules/payments/sandbox/api/webhook_transport.hpp"
#include "modules/payments/sandbox/sandbox_journal.hpp"
#include "modules/payments/sandbox/sandbox_processor.hpp"
#include "modules/payments/sandbox/webhook_sender.hpp"

namespace nelo::payments {
namespace {

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Here, in the sandbox's api/ layer, because it wires the HTTP edges (its routes, its webhooks).
class Service final : public SandboxProcessorService {
 public:
  Service(const Clock& clock, boost::asio::any_io_executor executor, SandboxProcessorOptions options)
      : options_(std::move(options)),
        processor_(clock, options_.slow_delay, without_trailing_slash(options_.public_url) + "/3ds") {
    if (!options_.webhook_url.empty()) {
      WebhookSenderOptions sender;
      sender.url = options_.webhook_url;
      sender.secrets = options_.webhook_secrets;
      sender.on_settled = [this](const std::string& event_id) {
        if (journal_) journal_->event_settled(event_id);
      };
      sender_ = std::make_unique<WebhookSender>(processor_, clock, std::move(executor), std::move(sender),
                                                http_webhook_transport());
    }
  }

  void register_routes(http::Router& router) override {
    register_sandbox_routes(router, processor_, options_.api_key);
  }

  boost::asio::awaitable<void> start() override {
    if (!options_.journal.empty()) {
      auto contents = SandboxJournal::read(options_.journal);
      if (contents.skipped_lines) {
        spdlog::warn("sandbox: {} line(s) of {} could not be read (cut by a crash?)", contents.skipped_lines,
                     options_.journal);
      }
      journal_ = std::make_unique<SandboxJournal>(options_.journal, contents, options_.sync);
      spdlog::info("sandbox: {} charge(s) and {} unsent webhook(s) read back from {}", contents.charges.size(),
                   contents.unsent.size(), options_.journal);
      processor_.restore(std::move(contents.charges), std::move(contents.unsent));
      processor_.record_with([journal = journal_.get()](const SandboxCharge& c, const SandboxEvent* e) {
        journal->charge_changed(c, e);
      });
    }
    if (sender_) sender_->start();
    co_return;
  }

  boost::asio::awaitable<void> stop() override {
    if (sender_) co_await sender_->stop();
  }

 private:
  SandboxProcessorOptions options_;
  SandboxProcessor processor_;
  std::unique_ptr<SandboxJournal> journal_;
  std::unique_ptr<WebhookSender> sender_;
};

}  // namespace

std::unique_ptr<SandboxProcessorService> make_sandbox_processor_service(const Clock& clock,
                                                                        boost::asio::any_io_executor executor,
                                                                        SandboxProcessorOptions options) {
  return std::make_unique<Service>(clock, std::move(executor), std::move(options));
}

}  // namespace nelo::payments
