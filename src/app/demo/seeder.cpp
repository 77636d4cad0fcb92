#include "app/demo/seeder.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cmath>
#include <ostream>
#include <set>
#include <stdexcept>
#include <thread>

namespace nelo::app::demo {
namespace {

namespace json = boost::json;

constexpr double kMetresPerDegree = 111'320.0;  // of latitude; of longitude at the equator
constexpr double kPi = 3.14159265358979323846;

[[noreturn]] void fail(const std::string& step, const ApiResponse& response) {
  throw std::runtime_error(step + ": " + response.describe());
}

json::object range(const char* opens, const char* closes) { return {{"opens", opens}, {"closes", closes}}; }

json::object opening_hours(Hours hours) {
  static const char* const kDays[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  json::object week;
  for (int day = 0; day < 7; ++day) {
    json::array ranges;
    switch (hours) {
      case Hours::Always:
        ranges.push_back(range("00:00", "24:00"));
        break;
      case Hours::LunchDinner:
        if (day < 6) {
          ranges.push_back(range("12:00", "14:30"));
          ranges.push_back(range("19:00", "22:30"));
        }
        break;
      case Hours::Bakery:
        if (day > 0) ranges.push_back(range("07:00", "20:00"));
        break;
      case Hours::Creperie:
        ranges.push_back(range("11:30", "15:00"));
        ranges.push_back(range("18:30", "23:00"));
        break;
    }
    week[kDays[day]] = std::move(ranges);
  }
  return week;
}

// Names are UTF-8 ("Crêperie"): columns are aligned on characters, not bytes.
std::size_t characters(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string padded(std::string_view text, std::size_t width) {
  std::string out(text);
  const auto n = characters(text);
  if (n < width) out.append(width - n, ' ');
  return out;
}

json::object money(long long cents) { return {{"amount", cents}, {"currency", "EUR"}}; }

std::string text(const json::value& v, std::string_view field) {
  if (!v.is_object()) return {};
  const auto* f = v.as_object().if_contains(field);
  return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

// The "items" of a list answer.
json::array items_of(const ApiResponse& response, const std::string& step) {
  auto body = response.json();
  if (!body.is_object() || !body.as_object().contains("items") || !body.at("items").is_array()) {
    throw std::runtime_error(step + ": expected {\"items\": [...]}, got " + response.body.substr(0, 300));
  }
  return std::move(body.at("items").as_array());
}

}  // namespace

Point offset_point(Point center, Offset offset) {
  auto round6 = [](double x) { return std::round(x * 1e6) / 1e6; };
  const double lat = center.lat + offset.north_m / kMetresPerDegree;
  const double lng = center.lng + offset.east_m / (kMetresPerDegree * std::cos(center.lat * kPi / 180.0));
  return {round6(lat), round6(lng)};
}

Seeder::Seeder(const ApiClient& api, const DemoCity& city, Point center, std::string password,
               std::string admin_token, std::ostream& log)
    : api_(api),
      city_(city),
      center_(center),
      password_(std::move(password)),
      admin_token_(std::move(admin_token)),
      log_(log) {}

std::string Seeder::email(const std::string& account) const { return account + "@" + kEmailDomain; }

Seeder::Session Seeder::account(const std::string& address, const std::string& name, const std::string& role) {
  // Whether the account exists is asked of the admin API when there is an admin: a failed login
  // or a repeated registration would count against this client address's limits, and the seed
  // always comes from the same address. Without an admin, a login tells.
  json::object credentials{{"email", address}, {"password", password_}};
  ApiResponse login;
  bool exists = false;
  if (!admin_token_.empty()) {
    auto found = api_.get("/api/v1/auth/users?email=" + address, admin_token_);
    if (found.status != 200) fail("looking up " + address, found);
    exists = !items_of(found, "looking up " + address).empty();
  } else {
    login = api_.post("/api/v1/auth/login", credentials);
    if (login.status != 200 && login.status != 401) fail("logging in as " + address, login);
    exists = login.status == 200;
  }
  bool created = false;
  if (!exists) {
    json::object registration{{"email", address}, {"password", password_}, {"name", name}, {"role", role}};
    auto registered = api_.post("/api/v1/auth/register", registration);
    if (registered.status != 201 && registered.status != 409) fail("registering " + address, registered);
    created = registered.status == 201;
  }
  // Merchants and drivers applied for their role: the demo admin approves it, and the tokens of
  // the next sign-in carry it.
  const bool approved = role != "customer" && approve_role(address, role);
  if (login.status != 200 || created || approved) {
    login = api_.post("/api/v1/auth/login", credentials);
    if (login.status == 401) {
      throw std::runtime_error("logging in as " + address +
                               ": the account exists with another password (seed with the password it was made "
                               "with, --password, or start from an empty database)");
    }
    if (login.status != 200) fail("logging in as " + address, login);
  }
  return {text(login.json(), "access_token"), created};
}

bool Seeder::approve_role(const std::string& address, const std::string& role) {
  if (admin_token_.empty()) {
    throw std::runtime_error("the " + role + " role of " + address +
                             " must be approved by an admin, and the demo admin is not available (set DATABASE_URL "
                             "to the server's database so that it can be created)");
  }
  std::string cursor;
  do {
    auto page = api_.get("/api/v1/auth/role-applications?status=pending&limit=100" +
                             (cursor.empty() ? std::string() : "&cursor=" + cursor),
                         admin_token_);
    if (page.status != 200) fail("listing the pending role applications", page);
    for (const auto& a : items_of(page, "listing the pending role applications")) {
      if (text(a, "email") != address || text(a, "role") != role) continue;
      auto approved = api_.post("/api/v1/auth/role-applications/" + text(a, "id") + "/approve", json::object{},
                                admin_token_);
      if (approved.status != 200) fail("approving the " + role + " role of " + address, approved);
      return true;
    }
    auto body = page.json();
    cursor = text(body, "next_cursor");
  } while (!cursor.empty());
  return false;
}

ApiResponse Seeder::get_when_ready(const std::string& path, const std::string& token) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (true) {
    auto response = api_.get(path, token);
    if (response.status != 404 || std::chrono::steady_clock::now() >= deadline) return response;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void Seeder::seed_merchant(const DemoMerchant& m, SeedReport& report, bool first) {
  const auto address = email(m.account);
  auto session = account(address, m.owner_name, "merchant");

  auto mine = api_.get("/api/v1/catalog/me/merchants", session.token);
  if (mine.status != 200) fail("listing the merchants of " + address, mine);
  std::string merchant_id;
  bool created = false;
  if (const auto items = items_of(mine, "listing the merchants of " + address); !items.empty()) {
    merchant_id = text(items.front(), "id");
  } else {
    const auto at = offset_point(center_, m.at);
    json::object body{{"name", m.name},
                      {"description", m.description},
                      {"address", m.street},
                      {"lat", at.lat},
                      {"lng", at.lng},
                      {"phone", m.phone},
                      {"opening_hours", opening_hours(m.hours)},
                      {"time_zone", city_.time_zone},
                      {"prep_time_minutes", m.prep_time_minutes},
                      {"min_order", money(m.min_order_cents)},
                      {"delivery_radius_m", m.delivery_radius_m}};
    auto made = api_.post("/api/v1/catalog/merchants", body, session.token);
    if (made.status != 201) fail("creating the merchant " + m.name, made);
    merchant_id = text(made.json(), "id");
    created = true;
    ++report.merchants_created;
  }
  if (merchant_id.empty()) throw std::runtime_error("the merchant of " + address + " came back without an id");

  // The menu: whatever a previous, interrupted run did not create yet.
  const std::string products_path = "/api/v1/catalog/merchants/" + merchant_id + "/products";
  std::set<std::string> existing;
  std::string first_product_id;
  std::string cursor;
  do {
    auto page = api_.get(products_path + "?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), session.token);
    if (page.status != 200) fail("listing the products of " + m.name, page);
    for (const auto& p : items_of(page, "listing the products of " + m.name)) {
      existing.insert(text(p, "name"));
      if (text(p, "name") == m.menu.front().name) first_product_id = text(p, "id");
    }
    auto body = page.json();
    cursor = text(body, "next_cursor");
  } while (!cursor.empty());

  int added = 0;
  for (const auto& product : m.menu) {
    if (existing.count(product.name)) continue;
    json::object body{{"name", product.name},
                      {"description", product.description.empty() ? json::value(nullptr) : json::value(product.description)},
                      {"price", money(product.price_cents)},
                      {"available", product.available},
                      {"category", product.category}};
    auto made = api_.post(products_path, body, session.token);
    if (made.status != 201) fail("adding " + product.name + " to " + m.name, made);
    if (&product == &m.menu.front()) first_product_id = text(made.json(), "id");
    ++added;
  }
  report.products_created += added;

  log_ << "  merchant  " << padded(m.name, 26) << (created ? "created" : "already there") << ", "
       << m.menu.size() << " products" << (added && !created ? " (" + std::to_string(added) + " added)" : std::string()) << '\n';
  report.accounts.push_back({"merchant", address, m.owner_name, m.name, session.created});
  if (first) {
    report.merchant_id = merchant_id;
    report.merchant_name = m.name;
    report.product_id = first_product_id;
    report.product_name = m.menu.front().name;
  }
}

void Seeder::seed_customer(const DemoPerson& c, SeedReport& report, bool first) {
  const auto address = email(c.account);
  auto session = account(address, c.name, "customer");

  const std::string path = "/api/v1/users/me/addresses";
  auto listed = get_when_ready(path + "?limit=100", session.token);
  if (listed.status != 200) fail("listing the addresses of " + address, listed);
  const auto items = items_of(listed, "listing the addresses of " + address);
  std::string first_address_id;
  std::size_t count = items.size();
  const bool skip = !items.empty();
  for (const auto& a : items) {
    if (text(a, "label") == c.addresses.front().label) first_address_id = text(a, "id");
  }
  if (!skip) {
    for (const auto& a : c.addresses) {
      const auto at = offset_point(center_, a.at);
      json::object body{{"label", a.label}, {"line1", a.line1},          {"city", city_.city},
                        {"postal_code", a.postal_code}, {"country", city_.country}, {"lat", at.lat},
                        {"lng", at.lng}};
      if (!a.instructions.empty()) body["instructions"] = a.instructions;
      // Retried on 404 like the list: the profile may still be on its way.
      ApiResponse made;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      do {
        made = api_.post(path, body, session.token);
        if (made.status == 404) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      } while (made.status == 404 && std::chrono::steady_clock::now() < deadline);
      if (made.status != 201) fail("adding the address " + a.label + " of " + address, made);
      if (&a == &c.addresses.front()) first_address_id = text(made.json(), "id");
      ++report.addresses_created;
    }
    count = c.addresses.size();
  }
  log_ << "  customer  " << padded(c.name, 26) << (skip ? "already there" : "created") << ", "
       << count << (count == 1 ? " address" : " addresses") << '\n';
  report.accounts.push_back({"customer", address, c.name,
                             std::to_string(count) + (count == 1 ? " address" : " addresses"), session.created});
  if (first) {
    report.address_id = first_address_id;
    report.address_owner = address;
  }
}

SeedReport Seeder::run() {
  SeedReport report;
  bool first = true;
  for (const auto& m : city_.merchants) {
    seed_merchant(m, report, first);
    first = false;
  }
  first = true;
  for (const auto& c : city_.customers) {
    seed_customer(c, report, first);
    first = false;
  }
  for (const auto& d : city_.drivers) {
    const auto address = email(d.account);
    auto session = account(address, d.name, "driver");
    log_ << "  driver    " << padded(d.name, 26) << (session.created ? "created" : "already there")
         << '\n';
    report.accounts.push_back({"driver", address, d.name, "", session.created});
  }
  return report;
}

void print_report(std::ostream& out, const SeedReport& report, const std::string& password, const std::string& url) {
  std::size_t email_width = 5, name_width = 4;
  for (const auto& a : report.accounts) {
    email_width = std::max(email_width, characters(a.email));
    name_width = std::max(name_width, characters(a.name));
  }
  out << "\nDemo data ready on " << url << ". Every account's password: " << password << "\n\n";
  out << padded("role", 10) << padded("email", email_width + 2) << padded("name", name_width + 2) << "details\n";
  for (const auto& a : report.accounts) {
    out << padded(a.role, 10) << padded(a.email, email_width + 2) << padded(a.name, name_width + 2) << a.detail
        << '\n';
  }
  out << "\nFor the tour (README.md):\n";
  if (!report.merchant_id.empty()) out << "  MERCHANT_ID=" << report.merchant_id << "   # " << report.merchant_name << '\n';
  if (!report.product_id.empty()) out << "  PRODUCT_ID=" << report.product_id << "    # " << report.product_name << '\n';
  if (!report.address_id.empty()) out << "  ADDRESS_ID=" << report.address_id << "    # of " << report.address_owner << '\n';
  out << "\nThis run created " << report.merchants_created << " merchants, " << report.products_created
      << " products and " << report.addresses_created << " addresses.\n";
}

}  // namespace nelo::app::demo
