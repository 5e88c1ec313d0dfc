// Unit tests of the sales rules: pricing, Quebec taxes, tenders and cash rounding, cumulative refunds,
// register over/short, request bodies, and that openapi.json documents every route. No I/O.
#include <algorithm>
#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/money.hpp"
#include "comptoir/sales/sales.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/gift_card.hpp"
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

// A recorded sale of `lines` paid by `payments` (as Settle and the storage layer leave it).
Sale Recorded(std::vector<SaleLine> lines, std::vector<Payment> payments) {
  Sale sale;
  sale.lines = std::move(lines);
  sale.totals = TotalsOfLines(sale.lines);
  sale.payments = std::move(payments);
  sale.cash_taken_cents = Settle(sale.totals.total_cents, sale.payments).cash_taken_cents();
  return sale;
}

Sale CardSale(std::vector<SaleLine> lines) {
  Totals t = TotalsOfLines(lines);
  return Recorded(std::move(lines), {{Tender::kCard, t.total_cents}});
}

TEST(Refund, IssueScenarioOneTshirt) {
  Sale sale = CardSale(Lines({{Tshirt(), 2}, {Cafe(), 1}}));
  std::vector<ReturnLineRequest> r{{5, 1}};
  Refund refund = ComputeRefund(sale, r, false);
  EXPECT_EQ(refund.totals.subtotal_cents, 1999);
  money::Taxes taxes = money::QuebecTaxes(1999);
  EXPECT_EQ(refund.totals.gst_cents, taxes.gst_cents);
  EXPECT_EQ(refund.totals.gst_cents, 100);
  EXPECT_EQ(refund.totals.qst_cents, 199);
  EXPECT_EQ(refund.totals.total_cents, 2298);
  EXPECT_EQ(refund.cash_rounding_cents, 0);
  ASSERT_EQ(refund.tenders.size(), 1u);
  EXPECT_EQ(refund.tenders[0].method, Tender::kCard);
  EXPECT_EQ(refund.tenders[0].refunded_as, Tender::kCard);
  EXPECT_EQ(refund.tenders[0].amount_cents, 2298);
  EXPECT_EQ(RefundMethodOf(refund, sale.payments), "card");
  EXPECT_FALSE(NeedsManagerApproval(refund));
}

TEST(Refund, ReturningEverythingOneByOneRefundsExactlyTheSale) {
  // 7 × 0.99 $: each unit alone has taxes that do not add up to the sale's.
  Product odd{10, "ALIM-0002", "Chocolat", 99, true};
  Sale sale = CardSale(Lines({{odd, 7}, {Cafe(), 1}}));
  const Totals paid = sale.totals;
  std::int64_t returned = 0, gst = 0, qst = 0, total = 0;
  std::vector<ReturnLineRequest> items;
  for (int i = 0; i < 7; ++i) items.push_back({10, 1});
  items.push_back({9, 1});
  for (const auto& item : items) {
    std::vector<ReturnLineRequest> one{item};
    Refund r = ComputeRefund(sale, one, false);
    ApplyRefund(sale, r);
    returned += r.totals.subtotal_cents;
    gst += r.totals.gst_cents;
    qst += r.totals.qst_cents;
    total += r.totals.total_cents;
  }
  EXPECT_EQ(returned, paid.subtotal_cents);
  EXPECT_EQ(gst, paid.gst_cents);
  EXPECT_EQ(qst, paid.qst_cents);
  EXPECT_EQ(total, paid.total_cents);
  EXPECT_EQ(sale.payments[0].refunded_cents, paid.total_cents);
}

