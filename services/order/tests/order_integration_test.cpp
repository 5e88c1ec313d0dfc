// Integration test of issue 5's checkout: product, inventory, cart, the simulated payment provider and order run as
// real processes (testing::Platform: fresh databases, shared Redis, the gateway in front). Shoppers fill their cart and
// check out through the gateway; the provider, the stock and the databases are read directly to check that nothing
// is ever half-done (no charge without an order, no reservation without a paid order).
#include <set>

#include "order_fixture.hpp"

namespace comptoir::order::test {
namespace {

class Checkout : public OrderFixture<Checkout> {
 protected:
  static void SetUpTestSuite() {
    // Test builds only: the order process _exits after recording step S of a checkout whose key starts with
    // "crash-S-".
    StartPlatform("order_it", {{"COMPTOIR_ORDER_CRASH_AFTER_STEP", "charging,charged"},
                               {"COMPTOIR_ORDER_CRASH_KEY_PREFIX", "crash-"}});
  }
  static void TearDownTestSuite() { StopPlatform(); }
};

TEST_F(Checkout, SuccessCardGivesAPaidOrderEmptiesTheCartAndTakesTheStock) {
  Shopper s = NewShopper({{kVeste, 2}, {kMiel, 1}});
  std::int64_t veste_before = OnHand(kVeste), miel_before = OnHand(kMiel);
  std::int64_t veste_reserved = Reserved(kVeste), miel_reserved = Reserved(kMiel);

  HttpResult r = PostCheckout(s, kSuccessCard, "happy-1");
  ASSERT_EQ(r.status, 201) << r.body;
  auto order = Json(r);
  EXPECT_EQ(Str(order, "status"), "paid");
  EXPECT_EQ(Str(order, "customer_id"), s.id);
  EXPECT_EQ(order.at("subtotal_cents").as_int64(), 27597);
  EXPECT_EQ(order.at("shipping_cents").as_int64(), 0);  // free from 100 $ of subtotal (ADR 0050)
  // Miel is zero-rated (ADR 0140): taxes on the jackets only.
  EXPECT_EQ(order.at("gst_cents").as_int64(), 1300);
  EXPECT_EQ(order.at("qst_cents").as_int64(), 2593);
  EXPECT_EQ(order.at("total_cents").as_int64(), 31490);
  ASSERT_EQ(order.at("items").as_array().size(), 2u);
  const auto& veste = order.at("items").as_array()[0];
  EXPECT_EQ(veste.at("product_id").as_int64(), kVeste);
  EXPECT_EQ(veste.at("quantity").as_int64(), 2);
  EXPECT_EQ(veste.at("unit_price_cents").as_int64(), 12999);
  EXPECT_EQ(veste.at("line_total_cents").as_int64(), 25998);
  EXPECT_EQ(Str(order.at("payment"), "card_last4"), "4242");
  EXPECT_EQ(Str(order.at("shipping_address"), "postal_code"), "H1M 2T6");
  EXPECT_EQ(Str(order, "number").substr(0, 2), "C-");

  EXPECT_TRUE(CartItems(s).empty());
  EXPECT_EQ(OnHand(kVeste), veste_before - 2);
  EXPECT_EQ(OnHand(kMiel), miel_before - 1);
  EXPECT_EQ(Reserved(kVeste), veste_reserved);
  EXPECT_EQ(Reserved(kMiel), miel_reserved);

  std::string checkout = CheckoutId(s, "happy-1");
  auto charges = Charges(checkout);
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(Str(charges[0], "status"), "succeeded");
  EXPECT_EQ(charges[0].at("amount_cents").as_int64(), 31490);
  EXPECT_EQ(Str(charges[0], "id"), Str(order.at("payment"), "charge_id"));
  EXPECT_EQ(OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'"), "completed");
  EXPECT_EQ(
      OrderSql("SELECT count(*) FROM outbox WHERE type = 'OrderPlaced' AND aggregate_id = '" + Str(order, "id") + "'"),
      "1");
  EXPECT_EQ(InventorySql("SELECT status FROM reservations WHERE reference = 'order:checkout-" + checkout + "'"),
            "committed");
  // Reserved and committed by order with its own token, for this shopper (ADR 0008); order mints no token.
  EXPECT_EQ(InventorySql("SELECT actor_role || ':' || actor_subject FROM reservations WHERE reference = "
                         "'order:checkout-" +
                         checkout + "'"),
            "service:order");
  EXPECT_EQ(InventorySql("SELECT string_agg(DISTINCT actor_role || ':' || actor_subject || ' for ' || on_behalf_of, ',')"
                         " FROM movements WHERE reason = 'order' AND reference = 'order:checkout-" +
                         checkout + "'"),
            "service:order for customer:" + s.id);

  HttpResult read = platform_->Call("GET", "/api/v1/orders/" + Str(order, "id"), "", s.token);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(Json(read).at("total_cents").as_int64(), 31490);
}

TEST_F(Checkout, SameIdempotencyKeyGivesTheSameOrderAndOneCharge) {
  Shopper s = NewShopper({{kVeste, 1}});
  HttpResult first = PostCheckout(s, kSuccessCard, "same-key");
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResult second = PostCheckout(s, kSuccessCard, "same-key");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Json(second).at("id"), Json(first).at("id"));
  EXPECT_EQ(OrdersOf(s).size(), 1u);
  EXPECT_EQ(Charges(CheckoutId(s, "same-key")).size(), 1u);

  HttpResult other_body = PostCheckout(s, "5555555555554444", "same-key");
  EXPECT_EQ(other_body.status, 422) << other_body.body;
  EXPECT_EQ(Code(other_body), "request.idempotency_key_reused");
  HttpResult no_key = platform_->Call("POST", "/api/v1/checkout", CheckoutBody(s, kSuccessCard), s.token);
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(Code(no_key), "request.idempotency_key_required");
}

TEST_F(Checkout, DeclinedCardLeavesNoOrderNoReservationAndTheCartIntact) {
  Shopper s = NewShopper({{kMiel, 2}});
  std::int64_t on_hand = OnHand(kMiel), reserved = Reserved(kMiel);
  HttpResult r = PostCheckout(s, kDeclinedCard, "declined-1");
  EXPECT_EQ(r.status, 402) << r.body;
  EXPECT_EQ(Code(r), "payment.card_declined");
  EXPECT_TRUE(OrdersOf(s).empty());
  EXPECT_EQ(Reserved(kMiel), reserved);
  EXPECT_EQ(OnHand(kMiel), on_hand);
  std::string checkout = CheckoutId(s, "declined-1");
  EXPECT_EQ(ActiveReservations(checkout), "0");
  EXPECT_EQ(InventorySql("SELECT status FROM reservations WHERE reference = 'order:checkout-" + checkout + "'"),
            "released");
  ASSERT_EQ(CartItems(s).size(), 1u);
  EXPECT_EQ(CartItems(s)[0].at("quantity").as_int64(), 2);
  EXPECT_EQ(OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'"), "failed");
  // The same key tells the same story.
  HttpResult again = PostCheckout(s, kDeclinedCard, "declined-1");
  EXPECT_EQ(again.status, 402);
  EXPECT_EQ(Code(again), "payment.card_declined");
}

TEST_F(Checkout, ProviderTimeoutLeavesNoChargeWithoutAnOrder) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::int64_t reserved = Reserved(kMiel);
  HttpResult r = PostCheckout(s, kTimeoutCard, "timeout-1");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(Code(r), "order.payment_timeout");
  std::string checkout = CheckoutId(s, "timeout-1");
  // The provider records its late success after the order service gave up: the charge must end refunded.
  ASSERT_TRUE(Eventually([&] {
    auto charges = Charges(checkout);
    return !charges.empty() && Str(charges[0], "status") != "pending";
  }));
  auto charges = Charges(checkout);
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(Str(charges[0], "status"), "refunded");
  EXPECT_TRUE(OrdersOf(s).empty());
  EXPECT_EQ(ActiveReservations(checkout), "0");
  EXPECT_EQ(Reserved(kMiel), reserved);
  EXPECT_EQ(CartItems(s).size(), 1u);
}

TEST_F(Checkout, InsufficientStockIs409AndChargesNothing) {
  Shopper s = NewShopper({{kVeste, 3}});
  // The centre's stock drops below the cart after it was filled.
  std::int64_t on_hand = OnHand(kVeste);
  std::int64_t reserved = Reserved(kVeste);
  std::int64_t take = on_hand - reserved - 2;
  auto adjust = [&](std::int64_t quantity, const std::string& key) {
    HttpResult r =
        testing::Http(static_cast<std::uint16_t>(platform_->Port("inventory")), "POST", "/api/v1/inventory/movements",
                      json::serialize(json::object{
                          {"location_id", kCentre},
                          {"reason", "adjustment"},
                          {"adjustment_reason", "count_correction"},
                          {"note", "order integration test"},
                          {"reference", "test:stock"},
                          {"lines", json::array{json::object{{"product_id", kVeste}, {"quantity", quantity}}}}}),
                      {{"Authorization", "Bearer " + Manager()}, {"Idempotency-Key", key}});
    ASSERT_EQ(r.status, 201) << r.body;
  };
  adjust(-take, "order-it-take");
  HttpResult r = PostCheckout(s, kSuccessCard, "short-1");
  adjust(take, "order-it-give-back");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Code(r), "inventory.insufficient_stock");
  EXPECT_TRUE(Charges(CheckoutId(s, "short-1")).empty());
  EXPECT_TRUE(OrdersOf(s).empty());
  EXPECT_EQ(CartItems(s).size(), 1u);
}

TEST_F(Checkout, AnOrderThatCannotBeWrittenIsRefundedAndReleased) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::int64_t on_hand = OnHand(kMiel), reserved = Reserved(kMiel);
  // The order database refuses this shopper's order (a constraint added for the test): the charge has been made.
  std::string constraint = "it_block_" + s.id;
  testing::RunSql(platform_->Conninfo("order"), "ALTER TABLE orders ADD CONSTRAINT " + constraint +
                                                    " CHECK (customer_id <> '" + s.id + "') NOT VALID");
  HttpResult r = PostCheckout(s, kSuccessCard, "unwritten-1");
  testing::RunSql(platform_->Conninfo("order"), "ALTER TABLE orders DROP CONSTRAINT " + constraint);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(Code(r), "order.not_recorded");
  std::string checkout = CheckoutId(s, "unwritten-1");
  auto charges = Charges(checkout);
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(Str(charges[0], "status"), "refunded");
  EXPECT_EQ(ActiveReservations(checkout), "0");
  EXPECT_EQ(Reserved(kMiel), reserved);
  EXPECT_EQ(OnHand(kMiel), on_hand);
  EXPECT_TRUE(OrdersOf(s).empty());
  EXPECT_EQ(CartItems(s).size(), 1u);
  EXPECT_EQ(OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'"), "failed");
  HttpResult again = PostCheckout(s, kSuccessCard, "unwritten-1");
  EXPECT_EQ(again.status, 503);
  EXPECT_EQ(Code(again), "order.not_recorded");
}

TEST_F(Checkout, AShopperCannotReadAnotherShoppersOrder) {
  Shopper a = NewShopper({{kMiel, 1}});
  HttpResult placed = PostCheckout(a, kSuccessCard, "own-1");
  ASSERT_EQ(placed.status, 201) << placed.body;
  std::string id = Str(Json(placed), "id");
  EXPECT_EQ(Json(placed).at("shipping_cents").as_int64(), 999);  // 15.99 $: below the free shipping threshold

  Shopper b = NewShopper({});
  HttpResult other = platform_->Call("GET", "/api/v1/orders/" + id, "", b.token);
  EXPECT_EQ(other.status, 404) << other.body;
  EXPECT_EQ(Code(other), "order.not_found");
  EXPECT_TRUE(OrdersOf(b).empty());
  HttpResult other_cancel = platform_->Call("POST", "/api/v1/orders/" + id + "/cancel", "", b.token);
  EXPECT_EQ(other_cancel.status, 404);
  // Even asking for a's orders by filter gives b only their own.
  HttpResult filtered = platform_->Call("GET", "/api/v1/orders?customer_id=" + a.id, "", b.token);
  EXPECT_TRUE(Json(filtered).at("data").as_array().empty());

  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id, "", Manager()).status, 200);
  HttpResult staff = platform_->Call("GET", "/api/v1/orders?status=paid&customer_id=" + a.id, "", Manager());
  ASSERT_EQ(staff.status, 200) << staff.body;
  ASSERT_EQ(Json(staff).at("data").as_array().size(), 1u);
  EXPECT_EQ(Json(staff).at("meta").at("total").as_int64(), 1);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id).status, 401);  // the gateway wants a token
}

