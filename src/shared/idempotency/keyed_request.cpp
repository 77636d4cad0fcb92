#include "shared/idempotency/keyed_request.hpp"

namespace nelo::idempotency::detail {

boost::asio::awaitable<void> store_answer(IdempotencyStore* store, Claim claim,
                                          std::shared_ptr<KeyedSettlement> settlement, db::CommitWriter& tx,
                                          StoredResponse ours) {
  auto verdict = co_await store->commit(tx, claim, ours);
  const bool superseded = verdict.kind != Claim::Kind::Fresh;
  settlement->ours = std::move(ours);
  settlement->verdict = std::move(verdict);
  if (superseded) throw Superseded();
}

KeyedAnswer answer_of(Claim verdict, std::optional<StoredResponse> ours, std::string_view thing) {
  KeyedAnswer answer;
  switch (verdict.kind) {
    case Claim::Kind::Fresh:
      if (!ours) break;
      answer.response = std::move(*ours);
      return answer;
    case Claim::Kind::Replay:
      answer.response = std::move(*verdict.response);
      answer.replayed = true;
      return answer;
    case Claim::Kind::Mismatch:
      throw key_reused_error(thing);
    case Claim::Kind::InFlight:
      break;
  }
  throw key_in_use_error();
}

std::optional<StoredResponse> refusal_of(const std::exception_ptr& failure,
                                         const std::function<StoredResponse(const Error&)>& render) {
  if (!render) return std::nullopt;
  try {
    std::rethrow_exception(failure);
  } catch (const Error& e) {
    if (!e.transient()) return render(e);
  } catch (...) {
  }
  return std::nullopt;
}

}  // namespace nelo::idempotency::detail
