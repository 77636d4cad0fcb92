#pragma once
// Reads of one row by key, coalesced: the keys asked for while earlier batches are in the
// database are gathered and read together by one statement (`WHERE id = ANY($1::uuid[])`).
// Under load, PostgreSQL starts one executor for a dozen rows instead of one per row, which is
// most of what a single-row read costs it; at low load a batch is a single key and goes out at
// once, so nothing waits for company. Every lookup still reads the database after it was asked:
// nothing is cached, and a row committed before the request arrived is seen.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/db/result.hpp"

namespace nelo::metrics {
class Registry;
}  // namespace nelo::metrics

namespace nelo::db {

class ModuleDb;

struct BatchedLookupOptions {
  std::size_t max_batch = 64;  // keys per statement
  // Statements in the database at once; the keys asked for meanwhile wait for one to come back.
  // Two keep two backends busy (this machine's two cores) with batches still large under load:
  // four gave smaller batches and 12 % fewer reads per second, one left reads queued behind a
  // slow batch (docs/benchmarks.md).
  std::size_t max_in_flight = 2;
  // The `lookup` label of nelo_db_batched_lookups_total and nelo_db_batched_statements_total,
  // when a metrics registry is given.
  std::string name = "unnamed";
};

struct BatchedLookupStats {
  std::uint64_t lookups = 0;     // find() calls answered
  std::uint64_t statements = 0;  // batches sent
};

class BatchedLookup {
 public:
  // `sql` reads the rows whose keys are in $1 (a text array literal; cast it, e.g. `$1::uuid[]`)
  // and returns each row's key as text in column `key_column`, written as the keys are given:
  // callers pass keys in the column's canonical text form (lowercase UUIDs, say). A key the
  // statement cannot cast fails the whole batch: callers validate keys first. Statements run
  // through db.execute_pipelined (as db's module); the batches run on `executor`. With `metrics`,
  // lookups and statements are counted there too (their ratio is the mean batch size).
  BatchedLookup(ModuleDb& db, boost::asio::any_io_executor executor, std::string sql, std::string key_column,
                BatchedLookupOptions options = {}, metrics::Registry* metrics = nullptr);
  ~BatchedLookup();
  BatchedLookup(const BatchedLookup&) = delete;
  BatchedLookup& operator=(const BatchedLookup&) = delete;

  // The row whose key is `key`, nullopt if there is none. Throws what the statement threw (every
  // lookup of a failed batch gets its error).
  boost::asio::awaitable<std::optional<FoundRow>> find(std::string key);
  // The row whose key is the UUID `id`, written in any form PostgreSQL reads (it goes in
  // lowercase, as the key column comes back); nullopt for an id that is no UUID, which never
  // reaches the statement: one bad key would fail its whole batch.
  boost::asio::awaitable<std::optional<FoundRow>> find_uuid(std::string_view id);

  BatchedLookupStats stats() const;

  struct State;  // the waiting keys and the batches in flight (batched_lookup.cpp)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace nelo::db
