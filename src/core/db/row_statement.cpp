#include "core/db/row_statement.hpp"

#include <stdexcept>
#include <string_view>

namespace nelo::db {

Param as_column(const Param& value) {
  if (!value) return std::string("{NULL}");
  // Double-quoted, so that commas, braces, spaces and the word NULL stay data; inside the quotes
  // only '"' and '\' need a backslash. Sized once: JSON documents have many quotes.
  const std::string_view text = *value;
  std::size_t escapes = 0;
  for (const char c : text) escapes += (c == '"' || c == '\\') ? 1 : 0;
  std::string out(text.size() + escapes + 4, '\0');
  char* p = out.data();
  *p++ = '{';
  *p++ = '"';
  for (const char c : text) {
    if (c == '"' || c == '\\') *p++ = '\\';
    *p++ = c;
  }
  *p++ = '"';
  *p = '}';
  return out;
}

namespace detail {
namespace {

std::string_view elements(const Param& column) {
  if (!column || column->size() < 2 || column->front() != '{' || column->back() != '}') {
    throw std::invalid_argument("db: a row statement's parameters must be array literals");
  }
  return std::string_view(*column).substr(1, column->size() - 2);
}

// `into`'s columns followed by `more`'s.
void append_columns(QueuedStatement& into, const QueuedStatement& more) {
  if (into.params.size() != more.params.size()) {
    throw std::invalid_argument("db: row statements of one text with different numbers of columns");
  }
  for (std::size_t k = 0; k < into.params.size(); ++k) {
    const auto tail = elements(more.params[k]);
    if (tail.empty()) continue;
    std::string& column = *into.params[k];
    if (elements(into.params[k]).empty()) {
      column = *more.params[k];
      continue;
    }
    column.pop_back();  // '}'
    column += ',';
    column += tail;
    column += '}';
  }
}

}  // namespace

std::vector<QueuedStatement> merge_row_statements(std::vector<QueuedStatement> queued) {
  std::vector<QueuedStatement> out;
  out.reserve(queued.size());
  for (auto& statement : queued) {
    if (statement.rows) {
      QueuedStatement* first = nullptr;
      for (auto& earlier : out) {
        if (earlier.rows && earlier.sql == statement.sql) {
          first = &earlier;
          break;
        }
      }
      if (first) {
        append_columns(*first, statement);
        continue;
      }
      for (const auto& column : statement.params) elements(column);  // validated once here
    }
    out.push_back(std::move(statement));
  }
  return out;
}

}  // namespace detail

Params rows(const std::vector<Params>& each) {
  if (each.empty()) return {};
  detail::QueuedStatement merged{{}, each.front(), true};
  for (std::size_t r = 1; r < each.size(); ++r) detail::append_columns(merged, detail::QueuedStatement{{}, each[r], true});
  return std::move(merged.params);
}

}  // namespace nelo::db
