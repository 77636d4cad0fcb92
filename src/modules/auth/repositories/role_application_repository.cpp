#include "modules/auth/repositories/role_application_repository.hpp"

#include "core/db/params.hpp"
#include "core/db/result.hpp"

namespace nelo::auth {

namespace asio = boost::asio;

namespace {

// Every read brings the account's address and name for the admin (same schema: a join is fine).

// ON CONFLICT on the partial unique index: asking again while an application is open keeps it.
constexpr const char* kInsert = R"sql(
WITH inserted AS (
  INSERT INTO auth.role_applications (id, user_id, role)
  VALUES ($1, $2, $3)
  ON CONFLICT (user_id, role) WHERE status = 'pending' DO NOTHING
  RETURNING id)
SELECT coalesce((SELECT id FROM inserted),
                (SELECT id FROM auth.role_applications
                 WHERE user_id = $2 AND role = $3 AND status = 'pending')) AS id)sql";

constexpr const char* kFindById = R"sql(
SELECT a.id, a.user_id, u.email, u.name, a.role, a.status, a.created_at, a.decided_at, a.decided_by
FROM auth.role_applications a JOIN auth.users u ON u.id = a.user_id
WHERE a.id = $1)sql";

constexpr const char* kFindForUpdate = R"sql(
SELECT a.id, a.user_id, u.email, u.name, a.role, a.status, a.created_at, a.decided_at, a.decided_by
FROM auth.role_applications a JOIN auth.users u ON u.id = a.user_id
WHERE a.id = $1
FOR UPDATE OF a)sql";

constexpr const char* kList = R"sql(
SELECT a.id, a.user_id, u.email, u.name, a.role, a.status, a.created_at, a.decided_at, a.decided_by
FROM auth.role_applications a JOIN auth.users u ON u.id = a.user_id
WHERE ($1::text IS NULL OR a.status = $1::text)
  AND ($2::uuid IS NULL OR a.user_id = $2::uuid)
  AND ($3::uuid IS NULL OR a.id > $3::uuid)
ORDER BY a.id
LIMIT $4)sql";

constexpr const char* kDecide = R"sql(
UPDATE auth.role_applications SET status = $2, decided_at = now(), decided_by = $3
WHERE id = $1)sql";

RoleApplication read_application(const db::Row& row) {
  RoleApplication a;
  a.id = row.get<std::string>("id");
  a.user_id = row.get<std::string>("user_id");
  a.email = row.get<std::string>("email");
  a.name = row.get<std::string>("name");
  a.role = row.get<std::string>("role");
  a.status = row.get<std::string>("status");
  a.created_at = row.get<Timestamp>("created_at");
  a.decided_at = row.get<std::optional<Timestamp>>("decided_at");
  a.decided_by = row.get<std::optional<std::string>>("decided_by");
  return a;
}

}  // namespace

asio::awaitable<RoleApplication> RoleApplicationRepository::insert(db::Transaction& tx, const std::string& id,
                                                                   const std::string& user_id,
                                                                   const std::string& role) {
  db::Params values = db::params(id, user_id, role);
  auto inserted = co_await tx.execute(kInsert, values);
  db::Params key = db::params(inserted.front().get<std::string>("id"));
  auto result = co_await tx.execute(kFindById, key);
  co_return read_application(result.front());
}

asio::awaitable<std::vector<RoleApplication>> RoleApplicationRepository::list(
    const std::optional<std::string>& status, const std::optional<std::string>& user_id,
    const std::optional<std::string>& after, std::size_t limit) {
  db::Params values = db::params(status, user_id, after, limit);
  auto result = co_await db_.execute(kList, values);
  std::vector<RoleApplication> out;
  out.reserve(static_cast<std::size_t>(result.size()));
  for (auto row : result) out.push_back(read_application(row));
  co_return out;
}

asio::awaitable<std::optional<RoleApplication>> RoleApplicationRepository::find_for_update(db::Transaction& tx,
                                                                                          const std::string& id) {
  db::Params values = db::params(id);
  auto result = co_await tx.execute(kFindForUpdate, values);
  if (result.empty()) co_return std::nullopt;
  co_return read_application(result.front());
}

asio::awaitable<RoleApplication> RoleApplicationRepository::decide(db::Transaction& tx, const std::string& id,
                                                                   const std::string& status,
                                                                   const std::string& admin_id) {
  db::Params values = db::params(id, status, admin_id);
  co_await tx.execute(kDecide, values);
  db::Params key = db::params(id);
  auto result = co_await tx.execute(kFindById, key);
  co_return read_application(result.front());
}

}  // namespace nelo::auth
