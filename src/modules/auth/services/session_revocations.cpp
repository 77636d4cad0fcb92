#include "modules/auth/services/session_revocations.hpp"

#include <mutex>

#include "core/errors.hpp"

namespace nelo::auth {

void SessionRevocations::add(const std::vector<std::string>& session_ids) {
  if (session_ids.empty()) return;
  auto now = SteadyClock::now();
  std::unique_lock lock(mutex_);
  for (const auto& id : session_ids) revoked_.insert_or_assign(id, now);
}

bool SessionRevocations::contains(std::string_view session_id) const {
  std::shared_lock lock(mutex_);
  return revoked_.find(session_id) != revoked_.end();
}

void SessionRevocations::replace(const std::vector<std::string>& from_database, SteadyClock::time_point query_started) {
  // Database entries are stamped just before the query, so the next replace() drops them unless
  // that query lists them again.
  const auto stamp = query_started - std::chrono::nanoseconds(1);
  decltype(revoked_) next;
  next.reserve(from_database.size());
  for (const auto& id : from_database) next.emplace(id, stamp);
  std::unique_lock lock(mutex_);
  for (const auto& [id, learned] : revoked_) {
    if (learned >= query_started) next.insert_or_assign(id, learned);
  }
  revoked_.swap(next);
}

std::size_t SessionRevocations::size() const {
  std::shared_lock lock(mutex_);
  return revoked_.size();
}

Principal AuthTokenVerifier::verify(std::string_view token) const {
  Principal principal = jwt_.verify(token);
  if (!principal.session_id.empty() && revocations_.contains(principal.session_id)) {
    throw Unauthorized("invalid token");
  }
  return principal;
}

}  // namespace nelo::auth
