#pragma once
// Scanners behind the architecture tests. Each takes text and returns the violations it finds,
// so that a test can feed it a synthetic offender and prove the rule is able to fail.

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/module_names.hpp"

namespace nelo::arch {

namespace fs = std::filesystem;

// The one module list (src/core/module_names.hpp, which CMake reads too): a module added
// there is scanned by every rule below the day it is added.
inline const std::vector<std::string> kModules(kModuleNames.begin(), kModuleNames.end());

inline bool is_module(std::string_view name) {
  return is_module_name(name);
}

inline fs::path source_root() { return fs::path(NELO_SOURCE_DIR); }
inline fs::path modules_root() { return source_root() / "src" / "modules"; }

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline bool is_cpp_source(const fs::path& path) {
  static const std::array<std::string, 6> kExt = {".cpp", ".hpp", ".h", ".cc", ".hh", ".ipp"};
  return std::find(kExt.begin(), kExt.end(), path.extension().string()) != kExt.end();
}

// Every regular file under `dir` whose name passes `keep`, sorted (stable failure messages).
template <class Pred>
std::vector<fs::path> files_under(const fs::path& dir, Pred keep) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && keep(entry.path())) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline int line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

// ---------------------------------------------------------------------------------------------
// A small C++ lexer: enough to tell comments, string literals (plain, prefixed, raw), character
// literals and numbers (with ' digit separators) apart.

struct CppLexed {
  std::string code;  // the text with every comment replaced by spaces (newlines kept)
  struct Literal {
    int line;
    std::string text;  // contents between the quotes, escapes left as written
  };
  std::vector<Literal> strings;
};

inline CppLexed lex_cpp(std::string_view src) {
  CppLexed out;
  out.code.reserve(src.size());
  std::size_t i = 0;
  const std::size_t n = src.size();
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) out.code += src[k] == '\n' ? '\n' : ' ';
  };
  auto quoted = [&](char quote) {  // i at the opening quote; copies through the closing one
    std::size_t start = i++;
    while (i < n && src[i] != quote && src[i] != '\n') i += src[i] == '\\' ? 2 : 1;
    i = std::min(i, n);
    std::size_t content_end = i;
    if (i < n && src[i] == quote) ++i;
    if (quote == '"') out.strings.push_back({line_of(src, start), std::string(src.substr(start + 1, content_end - start - 1))});
    out.code.append(src.substr(start, i - start));
  };
  bool line_start = true;  // only blanks since the last newline
  while (i < n) {
    char c = src[i];
    if (c == '\n') {
      line_start = true;
    } else if (c == '#' && line_start) {
      // #include "x.hpp": a header name, not a string literal.
      std::size_t k = i + 1;
      while (k < n && (src[k] == ' ' || src[k] == '\t')) ++k;
      std::size_t name_end = k;
      while (name_end < n && std::isalpha(static_cast<unsigned char>(src[name_end]))) ++name_end;
      auto directive = src.substr(k, name_end - k);
      if (directive == "include" || directive == "include_next" || directive == "import") {
        std::size_t end = src.find('\n', i);
        if (end == std::string_view::npos) end = n;
        out.code.append(src.substr(i, end - i));
        i = end;
        continue;
      }
    } else if (c != ' ' && c != '\t') {
      line_start = false;
    }
    if (c == '/' && i + 1 < n && src[i + 1] == '/') {
      std::size_t end = src.find('\n', i);
      if (end == std::string_view::npos) end = n;
      blank(i, end);
      i = end;
    } else if (c == '/' && i + 1 < n && src[i + 1] == '*') {
      std::size_t end = src.find("*/", i + 2);
      end = end == std::string_view::npos ? n : end + 2;
      blank(i, end);
      i = end;
    } else if (c == '"' || c == '\'') {
      quoted(c);
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(src[i + 1])))) {
      // pp-number: digits, letters, '.', digit separators, exponent signs.
      std::size_t start = i++;
      while (i < n) {
        char d = src[i];
        if (std::isalnum(static_cast<unsigned char>(d)) || d == '.' || d == '_') {
          ++i;
        } else if (d == '\'' && i + 1 < n && std::isalnum(static_cast<unsigned char>(src[i + 1]))) {
          ++i;
        } else if ((d == '+' || d == '-') && (src[i - 1] == 'e' || src[i - 1] == 'E' || src[i - 1] == 'p' ||
                                              src[i - 1] == 'P')) {
          ++i;
        } else {
          break;
        }
      }
      out.code.append(src.substr(start, i - start));
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = i;
      while (i < n && (std::isalnum(static_cast<unsigned char>(src[i])) || src[i] == '_')) ++i;
      std::string_view word = src.substr(start, i - start);
      bool raw = (word == "R" || word == "u8R" || word == "uR" || word == "UR" || word == "LR") && i < n && src[i] == '"';
      bool prefix = (word == "u8" || word == "u" || word == "U" || word == "L") && i < n &&
                    (src[i] == '"' || src[i] == '\'');
      out.code.append(word);
      if (raw) {
        std::size_t open = src.find('(', i);
        if (open == std::string_view::npos) continue;
        std::string close(1, ')');
        for (std::size_t k = i + 1; k < open; ++k) close += src[k];  // the d-char delimiter
        close += '"';
        std::size_t end = src.find(close, open + 1);
        if (end == std::string_view::npos) end = n;
        out.strings.push_back({line_of(src, i), std::string(src.substr(open + 1, end - open - 1))});
        std::size_t stop = std::min(n, end + close.size());
        out.code.append(src.substr(i, stop - i));
        i = stop;
      } else if (prefix) {
        quoted(src[i]);
      }
    } else {
      out.code += c;
      ++i;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rule 1: no file under src/modules/X includes anything under src/modules/Y.

struct Violation {
  std::string file;
  int line = 0;
  std::string what;
};

inline std::string describe(const std::vector<Violation>& violations) {
  std::string out;
  for (const auto& v : violations) out += "  " + v.file + ":" + std::to_string(v.line) + ": " + v.what + "\n";
  return out;
}

// Which module's folder `p` lies in (p absolute and normalized), or "" when none.
inline std::string module_owning(const fs::path& p, const fs::path& src_root) {
  auto rel = p.lexically_relative(src_root / "modules");
  if (rel.empty() || *rel.begin() == "..") return {};
  return rel.begin()->string();
}

struct Include {
  std::string target;  // as written between the quotes or brackets
  int line;
};

// The #include directives of C++ source `text`, leaving out those in comments and strings.
inline std::vector<Include> includes_of(std::string_view text) {
  static const std::regex kInclude(R"(^[ \t]*#[ \t]*include[ \t]*[<"]([^>"\n]+)[>"])", std::regex::multiline);
  std::vector<Include> out;
  auto code = lex_cpp(text).code;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kInclude); it != std::sregex_iterator(); ++it) {
    out.push_back({(*it)[1], line_of(code, static_cast<std::size_t>(it->position(0)))});
  }
  return out;
}

