#pragma once
// The one loop that reads the results of pipelined commands (libpq pipeline mode), for both of
// Connection's uses of it: execute_batch (many statements closed by one Sync) and the shared
// pipeline (each statement closed by its own Sync). Private to connection*.cpp (it names libpq).

#include <libpq-fe.h>

namespace nelo::db::detail {

enum class PipelineRead {
  Drained,      // nothing more has arrived: wait for the socket, consume the input, read again
  Stopped,      // the sink stopped at a Sync
  Unsupported,  // a COPY result: we do not speak COPY, the protocol state is unusable
};

// Reads every result that has arrived, without waiting, and hands each to `sink`, in order:
//   void command_ended()              the results of one command (a Prepare or an Execute) ended
//   void succeeded(PGresult*)         its rows or status; the sink owns (and frees) the result
//   void failed(const PGresult*)      its error; freed here
//   bool synced()                     a Sync came back; false: stop reading
// A command skipped because an earlier one failed gives no result, only its end.
template <class Sink>
PipelineRead read_pipeline_results(PGconn* conn, Sink& sink) {
  while (!PQisBusy(conn)) {
    PGresult* res = PQgetResult(conn);
    if (!res) {
      sink.command_ended();
      continue;
    }
    switch (PQresultStatus(res)) {
      case PGRES_PIPELINE_SYNC:
        PQclear(res);
        if (!sink.synced()) return PipelineRead::Stopped;
        break;
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        sink.succeeded(res);
        break;
      case PGRES_PIPELINE_ABORTED:  // skipped because an earlier command failed
        PQclear(res);
        break;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        PQclear(res);
        return PipelineRead::Unsupported;
      default:
        sink.failed(res);
        PQclear(res);
        break;
    }
  }
  return PipelineRead::Drained;
}

}  // namespace nelo::db::detail
