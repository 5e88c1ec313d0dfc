// Integration test: the real `comptoir` binary serves the simulated provider (fresh database) and every check goes
// over real HTTP, directly to the service (it has no route in the gateway).
#include <chrono>
#include <string>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/service_policy.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::payment {
namespace {

using testing::HttpResult;
namespace json = boost::json;

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}
std::string Code(const HttpResult& r) {
  auto v = Json(r);
  return v.is_object() && v.as_object().contains("code") ? std::string(v.at("code").as_string()) : "";
}

class PaymentService : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    platform_ =
        new testing::Platform(testing::PlatformOptions{.services = {"payment"},
                                                       .gateway = false,
                                                       .name = "payment_it",
                                                       .env = {{"COMPTOIR_PAYMENT_TIMEOUT_CARD_DELAY_MS", "1500"}}});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  /// As the order service (its service token for payment, with the scopes the policy gives it).
  static HttpResult Direct(const std::string& method, const std::string& target, const std::string& body = {},
                           const std::string& key = {}, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return As(OrderToken(), method, target, body, key, timeout);
  }
  static std::string OrderToken() {
    return platform_->Auth().ServiceToken("order", "payment", auth::AllowedScopes("order", "payment"));
  }
  /// As whoever holds `token` ("" for nobody).
  static HttpResult As(const std::string& token, const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::string& key = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("payment")), method, target, body, headers,
                         timeout);
  }
  static std::string Body(const std::string& card, std::int64_t amount, const std::string& reference) {
    return json::serialize(
        json::object{{"amount_cents", amount}, {"currency", "CAD"}, {"card_number", card}, {"reference", reference}});
  }
  static json::array ChargesOf(const std::string& reference) {
    HttpResult r = Direct("GET", "/api/v1/payments/charges?reference=" + reference);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).at("data").as_array();
  }
  // Waits (bounded) until the only charge of `reference` leaves "pending"; returns its final status.
  static std::string FinalStatus(const std::string& reference) {
    for (int i = 0; i < 200; ++i) {
      auto charges = ChargesOf(reference);
      if (charges.size() == 1 && charges[0].at("status").as_string() != "pending") {
        return std::string(charges[0].at("status").as_string());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "pending";
  }
  static testing::Platform* platform_;
};
testing::Platform* PaymentService::platform_ = nullptr;

TEST_F(PaymentService, SuccessCardIsChargedOnceAndRefundedOnce) {
  HttpResult first = Direct("POST", "/api/v1/payments/charges", Body("4242424242424242", 31730, "ref-ok"), "k-ok");
  ASSERT_EQ(first.status, 201) << first.body;
  auto charge = Json(first);
  EXPECT_EQ(charge.at("status").as_string(), "succeeded");
  EXPECT_EQ(charge.at("amount_cents").as_int64(), 31730);
  EXPECT_EQ(charge.at("card_last4").as_string(), "4242");
  EXPECT_EQ(first.body.find("4242424242424242"), std::string::npos);  // never the full card number

  HttpResult again = Direct("POST", "/api/v1/payments/charges", Body("4242424242424242", 31730, "ref-ok"), "k-ok");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Json(again).at("id"), charge.at("id"));
  EXPECT_EQ(ChargesOf("ref-ok").size(), 1u);

  HttpResult other = Direct("POST", "/api/v1/payments/charges", Body("4242424242424242", 100, "ref-ok"), "k-ok");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(Code(other), "request.idempotency_key_reused");

  std::string id(charge.at("id").as_string());
  HttpResult refund = Direct("POST", "/api/v1/payments/charges/" + id + "/refund");
  ASSERT_EQ(refund.status, 200) << refund.body;
  EXPECT_EQ(Json(refund).at("status").as_string(), "refunded");
  HttpResult refund_again = Direct("POST", "/api/v1/payments/charges/" + id + "/refund");
  ASSERT_EQ(refund_again.status, 200) << refund_again.body;
  EXPECT_EQ(Json(refund_again).at("refunded_at"), Json(refund).at("refunded_at"));
  EXPECT_EQ(Direct("GET", "/api/v1/payments/charges/" + id).status, 200);
}

TEST_F(PaymentService, DeclinedCardIs402AndNotRefundable) {
  HttpResult r = Direct("POST", "/api/v1/payments/charges", Body("4000000000000002", 500, "ref-declined"), "k-dec");
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(Code(r), "payment.card_declined");
  HttpResult again = Direct("POST", "/api/v1/payments/charges", Body("4000000000000002", 500, "ref-declined"), "k-dec");
  EXPECT_EQ(again.status, 402);
  auto charges = ChargesOf("ref-declined");
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(charges[0].at("status").as_string(), "declined");
  std::string id(charges[0].at("id").as_string());
  HttpResult refund = Direct("POST", "/api/v1/payments/charges/" + id + "/refund");
  EXPECT_EQ(refund.status, 409) << refund.body;
  EXPECT_EQ(Code(refund), "payment.charge_not_refundable");
}