// `file` is the path of a file inside src/modules/<module>/; `src_root` is the src/ folder.
inline std::vector<Violation> include_violations(const std::string& module, const fs::path& file,
                                                 std::string_view text, const fs::path& src_root) {
  static const std::regex kModuleSegment(R"((^|/)modules/([A-Za-z0-9_]+)(/|$))");
  std::vector<Violation> out;
  for (const auto& [target, line] : includes_of(text)) {
    std::string other;
    // As written: "modules/y/...", "src/modules/y/...", "../../modules/y/...".
    std::smatch m;
    if (std::regex_search(target, m, kModuleSegment) && m[2] != module && is_module(m[2].str())) other = m[2];
    // As the compiler resolves it: next to the including file, or from the src/ include root.
    for (const auto& base : {file.parent_path(), src_root}) {
      if (!other.empty()) break;
      auto owner = module_owning((base / target).lexically_normal(), src_root);
      if (!owner.empty() && owner != module) other = owner;
    }
    if (!other.empty()) {
      out.push_back({file.string(), line,
                     "module '" + module + "' includes \"" + target + "\" from module '" + other +
                         "' (use shared/interfaces/ or an event instead)"});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rule 2: a module's SQL names no schema but its own.

// Replaces SQL comments (-- to end of line, nested /* */) by spaces, keeping quoted text.
inline std::string strip_sql_comments(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  const std::size_t n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') out += ' ', ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 0;
      do {
        if (sql[i] == '/' && i + 1 < n && sql[i + 1] == '*') {
          ++depth, out += "  ", i += 2;
        } else if (sql[i] == '*' && i + 1 < n && sql[i + 1] == '/') {
          --depth, out += "  ", i += 2;
        } else {
          out += sql[i] == '\n' ? '\n' : ' ', ++i;
        }
      } while (i < n && depth > 0);
    } else if (c == '\'' || c == '"') {
      out += c, ++i;
      while (i < n) {
        out += sql[i];
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {  // '' or "" escape
            out += sql[++i];
          } else {
            ++i;
            break;
          }
        }
        ++i;
      }
    } else {
      out += c, ++i;
    }
  }
  return out;
}

