#pragma once
// A module's database handle: the pool's module statements, already bound to one module, so
// that everything the module sends runs as its role nelo_<module> and a module cannot name
// another's. Only the composition root (src/app/) makes them, one per module it serves, and keeps
// each alive as long as its module; repositories and services take a ModuleDb& and never see the
// pool (an architecture test keeps src/modules/ from naming it).
//
// This is also where a module extracted in phase 2 will get its own DATABASE_URL_<MODULE>: the
// composition root will bind the handle to that database's pool instead of the shared one, and
// nothing in the module changes.
//
// The header does not include core/db/pool.hpp on purpose: a module that includes this file
// cannot reach the pool through it.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "core/db/params.hpp"
#include "core/db/result.hpp"
#include "core/db/transaction.hpp"
#include "core/db/tx_options.hpp"

namespace nelo::db {

class Pool;

class ModuleDb {
 public:
  // Statements through `pool` as `module` (role nelo_<module>). std::invalid_argument on an
  // empty name. `pool` must outlive the handle.
  ModuleDb(Pool& pool, std::string module);
  ModuleDb(const ModuleDb&) = delete;
  ModuleDb& operator=(const ModuleDb&) = delete;

  // The module this handle runs as (the name of its schema; its role is nelo_<module>).
  const std::string& module() const noexcept { return module_; }

  // Pool::begin, Pool::execute and Pool::execute_pipelined (pool.hpp says what each does and
  // when to use which) as this module.
  boost::asio::awaitable<Transaction> begin(TxOptions options = {});
  boost::asio::awaitable<Result> execute(std::string_view sql, const Params& params = {});
  boost::asio::awaitable<Result> execute_pipelined(std::string_view sql, const Params& params = {});

 private:
  Pool& pool_;
  const std::string module_;
};

}  // namespace nelo::db
