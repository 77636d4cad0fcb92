#include "core/http/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <memory>
#include <optional>

#include "core/errors.hpp"
#include "core/http/protocol_errors.hpp"
#include "core/http/ascii.hpp"
#include "core/http/deadline_reads.hpp"
#include "core/http/log_context.hpp"
#include "core/http/pipeline.hpp"
#include "core/http/problem.hpp"
#include "core/http/request_id.hpp"
#include "core/http/request_reader.hpp"
#include "core/http/websocket_session.hpp"
#include "core/http/wire.hpp"
#include "core/logging.hpp"

namespace nelo::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;
using Parser = RequestParser;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 16 * 1024;       // headers: most requests fit in one read
constexpr std::size_t kBodyReadChunk = 64 * 1024;  // bodies: fewer reads for large uploads
// After an error answer that leaves request bytes unread, keep reading (and dropping) them for
// this long before closing, so the client sees the answer instead of a reset.
constexpr std::chrono::milliseconds kLinger{1000};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, std::shared_ptr<ServerState> state)
      : socket_(std::move(socket)),
        strand_(socket_.get_executor()),
        state_(std::move(state)),
        options_(state_->options),
        log_(std::make_shared<LogContext>()),
        timer_(strand_) {
    beast::error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    client_ = remote_;
  }

  void start() {
    admission_ = state_->add(shared_from_this());
    if (admission_ == ServerState::Admission::Drop) {
      if (!state_->stopping()) state_->metrics.connections_dropped().inc();
      beast::error_code ec;
      socket_.close(ec);
      return;
    }
    // Every step of the connection's coroutine runs through the LogContextExecutor, so log
    // lines written while it serves a request carry that request's id.
    LogContextExecutor<Strand> executor(strand_, log_);
    if (admission_ == ServerState::Admission::Refuse) {
      asio::co_spawn(executor, refuse_connection(shared_from_this()),
                     asio::bind_cancellation_slot(cancel_.slot(), [self = shared_from_this()](std::exception_ptr) {}));
      return;
    }
    asio::co_spawn(executor, run(shared_from_this()),
                   asio::bind_cancellation_slot(cancel_.slot(), [self = shared_from_this()](std::exception_ptr) {}));
  }

  void request_stop(bool force) override {
    asio::post(strand_, [self = shared_from_this(), force] {
      if (self->closed_) return;
      self->stop_requested_ = true;
      if (self->upgraded_) {
        self->upgraded_->request_stop(force);
        return;
      }
      if (force) {
        self->force_close();
      } else if (self->phase_ == Phase::Idle) {
        beast::error_code ec;
        self->socket_.cancel(ec);  // the pending read ends; nothing was received, nothing to answer
      }
    });
  }

 private:
  enum class Phase { Idle, Reading, Handling, Writing, Closing };

  asio::awaitable<void> run(std::shared_ptr<Session>) {
    state_->metrics.connections_open().inc();
    try {
      while (!closed_ && !stop_requested_) {
        if (!co_await serve_one()) break;
      }
    } catch (const std::exception& e) {
      // Forced close (cancelled awaits throw) or a bug: either way the connection is over.
      spdlog::debug("connection from {} ended: {}", remote_, e.what());
    }
    if (request_active_) end_request();
    close();
    state_->metrics.connections_open().dec();
    state_->remove(this, admission_);
  }

  // A connection past max_connections: answered 503 before its request is read, then closed
  // (lingering, so the client reads the answer instead of a reset). No request is parsed.
  asio::awaitable<void> refuse_connection(std::shared_ptr<Session>) {
    state_->metrics.connections_refused().inc();
    try {
      const ServiceUnavailable busy("The server has too many open connections; retry later", options_.retry_after);
      const RequestSoFar nothing_read{"", "/", nullptr, Clock::now()};
      co_await fail(busy, nothing_read);
    } catch (const std::exception& e) {
      spdlog::debug("refused connection from {} ended: {}", remote_, e.what());
    }
    if (request_active_) end_request();
    close();
    state_->remove(this, admission_);
  }

  // Reads, handles and answers one request. False when the connection must close.
  // Each step is a function; the awaits of the common request (whole in its first read) stay
  // here, because a coroutine of its own per step would cost a frame allocation per request.
  asio::awaitable<bool> serve_one() {
    Clock::time_point started = Clock::now();
    if (buffer_.size() == 0) {
      // Idle: the keep-alive wait ends with the next request's first bytes.
      phase_ = Phase::Idle;
      set_deadline(options_.idle_timeout);
      if (stop_requested_) co_return false;
      auto [read_ec, n] = co_await socket_.async_read_some(buffer_.prepare(kReadChunk), kUseTuple);
      buffer_.commit(n);
      if (read_ec) co_return false;  // the client left, the keep-alive timed out, or the server is stopping
      started = Clock::now();
    }
    begin_reading();

    // ---- header
    std::optional<Parser> parser;
    limit_header(parser.emplace());  // a fresh parser per message (Beast #2715)
    beast::error_code ec = parse_buffered(*parser);
    if (!ec && !parser->is_header_done()) ec = co_await read_rest_of_header(*parser);
    if (ec) {
      const RequestSoFar unread{"", "", nullptr, started};  // named: see coroutine_temporaries_test
      co_return co_await refuse_unread(ec, Part::Header, unread);
    }

    // ---- request line and headers -> Request, and its route
    begin_request();
    const auto& message = parser->get();
    Request request = request_from(message);
    identify(request);
    const Framing framing{message.keep_alive(), message.version() == 10, message.method() == bhttp::verb::head};
    std::string_view encoded_path;
    if (!parse_target(request, encoded_path)) {
      const RequestSoFar so_far{request.method, request.target, nullptr, started};
      co_return co_await fail(BadRequest("The request target is not a valid URI"), so_far);
    }
    Router::Match match = state_->router.match(request.method, encoded_path);
    const Route* route = match.route;
    const RequestSoFar so_far{request.method, request.path, route, started};
    const std::size_t limit = route && route->body_limit ? route->body_limit : options_.body_limit;

    // ---- before the body: room to handle it (checked first: a refusal must cost next to
    // nothing, not a token verification), a text target, a route, a caller its policy accepts
    if (state_->saturated()) {
      const Response busy = overloaded(request);
      co_return co_await answer_before_body(busy, request, so_far, framing, *parser, limit);
    }
    if (std::exception_ptr refused = admit_request(match, request, state_->verifier)) {
      const Response answer = problem_response(refused, request);
      co_return co_await answer_before_body(answer, request, so_far, framing, *parser, limit);
    }

    // ---- a WebSocket route asked to upgrade: the connection is the route's from here on
    if (route->websocket && parser->is_done() && is_websocket_upgrade(message)) {
      co_return co_await upgrade(*route, request, *parser, so_far);
    }

    // ---- body, bounded by the route's limit
    if (auto length = parser->content_length(); length && *length > limit) {
      co_return co_await fail(body_too_large(limit), so_far);
    }
    if (!parser->is_done()) {
      parser->body_limit(limit);
      parser->eager(true);
      // A client that waits for a 100 Continue has sent none of its body.
      const bool send_continue = buffer_.size() == 0 && ascii_iequals(message[bhttp::field::expect], "100-continue");
      ec = parse_buffered(*parser);
      if (!ec && !parser->is_done()) ec = co_await read_rest_of_body(*parser, send_continue);
      if (ec) co_return co_await refuse_unread(ec, Part::Body, so_far, limit);
    }
    request.body = std::move(parser->get().body());
    parser.reset();

    // ---- handle (when an in-flight slot is free) and answer
    phase_ = Phase::Handling;
    clear_deadline();
    Response response;
    if (state_->try_admit_request()) {
      holds_slot_ = true;
      response = co_await run_handler(*route, request);
      release_slot();
    } else {
      response = overloaded(request);  // the slots filled while this body was read
    }
    const bool keep = framing.keep_alive && !stop_requested_ && !state_->stopping();
    const bool written = co_await write(response, keep, framing.http10, framing.head);
    finish(request.method, request.route_template.empty() ? "unmatched" : request.route_template, request.path, route,
           response.status, started, request.principal ? request.principal->user_id : std::string_view());
    co_return written && keep;
  }

  // How the answer is framed, from the request line and headers.
  struct Framing {
    bool keep_alive;
    bool http10;
    bool head;  // a HEAD request: the answer has no body
  };

  // What is known of a request that cannot be read to the end, for its answer, metrics and log.
  struct RequestSoFar {
    std::string_view method;    // "" before the request line is read
    std::string_view instance;  // the problem's instance: the path, or the raw target
    const Route* route = nullptr;
    Clock::time_point started;
  };

  enum class Part { Header, Body };

  // Hands the connection to the route's WebSocket handler. The upgrade is logged and counted as
  // a 101 request when the handshake is done; the connection then lives until the handler ends.
  asio::awaitable<bool> upgrade(const Route& route, Request& request, Parser& parser, const RequestSoFar& so_far) {
    phase_ = Phase::Handling;
    clear_deadline();
    Upgrade hand_off{socket_, parser.release(), route, request, [this, &so_far, &request](auto connection) {
                       upgraded_ = connection;
                       if (connection) finish(request.method, route_label(so_far), request.path, so_far.route, 101,
                                              so_far.started, request.principal ? request.principal->user_id : "");
                     }};
    // What HTTP needed per connection is not needed for the socket's lifetime (which may be hours).
    buffer_.clear();
    buffer_.shrink_to_fit();
    std::string().swap(head_);
    co_await serve_websocket(hand_off);
    if (request_active_) end_request();
    co_return false;  // the socket was moved into the WebSocket stream, which closed it
  }

  static std::string_view route_label(const RequestSoFar& so_far) {
    return so_far.route ? std::string_view(so_far.route->path) : std::string_view("unmatched");
  }


  void limit_header(Parser& parser) const { detail::limit_header(parser, options_.header_limit); }

  // Parses what the buffer already holds. Beast's reads start the same way, but never complete
  // without reading: they post their completion, a trip through the scheduler that the common
  // request, whole in the bytes that ended the idle wait, does without.
  beast::error_code parse_buffered(Parser& parser) {
    beast::error_code ec;
    if (buffer_.size() > 0) buffer_.consume(parser.put(buffer_.data(), ec));
    if (ec == bhttp::error::need_more) ec = {};
    return ec;
  }

  // Reads the rest of a header that did not come whole in the first bytes.
  asio::awaitable<beast::error_code> read_rest_of_header(Parser& parser) {
    auto [ec, n] = co_await bhttp::async_read_header(reads_, buffer_, parser, kUseTuple);
    co_return late_or(ec);
  }

  // Reads the rest of a body that did not come whole with the header, first telling a client that
  // waits for it to send the body (a failed write: the client is gone, no one to answer).
  asio::awaitable<beast::error_code> read_rest_of_body(Parser& parser, bool send_continue) {
    if (send_continue) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [write_ec, written] = co_await asio::async_write(socket_, asio::buffer(kContinue), kUseTuple);
      if (write_ec) co_return write_ec;
    }
    buffer_.reserve(buffer_.size() + kBodyReadChunk);  // Beast reads what the buffer has room for
    auto [ec, n] = co_await bhttp::async_read(reads_, buffer_, parser, kUseTuple);
    co_return late_or(ec);
  }

  // A read that ended once the deadline had passed is late, even one that raced the timer and
  // succeeded: the request is answered 408 all the same.
  beast::error_code late_or(beast::error_code ec) const { return timed_out_ ? beast::error::timeout : ec; }

  // Ends a request whose header or body could not be read: answers why and closes, or only closes
  // when the client is gone. Always false.
  asio::awaitable<bool> refuse_unread(beast::error_code ec, Part part, const RequestSoFar& so_far,
                                      std::size_t body_limit = 0) {
    std::unique_ptr<const Error> why = unread_error(ec, part, body_limit);
    if (!why) co_return false;
    co_return co_await fail(*why, so_far);
  }

  // Why a request cannot be read to the end; null when the client left (or a write to it
  // failed) and no one is there to answer. (A pointer: a transport error's status is its type's.)
  static std::unique_ptr<const Error> unread_error(const beast::error_code& ec, Part part, std::size_t body_limit) {
    if (ec == beast::error::timeout) return std::make_unique<RequestTimeout>();
    if (ec == bhttp::error::header_limit) return std::make_unique<HeaderTooLarge>();
    if (ec == bhttp::error::body_limit) return std::make_unique<PayloadTooLarge>(body_too_large(body_limit));
    // The end of the stream mid-request (partial_message) is the client leaving, not bad framing.
    const bool framing = ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    if (!framing) return nullptr;
    if (part == Part::Header) {
      return std::make_unique<BadRequest>("The request is not valid HTTP/1.1 (" + ec.message() + ")");
    }
    return std::make_unique<BadRequest>("The request body is not valid HTTP/1.1 framing (" + ec.message() + ")");
  }

  static PayloadTooLarge body_too_large(std::size_t limit) {
    return PayloadTooLarge("The request body is larger than " + std::to_string(limit) + " bytes");
  }

  // The answer to a request past max_in_flight: no handler runs, nothing waits.
  Response overloaded(const Request& request) {
    state_->metrics.requests_refused().inc();
    const ServiceUnavailable busy("The server is handling too many requests; retry later", options_.retry_after);
    return problem_response(busy, request.path, request.request_id);
  }

  void release_slot() {
    if (!holds_slot_) return;
    holds_slot_ = false;
    state_->release_request();
  }

  // Answers a request refused from its request line and headers (400, 401, 403, 404, 405, 503).
  // A body already whole in the buffer is dropped and the connection kept; one still to come is
  // never read: the answer closes the connection.
  asio::awaitable<bool> answer_before_body(const Response& response, const Request& request,
                                           const RequestSoFar& so_far, const Framing& framing, Parser& parser,
                                           std::size_t limit) {
    bool whole = parser.is_done();
    if (!whole) {
      parser.body_limit(limit);
      parser.eager(true);
      whole = !parse_buffered(parser) && parser.is_done();
    }
    const bool keep = whole && framing.keep_alive && !stop_requested_ && !state_->stopping();
    const bool written = co_await write(response, keep, framing.http10, framing.head);
    finish(request.method, so_far.route ? std::string_view(so_far.route->path) : "unmatched", request.path,
           so_far.route, response.status, so_far.started, {});
    if (!whole && written) co_await linger_close();
    co_return written && keep;
  }

  // The Request a handler sees, from the request line and headers (names in lower case).
  Request request_from(const Parser::value_type& message) const {
    return detail::request_from(message, options_.json_max_depth);
  }

  // Who asks (the peer, or the client behind trusted proxies) and the request's id: the client's
  // own when it is safe to log and echo, else a new one.
  void identify(Request& request) {
    if (!options_.trusted_proxies.empty()) client_ = options_.trusted_proxies.client_address(remote_, forwarded_for(request));
    request.remote_address = client_;
    auto client_id = request.header("x-request-id");
    log_->request_id = client_id && is_acceptable_request_id(*client_id) ? std::string(*client_id)
                                                                         : generate_request_id();
    request.request_id = log_->request_id;
  }

  // Answers a request that cannot be read to the end (framing, limits, timeout), then closes.
  asio::awaitable<bool> fail(const Error& error, const RequestSoFar& so_far) {
    begin_request();
    if (log_->request_id.empty()) log_->request_id = generate_request_id();
    Response response = problem_response(error, so_far.instance, log_->request_id);
    co_await write(response, false, false, false);
    finish(so_far.method.empty() ? "-" : so_far.method, so_far.route ? std::string_view(so_far.route->path) : "unmatched",
           so_far.instance, so_far.route, response.status, so_far.started, {});
    co_await linger_close();
    co_return false;
  }

  asio::awaitable<bool> write(const Response& response, bool keep_alive, bool http10, bool head) {
    head_.clear();
    append_response_head(head_, response, {log_->request_id, keep_alive, http10});
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::const_buffer()};
    if (!head && body_allowed(response.status)) buffers[1] = asio::buffer(response.body);
    phase_ = Phase::Writing;
    set_deadline(options_.write_timeout);
    auto [ec, n] = co_await asio::async_write(socket_, buffers, kUseTuple);
    clear_deadline();
    co_return !ec;
  }

  void finish(std::string_view method, std::string_view route_label, std::string_view path, const Route* route,
              int status, Clock::time_point started, std::string_view user_id) {
    double seconds = seconds_since(started);
    state_->metrics.record(route, method, status, seconds);
    if (logging::access_log_enabled()) {
      logging::log_access({method, route_label, path, status, seconds * 1000.0, client_, user_id});
    }
    end_request();
  }

  void begin_request() {
    if (request_active_) return;
    request_active_ = true;
    state_->metrics.in_flight().inc();
  }

  void end_request() {
    release_slot();  // a handler cancelled by a forced close
    request_active_ = false;
    state_->metrics.in_flight().dec();
    log_->request_id.clear();
    client_ = remote_;
  }

  // Half-closes, then drops whatever the client still sends for a moment before closing.
  asio::awaitable<void> linger_close() {
    beast::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    if (ec || closed_) co_return;
    phase_ = Phase::Closing;
    set_deadline(std::min<Clock::duration>(kLinger, options_.read_timeout));
    std::array<char, 4096> sink;
    for (;;) {
      auto [read_ec, n] = co_await socket_.async_read_some(asio::buffer(sink), kUseTuple);
      if (read_ec) break;
    }
  }

  void begin_reading() {
    phase_ = Phase::Reading;
    set_deadline(options_.read_timeout);  // one deadline for the whole request, header and body
  }

  // ---- deadlines: one timer per connection, re-armed only when a deadline moves earlier than
  // the pending expiry, so the common keep-alive path costs no timer operation per request.
  void set_deadline(Clock::duration timeout) {
    deadline_ = Clock::now() + timeout;
    timed_out_ = false;
    if (deadline_ < timer_expiry_) arm(deadline_);
  }

  void clear_deadline() {
    deadline_ = Clock::time_point::max();
    timed_out_ = false;
  }

  void arm(Clock::time_point at) {
    timer_expiry_ = at;
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this()](const beast::error_code& ec) { self->on_timer(ec); });
  }

  void on_timer(const beast::error_code& ec) {
    if (ec || closed_) return;  // re-armed (the newer wait owns the timer) or closing
    timer_expiry_ = Clock::time_point::max();
    if (deadline_ == Clock::time_point::max()) return;
    if (Clock::now() >= deadline_) {
      timed_out_ = true;  // stays set until the next deadline, so a read that raced the timer still fails
      beast::error_code ignored;
      socket_.cancel(ignored);  // the pending read or write completes with operation_aborted
    } else {
      arm(deadline_);
    }
  }

  void force_close() {
    close();
    cancel_.emit(asio::cancellation_type::terminal);  // interrupts what the handler awaits
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    beast::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

  Socket socket_;
  Strand strand_;
  std::shared_ptr<ServerState> state_;
  const ServerOptions& options_;
  std::shared_ptr<LogContext> log_;
  asio::steady_timer timer_;
  asio::cancellation_signal cancel_;
  beast::flat_buffer buffer_;
  std::string head_;  // response head, reused across requests
  std::string remote_;  // the socket's peer
  std::string client_;  // the current request's client: remote_, or seen through trusted proxies
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_expiry_ = Clock::time_point::max();
  Phase phase_ = Phase::Idle;
  bool timed_out_ = false;
  bool stop_requested_ = false;
  bool closed_ = false;
  bool request_active_ = false;
  bool holds_slot_ = false;  // one of the server's max_in_flight slots
  ServerState::Admission admission_ = ServerState::Admission::Drop;
  std::shared_ptr<UpgradedConnection> upgraded_;  // set while the connection is a WebSocket
  DeadlineReads reads_{socket_, timed_out_, beast::error::timeout};  // the socket, for Beast's reads
};

}  // namespace

void start_connection(Socket socket, std::shared_ptr<ServerState> state) {
  std::make_shared<Session>(std::move(socket), std::move(state))->start();
}

}  // namespace nelo::http::detail
