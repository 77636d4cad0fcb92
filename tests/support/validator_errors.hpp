#pragma once
// The field errors a Validator collected (empty when it has none), for unit tests of readers
// that record problems instead of throwing them one by one.

#include <vector>

#include "core/errors.hpp"

namespace nelo::test {

inline std::vector<FieldError> errors_of(const Validator& v) {
  try {
    v.throw_if_invalid();
  } catch (const ValidationError& e) {
    return e.errors();
  }
  return {};
}

}  // namespace nelo::test
