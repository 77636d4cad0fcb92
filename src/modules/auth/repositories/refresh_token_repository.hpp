#pragma once
// Every statement on auth.refresh_token_families and auth.refresh_tokens. Token values never get
// here: only their SHA-256 (hex).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "modules/auth/models.hpp"

namespace nelo::auth {

// A token that was just marked used by consume().
struct ConsumedToken {
  std::string id;
  std::string family_id;
  std::string user_id;
};

class RefreshTokenRepository {
 public:
  explicit RefreshTokenRepository(db::ModuleDb& db) : db_(db) {}

  // A new family (session) for `user_id`, expiring with its first token. `max_age`: the family's
  // absolute lifetime from now, which no token of it and no refresh goes past.
  boost::asio::awaitable<void> insert_family(db::Transaction& tx, const std::string& family_id,
                                             const std::string& user_id, std::chrono::seconds ttl,
                                             std::chrono::seconds max_age);
  // Expires `ttl` from now, or at the family's absolute end if sooner.
  boost::asio::awaitable<void> insert_token(db::Transaction& tx, const std::string& id, const std::string& family_id,
                                            const std::string& user_id, const std::string& token_hash,
                                            std::chrono::seconds ttl, std::chrono::seconds max_age);

  // Marks the token used if it is unused and unexpired: atomic, so of two concurrent calls with
  // the same hash at most one gets a row (the other waits for the first's row lock, then sees
  // used_at set).
  boost::asio::awaitable<std::optional<ConsumedToken>> consume(db::Transaction& tx, const std::string& token_hash);
  // Locks a live (unrevoked) family and extends it to the next token's expiry; false when the
  // family is revoked or `max_age` old. Orders a refresh against a concurrent revocation of the
  // same family.
  boost::asio::awaitable<bool> touch_live_family(db::Transaction& tx, const std::string& family_id,
                                                 std::chrono::seconds ttl, std::chrono::seconds max_age);
  // Revokes the user's live sessions beyond the `keep` newest (reason session_limit).
  boost::asio::awaitable<std::vector<std::string>> revoke_beyond_newest(db::Transaction& tx,
                                                                        const std::string& user_id, std::int64_t keep);

  boost::asio::awaitable<std::optional<RefreshTokenRecord>> find_by_hash(db::Transaction& tx,
                                                                         const std::string& token_hash);

  // Each returns the ids of the families it revoked now (already revoked ones are left as they are).
  boost::asio::awaitable<std::vector<std::string>> revoke_family(db::Transaction& tx, const std::string& family_id,
                                                                 RevokeReason reason);
  // The family only if it belongs to `user_id`.
  boost::asio::awaitable<std::vector<std::string>> revoke_family_of_user(db::Transaction& tx,
                                                                         const std::string& family_id,
                                                                         const std::string& user_id,
                                                                         RevokeReason reason);
  // Every live family of the user, except `keep_family_id` when given.
  boost::asio::awaitable<std::vector<std::string>> revoke_user_families(db::Transaction& tx,
                                                                        const std::string& user_id,
                                                                        RevokeReason reason,
                                                                        const std::optional<std::string>& keep_family_id);

  // Families revoked within the last `window` (their access tokens must be refused).
  boost::asio::awaitable<std::vector<std::string>> recently_revoked(std::chrono::seconds window);

  // Deletes up to `batch` expired tokens and families (a day after expiry) and returns how many.
  boost::asio::awaitable<std::int64_t> purge_expired(std::int64_t batch);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::auth
