// Integration test of POST /internal/v1/auth/token (ADR 0008): services obtain their short-lived tokens from the
// real customer service with their own secret (OAuth 2.0 client credentials), get only what the policy table gives
// them, and the gateway does not route the endpoint. Also: customer refuses to start on the old HS256 secret alone.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <unistd.h>
#include "comptoir/auth/auth.hpp"

#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"
#include "customer_test_support.hpp"

namespace comptoir::customer {
namespace {

using testing::HttpResult;
namespace json = boost::json;

constexpr const char* kForm = "application/x-www-form-urlencoded";

// A platform whose services' secrets customer knows: sales and order have grants, payment has none.
class ServiceTokensForSalesAndOrder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(
        {.services = {"customer", "sales", "payment", "order"}, .gateway = true, .name = "service_tokens_it"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static HttpResult Ask(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {},
                        const std::string& content_type = kForm) {
    headers.emplace_back("Content-Type", content_type);
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("customer")), "POST", "/internal/v1/auth/token",
                         body, headers);
  }
  static std::pair<std::string, std::string> Basic(const std::string& id) {
    return {"Authorization", "Basic " + auth::Base64Encode(id + ":" + platform_->ClientSecret(id))};
  }
  static testing::Platform* platform_;
};
testing::Platform* ServiceTokensForSalesAndOrder::platform_ = nullptr;

TEST_F(ServiceTokensForSalesAndOrder, EachGetsExactlyItsGrants) {
  HttpResult r = Ask("grant_type=client_credentials&audience=inventory", {Basic("sales")});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  auto body = Json(r);
  EXPECT_EQ(Str(body, "token_type"), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 300);
  EXPECT_EQ(Str(body, "scope"), "movements:sale");
  auth::Principal who = auth::VerifyToken(platform_->Jwt(), Str(body, "access_token"), auth::NowSeconds(), "inventory");
  EXPECT_EQ(who.role, auth::Role::kService);
  EXPECT_EQ(who.subject, "sales");
  EXPECT_EQ(who.scopes, std::vector<std::string>{"movements:sale"});

  // order, for each of its audiences; a subset of its scopes when it asks for one (client_secret in the form works
  // too).
  HttpResult order = Ask("grant_type=client_credentials&audience=payment&client_id=order&client_secret=" +
                         platform_->ClientSecret("order"));
  ASSERT_EQ(order.status, 200) << order.body;
  EXPECT_EQ(Str(Json(order), "scope"), "charges:write charges:refund");
  HttpResult subset =
      Ask("grant_type=client_credentials&audience=inventory&scope=reservations%3Acentre", {Basic("order")});
  ASSERT_EQ(subset.status, 200) << subset.body;
  EXPECT_EQ(Str(Json(subset), "scope"), "reservations:centre");
  HttpResult cart = Ask("grant_type=client_credentials&audience=cart", {Basic("order")});
  EXPECT_EQ(Str(Json(cart), "scope"), "carts:empty");

  // Nothing beyond the table: sales for payment, sales asking order's scope, order for customer.
  HttpResult sales_payment = Ask("grant_type=client_credentials&audience=payment", {Basic("sales")});
  EXPECT_EQ(sales_payment.status, 403);
  EXPECT_EQ(Code(sales_payment), "auth.unauthorized_client");
  HttpResult greedy = Ask("grant_type=client_credentials&audience=inventory&scope=movements:sale+reservations:centre",
                          {Basic("sales")});
  EXPECT_EQ(greedy.status, 403);
  EXPECT_EQ(Code(greedy), "auth.invalid_scope");
  EXPECT_EQ(Code(Ask("grant_type=client_credentials&audience=customer", {Basic("order")})), "auth.unauthorized_client");
  EXPECT_EQ(Code(Ask("grant_type=client_credentials&audience=inventory", {Basic("payment")})),
            "auth.unauthorized_client");

  // A token obtained by sales is refused by payment (wrong audience and not order).
  HttpResult charge = testing::Http(static_cast<std::uint16_t>(platform_->Port("payment")), "GET",
                                    "/api/v1/payments/charges?reference=x", {},
                                    {{"Authorization", "Bearer " + Str(body, "access_token")}});
  EXPECT_EQ(charge.status, 401);
  EXPECT_EQ(Code(charge), "auth.wrong_audience");
}

TEST_F(ServiceTokensForSalesAndOrder, ThePolicyTableDecidesAndTheSecretsAreChecked) {
  // payment's secret: payment calls nobody, so it may obtain nothing, for any audience.
  const std::string secret = platform_->ClientSecret("payment");
  auto basic = [&](const std::string& id, const std::string& s) {
    return std::make_pair(std::string("Authorization"), "Basic " + auth::Base64Encode(id + ":" + s));
  };
  for (const std::string audience : {"inventory", "cart", "customer", "payment"}) {
    HttpResult r = Ask("grant_type=client_credentials&audience=" + audience, {basic("payment", secret)});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Code(r), "auth.unauthorized_client");
  }
  // Wrong secret, unknown client, another client's secret: 401 invalid_client (RFC 6749 §5.2), with a challenge.
  for (const auto& header : {basic("payment", secret + "x"), basic("payment", ""), basic("root", secret),
                             basic("customer", secret), basic("order", secret)}) {
    HttpResult r = Ask("grant_type=client_credentials&audience=inventory", {header});
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(Code(r), "auth.invalid_client");
    EXPECT_EQ(Str(Json(r), "error"), "invalid_client");
    EXPECT_EQ(r.headers["content-type"], "application/problem+json");
    EXPECT_EQ(r.headers["www-authenticate"], R"(Basic realm="comptoir-services")");
    EXPECT_EQ(r.body.find(secret), std::string::npos);
  }
  HttpResult none = Ask("grant_type=client_credentials&audience=inventory");
  EXPECT_EQ(Code(none), "auth.invalid_client");
  // Malformed requests.
  EXPECT_EQ(Code(Ask("grant_type=password&audience=inventory", {basic("payment", secret)})),
            "auth.unsupported_grant_type");
  EXPECT_EQ(Code(Ask(R"({"grant_type":"client_credentials"})", {basic("payment", secret)}, "application/json")),
            "auth.invalid_request");
  EXPECT_EQ(Code(Ask("grant_type=client_credentials&audience=a&audience=b", {basic("payment", secret)})),
            "auth.invalid_request");
  EXPECT_EQ(Code(Ask("grant_type=client_credentials", {basic("payment", secret)})), "auth.invalid_request");
  EXPECT_EQ(
      Code(Ask("grant_type=client_credentials&audience=inventory&client_secret=" + secret, {basic("payment", secret)})),
      "auth.invalid_client");  // one authentication method only
}

