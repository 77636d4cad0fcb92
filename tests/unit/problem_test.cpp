#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "core/db/errors.hpp"
#include "core/errors.hpp"
#include "core/http/protocol_errors.hpp"
#include "core/http/problem.hpp"
#include "support/log_capture.hpp"

namespace nelo::http {
namespace {

namespace json = boost::json;

Request make_request() {
  Request r;
  r.method = "POST";
  r.path = "/api/v1/orders";
  r.request_id = "req-123";
  return r;
}

template <class E>
Response map(E error, const Request& request = make_request()) {
  return problem_response(std::make_exception_ptr(std::move(error)), request);
}

std::optional<std::string> header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

TEST(Problem, TypedErrorBecomesRfc9457Document) {
  auto r = map(NotFound("Order 42 does not exist"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type"), "/problems/not-found");
  EXPECT_EQ(body.at("title"), "Not found");
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("detail"), "Order 42 does not exist");
  EXPECT_EQ(body.at("instance"), "/api/v1/orders");
  EXPECT_EQ(body.at("request_id"), "req-123");
  EXPECT_FALSE(body.contains("errors"));
}

TEST(Problem, ValidationErrorListsFieldErrors) {
  auto r = map(ValidationError(std::vector<FieldError>{{"items[0].quantity", "must be positive"}, {"currency", "is required"}}));
  EXPECT_EQ(r.status, 422);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type"), "/problems/validation-error");
  auto& errors = body.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field"), "items[0].quantity");
  EXPECT_EQ(errors[0].at("message"), "must be positive");
  EXPECT_EQ(errors[1].at("field"), "currency");
}

TEST(Problem, CustomTypeSlugBuildsTheTypeUri) {
  auto r = map(Conflict("email-taken", "An account already exists for this email address"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json::parse(r.body).at("type"), "/problems/email-taken");
}

TEST(Problem, EveryKindHasItsStatus) {
  EXPECT_EQ(map(BadRequest("x")).status, 400);
  EXPECT_EQ(map(Unauthorized()).status, 401);
  EXPECT_EQ(map(Forbidden()).status, 403);
  EXPECT_EQ(map(NotFound()).status, 404);
  EXPECT_EQ(map(Conflict("x")).status, 409);
  EXPECT_EQ(map(PayloadTooLarge()).status, 413);
  EXPECT_EQ(map(ValidationError("f", "m")).status, 422);
  EXPECT_EQ(map(TooManyRequests(std::chrono::seconds(1))).status, 429);
  EXPECT_EQ(map(ServiceUnavailable("x")).status, 503);
  EXPECT_EQ(map(RequestTimeout()).status, 408);
  EXPECT_EQ(map(UnsupportedMediaType()).status, 415);
  EXPECT_EQ(map(HeaderTooLarge()).status, 431);
}

TEST(Problem, AnUnexpectedUniqueViolationIsAnInternalErrorThatTellsNothing) {
  auto r = map(db::UniqueViolation("users_email_key"));
  EXPECT_EQ(r.status, 500);
  auto body = json::parse(r.body);
  EXPECT_EQ(body.at("type"), "/problems/internal-error");
  EXPECT_EQ(r.body.find("users_email_key"), std::string::npos) << "a constraint's name reached the client";
}

TEST(Problem, ARefusalOfItsOwnKindHasNoFieldList) {
  auto r = map(ValidationError("idempotency-key-reused", "Idempotency key reused", "use a new key"));
  EXPECT_EQ(r.status, 422);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type"), "/problems/idempotency-key-reused");
  EXPECT_FALSE(body.contains("errors"));
}

TEST(Problem, MethodNotAllowedSetsAllow) {
  auto r = map(MethodNotAllowed({"GET", "DELETE"}));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header(r, "Allow"), "GET, DELETE");
}

TEST(Problem, TooManyRequestsSetsRetryAfter) {
  auto r = map(TooManyRequests(std::chrono::seconds(30)));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "30");
}

TEST(Problem, ServiceUnavailableSetsRetryAfterOnlyWhenKnown) {
  auto known = map(ServiceUnavailable("database is down", std::chrono::seconds(5)));
  EXPECT_EQ(known.status, 503);
  EXPECT_EQ(header(known, "Retry-After"), "5");
  auto unknown = map(ServiceUnavailable("database is down"));
  EXPECT_FALSE(header(unknown, "Retry-After"));
  auto subclass = map(db::Unavailable("no connection within 2000 ms"));
  EXPECT_EQ(subclass.status, 503);
  EXPECT_EQ(header(subclass, "Retry-After"), "1") << "a database outage says when to retry";
  auto timeout = map(db::StatementTimeout("The database did not answer in time"));
  EXPECT_EQ(timeout.status, 503);
  EXPECT_EQ(header(timeout, "Retry-After"), "1");
}

TEST(Problem, UnauthorizedAsksForBearerAndSaysInvalidTokenOnlyWhenOneWasSent) {
  auto anonymous = map(Unauthorized());
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(header(anonymous, "WWW-Authenticate"), "Bearer");
  Request with_token = make_request();
  with_token.headers.emplace_back("authorization", "Bearer abc");
  auto invalid = map(Unauthorized("token expired"), with_token);
  EXPECT_EQ(header(invalid, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
}

TEST(Problem, UnknownExceptionIsAGeneric500ThatIsLoggedNotShown) {
  test::LogCapture log;
  auto r = map(std::runtime_error("connection to 10.0.0.5 failed: password=hunter2"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(r.body.find("10.0.0.5"), std::string::npos);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("type"), "/problems/internal-error");
  EXPECT_EQ(body.at("request_id"), "req-123");
  auto lines = log.find({"\"level\":\"error\"", "hunter2", "std::runtime_error", "/api/v1/orders"});
  EXPECT_EQ(lines.size(), 1u);
}

TEST(Problem, DatabaseErrorIsA500WithoutSqlDetails) {
  test::LogCapture log;
  auto r = map(db::DatabaseError("42501", "permission denied for schema orders"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("permission"), std::string::npos);
  EXPECT_EQ(log.find({"permission denied for schema orders"}).size(), 1u);
}

TEST(Problem, NonStandardExceptionIsA500) {
  test::LogCapture log;
  auto r = problem_response(std::make_exception_ptr(42), make_request());
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(log.find({"non-standard exception"}).size(), 1u);
}

TEST(Problem, FramingErrorsCanBeMappedWithoutARequest) {
  auto r = problem_response(HeaderTooLarge(), "", "rid-1");
  EXPECT_EQ(r.status, 431);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("request_id"), "rid-1");
  EXPECT_EQ(body.at("title"), "Request header fields too large");
}

// The instance is the decoded path, any bytes a client chose: the document must stay UTF-8 JSON.
TEST(Problem, AnInstanceThatIsNotUtf8IsWrittenPercentEncoded) {
  auto r = problem_response(BadRequest("not text"), "/items/\xFF\xC3\xA9", "rid");
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("instance"), "/items/%FF%C3%A9");
  auto fine = problem_response(BadRequest("text"), "/items/\xC3\xA9", "rid");
  EXPECT_EQ(json::parse(fine.body).at("instance"), "/items/\xC3\xA9");
}

}  // namespace
}  // namespace nelo::http
