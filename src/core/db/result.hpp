#pragma once
// An owned query result. libpq stays in the .cpp: this header is included by every repository.

#include <boost/json/fwd.hpp>
#include <boost/json/storage_ptr.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace nelo::db {

class Result;

// One row of a Result; cheap to copy, valid while the Result lives.
class Row {
 public:
  Row(const Result* result, int index) : result_(result), index_(index) {}

  bool is_null(int column) const;
  bool is_null(std::string_view column) const;
  // Raw text of a column. Throws std::logic_error on NULL or an unknown column name.
  std::string_view text(int column) const;
  std::string_view text(std::string_view column) const;

  // Typed access: std::string, std::int64_t, std::int32_t, double, bool, Timestamp,
  // boost::json::value (json/jsonb), std::vector<std::string> (one-dimensional text arrays);
  // and std::optional<T> of each, which is empty on NULL.
  template <class T>
  T get(int column) const;
  template <class T>
  T get(std::string_view column) const {
    return get<T>(column_index(column));
  }

  // A json/jsonb column parsed with its memory from `storage` (a monotonic resource on the stack,
  // say, for documents read into structs and dropped at once). Throws like get on a bad value.
  boost::json::value json(std::string_view column, boost::json::storage_ptr storage) const;

  int column_index(std::string_view name) const;

 private:
  const Result* result_;
  int index_;
  // Where the next name lookup starts: just after the last column found, since readers mostly
  // take the columns in the order the statement lists them.
  mutable int next_column_ = 0;
};

class Result {
 public:
  Result() = default;
  // Takes ownership of a PGresult (passed as void* to keep libpq out of this header).
  explicit Result(void* pg_result);

  int size() const noexcept { return rows_; }
  bool empty() const noexcept { return rows_ == 0; }
  int columns() const noexcept;
  // Rows touched by INSERT/UPDATE/DELETE (PQcmdTuples).
  std::int64_t affected_rows() const;

  Row operator[](int i) const { return Row(this, i); }
  Row front() const;  // throws std::logic_error when empty

  class Iterator {
   public:
    Iterator(const Result* r, int i) : r_(r), i_(i) {}
    Row operator*() const { return Row(r_, i_); }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    const Result* r_;
    int i_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, rows_}; }

  const void* native() const noexcept { return handle_.get(); }

 private:
  std::shared_ptr<void> handle_;
  int rows_ = 0;
};

// One row of a result that several callers share (a batch's: db::BatchedLookup, db::BatchedWrite).
struct FoundRow {
  Result result;
  int index = 0;
  Row row() const { return result[index]; }
};

// For each of `keys`, the index of the first row of `result` whose column `key_column` holds it as
// text, or -1: which row of a batch's result answers which caller. Throws what column_index()
// throws when a row comes back without the key column.
std::vector<int> rows_by_key(const Result& result, std::string_view key_column,
                             const std::vector<std::string_view>& keys);

}  // namespace nelo::db
