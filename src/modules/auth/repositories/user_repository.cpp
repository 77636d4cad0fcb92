#include "modules/auth/repositories/user_repository.hpp"

#include "core/db/errors.hpp"
#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

constexpr const char* kInsertUser = R"sql(
INSERT INTO auth.users (id, email, password_hash, name, roles)
VALUES ($1, $2, $3, $4, $5::text[])
RETURNING id, email, name, roles, disabled_at, created_at, updated_at)sql";

constexpr const char* kFindCredentialsByEmail = R"sql(
SELECT id, email, name, roles, disabled_at, created_at, updated_at, password_hash
FROM auth.users
WHERE email = $1)sql";

constexpr const char* kEmailTaken = R"sql(
SELECT EXISTS (SELECT 1 FROM auth.users WHERE email = $1))sql";

constexpr const char* kFindCredentials = R"sql(
SELECT id, email, name, roles, disabled_at, created_at, updated_at, password_hash
FROM auth.users
WHERE id = $1)sql";

constexpr const char* kFindUser = R"sql(
SELECT id, email, name, roles, disabled_at, created_at, updated_at
FROM auth.users
WHERE id = $1)sql";

constexpr const char* kFindUserForShare = R"sql(
SELECT id, email, name, roles, disabled_at, created_at, updated_at
FROM auth.users
WHERE id = $1
FOR SHARE)sql";

constexpr const char* kFindCredentialsForUpdate = R"sql(
SELECT id, email, name, roles, disabled_at, created_at, updated_at, password_hash
FROM auth.users
WHERE id = $1
FOR UPDATE)sql";

constexpr const char* kUpdatePasswordHash = R"sql(
UPDATE auth.users SET password_hash = $2, updated_at = now()
WHERE id = $1)sql";

constexpr const char* kRehash = R"sql(
UPDATE auth.users SET password_hash = $3
WHERE id = $1 AND password_hash = $2)sql";

constexpr const char* kSetRoles = R"sql(
UPDATE auth.users SET roles = $2::text[], updated_at = now()
WHERE id = $1
RETURNING id, email, name, roles, disabled_at, created_at, updated_at)sql";

// An already disabled account keeps its original disabled_at.
constexpr const char* kDisable = R"sql(
UPDATE auth.users SET disabled_at = coalesce(disabled_at, now()), updated_at = now()
WHERE id = $1
RETURNING id, email, name, roles, disabled_at, created_at, updated_at)sql";

constexpr const char* kEnable = R"sql(
UPDATE auth.users SET disabled_at = NULL, updated_at = now()
WHERE id = $1
RETURNING id, email, name, roles, disabled_at, created_at, updated_at)sql";

constexpr const char* kListUsers = R"sql(
SELECT id, email, name, roles, disabled_at, created_at, updated_at
FROM auth.users
WHERE ($1::uuid IS NULL OR id > $1::uuid)
  AND ($2::text IS NULL OR roles @> ARRAY[$2::text])
  AND ($3::text IS NULL OR email = $3::text)
ORDER BY id
LIMIT $4)sql";

constexpr const char* kEmailConstraint = "users_email_key";

User read_user(const db::Row& row) {
  User user;
  user.id = row.get<std::string>("id");
  user.email = row.get<std::string>("email");
  user.name = row.get<std::string>("name");
  user.roles = row.get<std::vector<std::string>>("roles");
  user.disabled_at = row.get<std::optional<Timestamp>>("disabled_at");
  user.created_at = row.get<Timestamp>("created_at");
  user.updated_at = row.get<Timestamp>("updated_at");
  return user;
}

std::optional<User> first_user(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  return read_user(result.front());
}

std::optional<Credentials> first_credentials(const db::Result& result) {
  if (result.empty()) return std::nullopt;
  Credentials credentials;
  credentials.user = read_user(result.front());
  credentials.password_hash = result.front().get<std::string>("password_hash");
  return credentials;
}

}  // namespace

asio::awaitable<User> UserRepository::insert(db::Transaction& tx, const NewUser& user) {
  db::Params values = db::params(user.id, user.email, user.password_hash, user.name, user.roles);
  try {
    auto result = co_await tx.execute(kInsertUser, values);
    co_return read_user(result.front());
  } catch (const db::UniqueViolation& e) {
    if (e.constraint() != kEmailConstraint) throw;
  }
  // Says that the address is taken and nothing more (not whose, not since when).
  throw Conflict("email-taken", "An account already exists for this email address");
}

asio::awaitable<std::optional<Credentials>> UserRepository::find_credentials_by_email(const std::string& email) {
  db::Params values = db::params(email);
  auto result = co_await db_.execute(kFindCredentialsByEmail, values);
  co_return first_credentials(result);
}

asio::awaitable<bool> UserRepository::email_taken(const std::string& email) {
  db::Params values = db::params(email);
  auto result = co_await db_.execute(kEmailTaken, values);
  co_return result.front().get<bool>(0);
}

asio::awaitable<std::optional<Credentials>> UserRepository::find_credentials(const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await db_.execute(kFindCredentials, values);
  co_return first_credentials(result);
}

asio::awaitable<std::optional<User>> UserRepository::find(const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await db_.execute(kFindUser, values);
  co_return first_user(result);
}

asio::awaitable<std::optional<User>> UserRepository::find_for_share(db::Transaction& tx, const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await tx.execute(kFindUserForShare, values);
  co_return first_user(result);
}

asio::awaitable<std::optional<Credentials>> UserRepository::find_credentials_for_update(db::Transaction& tx,
                                                                                       const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await tx.execute(kFindCredentialsForUpdate, values);
  co_return first_credentials(result);
}

asio::awaitable<void> UserRepository::update_password_hash(db::Transaction& tx, const std::string& id,
                                                           const std::string& password_hash) {
  db::Params values = db::params(id, password_hash);
  co_await tx.execute(kUpdatePasswordHash, values);
}

asio::awaitable<void> UserRepository::rehash(const std::string& id, const std::string& old_hash,
                                             const std::string& new_hash) {
  db::Params values = db::params(id, old_hash, new_hash);
  co_await db_.execute(kRehash, values);
}

asio::awaitable<std::optional<User>> UserRepository::set_roles(db::Transaction& tx, const std::string& id,
                                                               const std::vector<std::string>& roles) {
  db::Params values = db::params(id, roles);
  auto result = co_await tx.execute(kSetRoles, values);
  co_return first_user(result);
}

asio::awaitable<std::optional<User>> UserRepository::disable(db::Transaction& tx, const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await tx.execute(kDisable, values);
  co_return first_user(result);
}

asio::awaitable<std::optional<User>> UserRepository::enable(db::Transaction& tx, const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await tx.execute(kEnable, values);
  co_return first_user(result);
}

asio::awaitable<std::vector<User>> UserRepository::list(const UserFilter& filter,
                                                        const std::optional<std::string>& after, std::size_t limit) {
  db::Params values = db::params(after, filter.role, filter.email, limit);
  auto result = co_await db_.execute(kListUsers, values);
  std::vector<User> users;
  users.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) users.push_back(read_user(row));
  co_return users;
}

}  // namespace nelo::auth