TEST_F(PaymentService, BadInputIs400AndChargesNothing) {
  HttpResult luhn = Direct("POST", "/api/v1/payments/charges", Body("4242424242424241", 500, "ref-bad"), "k-bad");
  EXPECT_EQ(luhn.status, 400) << luhn.body;
  EXPECT_EQ(Code(luhn), "payment.invalid_card");
  HttpResult no_key = Direct("POST", "/api/v1/payments/charges", Body("4242424242424242", 500, "ref-bad"));
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(Code(no_key), "request.idempotency_key_required");
  EXPECT_TRUE(ChargesOf("ref-bad").empty());
  EXPECT_EQ(Direct("GET", "/api/v1/payments/charges").status, 400);
  EXPECT_EQ(Direct("GET", "/api/v1/payments/charges/not-a-uuid").status, 404);
  EXPECT_EQ(Direct("POST", "/api/v1/payments/charges/00000000-0000-0000-0000-000000000000/refund").status, 404);
}

TEST_F(PaymentService, TimeoutCardSucceedsLateAndARefundAskedMeanwhileWins) {
  // The caller gives up long before the provider answers: the charge exists (pending) and later succeeds.
  EXPECT_THROW(Direct("POST", "/api/v1/payments/charges", Body("4000000000000119", 700, "ref-late"), "k-late",
                      std::chrono::milliseconds(200)),
               std::runtime_error);
  auto charges = ChargesOf("ref-late");
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(charges[0].at("status").as_string(), "pending");
  EXPECT_EQ(FinalStatus("ref-late"), "succeeded");

  // Same card, but the caller asks for a refund while the charge is pending: it ends refunded.
  EXPECT_THROW(Direct("POST", "/api/v1/payments/charges", Body("4000000000000119", 800, "ref-late-refund"),
                      "k-late-refund", std::chrono::milliseconds(200)),
               std::runtime_error);
  auto pending = ChargesOf("ref-late-refund");
  ASSERT_EQ(pending.size(), 1u);
  std::string id(pending[0].at("id").as_string());
  HttpResult refund = Direct("POST", "/api/v1/payments/charges/" + id + "/refund");
  EXPECT_EQ(refund.status, 202) << refund.body;
  EXPECT_TRUE(Json(refund).at("refund_requested").as_bool());
  EXPECT_EQ(FinalStatus("ref-late-refund"), "refunded");
}

// Issue 12 §3: payment had no authentication at all. It now answers the order service only, with the scope of
// each action: nobody else charges a card, reads charges or refunds one.
TEST_F(PaymentService, AnswersOnlyTheOrderService) {
  HttpResult charged = Direct("POST", "/api/v1/payments/charges", Body("4242424242424242", 1000, "ref-who"), "k-who");
  ASSERT_EQ(charged.status, 201) << charged.body;
  const std::string id(Json(charged).at("id").as_string());
  const testing::TestAuth& keys = platform_->Auth();
  const std::int64_t now = auth::NowSeconds();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"", "auth.missing_token"},
      {keys.Token(auth::Role::kCustomer, "1"), "auth.forbidden"},
      {keys.Token(auth::Role::kAdmin, "8"), "auth.forbidden"},
      {keys.ServiceToken("sales", "payment", {"charges:write", "charges:refund"}), "auth.forbidden"},
      {keys.ServiceToken("order", "inventory", auth::AllowedScopes("order", "inventory")), "auth.wrong_audience"},
      {keys.ServiceToken("order", "payment", auth::AllowedScopes("order", "payment"), now - 3600),
       "auth.token_expired"},
      {keys.ForgedServiceToken("order", "payment", auth::AllowedScopes("order", "payment")), "auth.invalid_token"},
      {keys.HmacWithPublicKey(auth::Role::kAdmin, "8"), "auth.invalid_token"},
  };
  for (const auto& [token, code] : refused) {
    for (const auto& [method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"POST", "/api/v1/payments/charges", Body("4242424242424242", 99999, "ref-thief")},
             {"GET", "/api/v1/payments/charges?reference=ref-who", ""},
             {"GET", "/api/v1/payments/charges/" + id, ""},
             {"POST", "/api/v1/payments/charges/" + id + "/refund", ""}}) {
      HttpResult r = As(token, method, target, body, "k-thief");
      EXPECT_EQ(r.status, code == "auth.forbidden" ? 403 : 401) << method << " " << target << " " << r.body;
      EXPECT_EQ(r.headers["content-type"], "application/problem+json");
      EXPECT_EQ(Code(r), code) << method << " " << target;
    }
  }
  // Order itself with a token lacking the refund scope may charge but not refund.
  HttpResult no_scope = As(keys.ServiceToken("order", "payment", {"charges:write"}), "POST",
                           "/api/v1/payments/charges/" + id + "/refund");
  EXPECT_EQ(no_scope.status, 403);
  EXPECT_EQ(Code(no_scope), "auth.insufficient_scope");
  // Nothing happened: no charge for the thief, the first one still stands.
  EXPECT_TRUE(ChargesOf("ref-thief").empty());
  EXPECT_EQ(Json(Direct("GET", "/api/v1/payments/charges/" + id)).at("status").as_string(), "succeeded");
}

}  // namespace
}  // namespace comptoir::payment
