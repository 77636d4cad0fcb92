// The schema-driven probe: starts the real `nelo` binary on the test PostgreSQL, reads every
// operation from GET /openapi.json, and sends each of them, as each caller its policy allows (and
// anonymously, and with a forged token), requests that break the declared schema in every way it
// can (tests/support/schema_values.hpp): wrong types, bounds, lengths, patterns, invalid UTF-8,
// NUL, huge numbers, deep nesting, unknown and missing fields, malformed JSON, wrong or missing
// content type, empty and oversized bodies, hostile query strings, path values and headers, plus
// random valid requests. Every answer must be a 2xx or a status the operation documents, as
// application/problem+json when it is an error; never a 500, never silence past the deadline;
// and the server must be healthy afterwards. A route added tomorrow is probed the day it exists.
//
// Deterministic for a seed: NELO_PROBE_SEED (printed) overrides the fixed default. docs/testing.md
// explains how to read a failure.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/auth_client.hpp"
#include "support/http_client.hpp"
#include "support/nelo_process.hpp"
#include "support/openapi_operations.hpp"
#include "support/schema_values.hpp"
#include "support/test_database.hpp"

namespace nelo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kDefaultSeed = 20261206;
constexpr auto kDeadline = 5s;               // per request: more is a hang
constexpr std::size_t kValidPerCaller = 6;   // random valid requests per operation and caller
constexpr std::size_t kSampleOtherCallers = 24;  // hostile cases each non-primary caller gets
constexpr std::size_t kBodyLimit = 1 << 20;  // NELO_HTTP_BODY_LIMIT's default

std::uint64_t probe_seed() {
  if (const char* s = std::getenv("NELO_PROBE_SEED"); s && *s) return std::strtoull(s, nullptr, 10);
  return kDefaultSeed;
}

// Everything but RFC 3986 unreserved characters, percent-encoded.
std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string number_text(double d) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.12g", d);
  return buffer;
}

