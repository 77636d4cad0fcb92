#include "modules/auth/services/credential_rules.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "modules/auth/models.hpp"

namespace nelo::auth {

namespace {

bool is_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 atext.
bool is_atext(char c) noexcept {
  static constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~-";
  return is_alnum(c) || kSpecials.find(c) != std::string_view::npos;
}

bool valid_local_part(std::string_view local) noexcept {
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.') return false;
  char previous = 0;
  for (char c : local) {
    if (c == '.') {
      if (previous == '.') return false;
    } else if (!is_atext(c)) {
      return false;
    }
    previous = c;
  }
  return true;
}

bool valid_domain(std::string_view domain) noexcept {
  if (domain.empty() || domain.size() > 253) return false;
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    auto dot = domain.find('.');
    auto label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!is_alnum(c) && c != '-') return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  // "user@localhost" and "user@10.0.0.1" are not deliverable addresses for a public service.
  bool numeric_tld = std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
  return labels >= 2 && !numeric_tld;
}

}  // namespace

std::string normalize_email(std::string_view email) {
  std::string out(trimmed(email));
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> email_problem(std::string_view email) {
  if (email.empty()) return "must not be empty";
  if (email.size() > kMaxEmailLength) return "must be at most " + std::to_string(kMaxEmailLength) + " characters";
  auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos ||
      !valid_local_part(email.substr(0, at)) || !valid_domain(email.substr(at + 1))) {
    return "must be a valid email address";
  }
  return std::nullopt;
}

std::optional<std::string> password_problem(std::string_view password) {
  auto length = utf8_length(password);
  if (length < kMinPasswordLength) return "must be at least " + std::to_string(kMinPasswordLength) + " characters";
  if (length > kMaxPasswordLength) return "must be at most " + std::to_string(kMaxPasswordLength) + " characters";
  return std::nullopt;
}

std::string normalize_name(std::string_view name) { return std::string(trimmed(name)); }

std::optional<std::string> name_problem(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (auto problem = length_problem(name, kMaxNameLength)) return problem;
  if (has_control_characters(name, TextKind::SingleLine)) return "must not contain control characters";
  return std::nullopt;
}

bool is_known_role(std::string_view role) noexcept {
  return std::find(kRoles.begin(), kRoles.end(), role) != kRoles.end();
}

bool is_self_assignable_role(std::string_view role) noexcept {
  return std::find(kSelfAssignableRoles.begin(), kSelfAssignableRoles.end(), role) != kSelfAssignableRoles.end();
}

bool is_applied_for_role(std::string_view role) noexcept {
  return std::find(kAppliedForRoles.begin(), kAppliedForRoles.end(), role) != kAppliedForRoles.end();
}

std::vector<std::string> canonical_roles(std::vector<std::string> roles) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

}  // namespace nelo::auth
