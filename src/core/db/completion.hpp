#pragma once
// A coroutine waiting for an outcome that other code hands over later (a pipelined statement's
// result, a batched lookup's row), type-erased so that it can wait in a queue.

#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

#include <memory>
#include <utility>

namespace nelo::db::detail {

template <class... Args>
class Completion {
 public:
  virtual ~Completion() = default;
  // Resumes the waiter through its own executor (never inline); called exactly once.
  virtual void complete(Args... args) = 0;
};

template <class Handler, class... Args>
class CompletionFor final : public Completion<Args...> {
 public:
  explicit CompletionFor(Handler handler)
      : via_(boost::asio::get_associated_executor(handler)), handler_(std::move(handler)) {}
  void complete(Args... args) override {
    boost::asio::post(via_, boost::asio::append(std::move(handler_), std::move(args)...));
  }

 private:
  boost::asio::associated_executor_t<Handler> via_;
  Handler handler_;
};

// completion_for<std::exception_ptr, Result>(std::move(handler))
template <class... Args, class Handler>
std::unique_ptr<Completion<Args...>> completion_for(Handler handler) {
  return std::make_unique<CompletionFor<Handler, Args...>>(std::move(handler));
}

}  // namespace nelo::db::detail