TEST(Refund, NeverMoreThanSoldMinusReturned) {
  Sale sale = CardSale(Lines({{Tshirt(), 2}}));
  std::vector<ReturnLineRequest> three{{5, 3}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(sale, three, false); }), "sales.return_exceeds_sold");
  std::vector<ReturnLineRequest> two{{5, 2}};
  ApplyRefund(sale, ComputeRefund(sale, two, false));
  std::vector<ReturnLineRequest> one{{5, 1}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(sale, one, false); }), "sales.return_exceeds_sold");
  // Two lines of one product count together.
  Sale fresh = CardSale(Lines({{Tshirt(), 2}}));
  std::vector<ReturnLineRequest> split{{5, 2}, {5, 1}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(fresh, split, false); }), "sales.return_exceeds_sold");
  std::vector<ReturnLineRequest> other{{9, 1}};
  EXPECT_EQ(CodeOf([&] { ComputeRefund(fresh, other, false); }), "sales.product_not_in_sale");
}

TEST(Refund, CashRefundIsPaidRoundedToANickel) {
  Sale sale = Recorded(Lines({{Cafe(), 1}}), {{Tender::kCash, 2000}});
  std::vector<ReturnLineRequest> r{{9, 1}};
  Refund refund = ComputeRefund(sale, r, false);
  EXPECT_EQ(refund.totals.total_cents, 1494);
  EXPECT_EQ(refund.cash_paid_cents, 1495);  // exactly what the sale took in cash
  EXPECT_EQ(refund.cash_rounding_cents, 1);
  EXPECT_EQ(RefundMethodOf(refund, sale.payments), "cash");
}

TEST(Refund, TenDollarsOfGiftCardAndNinetyOfCashNeverGoAllToTheGiftCard) {
  // A 100.00 $ sale: 10 $ by gift card, 90 $ in cash. Gift card first (documented order), cash last.
  Product thing{1, "X", "Objet", 8697, true};  // 86.97 $ + 4.35 $ GST + 8.68 $ QST = 100.00 $
  std::vector<Payment> payments{{Tender::kGiftCard, 1000}, {Tender::kCash, 9000}};
  payments[0].gift_card_id = 42;
  Sale sale = Recorded(Lines({{thing, 1}}), payments);
  ASSERT_EQ(sale.totals.total_cents, 10000);
  std::vector<ReturnLineRequest> all{{1, 1}};
  Refund refund = ComputeRefund(sale, all, false);
  ASSERT_EQ(refund.tenders.size(), 2u);
  EXPECT_EQ(refund.tenders[0].method, Tender::kGiftCard);
  EXPECT_EQ(refund.tenders[0].amount_cents, 1000);
  EXPECT_EQ(refund.tenders[0].gift_card_id, 42);
  EXPECT_EQ(refund.tenders[1].method, Tender::kCash);
  EXPECT_EQ(refund.tenders[1].amount_cents, 9000);
  EXPECT_EQ(refund.tenders[1].paid_cents, 9000);
  EXPECT_EQ(RefundMethodOf(refund, sale.payments), "mixed");
}

TEST(Refund, PartialCashRefundsAreRoundedCumulativelyAndNeverExceedTheCashTaken) {
  // Three Chocolats (4.99 $) paid cash: 17.21 $ due, 17.20 $ taken. Returned one by one, per-return rounding
  // would pay 5.75 + 5.75 + 5.75 = 17.25 $; cumulative rounding pays 5.75 + 5.75 + 5.70 = 17.20 $.
  Product chocolat{10, "ALIM-0002", "Chocolat Noir", 499, true};
  Sale sale = Recorded(Lines({{chocolat, 3}}), {{Tender::kCash, 2000}});
  ASSERT_EQ(sale.cash_taken_cents, 1720);
  std::int64_t paid_out = 0;
  for (int i = 0; i < 3; ++i) {
    std::vector<ReturnLineRequest> one{{10, 1}};
    Refund r = ComputeRefund(sale, one, false);
    EXPECT_EQ(r.cash_paid_cents % 5, 0);
    paid_out += r.cash_paid_cents;
    EXPECT_LE(paid_out, sale.cash_taken_cents);
    ApplyRefund(sale, r);
  }
  EXPECT_EQ(paid_out, 1720);
  EXPECT_EQ(sale.cash_paid_out_cents, 1720);
}

