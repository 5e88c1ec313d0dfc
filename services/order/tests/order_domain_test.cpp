// Unit tests of the order rules: totals and shipping, checkout body, saga transitions and recovery decisions,
// order statuses, query parsing, OpenAPI coverage. No I/O.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "comptoir/error.hpp"
#include "comptoir/order/order.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/order.hpp"
#include "saga.hpp"
#include "storage/repository.hpp"

namespace comptoir::order {
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

std::set<std::string> Fields(const ApiError& e) {
  std::set<std::string> out;
  for (const auto& f : e.fields()) out.insert(f.field);
  return out;
}

Line L(std::int64_t product, std::int64_t price, std::int64_t quantity) {
  return Line{product, "SKU-" + std::to_string(product), "p", price, quantity};
}

TEST(Shipping, FreeFromOneHundredDollarsOfSubtotal) {
  EXPECT_EQ(ShippingFor(0), 999);
  EXPECT_EQ(ShippingFor(9999), 999);
  EXPECT_EQ(ShippingFor(10000), 0);
  EXPECT_EQ(ShippingFor(27597), 0);
}

TEST(Totals, IssueFiveScenario) {
  // 2 × Veste d'hiver (12999) + 1 × Miel (1599): free shipping, taxes as the cart shows them.
  Totals t = ComputeTotals({L(7, 12999, 2), L(12, 1599, 1)});
  EXPECT_EQ(t.subtotal_cents, 27597);
  EXPECT_EQ(t.shipping_cents, 0);
  EXPECT_EQ(t.gst_cents, 1380);
  EXPECT_EQ(t.qst_cents, 2753);
  EXPECT_EQ(t.total_cents, 31730);
}

TEST(Totals, ShippingIsTaxedBelowTheThreshold) {
  // 1 × Miel: 15.99 + 9.99 shipping = 25.98 taxable → GST 1.30 (129.9), QST 2.59 (259.15...).
  Totals t = ComputeTotals({L(12, 1599, 1)});
  EXPECT_EQ(t.subtotal_cents, 1599);
  EXPECT_EQ(t.shipping_cents, 999);
  EXPECT_EQ(t.gst_cents, 130);  // 2598 × 5 % = 129.9
  EXPECT_EQ(t.qst_cents, 259);  // 2598 × 9.975 % = 259.15
  EXPECT_EQ(t.total_cents, 1599 + 999 + 130 + 259);
}

TEST(Totals, JustBelowAndAtTheThreshold) {
  Totals below = ComputeTotals({L(1, 9999, 1)});
  EXPECT_EQ(below.shipping_cents, 999);
  EXPECT_EQ(below.total_cents, below.subtotal_cents + 999 + below.gst_cents + below.qst_cents);
  Totals at = ComputeTotals({L(1, 5000, 2)});
  EXPECT_EQ(at.shipping_cents, 0);
  EXPECT_EQ(at.gst_cents, 500);
  EXPECT_EQ(at.qst_cents, 998);  // 997.5 rounds half up
}

TEST(Luhn, ValidAndInvalidNumbers) {
  EXPECT_TRUE(LuhnValid("4242424242424242"));
  EXPECT_TRUE(LuhnValid("4000000000000002"));
  EXPECT_TRUE(LuhnValid("4000000000000119"));
  EXPECT_FALSE(LuhnValid("4242424242424243"));
  EXPECT_FALSE(LuhnValid("4242-4242-4242-4242"));
  EXPECT_FALSE(LuhnValid("42"));
}

boost::json::value Body(std::string_view text) {
  return boost::json::parse(text);
}

TEST(CheckoutBody, ValidBodyIsNormalised) {
  CheckoutRequest r = ParseCheckoutBody(Body(R"({"cart_id": "customer-12",
      "shipping_address": {"line1": "1 rue Sainte-Catherine", "city": "Montréal", "province": "qc", "postal_code": "h2x1y4"},
      "payment": {"method": "card", "card_number": "4242424242424242"}})"));
  EXPECT_EQ(r.cart_id, "customer-12");
  EXPECT_EQ(r.shipping_address.province, "QC");
  EXPECT_EQ(r.shipping_address.postal_code, "H2X 1Y4");
  EXPECT_EQ(r.card_number, "4242424242424242");
}

TEST(CheckoutBody, EveryProblemIsListed) {
  ApiError e = Catch([] {
    ParseCheckoutBody(Body(R"({"shipping_address": {"line1": "", "city": "Montréal", "province": "QC",
        "postal_code": "12345"}, "payment": {"method": "cash", "card_number": "4242424242424241"}, "tip": 1})"));
  });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "request.validation_failed");
  EXPECT_EQ(Fields(e), (std::set<std::string>{"cart_id", "shipping_address.line1", "shipping_address.postal_code",
                                              "payment.method", "payment.card_number", "tip"}));
}

