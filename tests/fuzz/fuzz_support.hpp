#pragma once
// What every fuzz target shares: the rule that only Nelo's typed errors may leave the code under
// test (core/errors.hpp: the problem mapper renders them as 4xx), and a way to fail loudly.
// libFuzzer stops on an abort and writes the input that caused it (docs/testing.md).

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "core/errors.hpp"

namespace nelo::fuzz {

// A property of the code under test does not hold: prints why and aborts (libFuzzer saves the
// input as crash-<sha1>).
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "\nFUZZ PROPERTY FAILED: %.*s %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void check(bool holds, std::string_view what, std::string_view detail = {}) {
  if (!holds) fail(what, detail);
}

// Runs `f`: a nelo::Error it throws is an answer (a 4xx); anything else would be a 500 and
// fails the run, naming where and what.
template <class F>
void only_typed_errors(std::string_view where, F&& f) {
  try {
    f();
  } catch (const nelo::Error&) {
  } catch (const std::exception& e) {
    fail(where, std::string("threw an untyped exception (a 500): ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    fail(where, "threw something that is not a std::exception");
  }
}

}  // namespace nelo::fuzz
