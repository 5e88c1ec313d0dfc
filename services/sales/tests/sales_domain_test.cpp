// Unit tests of the sales rules: pricing, Quebec taxes, tenders and cash rounding, cumulative refunds,
// register over/short, request bodies, and that openapi.json documents every route. No I/O.
#include <algorithm>
#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/openapi.hpp"
#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/money.hpp"
#include "comptoir/sales/sales.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {
namespace {

Product Tshirt() {
  return Product{5, "VETE-0001", "T-shirt", 1999, true};
}
Product Cafe() {
  return Product{9, "ALIM-0001", "Café", 1299, true};
}

std::vector<SaleLine> Lines(std::vector<std::pair<Product, std::int64_t>> scanned) {
  return PriceLines(scanned);
}

std::string CodeOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.code();
  }
  return "";
}

TEST(Pricing, IssueScenarioTwoTshirtsAndACafe) {
  auto lines = Lines({{Tshirt(), 2}, {Cafe(), 1}});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].line_total_cents, 3998);
  EXPECT_EQ(lines[1].line_total_cents, 1299);
  Totals t = TotalsOfLines(lines);
  EXPECT_EQ(t.subtotal_cents, 5297);
  EXPECT_EQ(t.gst_cents, 265);
  EXPECT_EQ(t.qst_cents, 528);
  EXPECT_EQ(t.total_cents, 6090);
}

TEST(Pricing, SameProductScannedTwiceIsMergedIntoItsFirstLine) {
  auto lines = Lines({{Tshirt(), 1}, {Cafe(), 1}, {Tshirt(), 2}});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].product_id, 5);
  EXPECT_EQ(lines[0].quantity, 3);
  EXPECT_EQ(lines[0].line_total_cents, 5997);
  EXPECT_EQ(lines[1].product_id, 9);
}

TEST(Taxes, AwkwardAmountsRoundHalfUpPerTax) {
  EXPECT_EQ(TotalsOf(0).total_cents, 0);
  Totals one = TotalsOf(1);  // 0.05 ¢ and 0.09975 ¢
  EXPECT_EQ(one.gst_cents, 0);
  EXPECT_EQ(one.qst_cents, 0);
  Totals ten = TotalsOf(10);  // 0.5 ¢ → 1, 0.9975 ¢ → 1
  EXPECT_EQ(ten.gst_cents, 1);
  EXPECT_EQ(ten.qst_cents, 1);
  Totals airpods = TotalsOf(27597);
  EXPECT_EQ(airpods.gst_cents, 1380);
  EXPECT_EQ(airpods.qst_cents, 2753);
  EXPECT_EQ(airpods.total_cents, 27597 + 1380 + 2753);
  Totals big = TotalsOf(129999);  // 6499.95 → 6500; 12967.40 → 12967
  EXPECT_EQ(big.gst_cents, 6500);
  EXPECT_EQ(big.qst_cents, 12967);
}

TEST(Settle, CardPaysTheExactTotal) {
  std::vector<Payment> p{{Tender::kCard, 6090, std::nullopt}};
  Settlement s = Settle(6090, p);
  EXPECT_EQ(s.cash_rounding_cents, 0);
  EXPECT_EQ(s.change_cents, 0);
  EXPECT_EQ(s.cash_taken_cents(), 0);
}

TEST(Settle, CashRoundsTheDueToANickelAndGivesChange) {
  Totals t = TotalsOf(1299);  // 1299 + 65 + 130 = 1494
  ASSERT_EQ(t.total_cents, 1494);
  std::vector<Payment> p{{Tender::kCash, 2000, std::nullopt}};
  Settlement s = Settle(t.total_cents, p);
  EXPECT_EQ(s.cash_due_cents, 1495);
  EXPECT_EQ(s.cash_rounding_cents, 1);
  EXPECT_EQ(s.change_cents, 505);
  EXPECT_EQ(s.cash_taken_cents(), 1495);
  // Rounding down: 1001 → 1000.
  std::vector<Payment> exact{{Tender::kCash, 1000, std::nullopt}};
  Settlement down = Settle(1001, exact);
  EXPECT_EQ(down.cash_rounding_cents, -1);
  EXPECT_EQ(down.change_cents, 0);
}

TEST(Settle, SplitCardAndCashRoundsOnlyTheCashPart) {
  std::vector<Payment> p{{Tender::kCard, 1000, std::nullopt}, {Tender::kCash, 500, std::nullopt}};
  Settlement s = Settle(1494, p);  // cash part 494 → 495
  EXPECT_EQ(s.non_cash_cents, 1000);
  EXPECT_EQ(s.cash_due_cents, 495);
  EXPECT_EQ(s.cash_rounding_cents, 1);
  EXPECT_EQ(s.change_cents, 5);
  std::vector<Payment> three{{Tender::kGiftCard, 500, std::string("GC")},
                             {Tender::kDebit, 494, std::nullopt},
                             {Tender::kCard, 500, std::nullopt}};
  EXPECT_EQ(Settle(1494, three).change_cents, 0);
}