TEST(CheckoutBody, MissingAddressAndPayment) {
  ApiError e = Catch([] { ParseCheckoutBody(Body(R"({"cart_id": "c"})")); });
  EXPECT_EQ(Fields(e), (std::set<std::string>{"shipping_address", "payment"}));
}

TEST(CheckoutBody, SavedAddressOrShippingAddressAndOnlyQuebecIsServed) {
  auto saved = ParseCheckoutBody(Body(R"({"cart_id": "c", "address_id": 3,
        "payment": {"method": "card", "card_number": "4242424242424242"}})"));
  EXPECT_EQ(saved.address_id, 3);
  ApiError both = Catch([] {
    ParseCheckoutBody(Body(R"({"cart_id": "c", "address_id": 3, "shipping_address": {"line1": "1 rue Saint-Paul",
        "city": "Montréal", "province": "QC", "postal_code": "H2Y 1G7"},
        "payment": {"method": "card", "card_number": "4242424242424242"}})"));
  });
  EXPECT_EQ(Fields(both), (std::set<std::string>{"address_id"}));
  auto from_customer = AddressFromCustomer(Body(
      R"({"id": 3, "type": "delivery", "line1": "5333 avenue Casgrain", "city": "Montréal", "province": "QC",
          "postal_code": "H2T 1X3", "is_default": true})"));
  EXPECT_EQ(from_customer.postal_code, "H2T 1X3");
  EXPECT_EQ(Catch([] {
              AddressFromCustomer(Body(R"({"line1": "1 Queen St", "city": "Toronto", "province": "ON",
      "postal_code": "M5H 2N2"})"));
            }).code(),
            "order.shipping_outside_quebec");
  ApiError ontario = Catch([] {
    ParseCheckoutBody(Body(R"({"cart_id": "c", "shipping_address": {"line1": "1 Queen St", "city": "Toronto",
        "province": "ON", "postal_code": "M5H 2N2"}, "payment": {"method": "card", "card_number": "4242424242424242"}})"));
  });
  EXPECT_EQ(ontario.status(), 422);
  EXPECT_EQ(ontario.code(), "order.shipping_outside_quebec");
}

TEST(Saga, StepsGoForwardOneAtATime) {
  EXPECT_TRUE(CanAdvance(Step::kStarted, Step::kReserving));
  EXPECT_TRUE(CanAdvance(Step::kReserving, Step::kReserved));
  EXPECT_TRUE(CanAdvance(Step::kReserved, Step::kCharging));
  EXPECT_TRUE(CanAdvance(Step::kCharging, Step::kCharged));
  EXPECT_TRUE(CanAdvance(Step::kCharged, Step::kOrderCreated));
  EXPECT_TRUE(CanAdvance(Step::kOrderCreated, Step::kCommitted));
  EXPECT_TRUE(CanAdvance(Step::kCommitted, Step::kCompleted));
  EXPECT_FALSE(CanAdvance(Step::kStarted, Step::kCharging));  // never charge before reserving
  EXPECT_FALSE(CanAdvance(Step::kReserved, Step::kCharged));  // the charge is recorded before it is sent
  EXPECT_FALSE(CanAdvance(Step::kCharging, Step::kOrderCreated));
  EXPECT_FALSE(CanAdvance(Step::kCompleted, Step::kCompensating));
  EXPECT_FALSE(CanAdvance(Step::kFailed, Step::kStarted));
}

TEST(Saga, CompensationAndFailure) {
  for (Step s :
       {Step::kStarted, Step::kReserving, Step::kReserved, Step::kCharging, Step::kCharged, Step::kOrderCreated}) {
    EXPECT_TRUE(CanAdvance(s, Step::kCompensating)) << StepName(s);
  }
  EXPECT_FALSE(CanAdvance(Step::kCommitted, Step::kCompensating));  // stock left: cancel the order instead
  EXPECT_TRUE(CanAdvance(Step::kCompensating, Step::kFailed));
  EXPECT_FALSE(CanAdvance(Step::kCompensating, Step::kCharged));
  EXPECT_TRUE(CanAdvance(Step::kStarted, Step::kFailed));    // cart or price refused
  EXPECT_TRUE(CanAdvance(Step::kReserving, Step::kFailed));  // reservation refused as a whole
  EXPECT_FALSE(CanAdvance(Step::kReserved, Step::kFailed));  // something is held: compensate first
  EXPECT_FALSE(CanAdvance(Step::kCharging, Step::kFailed));
}