std::string excerpt(std::string_view s, std::size_t n = 160) {
  std::string out;
  for (unsigned char c : s.substr(0, n)) out += (c < 0x20 || c >= 0x7f) ? '?' : static_cast<char>(c);
  if (s.size() > n) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

// One request of the probe; the caller's Authorization is added when it is sent.
struct Case {
  std::string label;
  std::string target;
  std::string body;
  Headers headers;
  std::size_t declared_length = 0;  // > body.size(): an oversized body announced, not sent
};

struct Caller {
  std::string name;  // "anonymous", "forged token", or a role
  std::string role;  // the account's role; empty: no account
  std::string token;
};

struct Failure {
  std::string operation, caller, label, target, problem, body;
};

class OpenApiProbe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    server_ = new NeloProcess({"serve"}, {{"DATABASE_URL", db_->conninfo()},
                                          {"NELO_OUTBOX_POLL_INTERVAL_MS", "100"},
                                          {"NELO_LOG_LEVEL", "warn"},
                                          // Wrong passwords are part of the probe; the accounts
                                          // it signs in with again afterwards must not be locked.
                                          {"NELO_AUTH_MAX_FAILURES_PER_ACCOUNT", "1000"},
                                          {"NELO_AUTH_MAX_FAILURES_PER_ADDRESS", "100000"}});
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
  }

  HttpClient client(std::chrono::milliseconds timeout = 15s) { return HttpClient("127.0.0.1", server_->port(), timeout); }

  // --- the world the probe's path parameters and ids point into ---

  HttpResponse call(const std::string& method, const std::string& target, const std::string& token,
                    const json::value& body = nullptr, Headers headers = {}) {
    auto c = client();
    if (!token.empty()) headers.push_back(bearer(token));
    if (body.is_null()) return c.request(method, target, {}, headers);
    headers.emplace_back("Content-Type", "application/json");
    return c.request(method, target, json::serialize(body), headers);
  }

  std::string created_id(const HttpResponse& r, const std::string& what) {
    if (r.status != 201) {
      ADD_FAILURE() << "setting up the probe's world: " << what << " answered " << r.status << ": " << r.body;
      return {};
    }
    return std::string(r.json().at("id").as_string());
  }

  // An account holding exactly `role`, granted by the root admin the way an admin approves one.
  TestAccount account_with_role(const std::string& role) {
    auto c = client();
    TestAccount account = register_and_login(c, unique_email("probe-" + role));
    auto r = call("POST", "/api/v1/auth/users/" + account.user_id + "/roles", root_.access_token,
                  json::object{{"roles", json::array{json::string(role)}}});
    if (r.status != 200) ADD_FAILURE() << "granting " << role << " answered " << r.status << ": " << r.body;
    relogin(c, account);
    return account;
  }

  void build_world() {
    auto c = client();
    root_ = register_and_login(c, unique_email("probe-root"));
    promote_to_admin(c, *db_, root_);
    for (const char* role : {"customer", "merchant", "driver", "admin"}) accounts_[role] = account_with_role(role);
    const TestAccount victim = register_and_login(c, unique_email("probe-victim"));
    ids_["user"] = victim.user_id;

    // A shop open around the clock with a product, near the customer's address.
    json::object hours;
    for (const char* day : {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}) {
      hours[day] = json::array{json::object{{"opens", "00:00"}, {"closes", "24:00"}}};
    }
    json::object shop{{"name", "Probe Pizzeria"}, {"address", "1 place de l'Hôtel de Ville, 75004 Paris"},
                      {"lat", 48.8566}, {"lng", 2.3522}, {"phone", "+33142685300"},
                      {"opening_hours", std::move(hours)}, {"time_zone", "Europe/Paris"},
                      {"prep_time_minutes", 15}, {"min_order", json::object{{"amount", 500}, {"currency", "EUR"}}},
                      {"delivery_radius_m", 5000}};
    const std::string& merchant_token = accounts_["merchant"].access_token;
    ids_["merchant"] = created_id(call("POST", "/api/v1/catalog/merchants", merchant_token, shop), "the shop");
    json::object product{{"name", "Margherita"}, {"price", json::object{{"amount", 950}, {"currency", "EUR"}}},
                         {"available", true}, {"category", "Pizzas"}};
    ids_["product"] = created_id(
        call("POST", "/api/v1/catalog/merchants/" + ids_["merchant"] + "/products", merchant_token, product), "the product");

    // The customer's profile comes from the user.registered event, just after registration.
    json::object address{{"label", "Home"}, {"line1", "10 rue de Rivoli"}, {"city", "Paris"},
                         {"postal_code", "75004"}, {"country", "FR"}, {"lat", 48.8606}, {"lng", 2.3376}};
    const std::string& customer_token = accounts_["customer"].access_token;
    HttpResponse r;
    for (auto until = Clock::now() + 15s; Clock::now() < until; std::this_thread::sleep_for(50ms)) {
      r = call("POST", "/api/v1/users/me/addresses", customer_token, address);
      if (r.status != 404) break;
    }
    ids_["address"] = created_id(r, "the address");
    json::object order{{"merchant_id", ids_["merchant"]},
                       {"items", json::array{json::object{{"product_id", ids_["product"]}, {"quantity", 2}}}},
                       {"address_id", ids_["address"]},
                       {"payment", json::object{{"method", "cash"}}}};
    ids_["order"] = created_id(call("POST", "/api/v1/orders", customer_token, order, {{"Idempotency-Key", "probe-world"}}),
                               "the order");
  }

  // Signs the role's account in again after the probe ended its session (logout, disable...);
  // a fresh account when it cannot.
  void renew(Caller& caller) {
    TestAccount& account = accounts_[caller.role];
    auto c = client();
    try {
      relogin(c, account);
    } catch (const std::exception&) {
      account = account_with_role(caller.role);
    }
    caller.token = account.access_token;
  }

  // --- the requests ---

  std::vector<Caller> callers_of(const Operation& op) {
    std::vector<Caller> callers{{"anonymous", "", ""}, {"forged token", "", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"}};
    std::vector<std::string> roles = op.roles;
    if (op.is_public) roles = {"customer"};
    else if (roles.empty()) roles = {"customer", "merchant"};
    for (const auto& role : roles) {
      if (accounts_.count(role)) callers.push_back({role, role, accounts_[role].access_token});
    }
    return callers;
  }

  // The path with each parameter filled: a known id when its name or the segment before it names
  // one, else a random uuid; `override_name` gets `override_value` (already encoded) instead.
  std::string path_of(const Operation& op, SchemaValues& values, const std::string& override_name = {},
                      const std::string& override_value = {}) {
    std::string out, previous, segment;  // the last whole segment, and the one being read
    std::size_t i = 0;
    while (i < op.path.size()) {
      if (op.path[i] == '{') {
        std::size_t end = op.path.find('}', i);
        std::string name = op.path.substr(i + 1, end - i - 1);
        if (name == override_name) {
          out += override_value;
        } else {
          std::string noun = noun_of(name);
          if (!ids_.count(noun)) noun = noun_of(previous);
          out += ids_.count(noun) ? ids_[noun] : values.uuid();
        }
        i = end + 1;
        continue;
      }
      if (op.path[i] == '/') {
        if (!segment.empty()) previous = std::move(segment);
        segment.clear();
      } else {
        segment += op.path[i];
      }
      out += op.path[i++];
    }
    return out;
  }

  std::string query_value(SchemaValues& values, const OperationParameter& p) {
    json::value v = values.valid(p.schema, p.name);
    if (v.is_string()) return percent_encode(v.as_string());
    if (v.is_bool()) return v.as_bool() ? "true" : "false";
    if (v.is_double()) return percent_encode(number_text(v.as_double()));  // 48.85, not 4.885E1
    return percent_encode(json::serialize(v));
  }

  // Which optional query parameters a request carries besides the one under test.
  enum class Others { Random, RequiredOnly, All };

  // The query string: required parameters, and optional ones as `others` says; `skip` left out,
  // `override_name` given `override_value` (already encoded).
  std::string query_of(const Operation& op, SchemaValues& values, std::mt19937_64& rng, Others others = Others::Random,
                       const std::string& skip = {}, const std::string& override_name = {},
                       const std::string& override_value = {}) {
    std::string query;
    for (const auto* p : op.parameters_in("query")) {
      if (p->name == skip) continue;
      std::string value;
      if (p->name == override_name) {
        value = override_value;
      } else if (p->required || others == Others::All || (others == Others::Random && rng() % 2)) {
        value = query_value(values, *p);
      } else {
        continue;
      }
      query += (query.empty() ? "?" : "&") + percent_encode(p->name) + "=" + value;
    }
    return query;
  }

  Headers headers_of(const Operation& op, SchemaValues& values, const std::string& skip = {},
                     const std::string& override_name = {}, const std::string& override_value = {}) {
    Headers headers;
    for (const auto* p : op.parameters_in("header")) {
      if (p->name == skip) continue;
      headers.emplace_back(p->name, p->name == override_name ? override_value : values.uuid());
    }
    if (!op.body_schema.is_null()) headers.emplace_back("Content-Type", "application/json");
    return headers;
  }

  std::vector<Case> cases_of(const Operation& op, SchemaValues& values, std::mt19937_64& rng) {
    std::vector<Case> cases;
    const bool has_body = !op.body_schema.is_null();
    auto base = [&](std::string label) {
      Case c;
      c.label = std::move(label);
      c.target = path_of(op, values) + query_of(op, values, rng);
      c.headers = headers_of(op, values);
      if (has_body) c.body = json::serialize(values.valid(op.body_schema, {}, true));
      return c;
    };

    for (const auto* p : op.parameters_in("path")) {
      std::vector<std::pair<std::string, std::string>> hostile = {
          {"random uuid", values.uuid()}, {"not a uuid", "not-a-uuid"}, {"uuid in upper case", "4B1E2C3D-0000-4000-8000-00000000000A"},
          {"encoded slash", "a%2Fb"}, {"encoded NUL", "%00"}, {"invalid UTF-8", "%FF"}, {"overlong UTF-8", "%C0%AF"},
          {"encoded space", "%20"}, {"300 characters", std::string(300, 'a')}, {"SQL", percent_encode("1' OR '1'='1")}};
      for (const auto& [label, value] : hostile) {
        Case c = base("path " + p->name + ": " + label);
        c.target = path_of(op, values, p->name, value) + query_of(op, values, rng);
        cases.push_back(std::move(c));
      }
    }

    const std::vector<std::pair<std::string, std::string>> hostile_query = {
        {"empty", ""}, {"a word", "abc"}, {"a fraction", "1.5"}, {"negative", "-1"}, {"zero", "0"},
        {"beyond double", "1e999"}, {"NaN", "NaN"}, {"20 digits", "99999999999999999999"},
        {"-20 digits", "-99999999999999999999"}, {"invalid UTF-8", "%FF"}, {"overlong UTF-8", "%C0%AF"},
        {"NUL", "%00"}, {"line break", "%0A"}, {"bad percent-encoding", "%G1"}, {"lone percent", "%"},
        {"plus", "+"}, {"right-to-left override", "%E2%80%AE"}, {"10000 characters", std::string(10000, 'a')},
        {"not-in-enum", "probe-not-in-enum"}};
    for (const auto* p : op.parameters_in("query")) {
      // Each beside only the required others, then beside all of them: a random cursor, say,
      // refused first would hide what the broken one does.
      auto with = [&](const std::string& label, const std::string& value) {
        for (Others others : {Others::RequiredOnly, Others::All}) {
          Case c = base("query " + p->name + ": " + label + (others == Others::All ? " (all others given)" : ""));
          c.target = path_of(op, values) + query_of(op, values, rng, others, {}, p->name, value);
          cases.push_back(std::move(c));
        }
      };
      for (const auto& [label, value] : hostile_query) with(label, value);
      const json::value& s = p->schema;
      if (s.is_object()) {
        if (const auto* min = s.as_object().if_contains("minimum"); min && min->is_number())
          with("below minimum", number_text(min->to_number<double>() - 1));
        if (const auto* max = s.as_object().if_contains("maximum"); max && max->is_number())
          with("above maximum", number_text(max->to_number<double>() + 1));
        if (const auto* max = s.as_object().if_contains("maxLength"); max && max->is_number())
          with("one past maxLength", std::string(max->to_number<std::size_t>() + 1, 'a'));
      }
      Case twice = base("query " + p->name + ": given twice");
      twice.target = path_of(op, values) + query_of(op, values, rng, Others::All, {}, p->name, query_value(values, *p)) + "&" +
                     percent_encode(p->name) + "=" + query_value(values, *p);
      cases.push_back(std::move(twice));
      if (p->required) {
        Case missing = base("query " + p->name + ": missing");
        missing.target = path_of(op, values) + query_of(op, values, rng, Others::All, p->name);
        cases.push_back(std::move(missing));
      }
    }
    for (const auto& [label, raw] : std::vector<std::pair<std::string, std::string>>{
             {"unknown parameter", "probe_unknown=1"}, {"only separators", "&&&"}, {"empty name", "=1"},
             {"name without value", "probe"}, {"invalid UTF-8 name", "%FF=1"}}) {
      Case c = base("query: " + label);
      c.target += (c.target.find('?') == std::string::npos ? "?" : "&") + raw;
      cases.push_back(std::move(c));
    }

    for (const auto* p : op.parameters_in("header")) {
      for (const auto& [label, value] : std::vector<std::pair<std::string, std::string>>{
               {"empty", ""}, {"300 characters", std::string(300, 'k')}, {"UTF-8 bytes", "cl\xc3\xa9"},
               {"spaces inside", "a b c"}, {"invalid UTF-8 bytes", "\xff\xfe"}}) {
        Case c = base("header " + p->name + ": " + label);
        c.headers = headers_of(op, values, {}, p->name, value);
        cases.push_back(std::move(c));
      }
      Case missing = base("header " + p->name + ": missing");
      missing.headers = headers_of(op, values, p->name);
      cases.push_back(std::move(missing));
    }

    Case oversized = base("body over the server's limit (announced, not sent)");
    oversized.body = "{";
    oversized.declared_length = kBodyLimit + 1;
    if (!has_body) oversized.headers.emplace_back("Content-Type", "application/json");
    cases.push_back(std::move(oversized));
    if (has_body) {
      for (auto& b : values.hostile_bodies(op.body_schema)) {
        Case c = base(b.label);
        c.body = std::move(b.text);
        cases.push_back(std::move(c));
      }
      for (const auto& [label, type] : std::vector<std::pair<std::string, std::string>>{
               {"text/plain", "text/plain"}, {"form", "application/x-www-form-urlencoded"},
               {"JSON in UTF-16", "application/json; charset=utf-16"}, {"jsonx", "application/jsonx"},
               {"multipart", "multipart/form-data; boundary=x"}, {"empty", ""}}) {
        Case c = base("content type " + label);
        for (auto& [name, value] : c.headers) {
          if (name == "Content-Type") value = type;
        }
        cases.push_back(std::move(c));
      }
      Case untyped = base("no content type");
      std::erase_if(untyped.headers, [](const auto& h) { return h.first == "Content-Type"; });
      cases.push_back(std::move(untyped));
      Case empty = base("empty body");
      empty.body.clear();
      cases.push_back(std::move(empty));
    } else {
      Case unexpected = base("a JSON body it does not take");
      unexpected.body = "{\"probe\":1}";
      unexpected.headers.emplace_back("Content-Type", "application/json");
      cases.push_back(std::move(unexpected));
      Case garbage = base("a binary body it does not take");
      garbage.body = std::string("\xff\x00\xfe", 3);
      garbage.headers.emplace_back("Content-Type", "application/octet-stream");
      cases.push_back(std::move(garbage));
    }
    return cases;
  }

  // Random valid requests: fresh values each time, optional parts present or not.
  std::vector<Case> valid_cases(const Operation& op, SchemaValues& values, std::mt19937_64& rng) {
    std::vector<Case> cases;
    for (std::size_t i = 0; i < kValidPerCaller; ++i) {
      Case c;
      c.label = "valid #" + std::to_string(i + 1);
      c.target = path_of(op, values) + query_of(op, values, rng);
      c.headers = headers_of(op, values);
      if (!op.body_schema.is_null()) c.body = json::serialize(values.valid(op.body_schema, {}, i == 0));
      cases.push_back(std::move(c));
    }
    return cases;
  }

  // --- sending and judging ---

  std::optional<HttpResponse> send(std::unique_ptr<HttpClient>& http, const Operation& op, const Caller& caller,
                                   const Case& c) {
    Headers headers = c.headers;
    if (!caller.token.empty()) headers.push_back(bearer(caller.token));
    if (c.declared_length > c.body.size()) {
      RawConnection raw("127.0.0.1", server_->port(), kDeadline);
      std::string text = op.method + " " + c.target + " HTTP/1.1\r\nHost: probe\r\n";
      for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
      text += "Content-Length: " + std::to_string(c.declared_length) + "\r\n\r\n" + c.body;
      if (!raw.send(text)) return std::nullopt;
      return raw.read_response(kDeadline);
    }
    try {
      return http->request(op.method, c.target, c.body, headers);
    } catch (const std::exception&) {
      http = std::make_unique<HttpClient>("127.0.0.1", server_->port(), kDeadline);
      return std::nullopt;
    }
  }

  // Empty when `r` is an answer `op` may give.
  static std::string judge(const Operation& op, const HttpResponse& r) {
    if (r.status >= 500) return "server error " + std::to_string(r.status);
    if (r.status < 200 || (r.status >= 300 && r.status < 400)) return "unexpected status " + std::to_string(r.status);
    if (!op.statuses.count(r.status)) return "undocumented status " + std::to_string(r.status);
    const std::string type = r.header("content-type").value_or("");
    if (r.status >= 400) {
      if (!type.starts_with("application/problem+json")) return "error without application/problem+json (" + type + ")";
      try {
        json::value v = r.json();
        if (!v.is_object() || !v.as_object().contains("type") || !v.as_object().contains("title"))
          return "problem without type or title";
        const auto* status = v.as_object().if_contains("status");
        if (!status || !status->is_int64() || status->as_int64() != r.status) return "problem whose status differs";
      } catch (const std::exception&) {
        return "problem body is not JSON (UTF-8)";
      }
    } else if (type.starts_with("application/json") && !r.body.empty()) {
      try {
        (void)r.json();
      } catch (const std::exception&) {
        return "2xx body is not JSON (UTF-8)";
      }
    }
    return {};
  }

  static TestDatabase* db_;
  static NeloProcess* server_;
  TestAccount root_;
  std::map<std::string, TestAccount> accounts_;
  KnownIds ids_;
};

TestDatabase* OpenApiProbe::db_ = nullptr;
NeloProcess* OpenApiProbe::server_ = nullptr;

TEST_F(OpenApiProbe, EveryOperationAnswersOnlyWhatItDocuments) {
  const std::uint64_t seed = probe_seed();
  std::cout << "probe: seed " << seed << " (NELO_PROBE_SEED=" << seed << " repeats this run)" << std::endl;
  std::mt19937_64 rng(seed);
  const auto started = Clock::now();

  auto document = client().get("/openapi.json");
  ASSERT_EQ(document.status, 200) << document.body;
  std::vector<Operation> operations = openapi_operations(document.json().as_object());
  ASSERT_FALSE(operations.empty());
  // Reads before writes, deletions last: what a DELETE removes the others could still use.
  auto rank = [](const Operation& op) { return op.method == "GET" ? 0 : op.method == "DELETE" ? 2 : 1; };
  std::stable_sort(operations.begin(), operations.end(),
                   [&](const Operation& a, const Operation& b) { return rank(a) < rank(b); });

  ASSERT_NO_THROW(build_world());
  SchemaValues values(rng, ids_, {{"time_zone", "Europe/Paris"}});

  std::vector<Failure> failures;
  std::size_t total_requests = 0;
  auto http = std::make_unique<HttpClient>("127.0.0.1", server_->port(), kDeadline);
  for (const auto& op : operations) {
    const auto op_started = Clock::now();
    std::size_t requests = 0, op_failures = 0;
    std::map<int, std::size_t> seen;
    std::vector<Case> hostile = cases_of(op, values, rng);
    std::vector<Caller> callers = callers_of(op);
    // The first caller the policy lets through gets every case; the others a sample.
    const std::size_t primary = op.is_public ? 0 : std::min<std::size_t>(2, callers.size() - 1);
    for (std::size_t k = 0; k < callers.size(); ++k) {
      Caller& caller = callers[k];
      std::vector<Case> cases;
      if (k == primary) {
        cases = hostile;
      } else {
        std::vector<Case> sample = hostile;
        std::shuffle(sample.begin(), sample.end(), rng);
        sample.resize(std::min(sample.size(), kSampleOtherCallers));
        cases = std::move(sample);
      }
      // Random valid requests last: one may end the caller's session (logout) or remove the object.
      for (auto& c : valid_cases(op, values, rng)) cases.push_back(std::move(c));
      bool unauthenticated = false;
      for (const auto& c : cases) {
        ++requests;
        auto r = send(http, op, caller, c);
        std::string problem = r ? judge(op, *r) : "no answer within " + std::to_string(kDeadline.count()) + " s";
        if (r) ++seen[r->status];
        if (r && r->status == 401) unauthenticated = true;
        if (problem.empty()) continue;
        ++op_failures;
        failures.push_back({op.name(), caller.name, c.label, excerpt(c.target, 120), problem, r ? excerpt(r->body, 300) : ""});
      }
      if (unauthenticated && !caller.role.empty()) renew(caller);
    }
    total_requests += requests;
    std::ostringstream statuses;
    for (const auto& [status, n] : seen) statuses << " " << status << "x" << n;
    std::cout << "probe: " << (op_failures ? "FAIL " : "ok   ") << op.name() << ": " << callers.size() << " callers, "
              << requests << " requests, " << op_failures << " failures,"
              << statuses.str() << " ("
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - op_started).count() << " ms)"
              << std::endl;
  }

  // Still healthy, and nothing it sent ended in an unhandled error.
  auto live = client().get("/health/live");
  EXPECT_EQ(live.status, 200) << live.body;
  auto ready = client().get("/health/ready");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(server_->running());

  std::cout << "probe: " << operations.size() << " operations, " << total_requests << " requests, "
            << failures.size() << " failures in "
            << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count() << " s (seed " << seed
            << ")" << std::endl;
  // The server's own account of its 5xx (the exception, under the request id).
  std::istringstream log(server_->output());
  std::size_t shown = 0;
  for (std::string line; std::getline(log, line) && shown < 20;) {
    if (line.find("unhandled") == std::string::npos) continue;
    std::cout << "probe: server log: " << excerpt(line, 400) << std::endl;
    ++shown;
  }
  // One line per distinct (operation, problem), with the first case that showed it.
  std::map<std::pair<std::string, std::string>, std::pair<std::size_t, const Failure*>> grouped;
  for (const auto& f : failures) {
    auto& g = grouped[{f.operation, f.problem}];
    if (g.first++ == 0) g.second = &f;
  }
  for (const auto& [key, g] : grouped) {
    const Failure& f = *g.second;
    ADD_FAILURE() << f.operation << ": " << f.problem << " (" << g.first << " requests), e.g. as " << f.caller
                  << ", case \"" << excerpt(f.label, 120) << "\", target " << f.target << "\n  answered: " << f.body;
  }
}

}  // namespace
}  // namespace nelo::test
