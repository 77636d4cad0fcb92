#include "modules/payments/sandbox/api/remote_sandbox_provider.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/http/outbound_client.hpp"
#include "core/security/tokens.hpp"
#include "modules/payments/sandbox/api/sandbox_wire.hpp"
#include "modules/payments/sandbox/sandbox_event.hpp"

namespace nelo::payments {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Path segments are the processor's own references (sbx_...): letters, digits and '_' only.
std::string segment(const std::string& reference) {
  std::string out;
  for (char c : reference) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!plain) throw std::invalid_argument("sandbox: a reference with unexpected characters");
    out += c;
  }
  return out;
}

asio::awaitable<std::string> exchange(const std::string& base_url, const std::string& api_key, std::string method,
                                      std::string path, std::string body, std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  if (!api_key.empty()) headers.emplace_back("Authorization", "Bearer " + api_key);
  http::OutboundResponse response;
  std::string failure;
  try {
    response = co_await http::send(std::move(method), base_url + path, std::move(headers), std::move(body), timeout);
  } catch (const http::OutboundError& e) {
    failure = e.what();
  }
  if (!failure.empty()) throw ProviderUnavailable("sandbox processor unreachable: " + failure);
  if (response.status < 200 || response.status >= 300) {
    throw ProviderUnavailable("sandbox processor answered " + std::to_string(response.status) + " to " + path);
  }
  co_return std::move(response.body);
}

json::value parsed(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw ProviderUnavailable("sandbox processor answered something that is not JSON");
  return v;
}

template <class Parse>
auto read_answer(const std::string& text, Parse parse) -> decltype(parse(json::value{})) {
  try {
    return parse(parsed(text));
  } catch (const std::invalid_argument& e) {
    throw ProviderUnavailable(std::string("sandbox processor's answer cannot be read: ") + e.what());
  }
}

}  // namespace

RemoteSandboxProvider::RemoteSandboxProvider(std::string base_url, std::string api_key, std::vector<std::string> secrets,
                                             std::chrono::seconds tolerance, std::chrono::milliseconds timeout)
    : base_url_(without_trailing_slash(std::move(base_url))),
      api_key_(std::move(api_key)),
      secrets_(std::move(secrets)),
      tolerance_(tolerance),
      timeout_(timeout) {}

asio::awaitable<std::string> RemoteSandboxProvider::call(std::string method, std::string path, std::string body) const {
  co_return co_await exchange(base_url_, api_key_, std::move(method), std::move(path), std::move(body), timeout_);
}

asio::awaitable<AuthorizationOutcome> RemoteSandboxProvider::authorize(AuthorizationRequest request) {
  // The token goes to the processor, as to any, and nowhere else: the body is wiped once sent.
  std::string body = json::serialize(authorize_call_json(request));
  security::wipe(request.card_token);
  std::string answer;
  std::exception_ptr failure;
  try {
    answer = co_await call("POST", "/v1/charges", body);
  } catch (...) {
    failure = std::current_exception();
  }
  security::wipe(body);
  if (failure) std::rethrow_exception(failure);
  co_return read_answer(answer, parse_authorization_outcome);
}

asio::awaitable<OperationOutcome> RemoteSandboxProvider::capture(std::string reference, Money amount) {
  auto answer = co_await call("POST", "/v1/charges/" + segment(reference) + "/capture",
                              json::serialize(capture_call_json(amount)));
  co_return read_answer(answer, parse_operation_outcome);
}

asio::awaitable<OperationOutcome> RemoteSandboxProvider::void_authorization(std::string reference) {
  auto answer = co_await call("POST", "/v1/charges/" + segment(reference) + "/void", "{}");
  co_return read_answer(answer, parse_operation_outcome);
}

asio::awaitable<OperationOutcome> RemoteSandboxProvider::refund(std::string reference, std::string refund_id,
                                                                Money amount) {
  const SandboxRefundCall call_body{std::move(refund_id), std::move(amount)};
  auto answer = co_await call("POST", "/v1/charges/" + segment(reference) + "/refunds",
                              json::serialize(refund_call_json(call_body)));
  co_return read_answer(answer, parse_operation_outcome);
}

WebhookVerdict RemoteSandboxProvider::parse_webhook(std::string_view signature_header, std::string_view body,
                                                    Timestamp now) const {
  const auto unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  WebhookVerdict verdict;
  verdict.check = check_webhook_signature(signature_header, body, secrets_, unix_now, tolerance_);
  if (verdict.check != SignatureCheck::Valid) return verdict;
  verdict.event = read_sandbox_event(body);
  if (!verdict.event) verdict.check = SignatureCheck::Malformed;
  return verdict;
}

asio::awaitable<std::vector<SandboxCharge>> fetch_sandbox_charges(std::string base_url, std::string api_key) {
  auto answer = co_await exchange(without_trailing_slash(std::move(base_url)), api_key, "GET", "/v1/charges", "",
                                  std::chrono::seconds(30));
  co_return read_answer(answer, parse_charges);
}

}  // namespace nelo::payments
