#include "modules/users/repositories/profile_repository.hpp"

#include "core/db/module_db.hpp"

namespace nelo::users {
namespace {

namespace asio = boost::asio;

constexpr std::string_view kInsertIfAbsent = R"sql(
INSERT INTO users.profiles (user_id, email, name, locale)
VALUES ($1, $2, $3, COALESCE($4, 'fr'))
ON CONFLICT (user_id) DO NOTHING
)sql";

// For db::BatchedLookup: the profiles of the users in $1.
constexpr std::string_view kSelectByIds = R"sql(
SELECT user_id, email, name, phone, locale, created_at, updated_at
FROM users.profiles
WHERE user_id = ANY ($1::uuid[])
)sql";

// $3 says whether phone is part of the patch, so that "set phone to null" and "leave phone
// alone" stay distinct.
constexpr std::string_view kUpdate = R"sql(
UPDATE users.profiles
SET name = COALESCE($2::text, name),
    phone = CASE WHEN $3::boolean THEN $4::text ELSE phone END,
    locale = COALESCE($5::text, locale),
    updated_at = now()
WHERE user_id = $1
RETURNING user_id, email, name, phone, locale, created_at, updated_at
)sql";

constexpr std::string_view kLock = R"sql(
SELECT 1 FROM users.profiles WHERE user_id = $1 FOR NO KEY UPDATE
)sql";

Profile read_profile(const db::Row& row) {
  Profile p;
  p.user_id = row.get<std::string>("user_id");
  p.email = row.get<std::string>("email");
  p.name = row.get<std::string>("name");
  p.phone = row.get<std::optional<std::string>>("phone");
  p.locale = row.get<std::string>("locale");
  p.created_at = row.get<Timestamp>("created_at");
  p.updated_at = row.get<Timestamp>("updated_at");
  return p;
}

}  // namespace

asio::awaitable<bool> ProfileRepository::insert_if_absent(db::Transaction& tx, const RegisteredUser& user) {
  auto result = co_await tx.execute(kInsertIfAbsent, db::params(user.user_id, user.email, user.name, user.locale));
  co_return result.affected_rows() == 1;
}

ProfileRepository::ProfileRepository(db::ModuleDb& db, asio::any_io_executor executor, metrics::Registry* metrics)
    : db_(db),
      by_id_(db, std::move(executor), std::string(kSelectByIds), "user_id", {.name = "users.profiles"}, metrics) {}

asio::awaitable<std::optional<Profile>> ProfileRepository::find(std::string user_id) {
  auto found = co_await by_id_.find_uuid(user_id);
  if (!found) co_return std::nullopt;
  co_return read_profile(found->row());
}

asio::awaitable<std::optional<Profile>> ProfileRepository::update(std::string user_id, const ProfilePatch& patch) {
  const std::optional<std::string> phone = patch.phone ? *patch.phone : std::nullopt;
  auto result = co_await db_.execute(
      kUpdate, db::params(user_id, patch.name, patch.phone.has_value(), phone, patch.locale));
  if (result.empty()) co_return std::nullopt;
  co_return read_profile(result.front());
}

asio::awaitable<bool> ProfileRepository::lock(db::Transaction& tx, std::string user_id) {
  auto result = co_await tx.execute(kLock, db::params(user_id));
  co_return !result.empty();
}

}  // namespace nelo::users
