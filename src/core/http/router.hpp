#pragma once
// Matches method + path against route templates. Literal segments win over {params}: the
// search walks a segment trie literal-first and backtracks, so "/a/b" prefers "/a/b" to
// "/a/{x}" but still reaches "/a/{x}/c" for "/a/b/c". A trailing slash is a distinct path
// ("/a/" is not "/a"), except the root "/".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/http/route.hpp"

namespace nelo::http {

class Router {
 public:
  // Throws std::invalid_argument on a malformed template or a duplicate method+template.
  // Templates: "/" or "/seg/{name}/seg", a parameter is a whole segment, names are
  // [A-Za-z_][A-Za-z0-9_]* and unique per template. Templates that differ only by parameter
  // names are the same template ("/a/{x}" and "/a/{y}").
  void add(Route route);

  struct Match {
    const Route* route = nullptr;  // null: no route for this method
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allow;  // methods the path supports (for 405); empty: unknown path (404)
  };
  // `path` is the request path as received (percent-encoded, no query); parameter values are
  // returned decoded. A path that cannot match (empty segments, bad escapes) is a 404.
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  struct Node {
    std::vector<std::pair<std::string, std::uint32_t>> literals;  // segment -> child node
    std::uint32_t param = kNone;                                   // child node for {param}
    std::vector<std::pair<std::string, std::uint32_t>> methods;    // method -> route index
  };
  struct Search;
  bool search(Search& s, std::uint32_t node, std::string_view rest) const;

  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> param_names_;  // per route, in template order
  std::vector<Node> nodes_{Node{}};                     // nodes_[0] is the root
};

}  // namespace nelo::http
