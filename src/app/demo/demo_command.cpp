#include "app/demo/demo_command.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "app/application.hpp"
#include "app/demo/api_client.hpp"
#include "app/demo/demo_data.hpp"
#include "app/demo/seeder.hpp"
#include "core/errors.hpp"

namespace nelo::app::demo {
namespace {

namespace json = boost::json;

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Kept when it exists (it logs in with the demo password); otherwise created in-process like
// `nelo admin create`, which needs the server's database. Returns its row of the report.
SeededAccount ensure_admin(const ApiClient& api, const DemoCity& city, const std::string& password,
                           const Config& config, std::ostream& out) {
  const std::string email = city.admin.account + "@" + kEmailDomain;
  SeededAccount row{"admin", email, city.admin.name, "", false};
  json::object credentials{{"email", email}, {"password", password}};
  if (api.post("/api/v1/auth/login", credentials).status == 200) {
    out << "  admin     " << email << " already there\n";
    return row;
  }
  if (config.database_url.empty()) {
    out << "  admin     skipped: set DATABASE_URL (the server's database) to create it in-process\n";
    row.detail = "not created (no DATABASE_URL)";
    return row;
  }
  try {
    Application app(config);
    if (app.create_admin(email, city.admin.name, password) != 0) {
      throw std::runtime_error("nelo admin create failed");
    }
    row.created = true;
  } catch (const Conflict&) {
    // Exists, but the demo password does not open it: someone changed it. Keep it as it is.
    out << "  admin     " << email << " exists with another password; kept as is\n";
    row.detail = "password changed since; kept";
  }
  return row;
}

// The demo admin's access token, to approve the merchants' and drivers' roles; empty when it
// cannot sign in (not created, or its password was changed).
std::string admin_token(const ApiClient& api, const DemoCity& city, const std::string& password) {
  json::object credentials{{"email", city.admin.account + "@" + kEmailDomain}, {"password", password}};
  auto login = api.post("/api/v1/auth/login", credentials);
  if (login.status != 200) return {};
  auto body = login.json();
  if (!body.is_object() || !body.as_object().contains("access_token")) return {};
  return std::string(body.at("access_token").as_string());
}

}  // namespace

// /health/ready answers 200 once the server is up with its migrations applied.
bool wait_ready(const ApiClient& api, std::chrono::seconds patience, const std::string& command) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  std::string last;
  while (true) {
    try {
      auto response = api.get("/health/ready");
      if (response.status == 200) return true;
      last = response.describe();
    } catch (const std::runtime_error& e) {
      last = e.what();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::cerr << command << ": no ready Nelo server at " << api.base_url() << " (" << last
                << "); start one with ./scripts/run, or pass --url\n";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

void seed_city(const ApiClient& api, LatLng center, const std::string& password, const Config& config,
               std::ostream& out) {
  const auto& city = demo_city();
  out << "Seeding the demo city around " << center.lat << "," << center.lng << " through " << api.base_url() << '\n';
  auto admin = ensure_admin(api, city, password, config, out);
  Seeder seeder(api, city, Point{center.lat, center.lng}, password, admin_token(api, city, password), out);
  auto report = seeder.run();
  report.accounts.insert(report.accounts.begin(), std::move(admin));
  print_report(out, report, password, api.base_url());
}

std::optional<LatLng> parse_center(const std::string& text) {
  const auto comma = text.find(',');
  if (comma == std::string::npos) return std::nullopt;
  auto lat = parse_number(std::string_view(text).substr(0, comma));
  auto lng = parse_number(std::string_view(text).substr(comma + 1));
  if (!lat || !lng || *lat < -85 || *lat > 85 || *lng < -180 || *lng > 180) return std::nullopt;
  return LatLng{*lat, *lng};
}

int run_seed(const SeedCommand& command, const Config& config) {
  const auto center = parse_center(command.center);
  if (!center) {
    std::cerr << "nelo demo seed: --center must be LAT,LNG in degrees (latitude -85..85, longitude -180..180), got '"
              << command.center << "'\n";
    return 2;
  }
  const std::string password = command.password.empty() ? kDefaultPassword : command.password;
  if (password.size() < 12) {
    std::cerr << "nelo demo seed: --password must have at least 12 characters (the registration rule)\n";
    return 2;
  }
  std::optional<ApiClient> api;
  try {
    api.emplace(command.url);
  } catch (const std::invalid_argument& e) {
    std::cerr << "nelo demo seed: --url: " << e.what() << '\n';
    return 2;
  }
  if (!wait_ready(*api, std::chrono::seconds(std::max(0, command.wait_seconds)), "nelo demo seed")) return 1;

  try {
    seed_city(*api, *center, password, config, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "nelo demo seed: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace nelo::app::demo