TEST_F(Checkout, StatusChangesFollowTheLifecycle) {
  Shopper s = NewShopper({{kMiel, 1}});
  HttpResult placed = PostCheckout(s, kSuccessCard, "status-1");
  ASSERT_EQ(placed.status, 201) << placed.body;
  std::string id = Str(Json(placed), "id");
  auto change = [&](const std::string& status, const std::string& token) {
    return platform_->Call("POST", "/api/v1/orders/" + id + "/status",
                           json::serialize(json::object{{"status", status}}), token);
  };
  HttpResult skip = change("shipped", Logistics());
  EXPECT_EQ(skip.status, 409) << skip.body;
  EXPECT_EQ(Code(skip), "order.illegal_transition");
  EXPECT_EQ(change("preparing", s.token).status, 403);
  EXPECT_EQ(change("lost", Logistics()).status, 400);
  HttpResult preparing = change("preparing", Logistics());
  ASSERT_EQ(preparing.status, 200) << preparing.body;
  EXPECT_EQ(Str(Json(preparing), "status"), "preparing");
  EXPECT_EQ(change("shipped", Manager()).status, 200);
  HttpResult cancel_shipped = platform_->Call("POST", "/api/v1/orders/" + id + "/cancel", "", s.token);
  EXPECT_EQ(cancel_shipped.status, 409) << cancel_shipped.body;
  EXPECT_EQ(Code(cancel_shipped), "order.illegal_transition");
  EXPECT_EQ(change("delivered", Logistics()).status, 200);
  HttpResult back = change("paid", Logistics());
  EXPECT_EQ(back.status, 409);
  EXPECT_EQ(OrderSql("SELECT count(*) FROM outbox WHERE type = 'OrderStatusChanged' AND aggregate_id = '" + id + "'"),
            "3");
}

