#pragma once
// The composition root calls each module's factory by hand (no static self-registration), so
// nothing but this check ties those calls to the one module list (core/module_names.hpp): a
// module added to the list that app/modules.cpp never builds, builds twice or builds out of
// order would otherwise be silently missing from the process.

#include <string>
#include <vector>

#include "core/config.hpp"

namespace nelo {

// What is wrong with `built` (the names of the modules built, in order) against the modules of
// the list that `config` enables, in the list's order; empty when they agree.
std::string built_modules_mismatch(const std::vector<std::string>& built, const Config& config);

}  // namespace nelo