TEST(Refund, CashForACardSaleNeedsAManagersApproval) {
  Sale sale = CardSale(Lines({{Tshirt(), 1}}));
  std::vector<ReturnLineRequest> r{{5, 1}};
  Refund refund = ComputeRefund(sale, r, true);
  ASSERT_EQ(refund.tenders.size(), 1u);
  EXPECT_EQ(refund.tenders[0].method, Tender::kCard);
  EXPECT_EQ(refund.tenders[0].refunded_as, Tender::kCash);
  EXPECT_EQ(refund.tenders[0].amount_cents, 2298);
  EXPECT_EQ(refund.tenders[0].paid_cents, 2300);
  EXPECT_TRUE(NeedsManagerApproval(refund));
  // A cash sale refunded in cash needs nobody's approval.
  Sale cash = Recorded(Lines({{Tshirt(), 1}}), {{Tender::kCash, 2300}});
  EXPECT_FALSE(NeedsManagerApproval(ComputeRefund(cash, r, true)));
}

TEST(Refund, AReturnUndoneGivesItsShareBack) {
  Sale sale = Recorded(Lines({{Tshirt(), 2}}), {{Tender::kDebit, 2000}, {Tender::kCash, 3000}});
  std::vector<ReturnLineRequest> one{{5, 1}};
  Refund first = ComputeRefund(sale, one, false);
  ApplyRefund(sale, first);
  EXPECT_EQ(sale.payments[0].refunded_cents, 2000);
  ApplyRefund(sale, first, -1);
  EXPECT_EQ(sale.payments[0].refunded_cents, 0);
  EXPECT_EQ(sale.lines[0].returned_quantity, 0);
  EXPECT_EQ(sale.cash_paid_out_cents, 0);
  EXPECT_EQ(sale.refunded.total_cents, 0);
}

TEST(Refund, DefaultMethodIsTheFirstNonCashTender) {
  std::vector<Payment> cash_then_debit{{Tender::kCash, 100}, {Tender::kDebit, 100}};
  EXPECT_EQ(DefaultRefundMethod(cash_then_debit), Tender::kDebit);
  std::vector<Payment> cash{{Tender::kCash, 100}};
  EXPECT_EQ(DefaultRefundMethod(cash), Tender::kCash);
}

TEST(GiftCardCode, GeneratedCodesParseBackAndCarryACheckSymbol) {
  std::vector<std::uint8_t> bytes(15);
  for (int round = 0; round < 200; ++round) {
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>((round * 131 + i * 17) % 256);
    const std::string code = GiftCardCodeFrom(bytes);
    ASSERT_EQ(code.size(), 22u);
    EXPECT_EQ(code.substr(0, 3), "GC-");
    EXPECT_EQ(ParseGiftCardCode(code), code);
  }
}

TEST(GiftCardCode, TypingDoesNotMatterButEveryWrongSymbolIsCaught) {
  const std::string code = "GC-M5WH-9SD0-RR8Q-PRQZ";  // a demo card
  EXPECT_EQ(ParseGiftCardCode("gc m5wh 9sd0 rr8q prqz"), code);
  EXPECT_EQ(ParseGiftCardCode("M5WH9SDORR8QPRQZ"), code);  // O read as 0
  std::string symbols = "M5WH9SD0RR8QPRQZ";
  int caught = 0, tried = 0;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    for (char c : kGiftCardAlphabet) {
      if (c == symbols[i]) continue;
      std::string typo = symbols;
      typo[i] = c;
      ++tried;
      if (!ParseGiftCardCode(typo)) ++caught;
    }
  }
  EXPECT_EQ(caught, tried);  // Luhn mod 32 catches every single-symbol mistake
  for (const char* bad :
       {"GC-DEMO-0001", "", "GC-M5WH-9SD0-RR8Q-PRQ", "GC-M5WH-9SD0-RR8Q-PRQZZ", "GC-M5WH-9SD0-RR8Q-PRQU"}) {
    EXPECT_FALSE(ParseGiftCardCode(bad)) << bad;
  }
  EXPECT_EQ(MaskGiftCardCode(code), "GC-****-****-****-PRQZ");
}

