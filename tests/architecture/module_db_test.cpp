// Golden rule 3's other half: a module runs as its own role, and never chooses it. The
// composition root hands each module a db::ModuleDb already bound to the module's name
// (core/db/module_db.hpp); code under src/modules/ must not reach around it:
//   - the pool: naming db::Pool (or its implementation), including core/db/pool.hpp or
//     pool_impl.hpp, calling module_role() or the owner's statements;
//   - making a ModuleDb (only src/app/ does: it picks the name);
//   - passing a module name to the database layer, as a literal or a constant holding one, as the
//     first argument of begin/execute/execute_pipelined (the pool's signatures took the name there).
// The type system already refuses most of these once the pool is out of reach; this test says
// why, and catches a module that includes its way back to the pool.

#include <gtest/gtest.h>

#include <set>

#include "architecture/scan.hpp"

namespace nelo::arch {
namespace {

// `src` with comments, string literals and character literals blanked (newlines kept, so offsets
// still give line numbers); include lines are left as they are.
std::string code_without_literals(std::string_view src) {
  std::string code = lex_cpp(src).code;  // comments blanked
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < code.size(); ++k) {
      if (code[k] != '\n') code[k] = ' ';
    }
  };
  const std::size_t n = code.size();
  std::size_t i = 0;
  bool line_start = true;
  while (i < n) {
    const char c = code[i];
    if (c == '\n') {
      line_start = true;
      ++i;
      continue;
    }
    if (c == '#' && line_start) {  // a directive: an include's header name is not a literal
      i = std::min(n, code.find('\n', i));
      continue;
    }
    if (c != ' ' && c != '\t') line_start = false;
    const bool word_before = i > 0 && (std::isalnum(static_cast<unsigned char>(code[i - 1])) || code[i - 1] == '_');
    if (c == '"' && i > 0 && code[i - 1] == 'R') {  // raw string: R"delim( ... )delim"
      const std::size_t open = code.find('(', i);
      if (open == std::string::npos) break;
      const std::string close = ")" + code.substr(i + 1, open - i - 1) + "\"";
      std::size_t end = code.find(close, open + 1);
      end = end == std::string::npos ? n : end;
      blank(open + 1, end);
      i = std::min(n, end + close.size());
    } else if (c == '"' || (c == '\'' && !word_before)) {
      std::size_t k = i + 1;
      while (k < n && code[k] != c && code[k] != '\n') k += code[k] == '\\' ? 2 : 1;
      blank(i + 1, k);
      i = std::min(n, k + 1);
    } else {
      ++i;  // includes a digit separator (1'000): a quote right after a word character
    }
  }
  return code;
}

bool contains_any(std::string_view text, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](auto w) { return text.find(w) != std::string_view::npos; });
}

// Each match of `pattern`, with its line. std::regex is slow, so the callers first check that
// the text holds a word the pattern needs.
template <class Report>
void each_match(const std::string& code, const std::regex& pattern, Report report) {
  for (auto it = std::sregex_iterator(code.begin(), code.end(), pattern); it != std::sregex_iterator(); ++it) {
    report(*it, line_of(code, static_cast<std::size_t>(it->position(0))));
  }
}

// The pool and ModuleDb's constructor, named in a module's file.
std::vector<Violation> pool_violations(const fs::path& file, std::string_view text) {
  static const std::regex kPoolInclude(R"re(^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]*db/pool(_impl)?\.hpp)[>"])re",
                                       std::regex::multiline);
  static const std::regex kPoolName(R"(\b(Pool|PoolImpl|PooledConnection|module_role|execute_as_owner|begin_as_owner)\b)");
  // ModuleDb other than a reference, a pointer or a forward declaration: a construction (a
  // variable, a temporary, make_unique<ModuleDb>, new ModuleDb) or a copy.
  static const std::regex kModuleDbMade(R"(\b(class|struct)?(\s*)\bModuleDb\b(?!\s*[&*])(\s*;)?)");
  std::vector<Violation> out;
  auto add = [&](int line, std::string what) { out.push_back({file.string(), line, std::move(what)}); };

  const std::string lexed = lex_cpp(text).code;
  if (contains_any(lexed, {"pool"})) {
    each_match(lexed, kPoolInclude, [&](const std::smatch& m, int line) {
      add(line, "includes \"" + m[1].str() + "\": modules reach the database through their db::ModuleDb only");
    });
  }
  const std::string code = code_without_literals(text);
  if (contains_any(code, {"Pool", "module_role", "_as_owner"})) {
    each_match(code, kPoolName, [&](const std::smatch& m, int line) {
      add(line, "names '" + m[1].str() + "': the pool serves every schema; a module uses the db::ModuleDb it is given");
    });
  }
  if (contains_any(code, {"ModuleDb"})) {
    each_match(code, kModuleDbMade, [&](const std::smatch& m, int line) {
      if (m[1].matched && m[3].matched) return;  // class ModuleDb;
      add(line, "makes a db::ModuleDb: only the composition root (src/app/) binds a handle to a module's name");
    });
  }
  return out;
}

