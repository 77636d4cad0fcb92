#pragma once
// Scanners behind the layering rules: core and shared depend on no module, in their includes
// (layer_include_violations) and in what CMake links them and each module with
// (link_violations). Like scan.hpp, each takes text and returns what it finds, so a self-check
// can feed it an offender.

#include <map>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "architecture/scan.hpp"

namespace nelo::arch {

// ---------------------------------------------------------------------------------------------
// src/core/ and src/shared/ include nothing from src/modules/: modules build on them, never the
// other way round (the composition root in src/app is the one place that knows every module).

// `layer` names the folder ("core" or "shared") that `file` lies in; `src_root` is the src/ folder.
inline std::vector<Violation> layer_include_violations(const std::string& layer, const fs::path& file,
                                                       std::string_view text, const fs::path& src_root) {
  static const std::regex kModulesSegment(R"((^|/)modules/[A-Za-z0-9_]+/)");
  std::vector<Violation> out;
  for (const auto& [target, line] : includes_of(text)) {
    // As written ("modules/x/...", "src/modules/x/...") or as the compiler resolves it.
    bool into_modules = std::regex_search(target, kModulesSegment);
    for (const auto& base : {file.parent_path(), src_root}) {
      if (!module_owning((base / target).lexically_normal(), src_root).empty()) into_modules = true;
    }
    if (into_modules) {
      out.push_back({file.string(), line,
                     "'" + layer + "' includes \"" + target + "\" from src/modules/ (" + layer +
                         " serves every module and knows none; put the contract in shared/interfaces/)"});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Each module's target links nelo_core and nelo_shared and no other project target (so no other
// module, not even through a library in between); nelo_core and nelo_shared link no module.

// target -> what it links, as CMake wrote it (cmake/modules.cmake, nelo_write_link_graph).
using LinkGraph = std::map<std::string, std::vector<std::string>>;

// Lines `<target>: <item>;<item>;...`. CMake marks items linked from another directory with
// `::@(<directory id>)` brackets, which are not libraries and are dropped.
inline LinkGraph parse_link_graph(std::string_view text) {
  LinkGraph graph;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    auto colon = line.find(": ");
    if (colon == std::string_view::npos) continue;
    auto& items = graph[std::string(line.substr(0, colon))];
    auto rest = line.substr(colon + 2);
    std::size_t from = 0;
    while (from <= rest.size()) {
      auto semi = rest.find(';', from);
      if (semi == std::string_view::npos) semi = rest.size();
      auto item = rest.substr(from, semi - from);
      if (!item.empty() && item.rfind("::@", 0) != 0) items.emplace_back(item);
      from = semi + 1;
    }
  }
  return graph;
}

inline std::string module_of_target(std::string_view target) {
  if (target.rfind("nelo_", 0) != 0) return {};
  auto name = target.substr(5);
  return is_module(name) ? std::string(name) : std::string();
}

inline std::vector<Violation> link_violations(const LinkGraph& graph) {
  static const std::vector<std::string> kModuleMayLink = {"nelo_core", "nelo_shared", "nelo_warnings"};
  std::vector<Violation> out;
  for (const auto& [target, items] : graph) {
    auto own = module_of_target(target);
    for (const auto& item : items) {
      auto other = module_of_target(item);
      if (own.empty() && !other.empty()) {
        out.push_back({target, 0, "links module target " + item + " (core and shared serve every module and know none)"});
      } else if (!own.empty() && item.rfind("nelo_", 0) == 0 &&
                 std::find(kModuleMayLink.begin(), kModuleMayLink.end(), item) == kModuleMayLink.end()) {
        out.push_back({target, 0,
                       "links " + item + (other.empty() ? "" : " (module '" + other + "')") +
                           ": a module links nelo_core and nelo_shared only (use shared/interfaces/ or an event)"});
      }
    }
  }
  return out;
}

}  // namespace nelo::arch
