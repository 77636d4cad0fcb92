#pragma once
// Rules for the free text a request carries (names, addresses, notes), shared by every module's
// request schemas. Lengths count Unicode code points (what a person sees), not bytes; request
// bodies are valid UTF-8 (the JSON parser checks).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nelo {

// Code points in valid UTF-8.
std::size_t utf8_length(std::string_view text) noexcept;

// `text` without surrounding white space (spaces, tabs, line breaks): a view into it.
std::string_view trimmed(std::string_view text) noexcept;

// Empty, or nothing but spaces, tabs and line breaks.
bool is_blank(std::string_view text) noexcept;

// E.164: '+', a non-zero digit, then 1 to 14 more digits ("+33612345678"). No spaces or dashes:
// clients format for display, the server stores one canonical form.
bool is_e164_phone(std::string_view phone) noexcept;

enum class TextKind {
  SingleLine,         // one printable line: no control characters at all
  MultiLine,          // line feeds (and CR LF) allowed, other control characters not
  MultiLineWithTabs,  // MultiLine, and tabs too
};

// True when `text` holds a control character (C0, DEL, C1) that `kind` does not allow.
bool has_control_characters(std::string_view text, TextKind kind) noexcept;

// "must be at most <max_length> characters" when `text` is longer, else nullopt.
std::optional<std::string> length_problem(std::string_view text, std::size_t max_length);

// The problem with a free-text value, or nullopt when it is acceptable: no control characters
// beyond what `kind` allows, not blank, at most `max_length` code points (checked in that order).
std::optional<std::string> text_problem(std::string_view text, std::size_t max_length,
                                        TextKind kind = TextKind::SingleLine);

}  // namespace nelo