TEST_F(ServiceTokensForSalesAndOrder, TheGatewayDoesNotRouteTheInternalEndpoint) {
  HttpResult r = platform_->Call("POST", "/internal/v1/auth/token", "grant_type=client_credentials&audience=inventory",
                                 {}, {Basic("sales"), {"Content-Type", kForm}});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.body.find("access_token"), std::string::npos);
}

// Runs `comptoir serve --service <service>` with the old shared secret only; returns what it printed (it must exit).
std::string StartWithTheOldSecretOnly(const std::string& service) {
  std::string upper = service == "customer" ? "CUSTOMER" : "PRODUCT";
  std::string log =
      (testing::StateDir() / (service + "_legacy_secret_" + std::to_string(::getpid()) + ".log")).string();
  int rc = testing::RunComptoir({"serve", "--service", service},
                                {{"COMPTOIR_" + upper + "_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none"},
                                 {"COMPTOIR_AUTH_JWT_SECRET", "an-old-shared-secret-of-more-than-32-bytes"},
                                 {"COMPTOIR_" + upper + "_HTTP_PORT", std::to_string(testing::FreePort())}},
                                log);
  EXPECT_NE(rc, 0) << service << " started with the old secret only";
  std::ifstream in(log);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(CustomerSettings, TheOldSharedSecretAloneStopsTheServiceWithAClearMessage) {
  ASSERT_FALSE(testing::ComptoirBin().empty());
  std::string customer = StartWithTheOldSecretOnly("customer");
  EXPECT_NE(customer.find("auth.signing_key"), std::string::npos) << customer;
  // And a verifying service names what to set instead of the secret.
  std::string product = StartWithTheOldSecretOnly("product");
  EXPECT_NE(product.find("COMPTOIR_AUTH_JWT_PUBLIC_KEY"), std::string::npos) << product;
}

}  // namespace
}  // namespace comptoir::customer