TEST(Saga, RecoveryDecisions) {
  EXPECT_EQ(RecoveryFor(Step::kStarted), Recovery::kCompensate);
  EXPECT_EQ(RecoveryFor(Step::kReserving), Recovery::kCompensate);
  EXPECT_EQ(RecoveryFor(Step::kReserved), Recovery::kCompensate);
  EXPECT_EQ(RecoveryFor(Step::kCharging), Recovery::kCompensate);  // outcome unknown: refund whatever exists
  EXPECT_EQ(RecoveryFor(Step::kCompensating), Recovery::kCompensate);
  EXPECT_EQ(RecoveryFor(Step::kCharged), Recovery::kComplete);  // the shopper paid: write the order
  EXPECT_EQ(RecoveryFor(Step::kOrderCreated), Recovery::kComplete);
  EXPECT_EQ(RecoveryFor(Step::kCommitted), Recovery::kComplete);
  EXPECT_EQ(RecoveryFor(Step::kCompleted), Recovery::kNothing);
  EXPECT_EQ(RecoveryFor(Step::kFailed), Recovery::kNothing);
  for (Step s : {Step::kStarted, Step::kCommitted, Step::kCompensating, Step::kFailed}) {
    EXPECT_EQ(ParseStep(StepName(s)), s);
  }
}

#if COMPTOIR_TEST_HOOKS
TEST(Saga, TestCrashSettingMatchesStepAndKey) {
  ASSERT_TRUE(CrashHook::Compiled());
  EXPECT_FALSE(CrashHook().Wants(Step::kCharged, "crash-charged-1"));  // off by default
  CrashHook hook("charging,charged", "crash-");
  EXPECT_TRUE(hook.Wants(Step::kCharged, "crash-charged-1"));
  EXPECT_TRUE(hook.Wants(Step::kCharging, "crash-charging-1"));
  EXPECT_FALSE(hook.Wants(Step::kCharging, "crash-charged-1"));
  EXPECT_FALSE(hook.Wants(Step::kReserved, "crash-reserved-1"));
  EXPECT_FALSE(hook.Wants(Step::kCharged, "happy-1"));
  EXPECT_TRUE(CrashHook("charged", "").Wants(Step::kCharged, "any"));
}

TEST(Saga, TestCrashSettingsAreCheckedAtStart) {
  config::Source source(R"({"order": {"crash_after_step": "charged,nonsense"}})",
                        [](const std::string&) { return std::optional<std::string>(); });
  CrashHook::Load(source);
  EXPECT_THROW(source.ThrowIfErrors(), config::ConfigError);
}
#else
TEST(Saga, ABuildWithoutTestHooksReadsNoCrashSetting) {
  EXPECT_FALSE(CrashHook::Compiled());
  config::Source source(R"({"order": {"crash_after_step": "charged,nonsense", "crash_key_prefix": ""}})",
                        [](const std::string&) { return std::optional<std::string>(); });
  CrashHook hook = CrashHook::Load(source);
  EXPECT_NO_THROW(source.ThrowIfErrors());
  EXPECT_FALSE(hook.Wants(Step::kCharged, "crash-charged-1"));
}
#endif

TEST(Status, TransitionsAndCancellation) {
  EXPECT_TRUE(CanChangeStatus(Status::kPaid, Status::kPreparing));
  EXPECT_TRUE(CanChangeStatus(Status::kPreparing, Status::kShipped));
  EXPECT_TRUE(CanChangeStatus(Status::kShipped, Status::kDelivered));
  EXPECT_FALSE(CanChangeStatus(Status::kPaid, Status::kShipped));
  EXPECT_FALSE(CanChangeStatus(Status::kDelivered, Status::kPaid));
  EXPECT_FALSE(CanChangeStatus(Status::kCancelled, Status::kPreparing));
  EXPECT_FALSE(CanChangeStatus(Status::kPaid, Status::kCancelled));
  EXPECT_TRUE(CanCancel(Status::kPaid));
  EXPECT_TRUE(CanCancel(Status::kPreparing));
  EXPECT_FALSE(CanCancel(Status::kShipped));
  EXPECT_FALSE(CanCancel(Status::kCancelled));
  EXPECT_EQ(OrderNumber(42), "C-000042");
}

