#pragma once
// Statements over rows given column by column, which several transactions' writes can share.
//
// A row statement's every parameter $k is a one-dimensional array holding one element per row
// (the SQL reads them with `unnest($1::uuid[], $2::text[], ...)`), and what it does to one row
// does not depend on the other rows nor on the other statements queued with it: typically an
// INSERT. Two of the same text can then run as one, their columns concatenated, and PostgreSQL
// plans, starts and checks the statement once for all their rows: the inserts of eight
// placements cost it about a third of eight single-row statements (docs/benchmarks.md).
// Transaction::execute_rows_at_commit queues one; GroupCommit merges those of many transactions.

#include <string>
#include <vector>

#include "core/db/params.hpp"

namespace nelo::db {

// One row's values as the columns of a row statement: each one a one-element array literal
// ({"text"}, or {NULL}).
Param as_column(const Param& value);

// db::row(id, name, 42, std::nullopt) -> Params, each a one-element column.
template <class... T>
Params row(const T&... values) {
  Params out;
  out.reserve(sizeof...(T));
  (out.push_back(as_column(to_param(values))), ...);
  return out;
}

// The columns of several rows (each from db::row(...)) for a row statement run at once:
// column k holds every row's k-th value, in the order given. Throws std::invalid_argument when the
// rows do not have the same number of columns.
Params rows(const std::vector<Params>& each);

namespace detail {

// A statement queued to run with a transaction's COMMIT.
struct QueuedStatement {
  std::string sql;
  Params params;
  bool rows = false;  // a row statement: may merge with another of the same text
};

// Merges the row statements of one text into the first of them, columns concatenated in queue
// order; other statements keep their place. Throws std::invalid_argument when two row statements
// of one text do not have the same number of columns, or a column is not an array literal.
std::vector<QueuedStatement> merge_row_statements(std::vector<QueuedStatement> queued);

}  // namespace detail

}  // namespace nelo::db
