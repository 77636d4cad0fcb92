#pragma once
// Every statement on auth.signing_keys.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "core/db/module_db.hpp"
#include "core/db/transaction.hpp"
#include "modules/auth/models.hpp"

namespace nelo::auth {

class SigningKeyRepository {
 public:
  explicit SigningKeyRepository(db::ModuleDb& db) : db_(db) {}

  boost::asio::awaitable<db::Transaction> begin();

  // Serialises key generation and rotation between instances (readers are not blocked): held
  // until the end of `tx`.
  boost::asio::awaitable<void> lock(db::Transaction& tx);

  // Keys that still verify (neither retired nor revoked), oldest activation first.
  boost::asio::awaitable<std::vector<SigningKeyRecord>> usable(db::Transaction& tx);
  boost::asio::awaitable<std::vector<SigningKeyRecord>> usable();

  // Inserts a key that signs from now() + activation_delay.
  boost::asio::awaitable<SigningKeyRecord> insert(db::Transaction& tx, const std::string& kid,
                                                  const std::string& public_pem, const std::string& private_key_sealed,
                                                  std::chrono::seconds activation_delay);
  boost::asio::awaitable<bool> exists(db::Transaction& tx, const std::string& kid);
  // Stops the key verifying and signing at once (a compromised key); false if it was revoked already.
  boost::asio::awaitable<bool> revoke(db::Transaction& tx, const std::string& kid);
  // Every other unretired key stops verifying `retire_after` from now (earlier retirements are kept).
  boost::asio::awaitable<void> retire_others(db::Transaction& tx, const std::string& kid,
                                             std::chrono::seconds retire_after);

 private:
  db::ModuleDb& db_;
};

}  // namespace nelo::auth
