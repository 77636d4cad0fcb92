#pragma once
// UTF-8 well-formedness (RFC 3629), for bytes that may not be text: percent-decoded URL parts,
// log messages built from client input.

#include <cstddef>
#include <string_view>

namespace nelo {

// Length of the valid multi-byte UTF-8 sequence starting at text[i], or 0 when it is not one
// (an ASCII byte, an overlong form, a surrogate, a code point above U+10FFFF, or truncated).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept;

// True when `text` is well-formed UTF-8. Percent-decoded URL parts can hold any byte: the
// request reader refuses those that are not text before a handler or a database sees them.
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace nelo
