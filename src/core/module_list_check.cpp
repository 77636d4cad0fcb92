#include "core/module_list_check.hpp"

#include "core/module_names.hpp"

namespace nelo {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return "[" + out + "]";
}

}  // namespace

std::string built_modules_mismatch(const std::vector<std::string>& built, const Config& config) {
  std::vector<std::string> expected;
  for (auto name : kModuleNames) {
    if (config.module_enabled(std::string(name))) expected.emplace_back(name);
  }
  if (built == expected) return {};
  return "the modules built " + join(built) + " are not the enabled modules of core/module_names.hpp in its order " +
         join(expected) + ": app/modules.cpp must call each listed module's make_module(), in the list's order";
}

}  // namespace nelo
