// Connection's shared-pipeline members (connection.hpp): independent autocommit statements in
// flight together, each closed by its own Sync.

#include "core/db/connection.hpp"

#include <libpq-fe.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

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
  const std::string name = statement_name(sql, entry.prepare);
  if (entry.prepare) {
    const std::string text(sql);
    if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr)) {
      forget_statement(sql);
      broken_ = true;
      return false;
    }
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (!PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                           values.empty() ? nullptr : values.data(), nullptr, nullptr, 0) ||
      PQpipelineSync(conn_) != 1) {
    broken_ = true;  // part of a statement may be queued: the protocol state is unknown
    return false;
  }
  in_flight_.push_back(std::move(entry));
  return true;
}

boost::asio::awaitable<void> Connection::wait_ready(bool for_write) {
  using boost::asio::posix::stream_descriptor;
  auto [ec] = co_await socket_.async_wait(for_write ? stream_descriptor::wait_write : stream_descriptor::wait_read,
                                          boost::asio::as_tuple(boost::asio::use_awaitable));
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
  if (broken_) return false;
  if (!PQconsumeInput(conn_)) {
    broken_ = true;
    return false;
  }
  while (!in_flight_.empty() && !PQisBusy(conn_)) {
    InFlight& front = in_flight_.front();
    PGresult* res = PQgetResult(conn_);
    if (!res) {  // the end of one command's results: the Prepare's, then the Execute's
      ++front.commands_done;
      continue;
    }
    switch (PQresultStatus(res)) {
      case PGRES_PIPELINE_SYNC:
        PQclear(res);
        // A statement the server refused to prepare, or whose cached plan went stale, is
        // prepared afresh (under a new name) by its next use.
        if ((front.prepare && !front.prepare_ok) ||
            (front.outcome.error && is_stale_cached_plan(*front.outcome.error))) {
          forget_statement(front.sql);
        }
        out.push_back(std::move(front.outcome));
        in_flight_.pop_front();
        break;
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        if (front.prepare && front.commands_done == 0) {
          front.prepare_ok = true;
          PQclear(res);
        } else {
          front.outcome.result = Result(res);
        }
        break;
      case PGRES_PIPELINE_ABORTED:  // the Execute after a failed Prepare
        PQclear(res);
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        PQclear(res);
        broken_ = true;  // we do not speak COPY here
        return false;
      default:
        if (!front.outcome.error) front.outcome.error = server_error(res, conn_);
        PQclear(res);
        break;
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
