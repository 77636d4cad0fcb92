#pragma once
// A request under an Idempotency-Key whose every final answer is the key's, refusals included
// (placing an order: docs/api/orders.md, "Idempotency"):
//
//   claim the key  Replay   -> the stored answer, unchanged
//                  Mismatch -> 422 (the key belongs to another request)
//                  Fresh    -> run `work`, handing it a CommitStep: its last step, which stores
//                              `created(result)` as the key's answer in the work's own
//                              transaction and commits both (with a GroupedTransaction, with
//                              its group)
//                                a final refusal (a nelo::Error that is not transient: 400, 403,
//                                404, 422...) -> `refused(error)` is recorded as the key's answer
//                                anything else (409, 429, 503, a bug) -> thrown: nothing is
//                                stored and a retry may succeed
//   storing the answer can find the key taken by a concurrent request: 409 while that request's
//   transaction is open, its answer (or 422) once it committed; nothing of this request is kept.
//
// The renderings are the caller's, the API layer's, so that what a key stores is byte for byte
// what the first client received; the work (a service) sees only an opaque CommitStep and knows
// neither keys nor responses.

#include <boost/asio/awaitable.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/db/commit_writer.hpp"
#include "core/errors.hpp"
#include "shared/idempotency/idempotency_store.hpp"

namespace nelo::idempotency {

// Thrown by a key's CommitStep when another request with the key got there first: nothing of this
// request's transaction was kept, and the key's verdict decides the answer.
class Superseded : public std::exception {
 public:
  const char* what() const noexcept override { return "idempotency: another request with this key won"; }
};

// How the API layer renders what the work created, and a final refusal.
template <class T>
struct Renderings {
  std::function<StoredResponse(const T&)> created;
  std::function<StoredResponse(const Error&)> refused;
};

struct KeyedAnswer {
  StoredResponse response;
  bool replayed = false;  // answered from the store: nothing was done
};

// What a keyed request's CommitStep leaves behind: this request's answer and the key's verdict.
struct KeyedSettlement {
  std::optional<StoredResponse> ours;
  std::optional<Claim> verdict;
};

namespace detail {

// Stores `ours` as the key's answer with `tx`'s commit; throws Superseded unless it was ours.
boost::asio::awaitable<void> store_answer(IdempotencyStore* store, Claim claim,
                                          std::shared_ptr<KeyedSettlement> settlement, db::CommitWriter& tx,
                                          StoredResponse ours);

// The request's answer from the key's verdict: its stored answer (Replay), ours (Fresh: it was
// stored), or the error of a key reused for another request (422) or still in use (409).
KeyedAnswer answer_of(Claim verdict, std::optional<StoredResponse> ours, std::string_view thing);

// `render(error)` when `failure` is a final refusal, nullopt for anything else.
std::optional<StoredResponse> refusal_of(const std::exception_ptr& failure,
                                         const std::function<StoredResponse(const Error&)>& render);

}  // namespace detail

// Runs `work` under the key (see above). `thing` names what a request makes, in the 422 of a
// key reused for another request ("use a new key for a new <thing>"). `render` must stay alive
// until the returned awaitable is done.
template <class T>
boost::asio::awaitable<KeyedAnswer> answer_keyed(IdempotencyStore& store, Claim claim, std::string_view thing,
                                                 const Renderings<T>& render,
                                                 std::function<boost::asio::awaitable<T>(db::CommitStep<T>)> work) {
  if (claim.kind != Claim::Kind::Fresh) co_return detail::answer_of(std::move(claim), std::nullopt, thing);

  auto settlement = std::make_shared<KeyedSettlement>();
  // Not itself a coroutine: store_answer() owns everything it needs as parameters.
  db::CommitStep<T> step = [store = &store, claim, settlement, created = &render.created](db::CommitWriter& tx,
                                                                                        const T& made) {
    return detail::store_answer(store, claim, settlement, tx, (*created)(made));
  };
  std::exception_ptr failure;
  try {
    co_await work(std::move(step));
  } catch (const Superseded&) {  // another request with the key won: its verdict is the answer
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    auto refused = detail::refusal_of(failure, render.refused);
    if (!refused) std::rethrow_exception(failure);
    auto verdict = co_await store.record(claim, *refused);
    co_return detail::answer_of(std::move(verdict), std::move(refused), thing);
  }
  if (!settlement->verdict) throw std::logic_error("idempotency: the work returned without its CommitStep");
  co_return detail::answer_of(std::move(*settlement->verdict), std::move(settlement->ours), thing);
}

}  // namespace nelo::idempotency
