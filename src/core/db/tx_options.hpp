#pragma once
// How a transaction runs: its isolation level and whether it may write. A header of its own so
// that db::ModuleDb (module_db.hpp) offers them without including the pool.

namespace nelo::db {

enum class Isolation { ReadCommitted, RepeatableRead, Serializable };

struct TxOptions {
  Isolation isolation = Isolation::ReadCommitted;
  bool read_only = false;
};

}  // namespace nelo::db
