#include "core/env_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

extern char** environ;

namespace nelo {

EnvReader::EnvReader(const std::map<std::string, std::string>* overrides) {
  if (overrides) {
    values_ = *overrides;
    return;
  }
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) values_.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
}

std::optional<std::string> EnvReader::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

void EnvReader::string(const std::string& name, std::string& out) const {
  if (auto v = get(name)) out = *v;
}

void EnvReader::choice(const std::string& name, std::string& out, const std::vector<std::string>& allowed) {
  auto v = get(name);
  if (!v) return;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    problem(name, "must be one of: " + list + " (got \"" + *v + "\")");
    return;
  }
  out = *v;
}

void EnvReader::boolean(const std::string& name, bool& out) {
  auto v = get(name);
  if (!v) return;
  auto s = *v;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (s == "true" || s == "1" || s == "yes") out = true;
  else if (s == "false" || s == "0" || s == "no") out = false;
  else problem(name, "must be true or false (got \"" + *v + "\")");
}

std::optional<long long> EnvReader::bounded_integer(const std::string& name, long long min, long long max) {
  auto v = get(name);
  if (!v) return std::nullopt;
  long long parsed = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), parsed);
  if (ec != std::errc() || end != v->data() + v->size()) {
    problem(name, "must be an integer (got \"" + *v + "\")");
    return std::nullopt;
  }
  if (parsed < min || parsed > max) {
    problem(name, "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " + *v + ")");
    return std::nullopt;
  }
  return parsed;
}

void EnvReader::throw_if_problems(std::string_view what) const {
  if (problems_.empty()) return;
  std::string message = "invalid " + std::string(what) + " configuration:";
  for (const auto& p : problems_) message += "\n  " + p;
  throw std::invalid_argument(message);
}

}  // namespace nelo