TEST(Settle, InsufficientPaymentIsRefused) {
  std::vector<Payment> card{{Tender::kCard, 1000, std::nullopt}};
  EXPECT_EQ(CodeOf([&] { Settle(1494, card); }), "sales.insufficient_payment");
  std::vector<Payment> cash{{Tender::kCash, 1490, std::nullopt}};  // due 1495 after rounding
  EXPECT_EQ(CodeOf([&] { Settle(1494, cash); }), "sales.insufficient_payment");
  std::vector<Payment> enough{{Tender::kCash, 1495, std::nullopt}};
  EXPECT_EQ(CodeOf([&] { Settle(1494, enough); }), "");
}

TEST(Settle, NonCashTendersMayNotExceedTheTotal) {
  std::vector<Payment> p{{Tender::kCard, 1500, std::nullopt}};
  EXPECT_EQ(CodeOf([&] { Settle(1494, p); }), "sales.overpayment");
}

TEST(Refund, IssueScenarioOneTshirt) {
  auto sold = Lines({{Tshirt(), 2}, {Cafe(), 1}});
  std::vector<ReturnLineRequest> r{{5, 1}};
  Refund refund = ComputeRefund(sold, 0, r, Tender::kCard);
  EXPECT_EQ(refund.totals.subtotal_cents, 1999);
  money::Taxes taxes = money::QuebecTaxes(1999);
  EXPECT_EQ(refund.totals.gst_cents, taxes.gst_cents);
  EXPECT_EQ(refund.totals.gst_cents, 100);
  EXPECT_EQ(refund.totals.qst_cents, 199);
  EXPECT_EQ(refund.totals.total_cents, 2298);
  EXPECT_EQ(refund.cash_rounding_cents, 0);
}

TEST(Refund, ReturningEverythingOneByOneRefundsExactlyTheSale) {
  // 7 × 0.99 $: each unit alone has taxes that do not add up to the sale's.
  Product odd{10, "ALIM-0002", "Chocolat", 99, true};
  auto sold = Lines({{odd, 7}, {Cafe(), 1}});
  Totals sale = TotalsOfLines(sold);
  std::int64_t returned = 0, gst = 0, qst = 0, total = 0;
  std::vector<ReturnLineRequest> items;
  for (int i = 0; i < 7; ++i) items.push_back({10, 1});
  items.push_back({9, 1});
  for (const auto& item : items) {
    std::vector<ReturnLineRequest> one{item};
    Refund r = ComputeRefund(sold, returned, one, Tender::kCard);
    for (auto& line : sold) {
      if (line.product_id == item.product_id) line.returned_quantity += item.quantity;
    }
    returned += r.totals.subtotal_cents;
    gst += r.totals.gst_cents;
    qst += r.totals.qst_cents;
    total += r.totals.total_cents;
  }
  EXPECT_EQ(returned, sale.subtotal_cents);
  EXPECT_EQ(gst, sale.gst_cents);
  EXPECT_EQ(qst, sale.qst_cents);
  EXPECT_EQ(total, sale.total_cents);
}

TEST(Refund, NeverMoreThanSoldMinusReturned) {
  auto sold = Lines({{Tshirt(), 2}});
  std::vector<ReturnLineRequest> three{{5, 3}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(sold, 0, three, Tender::kCard); }), "sales.return_exceeds_sold");
  sold[0].returned_quantity = 2;
  std::vector<ReturnLineRequest> one{{5, 1}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(sold, 3998, one, Tender::kCard); }), "sales.return_exceeds_sold");
  // Two lines of one product count together.
  sold[0].returned_quantity = 0;
  std::vector<ReturnLineRequest> split{{5, 2}, {5, 1}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(sold, 0, split, Tender::kCard); }), "sales.return_exceeds_sold");
  std::vector<ReturnLineRequest> other{{9, 1}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(sold, 0, other, Tender::kCard); }), "sales.product_not_in_sale");
}

TEST(Refund, CashRefundIsPaidRoundedToANickel) {
  auto sold = Lines({{Cafe(), 1}});
  std::vector<ReturnLineRequest> r{{9, 1}};
  Refund refund = ComputeRefund(sold, 0, r, Tender::kCash);
  EXPECT_EQ(refund.totals.total_cents, 1494);
  EXPECT_EQ(refund.cash_rounding_cents, 1);
}

