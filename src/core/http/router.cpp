#include "core/http/router.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace nelo::http {

namespace {

constexpr std::size_t kMaxParams = 16;

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

// RFC 3986 pchar without percent-escapes: what a literal template segment may contain.
bool is_literal_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-': case '.': case '_': case '~': case '!': case '$': case '&': case '\'': case '(':
    case ')': case '*': case '+': case ',': case ';': case '=': case ':': case '@':
      return true;
    default:
      return false;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Compares a percent-encoded path segment with a literal, decoding on the fly (no allocation).
bool segment_equals(std::string_view encoded, std::string_view literal) {
  if (encoded.find('%') == std::string_view::npos) return encoded == literal;
  std::size_t j = 0;
  for (std::size_t i = 0; i < encoded.size(); ++i, ++j) {
    char c = encoded[i];
    if (c == '%') {
      if (i + 2 >= encoded.size()) return false;
      int hi = hex_value(encoded[i + 1]), lo = hex_value(encoded[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (j >= literal.size() || literal[j] != c) return false;
  }
  return j == literal.size();
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

struct ParsedSegment {
  std::string text;  // literal text, or the parameter name
  bool param;
};

std::vector<ParsedSegment> parse_template(const std::string& path) {
  auto fail = [&](const std::string& why) -> std::invalid_argument {
    return std::invalid_argument("invalid route template \"" + path + "\": " + why);
  };
  if (path.empty() || path[0] != '/') throw fail("must start with '/'");
  std::vector<ParsedSegment> out;
  if (path == "/") return out;
  std::size_t pos = 1;
  while (true) {
    std::size_t end = path.find('/', pos);
    std::string seg = path.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (seg.empty()) throw fail("empty segment (no '//' and no trailing '/')");
    if (seg.front() == '{') {
      if (seg.size() < 3 || seg.back() != '}') throw fail("a parameter is a whole segment: {name}");
      std::string name = seg.substr(1, seg.size() - 2);
      if (!is_name_start(name[0]) || !std::all_of(name.begin(), name.end(), is_name_char)) {
        throw fail("parameter name \"" + name + "\" is not [A-Za-z_][A-Za-z0-9_]*");
      }
      for (const auto& s : out) {
        if (s.param && s.text == name) throw fail("parameter {" + name + "} appears twice");
      }
      out.push_back({std::move(name), true});
    } else {
      if (seg == "." || seg == "..") throw fail("dot segments are not allowed");
      if (!std::all_of(seg.begin(), seg.end(), is_literal_char)) {
        throw fail("segment \"" + seg + "\" has characters outside RFC 3986 pchar (or braces inside it)");
      }
      out.push_back({std::move(seg), false});
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  std::size_t params = std::count_if(out.begin(), out.end(), [](const ParsedSegment& s) { return s.param; });
  if (params > kMaxParams) throw fail("more than " + std::to_string(kMaxParams) + " parameters");
  return out;
}

bool valid_method(const std::string& m) {
  return !m.empty() && m.size() <= 16 && std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

struct Router::Search {
  std::string_view method;
  std::array<std::string_view, kMaxParams> values;
  std::size_t depth = 0;
  std::uint32_t route = kNone;
  std::vector<std::string>* allow;
};

void Router::add(Route route) {
  if (!valid_method(route.method)) {
    throw std::invalid_argument("invalid method \"" + route.method + "\" for route " + route.path);
  }
  if (!route.handler) throw std::invalid_argument("route " + route.method + " " + route.path + " has no handler");
  auto segments = parse_template(route.path);

  std::uint32_t node = 0;
  std::vector<std::string> names;
  for (const auto& seg : segments) {
    std::uint32_t next = kNone;
    if (seg.param) {
      names.push_back(seg.text);
      next = nodes_[node].param;
      if (next == kNone) {
        next = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
        nodes_[node].param = next;
      }
    } else {
      for (const auto& [text, child] : nodes_[node].literals) {
        if (text == seg.text) next = child;
      }
      if (next == kNone) {
        next = static_cast<std::uint32_t>(nodes_.size());
        nodes_.emplace_back();
        nodes_[node].literals.emplace_back(seg.text, next);
      }
    }
    node = next;
  }
  for (const auto& [method, index] : nodes_[node].methods) {
    if (method == route.method) {
      throw std::invalid_argument("duplicate route " + route.method + " " + route.path + " (already registered as " +
                                  routes_[index].method + " " + routes_[index].path + ")");
    }
  }
  nodes_[node].methods.emplace_back(route.method, static_cast<std::uint32_t>(routes_.size()));
  routes_.push_back(std::move(route));
  param_names_.push_back(std::move(names));
}

bool Router::search(Search& s, std::uint32_t index, std::string_view rest) const {
  const Node& node = nodes_[index];
  if (rest.empty()) {
    for (const auto& [method, route] : node.methods) {
      if (method == s.method) {
        s.route = route;
        return true;
      }
    }
    for (const auto& entry : node.methods) {
      if (std::find(s.allow->begin(), s.allow->end(), entry.first) == s.allow->end()) s.allow->push_back(entry.first);
    }
    return false;
  }
  // rest is "/segment[/...]"
  std::string_view tail = rest.substr(1);
  std::size_t slash = tail.find('/');
  std::string_view seg = tail.substr(0, slash);
  std::string_view after = slash == std::string_view::npos ? std::string_view() : tail.substr(slash);
  if (seg.empty()) return false;  // "//" or a trailing slash
  for (const auto& [text, child] : node.literals) {
    if (segment_equals(seg, text) && search(s, child, after)) return true;
  }
  if (node.param != kNone) {
    s.values[s.depth++] = seg;
    if (search(s, node.param, after)) return true;
    --s.depth;
  }
  return false;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  if (path.empty() || path[0] != '/') return result;
  Search s;
  s.method = method;
  s.allow = &result.allow;
  if (!search(s, 0, path == "/" ? std::string_view() : path)) return result;

  const auto& names = param_names_[s.route];
  result.params.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string value;
    if (!percent_decode(s.values[i], value)) return Match{};
    result.params.emplace_back(names[i], std::move(value));
  }
  result.route = &routes_[s.route];
  result.allow.clear();
  return result;
}

}  // namespace nelo::http
