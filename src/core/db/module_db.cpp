#include "core/db/module_db.hpp"

#include <stdexcept>
#include <utility>

#include "core/db/pool.hpp"

namespace nelo::db {

namespace asio = boost::asio;

ModuleDb::ModuleDb(Pool& pool, std::string module) : pool_(pool), module_(std::move(module)) {
  if (module_.empty()) throw std::invalid_argument("db::ModuleDb: empty module name");
}

// Each call hands back the pool's own awaitable (these are not coroutines): no frame of their
// own, and the name is passed as a view of module_, which outlives the statement.
asio::awaitable<Transaction> ModuleDb::begin(TxOptions options) { return pool_.begin(module_, options); }

asio::awaitable<Result> ModuleDb::execute(std::string_view sql, const Params& params) {
  return pool_.execute(module_, sql, params);
}

asio::awaitable<Result> ModuleDb::execute_pipelined(std::string_view sql, const Params& params) {
  return pool_.execute_pipelined(module_, sql, params);
}

}  // namespace nelo::db
