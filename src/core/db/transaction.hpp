#pragma once
// A database transaction running as one module's role (nelo_<module>).
// It rolls back unless commit() is awaited: letting it go out of scope hands the connection
// back to the pool, which rolls it back before anyone else may use it.

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "core/db/commit_writer.hpp"
#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::db {

class PooledConnection;  // private to the db layer (core/db/pool_impl.hpp)

class Transaction final : public CommitWriter {
 public:
  Transaction(std::unique_ptr<PooledConnection> connection, std::string module);
  Transaction(Transaction&&) noexcept;
  Transaction(const Transaction&) = delete;
  ~Transaction() override;

  // Runs one statement as a prepared statement cached on this connection.
  boost::asio::awaitable<Result> execute(std::string_view sql, const Params& params = {});

  // Runs what was queued (CommitWriter::execute_at_commit, execute_rows_at_commit) and COMMIT,
  // in one round trip.
  boost::asio::awaitable<void> commit() override;
  boost::asio::awaitable<void> rollback();

  bool active() const noexcept override { return connection_ != nullptr; }

 private:
  std::unique_ptr<PooledConnection> connection_;
};

}  // namespace nelo::db
