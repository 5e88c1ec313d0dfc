// Unit tests of the card rules (Luhn, test cards), refund outcomes, body validation and OpenAPI coverage. No I/O.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "comptoir/error.hpp"
#include "comptoir/payment/payment.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/card.hpp"

namespace comptoir::payment {
namespace {

template <class F>
ApiError Catch(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError::Internal("none", "none");
}

TEST(Luhn, AcceptsTheTestCards) {
  EXPECT_TRUE(IsValidCardNumber("4242424242424242"));
  EXPECT_TRUE(IsValidCardNumber("4000000000000002"));
  EXPECT_TRUE(IsValidCardNumber("4000000000000119"));
  EXPECT_TRUE(IsValidCardNumber("5555555555554444"));
  EXPECT_TRUE(IsValidCardNumber("378282246310005"));  // 15 digits (Amex)
}

TEST(Luhn, RefusesWrongCheckDigitsAndBadShapes) {
  EXPECT_FALSE(IsValidCardNumber("4242424242424241"));
  EXPECT_FALSE(IsValidCardNumber("4000000000000003"));
  EXPECT_FALSE(IsValidCardNumber("4242 4242 4242 4242"));
  EXPECT_FALSE(IsValidCardNumber("42424242424242a2"));
  EXPECT_FALSE(IsValidCardNumber(""));
  EXPECT_FALSE(IsValidCardNumber("00000000000"));           // 11 digits
  EXPECT_FALSE(IsValidCardNumber("00000000000000000000"));  // 20 digits
  EXPECT_TRUE(IsValidCardNumber("000000000000"));           // 12 zeros: sum 0
}

TEST(Cards, BehaviourOfTheTestCards) {
  EXPECT_EQ(BehaviourOf("4242424242424242"), CardBehaviour::kSucceed);
  EXPECT_EQ(BehaviourOf("4000000000000002"), CardBehaviour::kDecline);
  EXPECT_EQ(BehaviourOf("4000000000000119"), CardBehaviour::kLateSuccess);
  EXPECT_EQ(LastFour("4242424242424242"), "4242");
  EXPECT_EQ(LastFour("12"), "");
}

TEST(Refunds, OutcomePerStatus) {
  EXPECT_EQ(RefundOf(ChargeStatus::kSucceeded), RefundOutcome::kRefund);
  EXPECT_EQ(RefundOf(ChargeStatus::kRefunded), RefundOutcome::kAlreadyRefunded);
  EXPECT_EQ(RefundOf(ChargeStatus::kPending), RefundOutcome::kDeferred);
  EXPECT_EQ(RefundOf(ChargeStatus::kDeclined), RefundOutcome::kNotRefundable);
  for (auto s : {ChargeStatus::kPending, ChargeStatus::kSucceeded, ChargeStatus::kDeclined, ChargeStatus::kRefunded}) {
    EXPECT_EQ(ParseStatus(StatusName(s)), s);
  }
  EXPECT_FALSE(ParseStatus("voided"));
}

TEST(ChargeBody, ValidBody) {
  auto body = boost::json::parse(
      R"({"amount_cents": 31730, "currency": "CAD", "card_number": "4242424242424242", "reference": "checkout:x"})");
  ChargeRequest c = ParseChargeBody(body);
  EXPECT_EQ(c.amount_cents, 31730);
  EXPECT_EQ(c.reference, "checkout:x");
}

TEST(ChargeBody, LuhnFailureIsInvalidCard) {
  auto body = boost::json::parse(
      R"({"amount_cents": 100, "currency": "CAD", "card_number": "4242424242424241", "reference": "r"})");
  ApiError e = Catch([&] { ParseChargeBody(body); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "payment.invalid_card");
  ASSERT_EQ(e.fields().size(), 1u);
  EXPECT_EQ(e.fields()[0].field, "card_number");
}

TEST(ChargeBody, EveryBadFieldIsListed) {
  auto body = boost::json::parse(R"({"amount_cents": 0, "currency": "USD", "card_number": "1", "extra": 1})");
  ApiError e = Catch([&] { ParseChargeBody(body); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "request.validation_failed");
  std::set<std::string> fields;
  for (const auto& f : e.fields()) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"amount_cents", "currency", "reference", "card_number", "extra"}));
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::payment
