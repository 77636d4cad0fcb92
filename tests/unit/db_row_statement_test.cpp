// Row statements (core/db/row_statement.hpp): one row's values as one-element columns, and the
// merge of those of one text, columns concatenated in queue order.

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/db/row_statement.hpp"

namespace nelo::db {
namespace {

using detail::QueuedStatement;

TEST(RowStatement, AValueBecomesAOneElementColumn_QuotedSoThatItStaysData) {
  EXPECT_EQ(as_column(std::string("plain")), "{\"plain\"}");
  EXPECT_EQ(as_column(std::nullopt), "{NULL}");
  EXPECT_EQ(as_column(std::string("NULL")), "{\"NULL\"}") << "the word NULL is text";
  EXPECT_EQ(as_column(std::string("")), "{\"\"}");
  EXPECT_EQ(as_column(std::string(R"({"a": "b\\c", "d": [1,2]})")), R"({"{\"a\": \"b\\\\c\", \"d\": [1,2]}"})");
  const Params r = row(std::string("id"), 42, std::nullopt, true);
  EXPECT_EQ(r, (Params{"{\"id\"}", "{\"42\"}", "{NULL}", "{\"true\"}"}));
}

TEST(RowStatement, Rows_PutEachRowsKthValueInColumnK_InTheOrderGiven) {
  const std::vector<Params> each{row(std::string("a"), 1, std::nullopt), row(std::string("b,c"), 2, true)};
  EXPECT_EQ(rows(each), (Params{"{\"a\",\"b,c\"}", "{\"1\",\"2\"}", "{NULL,\"true\"}"}));
  EXPECT_EQ(rows({row(std::string("only"))}), (Params{"{\"only\"}"}));
  EXPECT_TRUE(rows({}).empty());
  EXPECT_THROW(rows({row(1, 2), row(1)}), std::invalid_argument);
}

TEST(RowStatement, StatementsOfOneText_MergeIntoTheFirst_OthersKeepTheirPlace) {
  std::vector<QueuedStatement> queued;
  queued.push_back({"INSERT a", row(std::string("1"), std::string("x")), true});
  queued.push_back({"UPDATE c", {std::string("7")}, false});
  queued.push_back({"INSERT b", row(std::string("9")), true});
  queued.push_back({"INSERT a", row(std::string("2"), std::nullopt), true});
  queued.push_back({"UPDATE c", {std::string("7")}, false});
  queued.push_back({"INSERT a", row(std::string("3"), std::string("z,}")), true});

  const auto merged = detail::merge_row_statements(std::move(queued));
  ASSERT_EQ(merged.size(), 4u);
  EXPECT_EQ(merged[0].sql, "INSERT a");
  EXPECT_EQ(merged[0].params, (Params{"{\"1\",\"2\",\"3\"}", "{\"x\",NULL,\"z,}\"}"}));
  EXPECT_EQ(merged[1].sql, "UPDATE c") << "plain statements are never merged";
  EXPECT_EQ(merged[2].sql, "INSERT b");
  EXPECT_EQ(merged[2].params, row(std::string("9"))) << "alone of its text: as queued";
  EXPECT_EQ(merged[3].sql, "UPDATE c");
}

TEST(RowStatement, EmptyColumnsMergeToTheOthers) {
  std::vector<QueuedStatement> queued;
  queued.push_back({"INSERT a", {std::string("{}")}, true});
  queued.push_back({"INSERT a", row(std::string("1")), true});
  queued.push_back({"INSERT a", {std::string("{}")}, true});
  const auto merged = detail::merge_row_statements(std::move(queued));
  ASSERT_EQ(merged.size(), 1u);
  EXPECT_EQ(merged[0].params, (Params{"{\"1\"}"}));
}

TEST(RowStatement, MismatchedOrNonArrayColumns_AreRefused) {
  std::vector<QueuedStatement> columns;
  columns.push_back({"INSERT a", row(std::string("1"), std::string("2")), true});
  columns.push_back({"INSERT a", row(std::string("1")), true});
  EXPECT_THROW(detail::merge_row_statements(std::move(columns)), std::invalid_argument);

  std::vector<QueuedStatement> scalar;
  scalar.push_back({"INSERT a", {std::string("1")}, true});
  EXPECT_THROW(detail::merge_row_statements(std::move(scalar)), std::invalid_argument);

  std::vector<QueuedStatement> null;
  null.push_back({"INSERT a", {std::nullopt}, true});
  EXPECT_THROW(detail::merge_row_statements(std::move(null)), std::invalid_argument);
}

}  // namespace
}  // namespace nelo::db
