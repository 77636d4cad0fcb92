#pragma once
// `nelo demo seed`, the part that goes through the public HTTP API: accounts (register, or log in
// when they exist), each merchant user's shop and menu, each customer's addresses. Safe to run
// again: whatever exists is kept and only what is missing is created, so a second run changes
// nothing. The admin is not made here: admins cannot register (see demo_command.cpp). Merchants
// and drivers apply for their role when they register, and the demo admin approves it, as an
// admin would on a real platform.

#include <iosfwd>
#include <string>
#include <vector>

#include "app/demo/api_client.hpp"
#include "app/demo/demo_data.hpp"

namespace nelo::app::demo {

struct Point {
  double lat = 0;
  double lng = 0;
};

// What a run found or made, for the closing table.
struct SeededAccount {
  std::string role;
  std::string email;
  std::string name;
  std::string detail;  // "Pizzeria Napoli", "2 addresses", ...
  bool created = false;
};

struct SeedReport {
  std::vector<SeededAccount> accounts;
  int merchants_created = 0;
  int products_created = 0;
  int addresses_created = 0;
  // A few ids to start the README's tour with.
  std::string merchant_id, merchant_name;
  std::string product_id, product_name;
  std::string address_id, address_owner;
};

// Degrees, to 6 decimal places (about 10 cm).
Point offset_point(Point center, Offset offset);

class Seeder {
 public:
  // Progress lines go to `log`. `admin_token`: an access token of the demo admin, who approves
  // the merchants' and drivers' roles (empty: none, and seeding them fails saying why).
  Seeder(const ApiClient& api, const DemoCity& city, Point center, std::string password, std::string admin_token,
         std::ostream& log);

  // Everything but the admin. Throws std::runtime_error, naming the step and the server's
  // answer, on anything unexpected.
  SeedReport run();

 private:
  struct Session {
    std::string token;
    bool created = false;
  };
  Session account(const std::string& email, const std::string& name, const std::string& role);
  // Approves the pending application of `email` for `role`; false when there is none.
  bool approve_role(const std::string& email, const std::string& role);
  void seed_merchant(const DemoMerchant& merchant, SeedReport& report, bool first);
  void seed_customer(const DemoPerson& customer, SeedReport& report, bool first);
  // GET that retries 404 for a while: a profile appears shortly after registration (event).
  ApiResponse get_when_ready(const std::string& path, const std::string& token);
  std::string email(const std::string& account) const;

  const ApiClient& api_;
  const DemoCity& city_;
  Point center_;
  std::string password_;
  std::string admin_token_;
  std::ostream& log_;
};

// The closing table: every account, the shared password and the tour's ids.
void print_report(std::ostream& out, const SeedReport& report, const std::string& password, const std::string& url);

}  // namespace nelo::app::demo
