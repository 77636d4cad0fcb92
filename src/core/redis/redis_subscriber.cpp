#include "core/redis/redis_subscriber.hpp"

#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <memory>
#include <vector>

#include "core/redis/redis_url.hpp"

namespace nelo::redis {

namespace {

struct ContextFree {
  void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

ReplyPtr command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  return ReplyPtr(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

}  // namespace

Subscriber::Subscriber(std::string url, std::string channel, OnMessage on_message)
    : url_(std::move(url)), channel_(std::move(channel)), on_message_(std::move(on_message)) {
  (void)parse_redis_url(url_);  // fail fast on a bad URL
}

Subscriber::~Subscriber() { stop(); }

void Subscriber::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Subscriber::stop() {
  stopping_ = true;
  {
    std::lock_guard lock(fd_mutex_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }
  if (thread_.joinable()) thread_.join();
}

void Subscriber::run() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stopping_) {
    if (listen_once()) backoff = std::chrono::milliseconds(100);
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopping_; waited += std::chrono::milliseconds(50)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

bool Subscriber::listen_once() {
  const Endpoint endpoint = parse_redis_url(url_);
  timeval connect_timeout{2, 0};
  std::unique_ptr<redisContext, ContextFree> c(
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, connect_timeout));
  if (!c || c->err) {
    spdlog::warn("redis subscriber: cannot connect to {}:{}: {}", endpoint.host, endpoint.port,
                 c ? c->errstr : "out of memory");
    return false;
  }
  redisSetTimeout(c.get(), timeval{0, 0});  // a subscription waits as long as it must
  if (endpoint.password) {
    std::vector<std::string> auth{"AUTH"};
    if (!endpoint.user.empty()) auth.push_back(endpoint.user);
    auth.push_back(*endpoint.password);
    auto reply = command(c.get(), auth);
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      spdlog::error("redis subscriber: AUTH refused");
      return false;
    }
  }
  auto reply = command(c.get(), {"SUBSCRIBE", channel_});
  if (!reply || reply->type == REDIS_REPLY_ERROR) {
    spdlog::warn("redis subscriber: SUBSCRIBE {} failed", channel_);
    return false;
  }
  {
    std::lock_guard lock(fd_mutex_);
    if (stopping_) return false;
    fd_ = c->fd;
  }
  subscribed_ = true;
  spdlog::info("redis subscriber: listening on {}", channel_);
  bool healthy = true;
  while (!stopping_) {
    void* raw = nullptr;
    if (redisGetReply(c.get(), &raw) != REDIS_OK) {
      if (!stopping_) spdlog::warn("redis subscriber: connection lost: {}", c->errstr);
      healthy = !stopping_;
      break;
    }
    ReplyPtr message(static_cast<redisReply*>(raw));
    // ["message", channel, payload]
    if (message && message->type == REDIS_REPLY_ARRAY && message->elements == 3 &&
        message->element[0]->type == REDIS_REPLY_STRING && std::string_view(message->element[0]->str) == "message") {
      try {
        on_message_(std::string(message->element[2]->str, message->element[2]->len));
      } catch (const std::exception& e) {
        spdlog::warn("redis subscriber: message handler failed: {}", e.what());
      }
    }
  }
  subscribed_ = false;
  std::lock_guard lock(fd_mutex_);
  fd_ = -1;
  return healthy;
}

}  // namespace nelo::redis