TEST(GiftCardCode, DemoCardsAreValid) {
  for (const char* demo :
       {"GC-M5WH-9SD0-RR8Q-PRQZ", "GC-CY8X-FR05-X3PA-TAK7", "GC-Z2D7-2VNR-94K7-GF7T", "GC-0THM-4JB6-VGKA-G7KJ"}) {
    EXPECT_EQ(ParseGiftCardCode(demo), demo);
  }
}

TEST(GiftCardPin, SixUniformDigits) {
  EXPECT_EQ(GiftCardPinFrom(0), "000000");
  EXPECT_EQ(GiftCardPinFrom(4'293'999'999U), "999999");
  EXPECT_FALSE(GiftCardPinFrom(4'294'000'000U));
  EXPECT_TRUE(IsGiftCardPin("012345"));
  EXPECT_FALSE(IsGiftCardPin("12345"));
  EXPECT_FALSE(IsGiftCardPin("12345a"));
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
                       {"method": "card", "amount_cents": 5, "gift_card_code": "GC"},
                       {"method": "gift_card", "amount_cents": 5, "gift_card_code": null, "gift_card_pin": null},
                       {"method": "gift_card", "amount_cents": 5, "gift_card_code": "GC-DEMO-0001",
                        "gift_card_pin": "12"}], "extra": 1})");
  try {
    ParseSaleBody(body);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    std::set<std::string> fields;
    for (const auto& f : e.fields()) fields.insert(f.field);
    for (const char* f :
         {"location_id", "lines[0].quantity", "lines[1].sku", "payments[0].method", "payments[1].gift_card_code",
          "payments[1].gift_card_pin", "payments[2].gift_card_code", "payments[3].gift_card_code",
          "payments[3].gift_card_pin", "payments[4].gift_card_code", "payments[4].gift_card_pin", "extra"}) {
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
          "payments": [{"method": "gift_card", "amount_cents": 100, "gift_card_code": "gc-m5wh-9sd0-rr8q-prqz",
                        "gift_card_pin": "314159"}]})"));
  EXPECT_EQ(ok.lines[0].sku, "VETE-0001");
  EXPECT_EQ(ok.payments[0].method, Tender::kGiftCard);
  EXPECT_EQ(ok.payments[0].gift_card_code, "GC-M5WH-9SD0-RR8Q-PRQZ");
  EXPECT_EQ(ok.payments[0].gift_card_pin, "314159");
}

TEST(Body, ReturnBody) {
  try {
    ParseReturnBody(boost::json::parse(R"({"lines": [{"product_id": 5}], "refund_method": "cheque"})"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.fields().size(), 3u);  // lines[0].quantity, reason, refund_method
  }
  EXPECT_TRUE(ParseReturnBody(boost::json::parse(R"({"lines": [{"product_id": 5, "quantity": 1}], "reason": "x",
                                                     "refund_method": "cash"})"))
                  .in_cash);
  EXPECT_FALSE(ParseReturnBody(boost::json::parse(R"({"lines": [{"product_id": 5, "quantity": 1}], "reason": "x",
                                                      "refund_method": "original"})"))
                   .in_cash);
  EXPECT_EQ(CodeOf([] {
              ParseReturnBody(boost::json::parse(
                  R"({"lines": [{"product_id": 5, "quantity": 1}], "reason": "x", "refund_method": "card"})"));
            }),
            "request.validation_failed");
}

TEST(Body, TheFingerprintLeavesThePinsOut) {
  auto a = boost::json::parse(R"({"payments": [{"method": "gift_card", "gift_card_pin": "111111"}]})");
  auto b = boost::json::parse(R"({"payments": [{"method": "gift_card", "gift_card_pin": "222222"}]})");
  EXPECT_EQ(FingerprintText(a), FingerprintText(b));
  EXPECT_EQ(FingerprintText(a).find("111111"), std::string::npos);
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::sales
