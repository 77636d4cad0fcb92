#include "core/redis/redis_client.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <csignal>
#include <exception>
#include <mutex>
#include <utility>

#include "core/db/completion.hpp"
#include "core/errors.hpp"
#include "core/redis/redis_url.hpp"

namespace nelo::redis {

namespace asio = boost::asio;

namespace {

Reply copy_reply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING: out.type = Reply::Type::String; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.type = Reply::Type::Status; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.type = Reply::Type::Error; out.text.assign(r->str, r->len); break;
    case REDIS_REPLY_INTEGER: out.type = Reply::Type::Integer; out.integer = r->integer; break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::Array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(copy_reply(r->element[i]));
      break;
    default: out.type = Reply::Type::Nil; break;
  }
  return out;
}

std::exception_ptr unavailable(const std::string& why) {
  return std::make_exception_ptr(ServiceUnavailable("Redis: " + why, std::chrono::seconds(1)));
}

}  // namespace

// A command waiting for its reply: completed once, by the reply, a dropped connection or its
// timeout, whichever comes first.
struct Pending {
  Pending(asio::strand<asio::any_io_executor> strand, std::unique_ptr<db::detail::Completion<std::exception_ptr, Reply>> c)
      : timer(strand), completion(std::move(c)) {}

  void finish(std::exception_ptr error, Reply reply) {
    if (done) return;
    done = true;
    timer.cancel();
    completion->complete(std::move(error), std::move(reply));
  }

  asio::steady_timer timer;
  std::unique_ptr<db::detail::Completion<std::exception_ptr, Reply>> completion;
  bool done = false;
};

// hiredis' event hooks for one connection: wait on its socket for what hiredis asks, and call
// it back (on the strand) when the socket is ready.
struct Watcher : std::enable_shared_from_this<Watcher> {
  Watcher(asio::strand<asio::any_io_executor> strand, redisAsyncContext* c) : socket(strand), ctx(c) {
    socket.assign(c->c.fd);
  }

  void arm_read() {
    if (reading || !want_read || !ctx) return;
    reading = true;
    socket.async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
      self->reading = false;
      if (ec || !self->ctx || !self->want_read) return;
      redisAsyncHandleRead(self->ctx);  // may free the context (the socket closed): cleanup() clears ctx
      self->arm_read();
    });
  }

  void arm_write() {
    if (writing || !want_write || !ctx) return;
    writing = true;
    socket.async_wait(asio::posix::stream_descriptor::wait_write, [self = shared_from_this()](boost::system::error_code ec) {
      self->writing = false;
      if (ec || !self->ctx || !self->want_write) return;
      redisAsyncHandleWrite(self->ctx);
      self->arm_write();
    });
  }

  static Watcher& of(void* data) { return *static_cast<std::shared_ptr<Watcher>*>(data)->get(); }
  static void add_read(void* data) { auto& w = of(data); w.want_read = true; w.arm_read(); }
  static void del_read(void* data) { of(data).want_read = false; }
  static void add_write(void* data) { auto& w = of(data); w.want_write = true; w.arm_write(); }
  static void del_write(void* data) { of(data).want_write = false; }
  // The context is being freed (and closes the socket itself): let go of the descriptor, which
  // ends the waits with operation_aborted, and of the hooks' reference.
  static void cleanup(void* data) {
    auto* holder = static_cast<std::shared_ptr<Watcher>*>(data);
    auto& w = **holder;
    w.ctx = nullptr;
    w.want_read = w.want_write = false;
    if (w.socket.is_open()) w.socket.release();
    delete holder;
  }

  asio::posix::stream_descriptor socket;
  redisAsyncContext* ctx;
  bool want_read = false, want_write = false, reading = false, writing = false;
};