TEST(Refund, DefaultMethodIsTheFirstNonCashTender) {
  std::vector<Payment> cash_then_debit{{Tender::kCash, 100, std::nullopt}, {Tender::kDebit, 100, std::nullopt}};
  EXPECT_EQ(DefaultRefundMethod(cash_then_debit), Tender::kDebit);
  std::vector<Payment> cash{{Tender::kCash, 100, std::nullopt}};
  EXPECT_EQ(DefaultRefundMethod(cash), Tender::kCash);
}

TEST(Register, OverShortAgainstTheExpectedCash) {
  // Float 100 $, two cash sales keeping 14.95 $ and 60.90 $, one cash refund of 22.95 $.
  std::int64_t expected = ExpectedCash(10000, 1495 + 6090, 2295);
  EXPECT_EQ(expected, 15290);
  EXPECT_EQ(15280 - expected, -10);  // short by 0.10 $
  EXPECT_EQ(15300 - expected, 10);   // over by 0.10 $
}

TEST(Receipt, NumberPerStore) {
  EXPECT_EQ(ReceiptNumber(4, 42), "S4-000042");
  EXPECT_EQ(ReceiptNumber(1, 1234567), "S1-1234567");
}

TEST(Query, TimeBoundsAcceptRfc3339AndDates) {
  EXPECT_EQ(ParseTimeBound("2026-11-24", false), "2026-11-24T00:00:00Z");
  EXPECT_EQ(ParseTimeBound("2026-11-30", true), "2026-12-01T00:00:00Z");
  EXPECT_EQ(ParseTimeBound("2026-12-31", true), "2027-01-01T00:00:00Z");
  EXPECT_EQ(ParseTimeBound("2026-11-24T10:00:00-05:00", false), "2026-11-24T10:00:00-05:00");
  EXPECT_EQ(ParseTimeBound("2026-11-24T10:00:00.5Z", false), "2026-11-24T10:00:00.5Z");
  EXPECT_FALSE(ParseTimeBound("2026-02-30", false));
  EXPECT_FALSE(ParseTimeBound("yesterday", false));
  EXPECT_FALSE(ParseTimeBound("2026-11-24T25:00:00Z", false));
}

TEST(Query, SaleQueryNamesEveryBadParameter) {
  try {
    ParseSaleQuery({{"location_id", "x"}, {"from", "nope"}, {"per_page", "500"}});
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "sales.invalid_query");
    EXPECT_EQ(e.fields().size(), 3u);
  }
  SaleQuery q = ParseSaleQuery({{"to", "2026-11-24"}, {"from", "2026-11-20T00:00:00Z"}});
  EXPECT_EQ(q.to_before, "2026-11-25T00:00:00Z");
  EXPECT_FALSE(q.to_at);
  EXPECT_EQ(q.from_at, "2026-11-20T00:00:00Z");
}

TEST(Body, SaleBodyReportsEveryFieldAtOnce) {
  auto body = boost::json::parse(
      R"({"location_id": 0, "lines": [{"quantity": 0}, {"product_id": 5, "sku": "X", "quantity": 1}],
          "payments": [{"method": "bitcoin", "amount_cents": 10}, {"method": "gift_card", "amount_cents": 5},
                       {"method": "card", "amount_cents": 5, "gift_card_code": "GC"}], "extra": 1})");
  try {
    ParseSaleBody(body);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    std::set<std::string> fields;
    for (const auto& f : e.fields()) fields.insert(f.field);
    for (const char* f : {"location_id", "lines[0].quantity", "lines[1].sku", "payments[0].method",
                          "payments[1].gift_card_code", "payments[2].gift_card_code", "extra"}) {
      EXPECT_TRUE(fields.count(f)) << f;
    }
  }
}

TEST(Body, SaleBodyNeedsLinesAndPayments) {
  try {
    ParseSaleBody(boost::json::parse(R"({"location_id": 4, "lines": [], "payments": null})"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.fields().size(), 2u);
  }
  SaleRequest ok = ParseSaleBody(boost::json::parse(
      R"({"location_id": 4, "lines": [{"sku": "VETE-0001", "quantity": 2}],
          "payments": [{"method": "gift_card", "amount_cents": 100, "gift_card_code": "GC-DEMO-0001"}]})"));
  EXPECT_EQ(ok.lines[0].sku, "VETE-0001");
  EXPECT_EQ(ok.payments[0].method, Tender::kGiftCard);
}

TEST(Body, ReturnBody) {
  try {
    ParseReturnBody(boost::json::parse(R"({"lines": [{"product_id": 5}], "refund_method": "cheque"})"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.fields().size(), 3u);  // lines[0].quantity, reason, refund_method
  }
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::sales
