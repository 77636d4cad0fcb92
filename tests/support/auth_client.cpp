#include "support/auth_client.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <random>
#include <stdexcept>

#include "support/test_database.hpp"

namespace nelo::test {

namespace json = boost::json;

std::string unique_email(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  static const unsigned seed = std::random_device{}();
  return std::string(prefix) + "-" + std::to_string(seed) + "-" + std::to_string(counter++) + "@example.com";
}

HttpResponse register_account(HttpClient& client, std::string_view email, std::string_view password,
                              std::string_view name, std::string_view role) {
  json::object body{{"email", email}, {"password", password}, {"name", name}};
  if (!role.empty()) body["role"] = role;
  return client.post_json("/api/v1/auth/register", body);
}

HttpResponse login(HttpClient& client, std::string_view email, std::string_view password) {
  json::object body{{"email", email}, {"password", password}};
  return client.post_json("/api/v1/auth/login", body);
}

HttpResponse refresh(HttpClient& client, std::string_view refresh_token) {
  json::object body{{"refresh_token", refresh_token}};
  return client.post_json("/api/v1/auth/refresh", body);
}

void relogin(HttpClient& client, TestAccount& account) {
  auto r = login(client, account.email, account.password);
  if (r.status != 200) throw std::runtime_error("login of " + account.email + " answered " + std::to_string(r.status) + ": " + r.body);
  auto tokens = r.json().as_object();
  account.access_token = std::string(tokens.at("access_token").as_string());
  account.refresh_token = std::string(tokens.at("refresh_token").as_string());
}

TestAccount register_and_login(HttpClient& client, std::string_view email, std::string_view role,
                               std::string_view password) {
  auto r = register_account(client, email, password, "Test User", role);
  if (r.status != 201) throw std::runtime_error("register of " + std::string(email) + " answered " + std::to_string(r.status) + ": " + r.body);
  TestAccount account;
  account.user_id = std::string(r.json().at("id").as_string());
  account.email = std::string(r.json().at("email").as_string());
  account.password = std::string(password);
  relogin(client, account);
  return account;
}

TestAccount register_with_role(HttpClient& client, const TestAccount& admin, std::string_view email,
                               std::string_view role, std::string_view password) {
  auto r = register_account(client, email, password, "Test User", role);
  if (r.status != 201) throw std::runtime_error("register of " + std::string(email) + " answered " + std::to_string(r.status) + ": " + r.body);
  const boost::json::value registered = r.json();  // named: at() returns into it
  TestAccount account;
  account.user_id = std::string(registered.at("id").as_string());
  account.email = std::string(registered.at("email").as_string());
  account.password = std::string(password);
  const auto& application = registered.at("role_application");
  if (application.is_object()) {
    const std::string path =
        "/api/v1/auth/role-applications/" + std::string(application.at("id").as_string()) + "/approve";
    auto approved = client.post_json(path, json::object{}, {bearer(admin.access_token)});
    if (approved.status != 200) {
      throw std::runtime_error("approving the " + std::string(role) + " role of " + account.email + " answered " +
                               std::to_string(approved.status) + ": " + approved.body);
    }
  }
  relogin(client, account);
  return account;
}

void promote_to_admin(HttpClient& client, const TestDatabase& database, TestAccount& account) {
  database.exec("UPDATE auth.users SET roles = ARRAY['admin'] WHERE id = '" + account.user_id + "'");
  relogin(client, account);
}

}  // namespace nelo::test

namespace nelo::test {

TestAccount make_admin(HttpClient& client, const TestDatabase& database) {
  auto admin = register_and_login(client, unique_email("admin"));
  promote_to_admin(client, database, admin);
  return admin;
}

}  // namespace nelo::test
