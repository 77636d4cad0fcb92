#pragma once
// A POST whose Idempotency-Key header is optional (docs/api/README.md#idempotency): creating a
// thing, or an order action. With a key, the success (a 201, an action's 200) is stored with the
// key in the transaction that does the work, and a retry with the same key and request gets it
// again (with `Idempotent-Replayed: true`) instead of doing the work twice; the same key with
// another request is a 422, and 409 while a request with it is still running. Without a key
// nothing changes. Unlike placing an order, only a success is remembered: a refused request
// stores nothing, and its retry is judged afresh.
//
//   co_return co_await idempotency::OptionalKey::respond<Thing>(keys, request, render_201,
//       [&](db::CommitStep<Thing> commit) { return service.create(..., std::move(commit)); });
//
// The service ends its transaction with the CommitStep instead of tx.commit(). respond() is
// read(), the service unless the answer is known, then take_response().

#include <boost/asio/awaitable.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include "core/db/transaction.hpp"
#include "core/http/response.hpp"
#include "core/http/route.hpp"
#include "shared/idempotency/idempotency_store.hpp"
#include "shared/idempotency/keyed_request.hpp"

namespace nelo::http {
struct Request;
}

namespace nelo::idempotency {

class OptionalKey {
 public:
  template <class T>
  using Create = std::function<boost::asio::awaitable<T>(db::CommitStep<T>)>;

  // The whole route: reads the key, runs `create` with the key's CommitStep unless the answer is
  // already known, and returns the response to send (a replay, the winner's, or `render` of what
  // this request created or changed).
  template <class T>
  static boost::asio::awaitable<http::Response> respond(IdempotencyStore& store, const http::Request& request,
                                                        std::function<http::Response(const T&)> render,
                                                        Create<T> create) {
    auto key = co_await read(store, request);
    if (!key.answered()) {
      auto commit = key.template commit<T>(std::move(render));
      auto creating = create(std::move(commit));
      try {
        co_await std::move(creating);
      } catch (const Superseded&) {  // another request with the key won: its answer is ours
      }
    }
    co_return key.take_response();
  }

  // Looks the header's key up in the caller's scope (400 when it is malformed; the
  // authenticated user's): a stored success makes answered() true; a key of another request is a
  // 422.
  static boost::asio::awaitable<OptionalKey> read(IdempotencyStore& store, const http::Request& request);

  // True when the response is already decided (a replay): do not run the request.
  bool answered() const { return response_->has_value(); }

  // The service's last step: commits its transaction, with the key and `render(created)` as the
  // key's answer when there is a key, and keeps that response for take_response(). The step
  // throws Superseded, or 409 / 422, when another request with the key got there first.
  template <class T>
  db::CommitStep<T> commit(std::function<http::Response(const T&)> render) const {
    // Not itself a coroutine: settle() owns everything it needs as parameters.
    return [store = store_, claim = claim_, slot = response_, render = std::move(render)](db::CommitWriter& tx,
                                                                                        const T& created) {
      return settle(store, claim, slot, tx, render(created));
    };
  }

  // The response to send: the replayed one, or the one the CommitStep committed. Call once.
  http::Response take_response();

 private:
  using Slot = std::shared_ptr<std::optional<http::Response>>;
  static boost::asio::awaitable<void> settle(IdempotencyStore* store, std::optional<Claim> claim, Slot slot,
                                             db::CommitWriter& tx, http::Response response);

  IdempotencyStore* store_ = nullptr;
  std::optional<Claim> claim_;  // a Fresh claim when the request carries a key
  Slot response_ = std::make_shared<std::optional<http::Response>>();
};

// A response as a key stores it (status, body, content type, Location), and back, with
// `Idempotent-Replayed: true` when it is a replay.
StoredResponse to_stored(const http::Response& response);
http::Response to_http(StoredResponse stored, bool replayed);

// Adds the optional header, and the answers it brings, to a route's OpenAPI entry.
void document_optional_key(http::RouteDoc& doc);

}  // namespace nelo::idempotency
