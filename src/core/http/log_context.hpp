#pragma once
// Makes logging::current_request_id() follow a coroutine across threads: a coroutine spawned
// on a LogContextExecutor is resumed only through execute(), which points the thread-local
// request id at the context's for exactly the duration of each step and restores it after.
// The server runs each connection on one (wrapping the connection's strand) and sets the
// context's request_id while it serves a request, so every line logged on its behalf — by a
// handler, a service, or the database layer awaiting a socket deep inside — carries the id.

#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "core/logging.hpp"

namespace nelo::http {

struct LogContext {
  std::string request_id;  // "" between requests
};

template <class Inner>
class LogContextExecutor {
 public:
  using inner_executor_type = Inner;

  LogContextExecutor(Inner inner, std::shared_ptr<LogContext> context) noexcept
      : inner_(std::move(inner)), context_(std::move(context)) {}

  const Inner& get_inner_executor() const noexcept { return inner_; }
  const std::shared_ptr<LogContext>& log_context() const noexcept { return context_; }

  template <class Property>
    requires boost::asio::can_query<const Inner&, Property>::value
  decltype(auto) query(const Property& p) const
      noexcept(boost::asio::is_nothrow_query<const Inner&, Property>::value) {
    return boost::asio::query(inner_, p);
  }

  template <class Property>
    requires boost::asio::can_require<const Inner&, Property>::value
  auto require(const Property& p) const {
    using Result = std::decay_t<typename boost::asio::require_result<const Inner&, Property>::type>;
    return LogContextExecutor<Result>(boost::asio::require(inner_, p), context_);
  }

  template <class Property>
    requires boost::asio::can_prefer<const Inner&, Property>::value
  auto prefer(const Property& p) const {
    using Result = std::decay_t<typename boost::asio::prefer_result<const Inner&, Property>::type>;
    return LogContextExecutor<Result>(boost::asio::prefer(inner_, p), context_);
  }

  template <class Function>
  void execute(Function&& f) const {
    inner_.execute(Step<std::decay_t<Function>>{std::forward<Function>(f), context_});
  }

  friend bool operator==(const LogContextExecutor& a, const LogContextExecutor& b) noexcept {
    return a.inner_ == b.inner_ && a.context_ == b.context_;
  }
  friend bool operator!=(const LogContextExecutor& a, const LogContextExecutor& b) noexcept { return !(a == b); }

 private:
  template <class Function>
  struct Step {
    Function f;
    std::shared_ptr<LogContext> context;  // owned: a step may outlive the executor that queued it
    void operator()() {
      logging::RequestIdScope scope(context ? &context->request_id : nullptr);
      f();
    }
  };

  Inner inner_;
  std::shared_ptr<LogContext> context_;
};

}  // namespace nelo::http
