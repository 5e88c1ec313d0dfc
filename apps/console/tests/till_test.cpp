// Unit tests of the till model: lines, taxes, tenders, change, 0.05 $ rounding, receipts as text.
#include <gtest/gtest.h>

#include "comptoir/console/format.hpp"
#include "comptoir/console/receipt.hpp"
#include "comptoir/console/till.hpp"

namespace comptoir::console {
namespace {

const Item kTshirt{5, "VETE-0001", "T-shirt", 1999, true};
const Item kCafe{9, "ALIM-0001", "Café", 1299, true};
const Item kChocolat{10, "ALIM-0002", "Chocolat Noir", 499, true};

TEST(Format, MoneyIsFrench) {
  EXPECT_EQ(FormatMoney(1299), "12,99 $");
  EXPECT_EQ(FormatMoney(129999), "1 299,99 $");
  EXPECT_EQ(FormatMoney(100000000), "1 000 000,00 $");
  EXPECT_EQ(FormatMoney(5), "0,05 $");
  EXPECT_EQ(FormatMoney(-2), "-0,02 $");
  EXPECT_EQ(FormatMoney(0), "0,00 $");
}

TEST(Format, AmountsAsTyped) {
  std::int64_t c = 0;
  ASSERT_TRUE(ParseMoney("100", c));
  EXPECT_EQ(c, 10000);
  ASSERT_TRUE(ParseMoney("100,5", c));
  EXPECT_EQ(c, 10050);
  ASSERT_TRUE(ParseMoney("12,99 $", c));
  EXPECT_EQ(c, 1299);
  ASSERT_TRUE(ParseMoney("0.05", c));
  EXPECT_EQ(c, 5);
  EXPECT_FALSE(ParseMoney("", c));
  EXPECT_FALSE(ParseMoney("-3", c));
  EXPECT_FALSE(ParseMoney("1,234", c));
  EXPECT_FALSE(ParseMoney("1.2.3", c));
  EXPECT_FALSE(ParseMoney("douze", c));
}

TEST(Format, FoldRemovesFrenchAccents) {
  EXPECT_EQ(Fold("Café Thé Vert"), "cafe the vert");
  EXPECT_EQ(Fold("VESTE D'HIVER"), "veste d'hiver");
  EXPECT_EQ(Fold("Élève Œuvre àÀçÇ"), "eleve oeuvre aacc");
}

TEST(Format, PaddingCountsColumnsNotBytes) {
  EXPECT_EQ(PadRight("Café", 6), "Café  ");
  EXPECT_EQ(PadLeft("é", 3), "  é");
  EXPECT_EQ(Columns(Spread("Thé", "4,99 $", 40)), 40u);
  EXPECT_EQ(PadRight("Aspirateur Dyson très long nom", 10),
            "Aspirateu"
            "r");
}

TEST(Till, MileEndSaleOfTwoTshirtsAndACafeWithOneHundredCash) {
  Till till;
  till.Add(kTshirt);
  till.Add(kCafe);
  till.Add(kTshirt);  // scanned again: merged into the first line
  ASSERT_EQ(till.lines().size(), 2u);
  EXPECT_EQ(till.lines()[0].quantity, 2);
  const Totals t = till.totals();
  EXPECT_EQ(t.subtotal_cents, 5297);
  EXPECT_EQ(t.gst_cents, 265);  // 264.85 → 265
  EXPECT_EQ(t.qst_cents, 528);  // 528.38 → 528
  EXPECT_EQ(t.total_cents, 6090);
  EXPECT_EQ(till.CashToPay(), 6090);
  ASSERT_EQ(till.AddTender({Method::kCash, 10000, ""}, false), TenderRefusal::kNone);
  const Settlement s = till.settlement();
  EXPECT_TRUE(s.settled());
  EXPECT_EQ(s.cash_rounding_cents, 0);
  EXPECT_EQ(s.change_cents, 3910);
}

TEST(Till, CashIsRoundedToTheNickelBothWays) {
  Till till;
  till.Add(kCafe);  // 12.99 + 0.65 + 1.30 = 14.94
  EXPECT_EQ(till.totals().total_cents, 1494);
  EXPECT_EQ(till.CashToPay(), 1495);
  till.AddTender({Method::kCash, 2000, ""}, false);
  EXPECT_EQ(till.settlement().cash_rounding_cents, 1);
  EXPECT_EQ(till.settlement().change_cents, 505);

  Till down;
  down.Add(kChocolat, 2);  // 9.98 + 0.50 + 1.00 = 11.48 → 11.50; 11.47 would be 11.45
  EXPECT_EQ(down.totals().total_cents, 1148);
  EXPECT_EQ(down.CashToPay(), 1150);
  Till t3;
  t3.Add(Item{99, "X", "X", 1, true}, 1);  // 0.01 + 0 + 0 = 0.01 → 0.00 in cash
  EXPECT_EQ(t3.totals().total_cents, 1);
  EXPECT_EQ(t3.CashToPay(), 0);
}

TEST(Till, CardIsNotRoundedAndMayNotExceedTheTotal) {
  Till till;
  till.Add(kCafe);
  EXPECT_EQ(till.AddTender({Method::kCard, 1495, ""}, false), TenderRefusal::kNonCashOverTotal);
  ASSERT_EQ(till.AddTender({Method::kCard, 1494, ""}, false), TenderRefusal::kNone);
  EXPECT_TRUE(till.settlement().settled());
  EXPECT_EQ(till.settlement().cash_rounding_cents, 0);
  EXPECT_EQ(till.settlement().change_cents, 0);
}

TEST(Till, SplitTenderCardThenCashRoundsOnlyTheCashPart) {
  Till till;
  till.Add(kTshirt, 2);
  till.Add(kCafe);  // 60.90
  ASSERT_EQ(till.AddTender({Method::kDebit, 4000, ""}, false), TenderRefusal::kNone);
  EXPECT_FALSE(till.settlement().settled());
  EXPECT_EQ(till.settlement().remaining_cents, 2090);
  EXPECT_EQ(till.CashToPay(), 2090);
  EXPECT_EQ(till.AddTender({Method::kGiftCard, 1000, "GC-M5WH-9SD0-RR8Q-PRQZ", ""}, false),
            TenderRefusal::kGiftCardCode);
  ASSERT_EQ(till.AddTender({Method::kGiftCard, 1000, "GC-M5WH-9SD0-RR8Q-PRQZ", "314159"}, false), TenderRefusal::kNone);
  EXPECT_NE(till.SaleBody(4, std::nullopt, "").find(R"("gift_card_pin":"314159")"), std::string::npos);
  EXPECT_EQ(till.SaleBody(4, std::nullopt, "", false).find("314159"), std::string::npos);
  EXPECT_EQ(till.CashToPay(), 1090);
  ASSERT_EQ(till.AddTender({Method::kCash, 500, ""}, false), TenderRefusal::kNone);
  EXPECT_EQ(till.settlement().remaining_cents, 590);
  ASSERT_EQ(till.AddTender({Method::kCash, 1000, ""}, false), TenderRefusal::kNone);
  EXPECT_TRUE(till.settlement().settled());
  EXPECT_EQ(till.settlement().change_cents, 410);
}

TEST(Till, OfflineOnlyCashIsAccepted) {
  Till till;
  till.Add(kCafe);
  EXPECT_EQ(till.AddTender({Method::kCard, 1494, ""}, true), TenderRefusal::kOfflineNeedsServer);
  EXPECT_EQ(till.AddTender({Method::kDebit, 1494, ""}, true), TenderRefusal::kOfflineNeedsServer);
  EXPECT_EQ(till.AddTender({Method::kGiftCard, 1494, "GC-M5WH-9SD0-RR8Q-PRQZ", "314159"}, true),
            TenderRefusal::kOfflineNeedsServer);
  EXPECT_EQ(till.AddTender({Method::kCash, 1495, ""}, true), TenderRefusal::kNone);
  EXPECT_FALSE(TenderRefusalText(TenderRefusal::kOfflineNeedsServer).empty());
}

TEST(Till, RefusesTendersThatMakeNoSense) {
  Till empty;
  EXPECT_EQ(empty.AddTender({Method::kCash, 100, ""}, false), TenderRefusal::kEmptyBasket);
  Till till;
  till.Add(kCafe);
  EXPECT_EQ(till.AddTender({Method::kCash, 0, ""}, false), TenderRefusal::kZero);
  EXPECT_EQ(till.AddTender({Method::kGiftCard, 100, ""}, false), TenderRefusal::kGiftCardCode);
  EXPECT_TRUE(till.tenders().empty());
}

TEST(Till, LinesChangeAndGo) {
  Till till;
  till.Add(kTshirt);
  till.Add(kCafe, 3);
  EXPECT_TRUE(till.SetQuantity(1, 2));
  EXPECT_EQ(till.totals().subtotal_cents, 1999 + 2 * 1299);
  EXPECT_FALSE(till.SetQuantity(5, 1));
  EXPECT_FALSE(till.SetQuantity(0, -1));
  EXPECT_TRUE(till.SetQuantity(0, 0));
  ASSERT_EQ(till.lines().size(), 1u);
  EXPECT_EQ(till.lines()[0].item.id, 9);
  EXPECT_TRUE(till.Remove(0));
  EXPECT_FALSE(till.Remove(0));
  EXPECT_TRUE(till.empty());
}

TEST(Till, SaleBodyAndDraftCarryEverything) {
  Till till;
  till.Add(kTshirt, 2);
  till.customer_id = 3;
  till.customer_label = "jean.dupont@example.com";
  till.AddTender({Method::kCash, 5000, ""}, false);
  EXPECT_EQ(
      till.SaleBody(4, 12, ""),
      R"({"location_id":4,"lines":[{"product_id":5,"quantity":2}],"payments":[{"method":"cash","amount_cents":5000}],"customer_id":3,"register_session_id":12})");
  EXPECT_EQ(
      till.SaleBody(4, std::nullopt, "2026-12-04T10:00:00Z"),
      R"({"location_id":4,"lines":[{"product_id":5,"quantity":2}],"payments":[{"method":"cash","amount_cents":5000}],"customer_id":3,"offline":true,"occurred_at":"2026-12-04T10:00:00Z"})");
  Till back = Till::FromDraft(till.ToDraft());
  ASSERT_EQ(back.lines().size(), 1u);
  EXPECT_EQ(back.lines()[0].item.name, "T-shirt");
  EXPECT_EQ(back.lines()[0].quantity, 2);
  EXPECT_EQ(back.customer_id, 3);
  EXPECT_TRUE(back.tenders().empty());  // a draft never keeps money taken
  EXPECT_TRUE(Till::FromDraft("not json").empty());
  // Issue 15: the receipt's e-mail address goes with the sale; the server queues it (ADR 0161).
  till.receipt_email = "jean.dupont@example.com";
  EXPECT_NE(till.SaleBody(4, 12, "").find(R"("customer_id":3,"receipt_email":"jean.dupont@example.com")"),
            std::string::npos);
  till.Clear();
  EXPECT_TRUE(till.receipt_email.empty());
}

TEST(Receipt, FortyColumnsWithEveryAmountOfTheServer) {
  const std::string answer =
      R"({"id":7,"receipt_number":"S4-000042","location_id":4,"lines":[{"product_id":5,"sku":"VETE-0001","name":"T-shirt","unit_price_cents":1999,"quantity":2,"line_total_cents":3998,"returned_quantity":0},{"product_id":9,"sku":"ALIM-0001","name":"Café","unit_price_cents":1299,"quantity":1,"line_total_cents":1299}],"subtotal_cents":5297,"gst_cents":265,"qst_cents":528,"total_cents":6090,"cash_rounding_cents":0,"payments":[{"method":"cash","amount_cents":10000}],"change_cents":3910,"created_at":"2026-12-04T15:03:00.123Z"})";
  auto r = ReceiptFromJson(answer);
  ASSERT_TRUE(r);
  ReceiptHeader h;
  h.store_name = "Mile End";
  h.cashier = "cashier.mile-end@comptoir.local";
  auto lines = FormatReceipt(*r, h);
  for (const auto& l : lines) EXPECT_EQ(Columns(l), 40u) << "[" << l << "]";
  auto has = [&](const std::string& text) {
    for (const auto& l : lines) {
      if (l == text) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(Spread("Reçu S4-000042", "2026-12-04 15:03", 40)));
  EXPECT_TRUE(has(Spread("  2 x 19,99 $", "39,98 $", 40)));
  EXPECT_TRUE(has(Spread("Café", "12,99 $", 40)));
  EXPECT_TRUE(has(Spread("Sous-total", "52,97 $", 40)));
  EXPECT_TRUE(has(Spread("TPS", "2,65 $", 40)));
  EXPECT_TRUE(has(Spread("TVQ", "5,28 $", 40)));
  EXPECT_TRUE(has(Spread("TOTAL", "60,90 $", 40)));
  EXPECT_TRUE(has(Spread("Comptant", "100,00 $", 40)));
  EXPECT_TRUE(has(Spread("Arrondi (0,05 $)", "0,00 $", 40)));
  EXPECT_TRUE(has(Spread("Monnaie rendue", "39,10 $", 40)));
  EXPECT_FALSE(has(Centre("*** COPIE ***", 40)));
  auto copy = FormatReceipt(*r, h, true);
  EXPECT_EQ(copy.front(), Centre("*** COPIE ***", 40));
  EXPECT_EQ(copy.back(), Centre("*** COPIE ***", 40));
}

// Issue 15: a line at its price before discounts, its promotion by name, « Détaxé » under zero-rated goods;
// the amounts add up down the column to the subtotal.
TEST(Receipt, DiscountsByNameAndZeroRatedGoodsAreShown) {
  const std::string answer =
      R"({"id":8,"receipt_number":"S4-000043","location_id":4,"lines":[{"product_id":5,"sku":"VETE-0001","name":"T-shirt","unit_price_cents":1999,"quantity":3,"tax_class":"taxable","gross_cents":5997,"discount_cents":1999,"line_total_cents":3998,"discounts":[{"promotion_id":1,"label":"3 pour 2 T-shirts","amount_cents":1999}],"returned_quantity":0},{"product_id":9,"sku":"ALIM-0001","name":"Café","unit_price_cents":1299,"quantity":1,"tax_class":"zero_rated","gross_cents":1299,"discount_cents":0,"line_total_cents":1299,"discounts":[]}],"subtotal_cents":5297,"gst_cents":200,"qst_cents":399,"total_cents":5896,"cash_rounding_cents":-1,"payments":[{"method":"cash","amount_cents":10000}],"change_cents":4105,"created_at":"2026-12-07T02:27:00Z"})";
  auto r = ReceiptFromJson(answer);
  ASSERT_TRUE(r);
  auto lines = FormatReceipt(*r, ReceiptHeader{"Mile End", "c"});
  std::vector<std::string> items;
  bool in_items = false;
  for (const auto& l : lines) {
    EXPECT_EQ(Columns(l), 40u) << "[" << l << "]";
    if (l.rfind("T-shirt", 0) == 0) in_items = true;
    if (l.rfind("Sous-total", 0) == 0) in_items = false;
    if (in_items) items.push_back(l);
  }
  const std::vector<std::string> expected = {
      PadRight("T-shirt", 40),   Spread("  3 x 19,99 $", "59,97 $", 40), Spread("  3 pour 2 T-shirts", "-19,99 $", 40),
      Spread("Café", "12,99 $", 40), PadRight("  Détaxé", 40),           std::string(40, '-')};
  EXPECT_EQ(items, expected);
}

// Offline, the till's own pricing gives the same lines.
TEST(Receipt, AnOfflineReceiptShowsTheTillsDiscounts) {
  Till till;
  till.Add(kCafe);
  till.Add(kCafe);
  pricing::LineDiscount ten_percent;
  ten_percent.percent = 10;
  ASSERT_TRUE(till.SetDiscount(0, ten_percent));
  const Receipt r = OfflineReceipt(till, 4, "HL-000002", "2026-12-07T02:30:00Z");
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].gross_cents, 2 * kCafe.price_cents);
  ASSERT_EQ(r.lines[0].discounts.size(), 1u);
  EXPECT_EQ(r.lines[0].line_total_cents, r.lines[0].gross_cents - r.lines[0].discounts[0].second);
}

TEST(Receipt, AnOfflineReceiptIsMarkedAndUsesMoneyHpp) {
  Till till;
  till.Add(kCafe);
  till.AddTender({Method::kCash, 2000, ""}, true);
  Receipt r = OfflineReceipt(till, 4, "HL-000001", "2026-12-04T15:00:00Z");
  EXPECT_EQ(r.totals.total_cents, 1494);
  EXPECT_EQ(r.cash_rounding_cents, 1);
  EXPECT_EQ(r.change_cents, 505);
  auto lines = FormatReceipt(r, ReceiptHeader{"Mile End", "c"});
  bool marked = false;
  for (const auto& l : lines) marked = marked || l.find("VENTE HORS LIGNE - EN ATTENTE") != std::string::npos;
  EXPECT_TRUE(marked);
}

TEST(Receipt, RefundPerTenderAndRegisterClose) {
  auto refund = RefundFromJson(
      R"({"id":1,"sale_id":7,"lines":[{"product_id":5,"sku":"VETE-0001","name":"T-shirt","unit_price_cents":1999,"quantity":1,"line_total_cents":1999}],"subtotal_cents":1999,"gst_cents":100,"qst_cents":199,"total_cents":2298,"cash_rounding_cents":2,"refund_method":"cash","reason":"taille","created_at":"2026-12-04T16:00:00Z"})");
  ASSERT_TRUE(refund);
  auto slip = FormatRefund(*refund, "S4-000042", ReceiptHeader{"Mile End", "c"});
  bool paid = false;
  for (const auto& l : slip) paid = paid || l == Spread("Remboursé Comptant", "23,00 $", 40);
  EXPECT_TRUE(paid);
  auto split = RefundFromJson(
      R"({"id":2,"sale_id":7,"lines":[],"subtotal_cents":1999,"gst_cents":100,"qst_cents":199,"total_cents":2298,"tenders":[{"method":"card","refunded_as":"card","amount_cents":2000,"paid_cents":2000},{"method":"cash","refunded_as":"cash","amount_cents":298,"paid_cents":300}],"refund_method":"original"})");
  ASSERT_TRUE(split);
  auto split_slip = FormatRefund(*split, "S4-000042", ReceiptHeader{"Mile End", "c"});
  int per_tender = 0;
  for (const auto& l : split_slip) per_tender += l.rfind("Remboursé ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(per_tender, 2);
  bool cash = false;
  for (const auto& l : split_slip) cash = cash || l == Spread("Remboursé Comptant", "3,00 $", 40);
  EXPECT_TRUE(cash);

  auto session = SessionFromJson(
      R"({"id":3,"location_id":4,"register":"1","status":"closed","opening_float_cents":20000,"counted_cash_cents":26085,"expected_cash_cents":26090,"over_short_cents":-5,"opened_at":"2026-12-04T13:00:00Z","closed_at":"2026-12-04T21:00:00Z"})");
  ASSERT_TRUE(session);
  EXPECT_FALSE(session->open);
  auto close = FormatSessionClose(*session, ReceiptHeader{"Mile End", "c"});
  bool shortage = false;
  for (const auto& l : close) shortage = shortage || l == Spread("Manque", "-0,05 $", 40);
  EXPECT_TRUE(shortage);
}

}  // namespace
}  // namespace comptoir::console