TEST_F(Checkout, CancelRefundsAndPutsTheStockBack) {
  std::int64_t veste_before = OnHand(kVeste), miel_before = OnHand(kMiel);
  Shopper s = NewShopper({{kVeste, 1}, {kMiel, 2}});
  HttpResult placed = PostCheckout(s, kSuccessCard, "cancel-1");
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = Json(placed);
  std::string id = Str(order, "id");
  EXPECT_EQ(OnHand(kVeste), veste_before - 1);
  EXPECT_EQ(OnHand(kMiel), miel_before - 2);

  HttpResult cancelled = platform_->Call("POST", "/api/v1/orders/" + id + "/cancel", "", s.token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Str(Json(cancelled), "status"), "cancelled");
  EXPECT_TRUE(Json(cancelled).at("payment").at("refunded").as_bool());
  auto charges = Charges(CheckoutId(s, "cancel-1"));
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(Str(charges[0], "status"), "refunded");
  EXPECT_EQ(OnHand(kVeste), veste_before);
  EXPECT_EQ(OnHand(kMiel), miel_before);
  EXPECT_EQ(InventorySql(
                "SELECT count(*) FROM movements WHERE reason = 'order_return' AND location_id = 6 AND reference = 'order:" +
                Str(order, "number") + "'"),
            "2");
  // Put back by order as itself (no borrowed logistics token), for the shopper who cancelled (ADR 0008).
  EXPECT_EQ(InventorySql("SELECT string_agg(DISTINCT actor_role || ':' || actor_subject || ' for ' || on_behalf_of, ',')"
                         " FROM movements WHERE reason = 'order_return' AND reference = 'order:" +
                         Str(order, "number") + "'"),
            "service:order for customer:" + s.id);
  EXPECT_EQ(InventorySql("SELECT count(*) FROM movements WHERE reason = 'return' AND reference = 'order:" +
                         Str(order, "number") + "'"),
            "0");
  EXPECT_EQ(OrderSql("SELECT count(*) FROM outbox WHERE type = 'OrderCancelled' AND aggregate_id = '" + id + "'"), "1");
  HttpResult again = platform_->Call("POST", "/api/v1/orders/" + id + "/cancel", "", s.token);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Code(again), "order.illegal_transition");
}

