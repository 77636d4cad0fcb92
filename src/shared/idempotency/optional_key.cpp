#include "shared/idempotency/optional_key.hpp"

#include <boost/json/object.hpp>

#include <stdexcept>
#include <string>
#include <utility>

#include "core/errors.hpp"
#include "core/http/ascii.hpp"
#include "core/http/request.hpp"

namespace nelo::idempotency {
namespace {

namespace asio = boost::asio;

const std::string kLocation = "Location";
const std::string kReplayed = "Idempotent-Replayed";
const std::string kTrue = "true";

http::RouteDoc::ParamDoc optional_key_parameter() {
  return {"Idempotency-Key", "header", false,
          "Optional: a unique value per request you mean to make once (1 to 255 visible ASCII characters), e.g. a "
          "UUID. A retry with the same key and body gets the first success again (header Idempotent-Replayed: true) "
          "instead of doing the work twice",
          boost::json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}};
}

}  // namespace

StoredResponse to_stored(const http::Response& response) {
  StoredResponse stored;
  stored.status = response.status;
  stored.body = response.body;
  stored.content_type = response.content_type;
  for (const auto& [name, value] : response.headers) {
    if (http::ascii_iequals(name, "location")) stored.location = value;
  }
  return stored;
}

http::Response to_http(StoredResponse stored, bool replayed) {
  http::Response response;
  response.status = stored.status;
  response.body = std::move(stored.body);
  response.content_type = std::move(stored.content_type);
  // (Spelled out: GCC 12 warns falsely about with_header's string literals inlined here.)
  if (!stored.location.empty()) response.headers.emplace_back(kLocation, std::move(stored.location));
  if (replayed) response.headers.emplace_back(kReplayed, kTrue);
  return response;
}

asio::awaitable<OptionalKey> OptionalKey::read(IdempotencyStore& store, const http::Request& request) {
  OptionalKey key;
  key.store_ = &store;
  const auto header = request.header("idempotency-key");
  if (!header) co_return key;
  auto claim = co_await store.claim(request.user().user_id, std::string(*header),
                                    request_fingerprint(request.method, request.path, request.body));
  if (claim.kind == Claim::Kind::Fresh) {
    key.claim_ = std::move(claim);
  } else {  // a replay, or the 422 of a key used for another request
    auto answer = detail::answer_of(std::move(claim), std::nullopt, "request");
    *key.response_ = to_http(std::move(answer.response), answer.replayed);
  }
  co_return key;
}

asio::awaitable<void> OptionalKey::settle(IdempotencyStore* store, std::optional<Claim> claim, Slot slot,
                                          db::CommitWriter& tx, http::Response response) {
  if (!claim) {
    co_await tx.commit();
    *slot = std::move(response);
    co_return;
  }
  auto verdict = co_await store->commit(tx, *claim, to_stored(response));
  if (verdict.kind == Claim::Kind::Fresh) {
    *slot = std::move(response);
    co_return;
  }
  // Another request with the key got there first: its answer, or its 422 / 409.
  auto answer = detail::answer_of(std::move(verdict), std::nullopt, "request");
  *slot = to_http(std::move(answer.response), answer.replayed);
  throw Superseded();
}

http::Response OptionalKey::take_response() {
  if (!response_->has_value()) throw std::logic_error("idempotency: no response was decided for this request");
  http::Response out = std::move(**response_);
  response_->reset();
  return out;
}

void document_optional_key(http::RouteDoc& doc) {
  doc.parameters.push_back(optional_key_parameter());
  // One entry per status: a status the route already answers gets the key's reason appended.
  auto add = [&doc](int status, std::string description) {
    for (auto& response : doc.responses) {
      if (response.status == status) {
        response.description += "; or " + description;
        return;
      }
    }
    doc.responses.push_back(http::problem_response(status, std::move(description)));
  };
  add(400, "the Idempotency-Key is malformed");
  add(409, "a request with this Idempotency-Key is still being processed");
  add(422, "the Idempotency-Key was used with another request");
}

}  // namespace nelo::idempotency
