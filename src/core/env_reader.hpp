#pragma once
// Reads settings from environment variables (or a map standing in for them, in tests), checking
// each against its bounds and collecting every problem, so that a bad configuration is refused
// at start with all its mistakes listed at once. The platform's Config and each module's
// settings (NELO_<MODULE>_*) read through it.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nelo {

class EnvReader {
 public:
  // `overrides`: the variables to read instead of the process environment (tests); null: the
  // environment.
  explicit EnvReader(const std::map<std::string, std::string>* overrides = nullptr);

  // The variable's value; nullopt when it is unset or empty.
  std::optional<std::string> get(const std::string& name) const;
  const std::map<std::string, std::string>& all() const { return values_; }

  // Each reader leaves `out` as it is when the variable is unset or empty, and records a problem
  // (leaving `out` alone) when its value is not acceptable.
  void string(const std::string& name, std::string& out) const;
  void choice(const std::string& name, std::string& out, const std::vector<std::string>& allowed);
  void boolean(const std::string& name, bool& out);

  // An integer in [min, max].
  template <class Int>
  void integer(const std::string& name, Int& out, long long min, long long max) {
    if (auto parsed = bounded_integer(name, min, max)) out = static_cast<Int>(*parsed);
  }

  // A whole number of the duration's unit, in [min, max].
  template <class Rep, class Period>
  void duration(const std::string& name, std::chrono::duration<Rep, Period>& out, long long min, long long max) {
    if (auto parsed = bounded_integer(name, min, max)) out = std::chrono::duration<Rep, Period>(*parsed);
  }

  void problem(const std::string& name, const std::string& message) { problems_.push_back(name + " " + message); }
  void problem(std::string whole) { problems_.push_back(std::move(whole)); }
  const std::vector<std::string>& problems() const { return problems_; }

  // Throws std::invalid_argument listing every problem, as "invalid <what> configuration:".
  void throw_if_problems(std::string_view what) const;

 private:
  std::optional<long long> bounded_integer(const std::string& name, long long min, long long max);

  std::map<std::string, std::string> values_;
  std::vector<std::string> problems_;
};

}  // namespace nelo