// The crash hook exists only in test builds (COMPTOIR_TEST_HOOKS, ADR 0053); order_no_test_hooks_test checks the
// others.
#if COMPTOIR_TEST_HOOKS
TEST_F(Checkout, ACrashAfterTheChargeIsCompletedAtRestart) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::int64_t on_hand = OnHand(kMiel), reserved = Reserved(kMiel);
  // The order process dies (SIGKILL-like _exit) right after recording the charge: the shopper gets no answer.
  HttpResult r;
  try {
    r = PostCheckout(s, kSuccessCard, "crash-charged-1");
  } catch (const std::exception&) {
    r.status = 0;
  }
  EXPECT_NE(r.status, 201) << r.body;
  std::string checkout = CheckoutId(s, "crash-charged-1");
  EXPECT_EQ(OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'"), "charged");
  EXPECT_TRUE(OrderSql("SELECT id FROM orders WHERE checkout_id = '" + checkout + "'").empty());

  platform_->StopService("order", true);  // reap what is left of it
  platform_->StartService("order");
  // The recovery pass (at start, then periodically, for checkouts untouched for order.recovery_stale_ms) completes it.
  ASSERT_TRUE(
      Eventually([&] { return OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'") == "completed"; }));
  auto orders = OrdersOf(s);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(Str(orders[0], "status"), "paid");
  auto charges = Charges(checkout);
  ASSERT_EQ(charges.size(), 1u);
  EXPECT_EQ(Str(charges[0], "status"), "succeeded");
  EXPECT_EQ(Str(orders[0].at("payment"), "charge_id"), Str(charges[0], "id"));
  EXPECT_EQ(ActiveReservations(checkout), "0");
  EXPECT_EQ(OnHand(kMiel), on_hand - 1);
  EXPECT_EQ(Reserved(kMiel), reserved);
  EXPECT_TRUE(CartItems(s).empty());
  // The shopper retrying with the same key now gets the order.
  HttpResult retry = PostCheckout(s, kSuccessCard, "crash-charged-1");
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(Json(retry).at("id"), orders[0].at("id"));
}

TEST_F(Checkout, ACrashBeforeTheChargeIsUndoneAtRestart) {
  Shopper s = NewShopper({{kVeste, 1}});
  std::int64_t on_hand = OnHand(kVeste), reserved = Reserved(kVeste);
  // The order process dies right after recording "charging" (reservation held, charge outcome unknown to it).
  HttpResult r;
  try {
    r = PostCheckout(s, kSuccessCard, "crash-charging-1");
  } catch (const std::exception&) {
    r.status = 0;
  }
  EXPECT_NE(r.status, 201) << r.body;
  std::string checkout = CheckoutId(s, "crash-charging-1");
  EXPECT_EQ(OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'"), "charging");
  EXPECT_EQ(ActiveReservations(checkout), "1");

  platform_->StopService("order", true);
  platform_->StartService("order");
  ASSERT_TRUE(
      Eventually([&] { return OrderSql("SELECT step FROM checkouts WHERE id = '" + checkout + "'") == "failed"; }));
  EXPECT_TRUE(Charges(checkout).empty());
  EXPECT_TRUE(OrdersOf(s).empty());
  EXPECT_EQ(ActiveReservations(checkout), "0");
  EXPECT_EQ(Reserved(kVeste), reserved);
  EXPECT_EQ(OnHand(kVeste), on_hand);
  EXPECT_EQ(CartItems(s).size(), 1u);
  HttpResult retry = PostCheckout(s, kSuccessCard, "crash-charging-1");
  EXPECT_EQ(retry.status, 503) << retry.body;
  EXPECT_EQ(Code(retry), "order.checkout_interrupted");
  // A new key checks the same cart out.
  HttpResult again = PostCheckout(s, kSuccessCard, "after-crash-1");
  EXPECT_EQ(again.status, 201) << again.body;
}

#endif  // COMPTOIR_TEST_HOOKS

// Runs last (gtest keeps declaration order): the invariants over everything the tests above did.
TEST_F(Checkout, NoChargeWithoutAnOrderAndNoReservationWithoutAPaidOrder) {
  std::string payment = platform_->Conninfo("payment");
  std::string succeeded = testing::QueryValue(
      payment, "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM charges WHERE status = 'succeeded'");
  std::string ordered = OrderSql(
      "SELECT coalesce(string_agg(charge_id::text, ',' ORDER BY charge_id), '') FROM orders WHERE NOT refunded");
  EXPECT_EQ(succeeded, ordered);
  EXPECT_EQ(testing::QueryValue(payment, "SELECT count(*) FROM charges WHERE status = 'pending'"), "0");
  EXPECT_EQ(InventorySql("SELECT count(*) FROM reservations WHERE status = 'active'"), "0");
  EXPECT_EQ(OrderSql("SELECT count(*) FROM checkouts WHERE step NOT IN ('completed', 'failed')"), "0");
}

}  // namespace
}  // namespace comptoir::order::test
