#include "core/db/error_mapping.hpp"

#include <gtest/gtest.h>

#include "core/db/errors.hpp"

namespace nelo::db::detail {
namespace {

ServerError err(std::string sqlstate, std::string message = "server says something internal") {
  ServerError e;
  e.sqlstate = std::move(sqlstate);
  e.message = std::move(message);
  return e;
}

TEST(DbErrorMapping, UniqueViolation_CarriesTheConstraintButNotTheServerMessage) {
  auto e = err("23505", "duplicate key value violates unique constraint \"users_email_key\"");
  e.constraint = "users_email_key";
  e.detail = "Key (email)=(secret@example.com) already exists.";
  try {
    throw_mapped(e);
  } catch (const UniqueViolation& u) {
    EXPECT_EQ(u.constraint(), "users_email_key");
    EXPECT_EQ(u.sqlstate(), "23505");
    EXPECT_FALSE(dynamic_cast<const Error*>(&u)) << "not a domain error: the repository that expects it says what it means";
    EXPECT_EQ(std::string(u.what()).find("secret@example.com"), std::string::npos);
    return;
  }
  FAIL() << "not a UniqueViolation";
}

TEST(DbErrorMapping, SerializationFailureAndDeadlock_AreRetryable) {
  EXPECT_THROW(throw_mapped(err("40001")), RetryableError);
  EXPECT_THROW(throw_mapped(err("40P01")), RetryableError);
}

TEST(DbErrorMapping, CanceledStatementsAndLockTimeouts_AreTimeouts) {
  EXPECT_THROW(throw_mapped(err("57014")), StatementTimeout);
  EXPECT_THROW(throw_mapped(err("55P03")), StatementTimeout);
}

TEST(DbErrorMapping, ConnectionProblems_AreUnavailable) {
  for (const char* s : {"08000", "08006", "08001", "57P01", "57P02", "57P03", "53300"}) {
    try {
      throw_mapped(err(s));
      ADD_FAILURE() << s;
    } catch (const Unavailable& u) {
      EXPECT_EQ(u.kind(), ErrorKind::Unavailable) << s;
      EXPECT_EQ(std::string(u.what()).find("internal"), std::string::npos) << s;
    }
  }
  ServerError lost = err("", "server closed the connection unexpectedly");
  lost.connection_lost = true;
  EXPECT_THROW(throw_mapped(lost), Unavailable);
  // A server error on a connection that then died is about the connection, not the statement.
  ServerError fatal = err("XX000");
  fatal.connection_lost = true;
  EXPECT_THROW(throw_mapped(fatal), Unavailable);
}

TEST(DbErrorMapping, InsufficientResources_AreUnavailableNotBugs) {
  // A full disk under a table (53100, "could not extend file"), memory, or a server limit: the
  // write is refused for now; the client is told to retry (503), nothing was half-written.
  for (const char* s : {"53000", "53100", "53200", "53300", "53400"}) {
    try {
      throw_mapped(err(s, "could not extend file \"pg_tblspc/1/2/3\": No space left on device"));
      ADD_FAILURE() << s;
    } catch (const Unavailable& u) {
      EXPECT_EQ(std::string(u.what()).find("pg_tblspc"), std::string::npos) << "the server's text leaked: " << s;
    } catch (const DatabaseError&) {
      ADD_FAILURE() << s << " became a DatabaseError (a 500)";
    }
  }
}

TEST(DbErrorMapping, DatabaseUnavailability_TellsTheClientWhenToRetry) {
  for (const char* s : {"08006", "57P01", "53100", "57014"}) {
    try {
      throw_mapped(err(s));
      ADD_FAILURE() << s;
    } catch (const ServiceUnavailable& u) {
      ASSERT_TRUE(u.retry_after().has_value()) << s << ": a 503 without Retry-After";
      EXPECT_EQ(*u.retry_after(), kDatabaseRetryAfter) << s;
    }
  }
}

TEST(DbErrorMapping, StaleCachedPlan_IsRecognisedByStateAndMessage) {
  EXPECT_TRUE(is_stale_cached_plan(err("0A000", "cached plan must not change result type")));
  EXPECT_FALSE(is_stale_cached_plan(err("0A000", "COPY is not supported through the pool")));
  EXPECT_FALSE(is_stale_cached_plan(err("XX000", "cached plan must not change result type")));
}

TEST(DbErrorMapping, EverythingElse_IsADatabaseErrorKeepingSqlstateAndMessage) {
  auto e = err("42501", "permission denied for schema orders");
  e.detail = "more";
  try {
    throw_mapped(e);
  } catch (const DatabaseError& d) {
    EXPECT_EQ(d.sqlstate(), "42501");
    EXPECT_EQ(std::string(d.what()), "permission denied for schema orders (more)");
    return;
  }
  FAIL() << "not a DatabaseError";
}

TEST(DbErrorMapping, DatabaseError_IsNotAClientFacingError) {
  // nelo::Error subclasses become problem+json with their message; DatabaseError must not.
  EXPECT_FALSE((std::is_base_of_v<nelo::Error, DatabaseError>));
  try {
    throw_mapped(err("42601"));
  } catch (const nelo::Error&) {
    FAIL() << "a programming error leaked as a client-facing error";
  } catch (const DatabaseError&) {
  }
}

}  // namespace
}  // namespace nelo::db::detail
