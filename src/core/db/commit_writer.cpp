#include "core/db/commit_writer.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace nelo::db {

void CommitWriter::execute_at_commit(std::string sql, Params params) {
  if (!active()) throw std::logic_error("the transaction has already ended");
  at_commit_.push_back({std::move(sql), std::move(params)});
}

void CommitWriter::execute_rows_at_commit(std::string sql, Params columns) {
  if (!active()) throw std::logic_error("the transaction has already ended");
  at_commit_.push_back({std::move(sql), std::move(columns), true});
}

void CommitWriter::on_commit(std::function<void()> hook) { on_commit_.push_back(std::move(hook)); }

std::vector<detail::QueuedStatement> CommitWriter::take_queued() {
  auto merged = detail::merge_row_statements(std::move(at_commit_));
  at_commit_.clear();
  return merged;
}

void CommitWriter::discard_queued() noexcept { at_commit_.clear(); }

void CommitWriter::run_on_commit_hooks() {
  auto hooks = std::move(on_commit_);
  on_commit_.clear();
  for (auto& hook : hooks) {
    try {
      hook();
    } catch (const std::exception& e) {
      spdlog::error("database: an on_commit hook failed: {}", e.what());
    }
  }
}

}  // namespace nelo::db