class Client::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::any_io_executor executor, ClientOptions options)
      : strand_(asio::make_strand(executor)), options_(std::move(options)), endpoint_(parse_redis_url(options_.url)),
        connect_timer_(strand_) {
    // hiredis writes with write(2): a peer gone must be an error to handle, not a SIGPIPE.
    static std::once_flag ignore_sigpipe;
    std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
  }

  ~Impl() {
    if (ctx_) {
      ctx_->data = nullptr;  // no callback reaches this object any more
      redisAsyncFree(ctx_);
    }
  }

  auto strand() const { return strand_; }

  // On the strand.
  void submit(std::vector<std::string> args, std::shared_ptr<Pending> pending) {
    if (closed_) return pending->finish(unavailable("the client is closed"), {});
    if (!ctx_ && !connect()) return pending->finish(unavailable(last_error_), {});
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    auto* holder = new std::shared_ptr<Pending>(pending);
    if (redisAsyncCommandArgv(ctx_, &Impl::on_reply, holder, static_cast<int>(argv.size()), argv.data(), lengths.data()) !=
        REDIS_OK) {
      delete holder;
      return pending->finish(unavailable("the connection is closing"), {});
    }
    pending->timer.expires_after(options_.command_timeout);
    pending->timer.async_wait([pending](boost::system::error_code ec) {
      if (!ec) pending->finish(unavailable("no answer in time"), {});
    });
  }

  void close() {
    closed_ = true;
    connect_timer_.cancel();
    if (ctx_) {
      auto* c = ctx_;
      ctx_ = nullptr;
      redisAsyncFree(c);  // fails what is in flight (on_reply with no reply)
    }
  }

 private:
  bool connect() {
    auto* c = redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
    if (!c) {
      last_error_ = "cannot allocate a connection";
      return false;
    }
    if (c->err) {
      last_error_ = std::string("cannot connect: ") + c->errstr;
      redisAsyncFree(c);
      return false;
    }
    c->data = this;
    auto watcher = std::make_shared<Watcher>(strand_, c);
    c->ev.data = new std::shared_ptr<Watcher>(watcher);
    c->ev.addRead = &Watcher::add_read;
    c->ev.delRead = &Watcher::del_read;
    c->ev.addWrite = &Watcher::add_write;
    c->ev.delWrite = &Watcher::del_write;
    c->ev.cleanup = &Watcher::cleanup;
    redisAsyncSetConnectCallback(c, &Impl::on_connect);
    redisAsyncSetDisconnectCallback(c, &Impl::on_disconnect);
    ctx_ = c;
    // Sent first, once connected: Redis answers in order.
    if (endpoint_.password) {
      std::vector<std::string> auth{"AUTH"};
      if (!endpoint_.user.empty()) auth.push_back(endpoint_.user);
      auth.push_back(*endpoint_.password);
      handshake(auth);
    }
    if (endpoint_.database != 0) handshake({"SELECT", std::to_string(endpoint_.database)});

    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([self = shared_from_this(), c](boost::system::error_code ec) {
      if (ec || self->ctx_ != c || (c->c.flags & REDIS_CONNECTED)) return;
      self->last_error_ = "connection timed out";
      self->ctx_ = nullptr;
      redisAsyncFree(c);
    });
    return true;
  }

  void handshake(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lengths.push_back(a.size());
    }
    redisAsyncCommandArgv(ctx_, &Impl::on_handshake, nullptr, static_cast<int>(argv.size()), argv.data(), lengths.data());
  }

  static void on_handshake(redisAsyncContext* c, void* r, void*) {
    auto* reply = static_cast<redisReply*>(r);
    if (reply && reply->type == REDIS_REPLY_ERROR) {
      if (auto* self = static_cast<Impl*>(c->data)) self->last_error_ = std::string("refused the handshake: ") + reply->str;
      redisAsyncDisconnect(c);
    }
  }

  static void on_reply(redisAsyncContext* c, void* r, void* privdata) {
    auto* holder = static_cast<std::shared_ptr<Pending>*>(privdata);
    auto pending = std::move(*holder);
    delete holder;
    if (!c->data) return;  // the client is gone: nobody waits
    if (!r) {
      auto* self = static_cast<Impl*>(c->data);
      return pending->finish(unavailable(c->errstr[0] ? std::string("connection lost: ") + c->errstr
                                                      : self->last_error_.empty() ? "connection lost" : self->last_error_),
                             {});
    }
    pending->finish(nullptr, copy_reply(static_cast<redisReply*>(r)));
  }

  static void on_connect(const redisAsyncContext* c, int status) {
    auto* self = static_cast<Impl*>(c->data);
    if (!self) return;
    self->connect_timer_.cancel();
    if (status != REDIS_OK) {
      self->last_error_ = std::string("cannot connect: ") + c->errstr;
      if (self->ctx_ == c) self->ctx_ = nullptr;  // hiredis frees it after this callback
    }
  }

  static void on_disconnect(const redisAsyncContext* c, int) {
    auto* self = static_cast<Impl*>(c->data);
    if (self && self->ctx_ == c) self->ctx_ = nullptr;  // the next command connects again
  }

  asio::strand<asio::any_io_executor> strand_;
  ClientOptions options_;
  Endpoint endpoint_;
  asio::steady_timer connect_timer_;
  redisAsyncContext* ctx_ = nullptr;
  std::string last_error_;
  bool closed_ = false;
};

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(options))) {}

Client::~Client() {
  asio::dispatch(impl_->strand(), [impl = impl_] { impl->close(); });
}

asio::awaitable<Reply> Client::command(std::vector<std::string> args) {
  // Named, not built inside the co_await (g++ 12: tests/architecture/coroutine_temporaries_test).
  auto initiation = [impl = impl_, args = std::move(args)](auto handler) mutable {
    auto pending =
        std::make_shared<Pending>(impl->strand(), db::detail::completion_for<std::exception_ptr, Reply>(std::move(handler)));
    asio::post(impl->strand(), [impl, args = std::move(args), pending]() mutable {
      impl->submit(std::move(args), std::move(pending));
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, Reply)>(
      std::move(initiation), asio::use_awaitable);
}

}  // namespace nelo::redis
