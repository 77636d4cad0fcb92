// g++ 12 destroys an aggregate temporary (a struct without constructors, or a lambda closure)
// twice when it is created inside a co_await expression: `co_await f(Dto{...})` or
// `co_await co_spawn(ex, [self]() -> awaitable<void> {...}, use_awaitable)` frees what the
// aggregate owns twice (seen here as heap corruption at shutdown). Function results and classes
// with constructors (std::string, json::object, std::vector) are not affected.
// The rule: build such values in a named variable before the co_await. Lambdas capturing only
// by reference are exempt (destroying their closure twice is harmless).

#include <gtest/gtest.h>

#include <regex>

#include "architecture/scan.hpp"

namespace nelo::arch {
namespace {

// Comments and the contents of string literals blanked, so braces in SQL or JSON don't count.
std::string code_only(std::string_view src) {
  std::string code = lex_cpp(src).code;
  static const std::regex kRaw(R"re(R"([^(\s]*)\(([\s\S]*?)\)\1")re");
  code = std::regex_replace(code, kRaw, "\"\"");
  static const std::regex kQuoted(R"re("(?:[^"\\\n]|\\.)*")re");
  return std::regex_replace(code, kQuoted, "\"\"");
}

// The co_await expression starting at `from`: up to the `;` (or an unmatched closing bracket).
std::string_view await_span(std::string_view code, std::size_t from) {
  int depth = 0;
  std::size_t i = from;
  for (; i < code.size(); ++i) {
    char c = code[i];
    if (c == '(' || c == '[' || c == '{') ++depth;
    else if (c == ')' || c == ']' || c == '}') {
      if (--depth < 0) break;
    } else if (c == ';' && depth == 0) break;
  }
  return code.substr(from, i - from);
}

bool captures_by_value(std::string_view captures) {
  std::string list(captures);
  std::size_t start = 0;
  while (start <= list.size()) {
    auto comma = list.find(',', start);
    auto item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(" \t\n"));
    item.erase(item.find_last_not_of(" \t\n") + 1);
    bool by_reference = item.empty() || item == "this" || item[0] == '&';
    if (!by_reference) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

std::vector<std::string> find_aggregate_temporaries(std::string_view source, const std::string& name) {
  std::vector<std::string> out;
  const std::string code = code_only(source);
  static const std::regex kAwait(R"(\bco_await\b)");
  static const std::regex kLambda(R"((^|[^\w\]\)>\s])\s*\[([^\[\]]*)\]\s*(\(|\{|mutable|->))");
  static const std::regex kBraced(R"(\b[A-Z]\w*(<[^;{}()]*>)?\s*\{|[(,]\s*\{)");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kAwait); it != std::sregex_iterator(); ++it) {
    const auto start = static_cast<std::size_t>(it->position() + it->length());
    const std::string span(await_span(code, start));
    std::string problem;
    for (auto l = std::sregex_iterator(span.begin(), span.end(), kLambda); l != std::sregex_iterator(); ++l) {
      if (captures_by_value((*l)[2].str())) problem = "a lambda capturing by value";
    }
    if (problem.empty() && std::regex_search(span, kBraced)) problem = "a braced temporary";
    if (!problem.empty()) {
      out.push_back(name + ":" + std::to_string(line_of(code, static_cast<std::size_t>(it->position()))) +
                    ": co_await expression creates " + problem + " (g++ 12 destroys it twice): move it into a named variable");
    }
  }
  return out;
}

TEST(CoroutineTemporaries, NoAggregateTemporaryInsideCoAwait) {
  std::vector<std::string> violations;
  for (const char* dir : {"src", "tests", "bench"}) {
    for (const auto& path : files_under(source_root() / dir, [](const fs::path& p) { return is_cpp_source(p); })) {
      if (path.filename() == "coroutine_temporaries_test.cpp") continue;  // its own synthetic offenders
      auto found = find_aggregate_temporaries(read_file(path), fs::relative(path, source_root()).string());
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  std::string report;
  for (const auto& v : violations) report += v + "\n";
  EXPECT_TRUE(violations.empty()) << report;
}

TEST(CoroutineTemporaries, SelfCheckCatchesOffenders) {
  EXPECT_EQ(find_aggregate_temporaries("co_await f(Dto{.id = x});", "a").size(), 1u);
  EXPECT_EQ(find_aggregate_temporaries("co_await f(x, {.id = y});", "a").size(), 1u);
  EXPECT_EQ(find_aggregate_temporaries("co_await co_spawn(ex, [self]() -> awaitable<void> { co_return; }, t);", "a").size(), 1u);
  EXPECT_EQ(find_aggregate_temporaries("co_await run([s = std::move(s)] { return 1; });", "a").size(), 1u);
  EXPECT_EQ(find_aggregate_temporaries("auto r = co_await g(std::vector<Item>{a});", "a").size(), 0u)
      << "std types have constructors";
}

TEST(CoroutineTemporaries, SelfCheckAllowsSafeForms) {
  EXPECT_TRUE(find_aggregate_temporaries("co_await tx.execute(kSql, db::params(a, b));", "a").empty());
  EXPECT_TRUE(find_aggregate_temporaries("Dto d{.id = x}; co_await f(d);", "a").empty());
  EXPECT_TRUE(find_aggregate_temporaries("co_await eventually([&]() -> awaitable<bool> { co_return true; });", "a").empty());
  EXPECT_TRUE(find_aggregate_temporaries("co_await run([&, this](PGconn* c) { return 1; });", "a").empty());
  EXPECT_TRUE(find_aggregate_temporaries("co_await f(\"{not code}\", R\"x({\"a\": 1})x\");", "a").empty());
  EXPECT_TRUE(find_aggregate_temporaries("auto v = co_await f(); if (v) { Dto d{1}; }", "a").empty());
  EXPECT_TRUE(find_aggregate_temporaries("int x = values[co_await f()];", "a").empty());
}

}  // namespace
}  // namespace nelo::arch
