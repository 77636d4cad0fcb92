#pragma once
// The composition root: configuration -> infrastructure -> modules -> wiring -> server.
// Nothing else in the code base knows every module or every piece of infrastructure.

#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"

namespace nelo::app {

class Application {
 public:
  explicit Application(Config config);
  ~Application();

  // `nelo serve`: migrates (unless disabled), serves until SIGINT/SIGTERM, drains, returns 0.
  int serve();
  // `nelo migrate`: applies pending migrations and prints each file's fate.
  int migrate();
  // `nelo admin create`: the first admin (roles cannot be self-assigned at registration).
  int create_admin(const std::string& email, const std::string& name, const std::string& password);
  // `nelo auth rotate-keys`
  int rotate_keys();
  // `nelo auth revoke-key KID`
  int revoke_key(const std::string& kid);
  // `nelo payments reconcile`: prints every difference between payments, refunds, the ledger and
  // the sandbox processor's records; 0 when there is none, 1 otherwise, 2 without a database.
  int reconcile_payments();
  // `nelo routes [--json]`
  int print_routes(bool as_json);
  // `nelo openapi`
  int print_openapi();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

extern const char* const kVersion;

}  // namespace nelo::app
