// Boost's assertions stay on in the fuzz build (BOOST_ENABLE_ASSERT_HANDLER: they are checks the
// Release build drops, and fuzzing is where they can fire), except the ones known to be wrong:
// there the code after them is correct and the server, built with NDEBUG, runs it as is.

#include <boost/assert.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

struct KnownFalseAssertion {
  const char* file_suffix;
  const char* expression;
  const char* why;
};

constexpr KnownFalseAssertion kKnownFalse[] = {
    // A chunked body's final "0\r\n" whose trailer comes one byte per read: Beast 1.81 asserts
    // n >= 5 where 4 bytes are legal, then asks for more as it should (fixed upstream in Beast
    // pull request 2861, Boost 1.86). Found by http_request_fuzz.cpp.
    {"boost/beast/http/impl/basic_parser.ipp", "n >= 5", "Beast PR 2861"},
};

bool known_false(const char* expr, const char* file) {
  const std::size_t file_length = std::strlen(file);
  for (const auto& known : kKnownFalse) {
    const std::size_t suffix_length = std::strlen(known.file_suffix);
    if (std::strcmp(expr, known.expression) == 0 && file_length >= suffix_length &&
        std::strcmp(file + file_length - suffix_length, known.file_suffix) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

namespace boost {

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  if (known_false(expr, file)) return;
  std::fprintf(stderr, "\nBOOST ASSERTION FAILED: %s in %s (%s:%ld)\n", expr, function, file, line);
  std::abort();
}

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file, long line) {
  if (known_false(expr, file)) return;
  std::fprintf(stderr, "\nBOOST ASSERTION FAILED: %s (%s) in %s (%s:%ld)\n", expr, msg, function, file, line);
  std::abort();
}

}  // namespace boost