bool names_a_module(std::string value, const std::vector<std::string>& modules) {
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  if (value.rfind("nelo_", 0) == 0) value.erase(0, 5);
  return std::find(modules.begin(), modules.end(), value) != modules.end();
}

// A module's name (or role) given to begin/execute/execute_pipelined first, as a literal or as a
// constant of the file initialized with one.
std::vector<Violation> module_name_violations(const fs::path& file, std::string_view text,
                                              const std::vector<std::string>& modules) {
  static const std::regex kLiteralFirst(R"re(\b(begin|execute|execute_pipelined)\s*\(\s*"([^"\\\n]*)")re");
  static const std::regex kConstant(R"re(\b([A-Za-z_]\w*)\s*(?:=|\{|\()\s*"([^"\\\n]*)")re");
  static const std::regex kIdentifierFirst(R"(\b(begin|execute|execute_pipelined)\s*\(\s*([A-Za-z_]\w*)\s*[,)])");
  std::vector<Violation> out;
  const CppLexed lexed = lex_cpp(text);
  const bool names_one = std::any_of(lexed.strings.begin(), lexed.strings.end(),
                                     [&](const CppLexed::Literal& l) { return names_a_module(l.text, modules); });
  if (!names_one) return out;  // both rules need a literal naming a module
  const std::string& code = lexed.code;  // comments blanked, literals kept
  each_match(code, kLiteralFirst, [&](const std::smatch& m, int line) {
    if (!names_a_module(m[2].str(), modules)) return;
    out.push_back({file.string(), line,
                   m[1].str() + "(\"" + m[2].str() + "\", ...): a module does not name its role; its db::ModuleDb "
                   "already runs as it"});
  });
  std::set<std::string> constants;
  each_match(code, kConstant, [&](const std::smatch& m, int) {
    if (names_a_module(m[2].str(), modules)) constants.insert(m[1].str());
  });
  each_match(code, kIdentifierFirst, [&](const std::smatch& m, int line) {
    if (constants.count(m[2].str()) == 0) return;
    out.push_back({file.string(), line,
                   m[1].str() + "(" + m[2].str() + ", ...) passes a module name: a module does not name its role; "
                   "its db::ModuleDb already runs as it"});
  });
  return out;
}

// Every folder under src/modules/, known to the other rules or not.
std::vector<std::string> module_folders() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(modules_root())) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  return out;
}

TEST(ModuleDb, NoModuleReachesThePoolOrNamesItsRole) {
  const auto modules = module_folders();
  std::size_t scanned = 0;
  std::vector<Violation> violations;
  for (const auto& file : files_under(modules_root(), is_cpp_source)) {
    ++scanned;
    const std::string text = read_file(file);
    for (auto found : {pool_violations(file, text), module_name_violations(file, text, modules)}) {
      violations.insert(violations.end(), found.begin(), found.end());
    }
  }
  EXPECT_GE(modules.size(), 4u) << "expected the module folders under " << modules_root();
  EXPECT_GE(scanned, modules.size()) << "expected source files under " << modules_root();
  EXPECT_TRUE(violations.empty()) << "modules reaching around their db::ModuleDb:\n" << describe(violations);
}

// The rules must be able to fail: synthetic offenders.
TEST(ModuleDb, SelfCheck_CatchesThePoolInEveryForm) {
  auto count = [](const std::string& text) { return pool_violations("modules/orders/x.cpp", text).size(); };
  EXPECT_EQ(count("#include \"core/db/pool.hpp\"\n"), 1u);
  EXPECT_EQ(count("#  include <core/db/pool_impl.hpp>\n"), 1u);
  EXPECT_EQ(count("#include \"../../../core/db/pool.hpp\"\n"), 1u);
  EXPECT_EQ(count("  db::Pool& pool_;\n"), 1u);
  EXPECT_EQ(count("namespace nelo::db {\nclass Pool;\n}\n"), 1u);
  EXPECT_EQ(count("std::shared_ptr<db::Pool> p = db::Pool::create(ex, {});\n"), 2u);
  EXPECT_EQ(count("auto role = db::module_role(\"users\");\n"), 1u);
  EXPECT_EQ(count("co_await pool.execute_as_owner(kSql);\n"), 1u);
  auto v = pool_violations("modules/orders/x.cpp", "\n\nOrderRepository(db::Pool& pool);\n");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
  EXPECT_NE(v[0].what.find("Pool"), std::string::npos);
}

TEST(ModuleDb, SelfCheck_CatchesAModuleMakingItsOwnHandle) {
  auto count = [](const std::string& text) { return pool_violations("modules/orders/x.cpp", text).size(); };
  EXPECT_EQ(count("db::ModuleDb mine(context.db, \"users\");\n"), 1u);
  EXPECT_EQ(count("auto h = std::make_unique<db::ModuleDb>(p, \"users\");\n"), 1u);
  EXPECT_EQ(count("Repo repo{db::ModuleDb{p, \"users\"}};\n"), 1u);
  EXPECT_EQ(count("auto* h = new db::ModuleDb(p, \"users\");\n"), 1u);
  EXPECT_EQ(count("db::ModuleDb copy = context.db;\n"), 1u);
}

TEST(ModuleDb, SelfCheck_AllowsTheHandleItIsGiven) {
  auto count = [](const std::string& text) { return pool_violations("modules/orders/x.cpp", text).size(); };
  EXPECT_EQ(count("#include \"core/db/module_db.hpp\"\nnamespace nelo::db {\nclass ModuleDb;\n}\n"), 0u);
  EXPECT_EQ(count("explicit Repo(db::ModuleDb& db) : db_(db) {}\n  db::ModuleDb& db_;\n"), 0u);
  EXPECT_EQ(count("void f(const db::ModuleDb &db, db::ModuleDb* other);\n"), 0u);
  EXPECT_EQ(count("auto tx = co_await db_.begin();\nco_await tx.execute(kSql, values);\n"), 0u);
  // Commented out, quoted, or another word: not the pool.
  EXPECT_EQ(count("// db::Pool& pool_; #include \"core/db/pool.hpp\"\n/* db::ModuleDb x(p, \"a\"); */\n"), 0u);
  EXPECT_EQ(count("const char* s = \"db::Pool& and db::ModuleDb mine\";\nauto r = R\"(Pool)\";\n"), 0u);
  EXPECT_EQ(count("db::PoolStats s; ThreadPool t; int n = 1'000; char q = '\"'; db::Pool& p;\n"), 1u)
      << "a digit separator or a quote character must not hide what follows";
}

TEST(ModuleDb, SelfCheck_CatchesAModuleNamePassedToTheDatabase) {
  const std::vector<std::string> modules = {"auth", "users", "catalog", "orders"};
  auto count = [&](const std::string& text) { return module_name_violations("x.cpp", text, modules).size(); };
  EXPECT_EQ(count("auto tx = co_await pool_.begin(\"users\");\n"), 1u);
  EXPECT_EQ(count("co_await pool_.execute_pipelined(\"catalog\", kSelectOne, db::params(id));\n"), 1u);
  EXPECT_EQ(count("co_await pool_.execute(\n    \"Auth\", kUpdate, values);\n"), 1u);
  EXPECT_EQ(count("co_await db_.begin(\"nelo_orders\");\n"), 1u);
  EXPECT_EQ(count("constexpr std::string_view kModule = \"orders\";\n"
                  "auto tx = co_await pool_.begin(kModule);\nco_await pool_.execute(kModule, kSql);\n"),
            2u);
  EXPECT_EQ(count("const std::string kOwner{\"users\"};\nco_await pool_.execute_pipelined(kOwner, kSql);\n"), 1u);
  auto v = module_name_violations("x.cpp", "\n// note\nco_await pool_.begin(\"users\");\n", modules);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].line, 3);
}

TEST(ModuleDb, SelfCheck_AllowsSqlAndNamesOutsideTheDatabase) {
  const std::vector<std::string> modules = {"auth", "users", "catalog", "orders"};
  auto count = [&](const std::string& text) { return module_name_violations("x.cpp", text, modules).size(); };
  EXPECT_EQ(count("co_await tx.execute(\"SELECT 1 FROM orders.orders\", values);\n"), 0u);
  EXPECT_EQ(count("co_await db_.execute(kSelect, db::params(\"users\"));\n"), 0u);
  EXPECT_EQ(count("constexpr const char* kModule = \"catalog\";\nrouter.add({.module = kModule});\n"), 0u);
  EXPECT_EQ(count("bus.subscribe(\"orders\", \"user.registered\", handler);\n"), 0u);
  EXPECT_EQ(count("// pool_.begin(\"users\") was the old way\nauto tx = co_await db_.begin();\n"), 0u);
  EXPECT_EQ(count("for (auto it = names.begin(); it != names.end(); ++it) {}\n"), 0u);
}

}  // namespace
}  // namespace nelo::arch
