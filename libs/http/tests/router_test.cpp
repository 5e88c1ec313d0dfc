#include "comptoir/http/router.hpp"

#include <gtest/gtest.h>

namespace comptoir::http {
namespace {

boost::asio::awaitable<Response> Noop(Request&) { co_return Response::Empty(204); }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add(Method::kGet, "/api/v1/products", Noop);
    router.Add(Method::kPost, "/api/v1/products", Noop);
    router.Add(Method::kGet, "/api/v1/products/{id}", Noop);
    router.Add(Method::kPut, "/api/v1/products/{id}", Noop);
    router.Add(Method::kGet, "/api/v1/products/by-sku/{sku}", Noop);
    router.Add(Method::kPost, "/api/v1/sales/{id}/returns", Noop);
  }
  Router router;
  std::vector<std::pair<std::string, std::string>> params;
};

TEST_F(RouterTest, MatchesLiteralAndParameterSegments) {
  auto m = router.Find(Method::kGet, "/api/v1/products/42", params);
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/products/{id}");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"id", "42"}));
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
  auto m = router.Find(Method::kGet, "/api/v1/products/by-sku/ALIM-0009", params);
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/products/by-sku/{sku}");
  EXPECT_EQ(params[0].second, "ALIM-0009");
}

TEST_F(RouterTest, ParametersArePercentDecoded) {
  auto m = router.Find(Method::kGet, "/api/v1/products/by-sku/A%20B", params);
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(params[0].second, "A B");
}

TEST_F(RouterTest, UnknownPathIs404) {
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/nothing", params).outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/products/1/extra", params).outcome, Router::Outcome::kNotFound);
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/products//", params).outcome, Router::Outcome::kNotFound);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto m = router.Find(Method::kDelete, "/api/v1/products", params);
  EXPECT_EQ(m.outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
  auto m2 = router.Find(Method::kPatch, "/api/v1/products/7", params);
  EXPECT_EQ(m2.outcome, Router::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m2.allow, "GET, HEAD, PUT");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  auto m = router.Find(Method::kHead, "/api/v1/products/7", params);
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(m.route->method, Method::kGet);
}

TEST_F(RouterTest, TrailingSlashIsTheSameResource) {
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/products/", params).outcome, Router::Outcome::kFound);
}

TEST_F(RouterTest, NestedParameters) {
  auto m = router.Find(Method::kPost, "/api/v1/sales/12/returns", params);
  ASSERT_EQ(m.outcome, Router::Outcome::kFound);
  EXPECT_EQ(params[0].second, "12");
}

}  // namespace
}  // namespace comptoir::http