namespace comptoir::console {
namespace {

// Issue 15 (ADR 0140, 0141): the till prices like sales — tax classes, line discounts, promotions.
TEST(TillPricing, MileEndSaleAsTheAdrWorksItOut) {
  Till till;
  Item tshirt{5, "VETE-0001", "T-shirt", 1999, true, 2, money::TaxClass::kTaxable};
  Item cafe{9, "ALIM-0001", "Café", 1299, true, 3, money::TaxClass::kZeroRated};
  Item chocolat{10, "ALIM-0002", "Chocolat Noir", 499, true, 3, money::TaxClass::kTaxable};
  till.Add(tshirt, 2);
  till.Add(cafe);
  till.Add(chocolat);
  ASSERT_TRUE(till.SetDiscount(0, pricing::LineDiscount{10, std::nullopt, 1}));
  const Totals t = till.totals();
  EXPECT_EQ(t.subtotal_cents, 5596);
  EXPECT_EQ(t.discount_cents, 200);
  EXPECT_EQ(t.gst_cents, 215);
  EXPECT_EQ(t.qst_cents, 429);
  EXPECT_EQ(t.total_cents, 6240);
  EXPECT_FALSE(till.NeedsManagerApproval());
  EXPECT_NE(till.SaleBody(4, std::nullopt, "").find(R"("discount":{"percent":10,"quantity":1})"), std::string::npos);
  // Above the limit a manager approves; a discount above its line is refused and leaves the line as it was.
  ASSERT_TRUE(till.SetDiscount(0, pricing::LineDiscount{25, std::nullopt, std::nullopt}));
  EXPECT_TRUE(till.NeedsManagerApproval());
  EXPECT_FALSE(till.SetDiscount(2, pricing::LineDiscount{std::nullopt, 500, std::nullopt}));
  EXPECT_FALSE(till.SetDiscount(2, pricing::LineDiscount{0, std::nullopt, std::nullopt}));
  EXPECT_FALSE(till.lines()[2].discount.has_value());
  // The draft keeps discounts and classes.
  const Till back = Till::FromDraft(till.ToDraft());
  EXPECT_EQ(back.totals().total_cents, till.totals().total_cents);
}

TEST(TillPricing, BuyTwoGetOneShowsOnTheScreenTotals) {
  Till till;
  pricing::Promotion p;
  p.id = 1;
  p.name = "T-shirts : 2 achetés, 1 offert";
  p.kind = pricing::PromotionKind::kBuyXGetY;
  p.product_ids = {5};
  p.buy_quantity = 2;
  p.get_quantity = 1;
  till.promotions = {p};
  till.Add(Item{5, "VETE-0001", "T-shirt", 1999, true, 2, money::TaxClass::kTaxable}, 3);
  EXPECT_EQ(till.totals().total_cents, 4597);
  ASSERT_EQ(till.quote().promotions.size(), 1u);
  EXPECT_EQ(till.quote().promotions[0].amount_cents, 1999);
}

}  // namespace
}  // namespace comptoir::console
