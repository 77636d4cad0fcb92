// The yardstick for nelo's HTTP stack: the smallest Boost.Beast C++20 coroutine server. It
// answers {"status":"ok"} to every request, with keep-alive, on N threads sharing one
// io_context and a strand per connection, as nelo does. No router, no middleware, no logging,
// no metrics, no timeouts: whatever nelo spends above this is the cost of its features.
//
//   nelo_bench_hello [port] [threads]      (defaults: 8080, hardware concurrency)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::string_view kBody = R"({"status":"ok"})";

asio::awaitable<void> session(tcp::socket socket) {
  // No per-operation timeouts (beast::tcp_stream::expires_after arms a timer on every read and
  // write): a yardstick should be the fastest plausible Beast server, not a hardened one.
  beast::flat_buffer buffer;
  for (;;) {
    // A fresh parser per message, with limits (Beast #2715).
    http::request_parser<http::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(1024 * 1024);
    auto [read_ec, read_n] = co_await http::async_read(socket, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)read_n;
    if (read_ec) break;  // end_of_stream or garbage: close (Beast #2637)
    const auto& req = parser.get();

    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::server, "nelo-bench-hello");
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = kBody;
    res.prepare_payload();

    auto [write_ec, write_n] = co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    (void)write_n;
    if (write_ec || !res.keep_alive()) break;
  }
  beast::error_code ec;
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  auto& io = static_cast<asio::io_context&>(acceptor.get_executor().context());
  for (;;) {
    // Each connection on its own strand: several threads run the io_context.
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, session(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 8080;
  unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;

  asio::io_context io(static_cast<int>(threads));
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  asio::co_spawn(io, listen(acceptor), asio::detached);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });

  std::cout << "nelo-bench-hello listening on 127.0.0.1:" << acceptor.local_endpoint().port() << " with "
            << threads << " threads" << std::endl;
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
