#pragma once
// Helpers for black-box tests that need accounts and tokens from a running `nelo serve`:
//   auto alice = register_and_login(client, unique_email("alice"));
//   client.get("/api/v1/users/me", {bearer(alice.access_token)});
// Admins cannot register themselves: make_admin() makes one directly in the test database. Merchant
// and driver are applied for at registration and approved by an admin: register_with_role().

#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace nelo::test {

class TestDatabase;

inline constexpr std::string_view kTestPassword = "correct horse battery staple";

struct TestAccount {
  std::string user_id;
  std::string email;
  std::string password;
  std::string access_token;
  std::string refresh_token;
};

// "<prefix>-<random>@example.com": unique per call, so suites can share one server.
std::string unique_email(std::string_view prefix = "user");

// POST /api/v1/auth/register; returns the response as is.
HttpResponse register_account(HttpClient& client, std::string_view email, std::string_view password = kTestPassword,
                              std::string_view name = "Test User", std::string_view role = {});
// POST /api/v1/auth/login; returns the response as is.
HttpResponse login(HttpClient& client, std::string_view email, std::string_view password = kTestPassword);
// POST /api/v1/auth/refresh; returns the response as is.
HttpResponse refresh(HttpClient& client, std::string_view refresh_token);

// Registers (expects 201) and logs in (expects 200); throws std::runtime_error otherwise. A role
// merchant or driver is only applied for: the account is a customer (see register_with_role).
TestAccount register_and_login(HttpClient& client, std::string_view email, std::string_view role = {},
                               std::string_view password = kTestPassword);
// An account holding `role` the way production grants it: registered asking for merchant or
// driver, the application approved by `admin` (POST /api/v1/auth/role-applications/{id}/approve),
// then signed in again so that its tokens carry the role. Customer needs no admin.
TestAccount register_with_role(HttpClient& client, const TestAccount& admin, std::string_view email,
                               std::string_view role, std::string_view password = kTestPassword);
// Logs in again (expects 200) and stores the new tokens in `account`.
void relogin(HttpClient& client, TestAccount& account);

// Gives the account the admin role directly in the database (what `nelo admin create` does for
// a new account), then logs in again so the tokens carry it.
void promote_to_admin(HttpClient& client, const TestDatabase& database, TestAccount& account);
// A new admin: registered, then promoted.
TestAccount make_admin(HttpClient& client, const TestDatabase& database);

}  // namespace nelo::test
