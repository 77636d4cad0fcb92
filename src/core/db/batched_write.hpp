#pragma once
// Single-row writes of one statement, coalesced: the rows written while earlier batches are in
// the database go together in one row statement (row_statement.hpp), which PostgreSQL plans,
// starts, checks and commits once (autocommit: the statement is its own transaction). Under load
// a dozen rows cost it about what two did alone; at rest a batch is a single row and goes out at
// once. Each writer gets back the row its own row produced (RETURNING), told apart by a key.
//
// The statement must treat each row on its own (an INSERT ... ON CONFLICT keyed by the key, an
// UPDATE of the key's row), so that a batch does what its rows would have done one after the
// other. Two writes of one key never share a statement: the later one goes out after the batch.
// When the statement fails:
//   - PostgreSQL refused it (a check, a trigger's RAISE...): nothing of the batch was kept, and
//     each row is written again alone, in order, so that each gets its own verdict and none is
//     lost because of another;
//   - the database is unreachable, or the connection was lost (ServiceUnavailable): every writer
//     of the batch gets that error, as a lone one would. Nothing is retried, because the statement
//     may have committed.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::metrics {
class Registry;
}  // namespace nelo::metrics

namespace nelo::db {

class ModuleDb;

struct BatchedWriteOptions {
  std::size_t max_batch = 32;  // rows per statement
  // Statements in the database at once; the rows written meanwhile wait for one to come back.
  std::size_t max_in_flight = 2;
  // The `write` label of the nelo_db_batched_write* counters, when a metrics registry is given.
  std::string name = "unnamed";
};

struct BatchedWriteStats {
  std::uint64_t writes = 0;      // write() calls answered
  std::uint64_t statements = 0;  // statements sent, those of the rows written again alone included
  std::uint64_t fallbacks = 0;   // batches refused, whose rows were then written one at a time
};

class BatchedWrite {
 public:
  // `sql` is a row statement (each $k a one-element-per-row array: unnest($1::uuid[], ...)) that
  // returns, for each row it wrote, the row's key as text in column `key_column`, written as
  // callers give keys. It runs through db.execute (as db's module); the batches run on `executor`.
  BatchedWrite(ModuleDb& db, boost::asio::any_io_executor executor, std::string sql, std::string key_column,
               BatchedWriteOptions options = {}, metrics::Registry* metrics = nullptr);
  ~BatchedWrite();
  BatchedWrite(const BatchedWrite&) = delete;
  BatchedWrite& operator=(const BatchedWrite&) = delete;

  // Writes `row` (its columns, e.g. db::row(...)), identified by `key`, and returns the row the
  // statement returned for it: nullopt when it returned none (an ON CONFLICT DO NOTHING that found
  // the key, an UPDATE whose condition no longer held). Throws the statement's error.
  boost::asio::awaitable<std::optional<FoundRow>> write(std::string key, Params row);

  BatchedWriteStats stats() const;

  struct State;  // the waiting rows and the batches in flight (batched_write.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace nelo::db
