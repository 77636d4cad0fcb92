#include "support/loopback_http_endpoint.hpp"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <cctype>
#include <chrono>

namespace nelo::test {

namespace asio = boost::asio;

struct LoopbackHttpEndpoint::State {
  State(Answer a, std::string p)
      : answer(std::move(a)), path(std::move(p)), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {}

  Answer answer;
  std::string path;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor;
  std::atomic<bool> stopping{false};
  std::atomic<int> serving_fd{-1};
  std::atomic<int> connections{0};
  mutable std::mutex mutex;
  std::vector<LoopbackRequest> received;
  std::thread thread;

  // The Content-Length of a request head, whatever its case; 0 without one.
  static std::size_t content_length(const std::string& head) {
    std::string lower = head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("content-length: ");
    return at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
  }

  // Serves one connection's requests until the client closes it or a reply ends it.
  void serve(asio::ip::tcp::socket& socket, int connection) {
    boost::system::error_code ec;
    asio::streambuf buffer;
    for (int on_connection = 1; !stopping; ++on_connection) {
      const std::size_t head_size = asio::read_until(socket, buffer, "\r\n\r\n", ec);
      if (ec) return;  // the client closed it
      LoopbackRequest r;
      r.head.assign(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + head_size);
      buffer.consume(head_size);
      const std::size_t length = content_length(r.head);
      if (buffer.size() < length) asio::read(socket, buffer, asio::transfer_exactly(length - buffer.size()), ec);
      r.body.assign(asio::buffers_begin(buffer.data()), asio::buffers_begin(buffer.data()) + std::min(length, buffer.size()));
      buffer.consume(length);
      r.connection = connection;
      r.on_connection = on_connection;
      {
        std::lock_guard lock(mutex);
        r.number = static_cast<int>(received.size()) + 1;
        received.push_back(r);
      }
      const LoopbackReply reply = answer(r);
      using Then = LoopbackReply::Then;
      if (reply.then == Then::Drop) return;
      if (reply.then == Then::Hang) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return;
      }
      std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Length: " +
                         std::to_string(reply.body.size()) + "\r\n";
      if (reply.then == Then::Close) head += "Connection: close\r\n";
      const std::string message = head + "\r\n" + reply.body;
      asio::write(socket, asio::buffer(message), ec);
      if (ec || reply.then != Then::KeepAlive) return;
    }
  }

  void run() {
    while (!stopping) {
      asio::ip::tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (ec || stopping) return;
      serving_fd = socket.native_handle();
      serve(socket, ++connections);
      serving_fd = -1;
      socket.close(ec);
    }
  }
};

LoopbackHttpEndpoint::LoopbackHttpEndpoint(Answer answer, std::string path)
    : state_(std::make_shared<State>(std::move(answer), std::move(path))) {
  state_->thread = std::thread([state = state_.get()] { state->run(); });
}

LoopbackHttpEndpoint::~LoopbackHttpEndpoint() {
  state_->stopping = true;
  // A kept-alive client holds its connection open: end the read the thread waits in.
  if (const int fd = state_->serving_fd.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  boost::system::error_code ignored;
  asio::ip::tcp::socket poke(state_->io);
  poke.connect(state_->acceptor.local_endpoint(), ignored);
  state_->thread.join();
}

std::string LoopbackHttpEndpoint::url() const {
  return "http://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port()) + state_->path;
}

std::vector<LoopbackRequest> LoopbackHttpEndpoint::received() const {
  std::lock_guard lock(state_->mutex);
  return state_->received;
}

int LoopbackHttpEndpoint::connections() const { return state_->connections.load(); }

}  // namespace nelo::test
