#include "core/time.hpp"

#include <cstdio>

namespace nelo {

namespace {

using namespace std::chrono;

// A cursor over the text; every reader returns false instead of throwing so that
// parse_timestamp can stay a total function.
struct Cursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i == s.size(); }
  bool peek(char c) const { return i < s.size() && s[i] == c; }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++i;
    return true;
  }
  // Exactly n decimal digits.
  bool digits(int n, int& out) {
    if (s.size() - i < static_cast<std::size_t>(n)) return false;
    int v = 0;
    for (int k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    i += n;
    out = v;
    return true;
  }
};

}  // namespace

namespace {

// Writes `value` as exactly `width` decimal digits (zero-padded) and returns the end.
char* put_digits(char* out, long long value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "YYYY-MM-DDTHH:MM:SS" then `fraction_digits` digits of `fraction` (none if 0 digits), then Z.
std::string format_utc(Timestamp t, long long fraction, int fraction_digits) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> tod{t - day};
  char buf[40];
  char* p = buf;
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {  // outside what four digits say: the general (slow) path
    p += std::snprintf(buf, sizeof buf, "%04d", year);
  } else {
    p = put_digits(p, year, 4);
  }
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  p = put_digits(p, tod.hours().count(), 2);
  *p++ = ':';
  p = put_digits(p, tod.minutes().count(), 2);
  *p++ = ':';
  p = put_digits(p, tod.seconds().count(), 2);
  if (fraction_digits > 0) {
    *p++ = '.';
    p = put_digits(p, fraction, fraction_digits);
  }
  *p++ = 'Z';
  return std::string(buf, static_cast<std::size_t>(p - buf));
}

}  // namespace

std::string to_rfc3339(Timestamp t) {
  const auto us = (t - floor<seconds>(t)).count();
  return format_utc(t, us, us != 0 ? 6 : 0);
}

std::string to_rfc3339_millis(Timestamp t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  return format_utc(ms, (ms - floor<seconds>(ms)).count(), 3);
}

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  Cursor c{text};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d)) return std::nullopt;
  // RFC 3339 allows 't' and PostgreSQL writes a space.
  if (!(c.eat('T') || c.eat('t') || c.eat(' '))) return std::nullopt;
  if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi) || !c.eat(':') || !c.digits(2, sec)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;

  long long micros = 0;
  if (c.eat('.')) {
    int n = 0;
    while (!c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
      // Digits past microseconds are truncated: timestamptz cannot hold them anyway.
      if (n < 6) micros = micros * 10 + (c.s[c.i] - '0');
      ++n;
      ++c.i;
    }
    if (n == 0) return std::nullopt;
    for (; n < 6; ++n) micros *= 10;
  }

  long long offset_seconds = 0;
  if (c.eat('Z') || c.eat('z')) {
  } else if (c.peek('+') || c.peek('-')) {
    int sign = c.s[c.i] == '-' ? -1 : 1;
    ++c.i;
    int oh = 0, om = 0, os = 0;
    if (!c.digits(2, oh)) return std::nullopt;
    // PostgreSQL prints "+00", "+05:30" and, for historical zones, "+00:09:21".
    if (c.eat(':')) {
      if (!c.digits(2, om)) return std::nullopt;
      if (c.eat(':') && !c.digits(2, os)) return std::nullopt;
    } else if (!c.done() && !c.digits(2, om)) {
      return std::nullopt;  // "+0530" (basic format) is accepted, anything else is not
    }
    if (oh > 23 || om > 59 || os > 59) return std::nullopt;
    offset_seconds = sign * (oh * 3600LL + om * 60LL + os);
  } else {
    return std::nullopt;  // a timestamp without an offset is ambiguous
  }
  if (!c.done()) return std::nullopt;

  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  auto local = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
  return Timestamp{local - seconds{offset_seconds}} + microseconds{micros};
}

}  // namespace nelo
