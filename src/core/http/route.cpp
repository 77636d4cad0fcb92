#include "core/http/route.hpp"

namespace nelo::http {

std::string Policy::describe() const {
  switch (kind_) {
    case Kind::Public: return "public";
    case Kind::Authenticated: return "authenticated";
    case Kind::Roles: break;
  }
  std::string out = "roles: ";
  for (std::size_t i = 0; i < roles_.size(); ++i) {
    if (i) out += ", ";
    out += roles_[i];
  }
  return out;
}

}  // namespace nelo::http
