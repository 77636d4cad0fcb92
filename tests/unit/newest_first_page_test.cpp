// The SQL of a newest-first page: filters numbered by the caller, then the cursor's two
// parameters, then the limit.

#include <gtest/gtest.h>

#include "core/db/newest_first_page.hpp"

namespace nelo::db {
namespace {

TEST(NewestFirstPage, FirstPageWithoutFilters) {
  EXPECT_EQ(newest_first_page_sql("SELECT x.id FROM t x", "x", {}, 0, false),
            "SELECT x.id FROM t x ORDER BY x.created_at DESC, x.id DESC LIMIT $1");
}

TEST(NewestFirstPage, FiltersThenTheCursorThenTheLimit) {
  EXPECT_EQ(newest_first_page_sql("SELECT o.id FROM orders o", "o", {"o.customer_id = $1", "o.status = $2"}, 2, true),
            "SELECT o.id FROM orders o WHERE o.customer_id = $1 AND o.status = $2"
            " AND (o.created_at, o.id) < ($3::timestamptz, $4::uuid)"
            " ORDER BY o.created_at DESC, o.id DESC LIMIT $5");
}

TEST(NewestFirstPage, AConditionWithoutParameters) {
  EXPECT_EQ(newest_first_page_sql("SELECT d.id FROM d d", "d", {"d.done = false"}, 0, true),
            "SELECT d.id FROM d d WHERE d.done = false AND (d.created_at, d.id) < ($1::timestamptz, $2::uuid)"
            " ORDER BY d.created_at DESC, d.id DESC LIMIT $3");
}

}  // namespace
}  // namespace nelo::db
