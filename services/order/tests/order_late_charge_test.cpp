// Late charges (issue 12 §8c, ADR 0052): at a payment timeout the checkout is undone at once, but the provider may
// record the charge only later — after compensation listed the reference and found nothing. Here the provider is
// slow to record the timeout card's charge (payment.timeout_card_record_delay_ms 2.5 s, longer than order's 1 s
// timeout): the undone checkout is watched for order.charge_watch_ms, and the late charge must end refunded.
#include "order_fixture.hpp"

namespace comptoir::order::test {
namespace {

class LateCharges : public OrderFixture<LateCharges> {
 protected:
  static void SetUpTestSuite() {
    StartPlatform("order_late", {{"COMPTOIR_PAYMENT_TIMEOUT_CARD_RECORD_DELAY_MS", "2500"},
                                 {"COMPTOIR_PAYMENT_TIMEOUT_CARD_DELAY_MS", "500"},
                                 {"COMPTOIR_ORDER_CHARGE_WATCH_MS", "8000"}});
  }
  static void TearDownTestSuite() { StopPlatform(); }

  static std::string OrderMetrics() {
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("order")), "GET", "/metrics").body;
  }
  static std::string Watch(const std::string& checkout) {
    return OrderSql("SELECT coalesce(charge_watch_until::text, 'ended') FROM checkouts WHERE id = '" + checkout + "'");
  }
};

TEST_F(LateCharges, AChargeTheProviderRecordsAfterTheTimeoutIsRefunded) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::int64_t reserved = Reserved(kMiel);
  HttpResult r = PostCheckout(s, kTimeoutCard, "late-1");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(Code(r), "order.payment_timeout");
  std::string checkout = CheckoutId(s, "late-1");
  EXPECT_EQ(OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'"), "failed");
  // The shopper has their answer and the checkout is undone, yet the provider has recorded nothing so far: the one
  // listing compensation made found nothing to refund.
  EXPECT_TRUE(Charges(checkout).empty());
  EXPECT_NE(Watch(checkout), "ended");

  // The provider records the charge late, then completes it; the watch finds it and has it refunded.
  ASSERT_TRUE(Eventually([&] {
    auto charges = Charges(checkout);
    return !charges.empty() && Str(charges[0], "status") != "pending";
  }));
  auto charges = Charges(checkout);
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(Str(charges[0], "status"), "refunded");
  // Miel is zero-rated (ADR 0140): only the shipping is taxed (GST 0.4995 → 0.50, QST 0.9965 → 1.00).
  EXPECT_EQ(charges[0].at("amount_cents").as_int64(), 1599 + 999 + 50 + 100);
  ASSERT_TRUE(Eventually([&] { return Watch(checkout) == "ended"; }));  // one key, one charge: nothing more can come
  EXPECT_NE(OrderMetrics().find("order_late_charges_refunded_total 1"), std::string::npos) << OrderMetrics();

  EXPECT_TRUE(OrdersOf(s).empty());
  EXPECT_EQ(ActiveReservations(checkout), "0");
  EXPECT_EQ(Reserved(kMiel), reserved);
  EXPECT_EQ(CartItems(s).size(), 1u);
  HttpResult again = PostCheckout(s, kTimeoutCard, "late-1");  // the same key tells the same story, charges nothing
  EXPECT_EQ(again.status, 504) << again.body;
  EXPECT_EQ(Charges(checkout).size(), 1u);
}

TEST_F(LateCharges, WithoutALateChargeTheWatchEndsAtItsHorizon) {
  Shopper s = NewShopper({{kMiel, 1}});
  // The provider is down: the charge may or may not have reached it, so the undone checkout is watched.
  platform_->StopService("payment");
  HttpResult r = PostCheckout(s, kSuccessCard, "down-1");
  platform_->StartService("payment");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(Code(r), "order.payment_unavailable");
  std::string checkout = CheckoutId(s, "down-1");
  EXPECT_NE(Watch(checkout), "ended");
  // Nothing ever comes under its reference: after order.charge_watch_ms (8 s here) the pass stops looking.
  ASSERT_TRUE(Eventually([&] { return Watch(checkout) == "ended"; }));
  EXPECT_EQ(OrderSql("SELECT charge_checked_at > created_at + interval '8 seconds' FROM checkouts WHERE id = '" +
                     checkout + "'"),
            "t");
  EXPECT_TRUE(Charges(checkout).empty());
  EXPECT_TRUE(OrdersOf(s).empty());
}

TEST_F(LateCharges, ADeclinedCardIsNotWatched) {
  Shopper s = NewShopper({{kMiel, 1}});
  HttpResult r = PostCheckout(s, kDeclinedCard, "declined-1");
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(Watch(CheckoutId(s, "declined-1")), "ended");  // the provider's refusal settles the key
}

// Runs last: whatever the provider recorded, late or not, stands only with an order.
TEST_F(LateCharges, NoChargeStandsWithoutAnOrder) {
  std::string payment = platform_->Conninfo("payment");
  EXPECT_TRUE(Eventually(
      [&] { return testing::QueryValue(payment, "SELECT count(*) FROM charges WHERE status = 'pending'") == "0"; }));
  std::string succeeded = testing::QueryValue(
      payment, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM charges WHERE status = 'succeeded'");
  std::string ordered = OrderSql(
      "SELECT coalesce(string_agg(charge_id::text, ',' ORDER BY charge_id), '') FROM orders WHERE NOT refunded");
  EXPECT_EQ(succeeded, ordered);
}

}  // namespace
}  // namespace comptoir::order::test
