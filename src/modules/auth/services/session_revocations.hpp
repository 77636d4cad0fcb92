#pragma once
// Sessions (refresh-token families) revoked recently enough that access tokens carrying their
// "sid" may still be alive. The verifier refuses those tokens, so logout, logout-all, a password
// change, reuse detection and disabling an account end access at once on this instance, and
// within NELO_AUTH_KEY_REFRESH_SECONDS on the others (each reloads the list from the database).
// Thread-safe: contains() runs on every authenticated request.

#include <chrono>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/security/token_verifier.hpp"

namespace nelo::auth {

class SessionRevocations {
 public:
  using SteadyClock = std::chrono::steady_clock;

  // Revocations this instance just committed.
  void add(const std::vector<std::string>& session_ids);
  bool contains(std::string_view session_id) const;
  // Replaces the set with what the database listed in a query that started at `query_started`,
  // keeping local additions made after that moment (the query may not have seen them).
  void replace(const std::vector<std::string>& from_database, SteadyClock::time_point query_started);
  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  mutable std::shared_mutex mutex_;
  // id -> when this instance learned of it
  std::unordered_map<std::string, SteadyClock::time_point, Hash, std::equal_to<>> revoked_;
};

// What the HTTP server uses: the signature and claims checks of the JWT verifier, then the
// session deny list.
class AuthTokenVerifier final : public AccessTokenVerifier {
 public:
  AuthTokenVerifier(const AccessTokenVerifier& jwt, const SessionRevocations& revocations)
      : jwt_(jwt), revocations_(revocations) {}
  Principal verify(std::string_view token) const override;

 private:
  const AccessTokenVerifier& jwt_;
  const SessionRevocations& revocations_;
};

}  // namespace nelo::auth