TEST(Access, OwnerOrStaff) {
  Order order;
  order.customer_id = "12";
  auth::Principal owner{"12", auth::Role::kCustomer, std::nullopt, 0};
  auth::Principal other{"13", auth::Role::kCustomer, std::nullopt, 0};
  auth::Principal cashier{"1", auth::Role::kCashier, 1, 0};
  auth::Principal logistics{"6", auth::Role::kLogistics, 6, 0};
  auth::Principal manager{"7", auth::Role::kManager, std::nullopt, 0};
  EXPECT_TRUE(MayRead(owner, order));
  EXPECT_FALSE(MayRead(other, order));
  EXPECT_FALSE(MayRead(cashier, order));  // ADR 0051: cashiers have no business with online orders
  EXPECT_FALSE(MayReadOrders(cashier));
  EXPECT_TRUE(MayRead(logistics, order));
  EXPECT_TRUE(MayRead(manager, order));
  EXPECT_TRUE(MayCancel(owner, order));
  EXPECT_FALSE(MayCancel(other, order));
  EXPECT_FALSE(MayCancel(cashier, order));
  EXPECT_TRUE(MayCancel(logistics, order));
}

TEST(Access, LogisticsSeesWhatItTakesToShip) {
  Order order;
  order.customer_id = "12";
  order.status = Status::kPaid;
  auth::Principal owner{"12", auth::Role::kCustomer, std::nullopt, 0};
  auth::Principal logistics{"6", auth::Role::kLogistics, 6, 0};
  auth::Principal admin{"8", auth::Role::kAdmin, std::nullopt, 0};
  for (const auto& who : {owner, admin}) {
    OrderView full = ViewFor(who, order, false);
    EXPECT_TRUE(full.customer && full.payment && full.address);
  }
  OrderView queue = ViewFor(logistics, order, false);
  EXPECT_FALSE(queue.customer || queue.payment || queue.address);
  OrderView slip = ViewFor(logistics, order, true);
  EXPECT_TRUE(slip.address);
  EXPECT_FALSE(slip.customer || slip.payment);
  order.status = Status::kPreparing;
  EXPECT_TRUE(ViewFor(logistics, order, true).address);
  for (Status gone : {Status::kShipped, Status::kDelivered, Status::kCancelled}) {
    order.status = gone;
    EXPECT_FALSE(ViewFor(logistics, order, true).address) << StatusName(gone);
  }
  boost::json::value body = boost::json::parse(OrderJson(order, ViewFor(logistics, order, true)));
  EXPECT_FALSE(body.as_object().contains("customer_id"));
  EXPECT_FALSE(body.as_object().contains("payment"));
  EXPECT_FALSE(body.as_object().contains("shipping_address"));
}

TEST(Status, ShippingNeedsCommittedStock) {
  EXPECT_TRUE(NeedsCommittedStock(Status::kPreparing));
  EXPECT_TRUE(NeedsCommittedStock(Status::kShipped));
  EXPECT_FALSE(NeedsCommittedStock(Status::kDelivered));  // only reached from shipped
  EXPECT_FALSE(NeedsCommittedStock(Status::kCancelled));
}

TEST(OrderQuery, FiltersAndErrors) {
  OrderQuery q = ParseOrderQuery({{"status", "paid"}, {"customer_id", "12"}, {"from", "2026-01-01"}, {"page", "2"}});
  EXPECT_EQ(q.status, Status::kPaid);
  EXPECT_EQ(q.customer_id, "12");
  EXPECT_EQ(q.from, "2026-01-01");
  EXPECT_EQ(q.page, 2);
  ApiError e = Catch([] {
    ParseOrderQuery({{"status", "lost"}, {"to", "2026-13-01"}, {"per_page", "500"}, {"x", "1"}});
  });
  EXPECT_EQ(Fields(e), (std::set<std::string>{"status", "to", "per_page", "x"}));
}

TEST(Lines, JsonRoundTrip) {
  std::vector<Line> lines{L(7, 12999, 2), Line{12, "EPI-MIEL", "Miel d'été", 1599, 1}};
  std::vector<Line> back = LinesFromJson(LinesJson(lines));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].name, "Miel d'été");
  EXPECT_EQ(back[0].line_total_cents(), 25998);
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::order
