#include <gtest/gtest.h>

#include "comptoir/pg/pg.hpp"

namespace comptoir::pg {
namespace {

TEST(PgMapError, UniqueViolationIsConflictNamingTheConstraint) {
  const PgError e =
      MapError("23505", "duplicate key value violates unique constraint \"product_sku_key\"", "product_sku_key");
  EXPECT_EQ(e.kind(), ErrorKind::kConflict);
  EXPECT_EQ(e.status(), 409);
  EXPECT_EQ(e.code(), "db.unique_violation");
  EXPECT_TRUE(e.IsUniqueViolation());
  EXPECT_EQ(e.constraint(), "product_sku_key");
  EXPECT_EQ(e.sqlstate(), "23505");
  EXPECT_NE(e.detail().find("product_sku_key"), std::string::npos);
}

TEST(PgMapError, ForeignKeyViolationIsConflict) {
  const PgError e = MapError("23503", "insert or update violates foreign key constraint", "sale_product_fkey");
  EXPECT_EQ(e.kind(), ErrorKind::kConflict);
  EXPECT_EQ(e.code(), "db.foreign_key_violation");
  EXPECT_FALSE(e.IsUniqueViolation());
}

TEST(PgMapError, CheckViolationAndDataExceptionsAreValidation) {
  for (const char* state : {"23514", "22P02", "22003", "22001"}) {
    const PgError e = MapError(state, "invalid input syntax for type integer: \"x\"", "");
    EXPECT_EQ(e.kind(), ErrorKind::kValidation) << state;
    EXPECT_EQ(e.code(), "db.invalid_value") << state;
    EXPECT_EQ(e.status(), 400) << state;
  }
}

TEST(PgMapError, SerializationFailureAndDeadlockAreRetryableConflicts) {
  for (const char* state : {"40001", "40P01"}) {
    const PgError e = MapError(state, "could not serialize access", "");
    EXPECT_EQ(e.kind(), ErrorKind::kConflict) << state;
    EXPECT_EQ(e.code(), "db.serialization_failure") << state;
  }
}

TEST(PgMapError, QueryCanceledIsTimeout) {
  const PgError e = MapError("57014", "canceling statement due to statement timeout", "");
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
  EXPECT_EQ(e.code(), "db.timeout");
  EXPECT_EQ(e.status(), 504);
}

TEST(PgMapError, ConnectionFailuresAreUnavailable) {
  for (const char* state : {"", "08006", "08001", "57P01", "57P02", "57P03", "53300"}) {
    const PgError e = MapError(state, "server closed the connection unexpectedly", "");
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable) << state;
    EXPECT_EQ(e.code(), "db.unavailable") << state;
    EXPECT_EQ(e.status(), 503) << state;
  }
}

TEST(PgMapError, AnythingElseIsInternalWithoutServerText) {
  const PgError e = MapError("42P01", "relation \"secret_table\" does not exist", "");
  EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  EXPECT_EQ(e.code(), "db.error");
  EXPECT_EQ(e.detail().find("secret_table"), std::string::npos);
}

TEST(PgParams, TextIntegersBooleansAndNull) {
  Params params;
  params.Add("Café").Add(std::string("x")).Add(std::int64_t{-42}).Add(7).Add(true).Add(false).AddNull();
  params.Add(std::optional<std::string>()).Add(std::optional<std::int64_t>(5));
  params.Freeze();
  ASSERT_EQ(params.size(), 9);
  const char* const* v = params.values();
  EXPECT_STREQ(v[0], "Café");
  EXPECT_STREQ(v[1], "x");
  EXPECT_STREQ(v[2], "-42");
  EXPECT_STREQ(v[3], "7");
  EXPECT_STREQ(v[4], "t");
  EXPECT_STREQ(v[5], "f");
  EXPECT_EQ(v[6], nullptr);
  EXPECT_EQ(v[7], nullptr);
  EXPECT_STREQ(v[8], "5");
}

TEST(PgParams, FreezeSurvivesCopies) {
  Params params;
  for (int i = 0; i < 100; ++i) params.Add(i);
  Params copy = params;
  copy.Freeze();
  EXPECT_STREQ(copy.values()[99], "99");
  EXPECT_EQ(copy.size(), 100);
}

TEST(PgResult, EmptyResult) {
  const Result result;
  EXPECT_TRUE(result.empty());
  EXPECT_EQ(result.AffectedRows(), 0);
}

}  // namespace
}  // namespace comptoir::pg
