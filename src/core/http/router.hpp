#pragma once
// Matches method + path against route templates. Literal segments win over {params}.

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
  void add(Route route);

  struct Match {
    const Route* route = nullptr;  // null: no route for this method
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allow;  // methods the path supports (for 405); empty: unknown path (404)
  };
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
  struct Node;
  std::vector<std::vector<std::string>> segments_;  // parsed template per route
};

}  // namespace nelo::http
