#include "comptoir/error.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace comptoir {
namespace {

TEST(ErrorTest, KindsMapToStatuses) {
  EXPECT_EQ(StatusOf(ErrorKind::kValidation), 400);
  EXPECT_EQ(StatusOf(ErrorKind::kUnauthorized), 401);
  EXPECT_EQ(StatusOf(ErrorKind::kPaymentRequired), 402);
  EXPECT_EQ(KindOfStatus(409), ErrorKind::kConflict);
  EXPECT_EQ(KindOfStatus(418), ErrorKind::kValidation);
  EXPECT_EQ(KindOfStatus(502), ErrorKind::kInternal);
  EXPECT_EQ(StatusOf(ErrorKind::kForbidden), 403);
  EXPECT_EQ(StatusOf(ErrorKind::kNotFound), 404);
  EXPECT_EQ(StatusOf(ErrorKind::kMethodNotAllowed), 405);
  EXPECT_EQ(StatusOf(ErrorKind::kConflict), 409);
  EXPECT_EQ(StatusOf(ErrorKind::kUnprocessable), 422);
  EXPECT_EQ(StatusOf(ErrorKind::kRateLimited), 429);
  EXPECT_EQ(StatusOf(ErrorKind::kUnavailable), 503);
  EXPECT_EQ(StatusOf(ErrorKind::kTimeout), 504);
}

TEST(ErrorTest, ProblemJsonHasTheRfc9457Fields) {
  auto error = ApiError::Validation("product.invalid", "invalid field: name is required", {{"name", "is required"}});
  auto body = boost::json::parse(ProblemJson(error, "req-1")).as_object();
  EXPECT_EQ(body.at("status").as_int64(), 400);
  EXPECT_EQ(body.at("title").as_string(), "Bad Request");
  EXPECT_EQ(body.at("code").as_string(), "product.invalid");
  EXPECT_EQ(body.at("request_id").as_string(), "req-1");
  EXPECT_EQ(body.at("type").as_string(), "https://comptoir.local/problems/product.invalid");
  EXPECT_EQ(body.at("errors").as_array()[0].as_object().at("field").as_string(), "name");
}

TEST(ErrorTest, ProblemJsonWithoutFieldsHasNoErrorsMember) {
  auto body = boost::json::parse(ProblemJson(ApiError::NotFound("product.not_found", "no product 7"), "r")).as_object();
  EXPECT_FALSE(body.contains("errors"));
  EXPECT_EQ(body.at("status").as_int64(), 404);
}

}  // namespace
}  // namespace comptoir
