// Connection's shared-pipeline members (connection.hpp): independent autocommit statements in
// flight together, each closed by its own Sync. Their results are read by the loop execute_batch
// also uses (connection_results.hpp).

#include "core/db/connection.hpp"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/db/connection_results.hpp"

namespace nelo::db::detail {

bool Connection::pipeline_send(std::string_view sql, const Params& params) {
  if (broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  if (!pipelining_) {
    if (busy_ || PQenterPipelineMode(conn_) != 1) return false;
    pipelining_ = true;
    busy_ = true;
  }
  InFlight entry;
  entry.sql = sql;
  const std::string& name = statement_name(sql, entry.prepare);
  if (entry.prepare && !send_prepare(name, sql)) {
    forget_statement(sql);
    broken_ = true;
    return false;
  }
  if (!send_execute(name, params) || PQpipelineSync(conn_) != 1) {
    broken_ = true;  // part of a statement may be queued: the protocol state is unknown
    return false;
  }
  in_flight_.push_back(std::move(entry));
  return true;
}

boost::asio::awaitable<void> Connection::wait_ready(bool for_write) {
  using boost::asio::posix::stream_descriptor;
  boost::system::error_code ec;
  {
    WaitingForServer waiting(*this, true);  // statements are in flight: the watchdog bounds the wait
    auto [error] = co_await socket_.async_wait(for_write ? stream_descriptor::wait_write : stream_descriptor::wait_read,
                                               boost::asio::as_tuple(boost::asio::use_awaitable));
    ec = error;
  }
  if (interrupted_.load()) throw boost::system::system_error(boost::asio::error::timed_out);
  if (ec) throw boost::system::system_error(ec);
}

void Connection::abort() noexcept {
  broken_ = true;
  ::shutdown(socket_.native_handle(), SHUT_RDWR);
}

int Connection::pipeline_flush() {
  const int r = PQflush(conn_);
  if (r < 0) broken_ = true;
  return r;
}

bool Connection::pipeline_collect(std::vector<PipelinedOutcome>& out) {
  // The result loop's sink: each result belongs to the oldest statement in flight.
  struct Sink {
    Connection& connection;
    std::vector<PipelinedOutcome>& out;

    InFlight& front() { return connection.in_flight_.front(); }
    void command_ended() { ++front().commands_done; }  // the Prepare's, then the Execute's
    void succeeded(PGresult* res) {
      if (front().prepare && front().commands_done == 0) {
        front().prepare_ok = true;
        PQclear(res);
      } else {
        front().outcome.result = Result(res);
      }
    }
    void failed(const PGresult* res) {
      if (!front().outcome.error) front().outcome.error = server_error(res, connection.conn_);
    }
    bool synced() {
      // A statement the server refused to prepare, or whose cached plan went stale, is prepared
      // afresh (under a new name) by its next use.
      if ((front().prepare && !front().prepare_ok) ||
          (front().outcome.error && is_stale_cached_plan(*front().outcome.error))) {
        connection.forget_statement(front().sql);
      }
      out.push_back(std::move(front().outcome));
      connection.in_flight_.pop_front();
      return !connection.in_flight_.empty();
    }
  };

  if (broken_) return false;
  if (!PQconsumeInput(conn_)) {
    broken_ = true;
    return false;
  }
  if (!in_flight_.empty()) {
    Sink sink{*this, out};
    if (read_pipeline_results(conn_, sink) == PipelineRead::Unsupported) {
      broken_ = true;  // we do not speak COPY here
      return false;
    }
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    return false;
  }
  return true;
}

bool Connection::pipeline_end() {
  if (!pipelining_) return !broken_;
  if (!in_flight_.empty() || broken_ || PQexitPipelineMode(conn_) != 1) {
    broken_ = true;
    return false;
  }
  pipelining_ = false;
  busy_ = false;
  return true;
}

}  // namespace nelo::db::detail