struct SchemaReference {
  std::string schema;
  std::size_t offset;
  std::string excerpt;
};

// Qualified names `<schema>.<name>` (optionally double-quoted) whose schema is a module other
// than `module`. `sql` must already be free of comments.
inline std::vector<SchemaReference> foreign_schema_references(const std::string& module, std::string_view sql) {
  static const std::regex kQualified = [] {
    std::string alternatives;  // auth|users|...: plain identifiers, as cmake/modules.cmake checks
    for (const auto& name : kModules) alternatives += (alternatives.empty() ? "" : "|") + name;
    return std::regex(R"((^|[^A-Za-z0-9_$."])("?)()" + alternatives + R"()("?)\."?[A-Za-z_])", std::regex::icase);
  }();
  std::vector<SchemaReference> out;
  std::string text(sql);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kQualified); it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    if (m[2].length() != m[4].length()) continue;  // "users.x" is an identifier, not a schema
    std::string schema = m[3];
    std::transform(schema.begin(), schema.end(), schema.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (schema == module) continue;
    auto at = static_cast<std::size_t>(m.position(3));
    auto from = at < 30 ? 0 : at - 30;
    auto excerpt = text.substr(from, std::min<std::size_t>(70, text.size() - from));
    std::replace(excerpt.begin(), excerpt.end(), '\n', ' ');
    out.push_back({schema, at, excerpt});
  }
  return out;
}

// Scans one file of module `module`: a .sql file whole, a C++ file inside its string literals only.
inline std::vector<Violation> sql_violations(const std::string& module, const fs::path& file, std::string_view text) {
  std::vector<Violation> out;
  auto report = [&](int line, const SchemaReference& ref) {
    out.push_back({file.string(), line,
                   "module '" + module + "' names schema '" + ref.schema + "': ..." + ref.excerpt +
                       "... (a module's SQL touches its own schema only; reference other modules by id)"});
  };
  if (file.extension() == ".sql") {
    auto sql = strip_sql_comments(text);
    for (const auto& ref : foreign_schema_references(module, sql)) report(line_of(sql, ref.offset), ref);
  } else if (is_cpp_source(file)) {
    for (const auto& literal : lex_cpp(text).strings) {
      auto sql = strip_sql_comments(literal.text);
      for (const auto& ref : foreign_schema_references(module, sql)) report(literal.line + line_of(sql, ref.offset) - 1, ref);
    }
  }
  return out;
}

// Session settings the platform owns: the pool sets the module's role and statement_timeout at
// session level and caches them per connection (core/db), so module SQL changing them would
// leak to the next module served by that connection. `SET role = ...` (a column) is not one.
inline std::vector<Violation> session_setting_violations(const fs::path& file, std::string_view text) {
  static const std::regex kSessionSetting(
      R"(\b(SET|RESET)\s+((SESSION|LOCAL)\s+)?(ROLE\b(?!\s*=)|SESSION\s+AUTHORIZATION\b|statement_timeout\b|search_path\b|ALL\b))",
      std::regex::icase);
  std::vector<Violation> out;
  auto scan = [&](const std::string& sql, int first_line) {
    for (auto it = std::sregex_iterator(sql.begin(), sql.end(), kSessionSetting); it != std::sregex_iterator(); ++it) {
      out.push_back({file.string(), first_line + line_of(sql, static_cast<std::size_t>(it->position(0))) - 1,
                     "'" + it->str(0) + "': session settings (role, statement_timeout, search_path) belong to "
                     "the platform's pool and migrator, never to module SQL"});
    }
  };
  if (file.extension() == ".sql") {
    scan(strip_sql_comments(text), 1);
  } else if (is_cpp_source(file)) {
    for (const auto& literal : lex_cpp(text).strings) scan(strip_sql_comments(literal.text), literal.line);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running the nelo binary.

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output only; standard error goes to the test's log
};

inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), got);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `nelo <args>` with quiet logs; standard output captured.
inline CommandResult run_nelo(const std::string& args, const std::string& env = {}) {
  if (!fs::exists(NELO_BINARY)) {
    throw std::runtime_error(std::string("the nelo binary is missing: ") + NELO_BINARY + " (build the `nelo` target)");
  }
  return run_command("env NELO_LOG_LEVEL=warn " + env + " " + shell_quote(NELO_BINARY) + " " + args);
}

}  // namespace nelo::arch
