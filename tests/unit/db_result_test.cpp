// Row::get and friends on results built in memory with libpq's result-construction API.

#include "core/db/result.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <boost/json.hpp>

#include <cmath>

namespace nelo::db {
namespace {

// Builds a one-or-more-row result: columns by name, cells as text (nullopt = NULL).
Result make_result(const std::vector<std::string>& names, const std::vector<std::vector<std::optional<std::string>>>& rows) {
  PGresult* r = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
  std::vector<PGresAttDesc> attrs(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    attrs[i] = PGresAttDesc{};
    attrs[i].name = const_cast<char*>(names[i].c_str());
  }
  EXPECT_TRUE(PQsetResultAttrs(r, static_cast<int>(attrs.size()), attrs.data()));
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t col = 0; col < rows[row].size(); ++col) {
      const auto& v = rows[row][col];
      EXPECT_TRUE(PQsetvalue(r, static_cast<int>(row), static_cast<int>(col), v ? const_cast<char*>(v->c_str()) : nullptr,
                             v ? static_cast<int>(v->size()) : -1));
    }
  }
  return Result(r);
}

TEST(DbResult, TypedGetters_ConvertPostgresTextOutput) {
  auto r = make_result({"s", "i8", "i4", "f", "b", "t", "j", "a"},
                       {{"héllo", "9223372036854775807", "-2147483648", "1.5", "t", "2026-11-25 13:38:53.5+00",
                         R"({"a":[1,2]})", R"({x,"y z","q\"uote",""})"}});
  auto row = r.front();
  EXPECT_EQ(row.get<std::string>("s"), "héllo");
  EXPECT_EQ(row.get<std::int64_t>("i8"), 9223372036854775807LL);
  EXPECT_EQ(row.get<std::int32_t>("i4"), -2147483647 - 1);
  EXPECT_DOUBLE_EQ(row.get<double>("f"), 1.5);
  EXPECT_TRUE(row.get<bool>("b"));
  EXPECT_EQ(to_rfc3339(row.get<Timestamp>("t")), "2026-11-25T13:38:53.500000Z");
  EXPECT_EQ(row.get<boost::json::value>("j"), boost::json::parse(R"({"a":[1,2]})"));
  EXPECT_EQ(row.get<std::vector<std::string>>("a"), (std::vector<std::string>{"x", "y z", "q\"uote", ""}));
  EXPECT_EQ(row.text(0), "héllo");
  EXPECT_EQ(row.column_index("j"), 6);
}

TEST(DbResult, Optionals_AreEmptyOnNullAndFilledOtherwise) {
  auto r = make_result({"n", "v"}, {{std::nullopt, "12"}});
  auto row = r.front();
  EXPECT_TRUE(row.is_null(0));
  EXPECT_TRUE(row.is_null("n"));
  EXPECT_FALSE(row.is_null("v"));
  EXPECT_EQ(row.get<std::optional<std::string>>("n"), std::nullopt);
  EXPECT_EQ(row.get<std::optional<std::int64_t>>("n"), std::nullopt);
  EXPECT_EQ(row.get<std::optional<Timestamp>>("n"), std::nullopt);
  EXPECT_EQ(row.get<std::optional<std::int64_t>>("v"), 12);
}

TEST(DbResult, NonOptionalGetOnNull_Throws) {
  auto r = make_result({"n"}, {{std::nullopt}});
  EXPECT_THROW(r.front().get<std::string>(0), std::logic_error);
  EXPECT_THROW(r.front().text(0), std::logic_error);
}

TEST(DbResult, UnknownColumnOrOutOfRange_Throws) {
  auto r = make_result({"a"}, {{"1"}});
  EXPECT_THROW(r.front().get<std::string>("A"), std::logic_error);  // names are exact
  EXPECT_THROW(r.front().get<std::string>("missing"), std::logic_error);
  EXPECT_THROW(r.front().get<std::string>(1), std::logic_error);
  EXPECT_THROW(r.front().get<std::string>(-1), std::logic_error);
  EXPECT_THROW(r[1].get<std::string>(0), std::logic_error);
}

TEST(DbResult, ColumnNames_MatchWholeNamesOnly) {
  auto r = make_result({"id2", "id", "i", "ids"}, {{"a", "b", "c", "d"}});
  EXPECT_EQ(r.front().get<std::string>("id"), "b") << "not the longer name it prefixes";
  EXPECT_EQ(r.front().get<std::string>("i"), "c");
  EXPECT_EQ(r.front().get<std::string>("ids"), "d");
  EXPECT_THROW(r.front().get<std::string>("id2x"), std::logic_error);
  EXPECT_THROW(r.front().get<std::string>(std::string_view("id\0", 3)), std::logic_error);
}

TEST(DbResult, ColumnNames_FoundInAnyOrderOnOneRow) {
  auto r = make_result({"a", "b", "c", "d"}, {{"1", "2", "3", "4"}});
  const auto row = r.front();
  for (const char* name : {"a", "b", "c", "d", "d", "a", "c", "b", "b", "d"}) {
    EXPECT_EQ(row.get<std::string>(name)[0] - '1', name[0] - 'a') << name;
  }
  EXPECT_THROW(row.get<std::string>("e"), std::logic_error);
  EXPECT_EQ(row.get<std::string>("c"), "3") << "a miss leaves the next lookup right";
}

TEST(DbResult, BadValues_ThrowInsteadOfGuessing) {
  auto r = make_result({"c"}, {{"12x"}, {"99999999999"}, {"maybe"}, {"2026-11-25"}, {"{not json"}, {"{{1,2},{3,4}}"},
                               {"{a,NULL}"}, {""}});
  EXPECT_THROW(r[0].get<std::int64_t>(0), std::logic_error);
  EXPECT_THROW(r[1].get<std::int32_t>(0), std::logic_error);
  EXPECT_EQ(r[1].get<std::int64_t>(0), 99999999999LL);
  EXPECT_THROW(r[2].get<bool>(0), std::logic_error);
  EXPECT_THROW(r[3].get<Timestamp>(0), std::logic_error);
  EXPECT_THROW(r[4].get<boost::json::value>(0), std::logic_error);
  EXPECT_THROW(r[5].get<std::vector<std::string>>(0), std::logic_error);
  EXPECT_THROW(r[6].get<std::vector<std::string>>(0), std::logic_error);
  EXPECT_THROW(r[7].get<double>(0), std::logic_error);
}

TEST(DbResult, JsonIntoGivenStorage_UsesItAndThrowsOnBadText) {
  auto r = make_result({"j"}, {{R"({"name":"a long enough string to need memory","n":[1,2,3]})"}, {"{not json"}});
  unsigned char buffer[2048];
  boost::json::monotonic_resource scratch(buffer, sizeof buffer);
  const boost::json::storage_ptr storage(&scratch);
  const auto v = r[0].json("j", storage);
  EXPECT_EQ(v, boost::json::parse(R"({"name":"a long enough string to need memory","n":[1,2,3]})"));
  EXPECT_EQ(v.storage().get(), &scratch) << "parsed into the given storage";
  EXPECT_EQ(v.at("n").as_array().storage().get(), &scratch);
  EXPECT_THROW(r[1].json("j", storage), std::logic_error);
}

TEST(DbResult, Doubles_ReadPostgresSpecialValues) {
  auto r = make_result({"d"}, {{"NaN"}, {"Infinity"}, {"-Infinity"}, {"-0.25"}, {"1e-7"}});
  EXPECT_TRUE(std::isnan(r[0].get<double>(0)));
  EXPECT_EQ(r[1].get<double>(0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(r[2].get<double>(0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(r[3].get<double>(0), -0.25);
  EXPECT_EQ(r[4].get<double>(0), 1e-7);
}

TEST(DbResult, Arrays_EmptyAndWithExplicitBounds) {
  auto r = make_result({"a"}, {{"{}"}, {"[0:1]={a,b}"}, {R"({"back\\slash","{brace}",NULLISH})"}});
  EXPECT_TRUE(r[0].get<std::vector<std::string>>(0).empty());
  EXPECT_EQ(r[1].get<std::vector<std::string>>(0), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r[2].get<std::vector<std::string>>(0), (std::vector<std::string>{"back\\slash", "{brace}", "NULLISH"}));
}

TEST(DbResult, Iteration_VisitsEveryRowInOrder) {
  auto r = make_result({"n"}, {{"1"}, {"2"}, {"3"}});
  EXPECT_EQ(r.size(), 3);
  EXPECT_EQ(r.columns(), 1);
  std::int64_t sum = 0, expected = 1;
  for (auto row : r) {
    EXPECT_EQ(row.get<std::int64_t>(0), expected++);
    sum += row.get<std::int64_t>(0);
  }
  EXPECT_EQ(sum, 6);
}

TEST(DbResult, EmptyResult_HasNoFront) {
  Result empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.columns(), 0);
  EXPECT_EQ(empty.affected_rows(), 0);
  EXPECT_THROW(empty.front(), std::logic_error);
  auto none = make_result({"a"}, {});
  EXPECT_THROW(none.front(), std::logic_error);
}

}  // namespace
}  // namespace nelo::db
