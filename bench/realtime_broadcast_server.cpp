// The reference for `bench/run realtime`: a bare Boost.Beast WebSocket broadcast server doing the
// same fan-out as nelo's gateway, and nothing else: every WebSocket client (any path, no auth) is
// a subscriber; `PUT /publish` with a JSON body sends that body to every client as nelo sends a
// position on admin:city ([{"type":"event",...,"data":<body>}]). Each client has a queue and one
// writer that sends everything queued in one frame, as nelo does; the message is made once and
// shared by the queues, and the WebSocket runs on the bare socket, as in nelo. Usage: PORT THREADS.

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace bws = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

class Client : public std::enable_shared_from_this<Client> {
 public:
  explicit Client(bws::stream<tcp::socket> ws) : ws_(std::move(ws)), wake_(ws_.get_executor()) {}

  void push(const std::shared_ptr<const std::string>& message) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(message);
    }
    if (!wake_posted_.exchange(true)) {
      asio::post(ws_.get_executor(), [self = shared_from_this()] {
        self->wake_posted_ = false;
        self->wake_.cancel();
      });
    }
  }

  asio::awaitable<void> write_loop() {
    auto self = shared_from_this();
    std::string frame;
    std::vector<std::shared_ptr<const std::string>> batch;
    while (open_) {
      batch.clear();
      {
        std::lock_guard lock(mutex_);
        batch.swap(queue_);
      }
      if (batch.empty()) {
        wake_.expires_at(asio::steady_timer::time_point::max());
        co_await wake_.async_wait(kUseTuple);
        continue;
      }
      frame = "[";
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (i) frame += ',';
        frame += *batch[i];
      }
      frame += ']';
      auto [ec, n] = co_await ws_.async_write(asio::buffer(frame), kUseTuple);
      if (ec) break;
    }
  }

  asio::awaitable<void> read_loop() {
    beast::flat_buffer buffer;
    for (;;) {
      auto [ec, n] = co_await ws_.async_read(buffer, kUseTuple);
      if (ec) break;
      buffer.consume(buffer.size());
    }
    open_ = false;
    wake_.cancel();
  }

  bws::stream<tcp::socket> ws_;
  asio::steady_timer wake_;
  std::mutex mutex_;
  std::vector<std::shared_ptr<const std::string>> queue_;
  std::atomic<bool> wake_posted_{false};
  bool open_ = true;
};

struct Hub {
  std::mutex mutex;
  std::unordered_set<std::shared_ptr<Client>> clients;
  std::atomic<std::uint64_t> seq{0};

  void publish(const std::string& body) {
    std::vector<std::shared_ptr<Client>> all;
    {
      std::lock_guard lock(mutex);
      all.assign(clients.begin(), clients.end());
    }
    // One message shared by every client's queue (as nelo's hub does), not a copy each.
    const auto message = std::make_shared<const std::string>(R"({"type":"event","channel":"admin:city","seq":)" +
                                                             std::to_string(++seq) + R"(,"event":"driver.moved","data":)" +
                                                             body + "}");
    for (auto& c : all) c->push(message);
  }
};

asio::awaitable<void> serve(tcp::socket socket, Hub& hub) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(stream, buffer, request, kUseTuple);
    if (ec) co_return;
    if (bws::is_upgrade(request)) {
      // On the bare socket, as nelo's gateway: beast::tcp_stream would arm a timer around every
      // read and write, a cost nelo does not pay.
      bws::stream<tcp::socket> ws(stream.release_socket());
      ws.set_option(bws::stream_base::timeout::suggested(beast::role_type::server));
      auto [aec] = co_await ws.async_accept(request, kUseTuple);
      if (aec) co_return;
      ws.text(true);
      auto client = std::make_shared<Client>(std::move(ws));
      {
        std::lock_guard lock(hub.mutex);
        hub.clients.insert(client);
      }
      asio::co_spawn(client->ws_.get_executor(), client->write_loop(), asio::detached);
      co_await client->read_loop();
      std::lock_guard lock(hub.mutex);
      hub.clients.erase(client);
      co_return;
    }
    http::response<http::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    if (request.target() == "/publish") {
      hub.publish(request.body());
      response.result(http::status::no_content);
    } else {
      response.result(http::status::ok);
      response.body() = "{\"status\":\"ok\"}";
    }
    response.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, response, kUseTuple);
    if (wec || !request.keep_alive()) co_return;
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, Hub& hub, asio::io_context& io) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kUseTuple);
    if (ec) continue;
    socket.set_option(tcp::no_delay(true));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket), hub), asio::detached);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
  asio::io_context io(threads);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  acceptor.listen(asio::socket_base::max_listen_connections);
  Hub hub;
  asio::co_spawn(io, listen(acceptor, hub, io), asio::detached);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, auto) { io.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
