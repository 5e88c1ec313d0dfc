// Unit tests of the till operations and gift card lines (ADR 0150, 0152): movement bodies, the report's
// arithmetic, gift card loads in a sale body. No I/O.
#include <array>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/error.hpp"
#include "domain/gift_card.hpp"
#include "domain/till.hpp"

namespace comptoir::sales {
namespace {

Movement Parse(const std::string& text) {
  return ParseMovementBody(boost::json::parse(text));
}

std::vector<std::string> Fields(const std::string& text) {
  std::vector<std::string> fields;
  try {
    Parse(text);
  } catch (const ApiError& e) {
    for (const auto& f : e.fields()) fields.push_back(f.field);
  }
  return fields;
}

TEST(Movement, EachKindTakesWhatItNeeds) {
  Movement drop = Parse(R"({"kind": "drop", "amount_cents": 5000})");
  EXPECT_EQ(drop.kind, MovementKind::kDrop);
  EXPECT_EQ(drop.amount_cents, 5000);
  Movement payout = Parse(R"({"kind": "payout", "amount_cents": 1250, "reason": "Timbres"})");
  EXPECT_EQ(payout.reason.value_or(""), "Timbres");
  Movement no_sale = Parse(R"({"kind": "no_sale", "reason": "Monnaie"})");
  EXPECT_EQ(no_sale.amount_cents, 0);
  Movement void_sale = Parse(
      R"({"kind": "void_sale", "lines": [{"product_id": 5, "quantity": 2, "amount_cents": 3998}, {"sku": "A", "quantity": 1, "amount_cents": 2}]})");
  EXPECT_EQ(void_sale.amount_cents, 4000);
  EXPECT_EQ(void_sale.lines.size(), 2u);
}

TEST(Movement, BadBodiesNameTheirFields) {
  EXPECT_EQ(Fields(R"({"kind": "drop"})"), std::vector<std::string>{"amount_cents"});
  EXPECT_EQ(Fields(R"({"kind": "payout", "amount_cents": 10})"), std::vector<std::string>{"reason"});
  EXPECT_EQ(Fields(R"({"kind": "no_sale", "reason": "x", "amount_cents": 10})"),
            std::vector<std::string>{"amount_cents"});
  EXPECT_EQ(Fields(R"({"kind": "void_line"})"), std::vector<std::string>{"lines"});
  EXPECT_EQ(Fields(R"({"kind": "void_line", "lines": [{"quantity": 1, "amount_cents": 1}]})"),
            std::vector<std::string>{"lines[0].product_id"});
  EXPECT_EQ(Fields(R"({"kind": "drop", "amount_cents": 1, "lines": []})"), std::vector<std::string>{"lines"});
  EXPECT_EQ(Fields(R"({"kind": "steal", "amount_cents": 1})"), std::vector<std::string>{"kind"});
  EXPECT_EQ(Fields(R"({"amount_cents": 1})"), std::vector<std::string>{"kind"});
}

SessionFigures Sample() {
  SessionFigures f;
  f.session.opening_float_cents = 15000;
  f.tenders["cash"] = {2, 9000};
  f.tenders["card"] = {1, 4000};
  f.cash_refunded_cents = 2300;
  f.drops_cents = 5000;
  f.payouts_cents = 1250;
  f.sales_total_cents = 13000;
  f.gift_card_cents = 2500;
  f.sales_gst_cents = 500;
  f.refunds_gst_cents = 100;
  return f;
}

TEST(Report, ExpectedCashTakesDropsPayoutsAndRefundsOut) {
  EXPECT_EQ(ExpectedDrawerCash(Sample()), 15000 + 9000 - 2300 - 5000 - 1250);
  EXPECT_EQ(RevenueCents(Sample()), 13000 - 2500);
}

TEST(Report, AZHasItsNumberAndOverShortAnXHasNeither) {
  const boost::json::object z = ReportJson(Sample(), "Z", 7, 15000, "2026-12-06T22:00:00Z");
  EXPECT_EQ(z.at("z_number").as_int64(), 7);
  EXPECT_EQ(z.at("cash").at("over_short_cents").as_int64(), 15000 - ExpectedDrawerCash(Sample()));
  EXPECT_EQ(z.at("taxes").at("gst").at("net_cents").as_int64(), 400);
  EXPECT_EQ(z.at("tenders").at("debit").at("amount_cents").as_int64(), 0);
  const boost::json::object x = ReportJson(Sample(), "X", std::nullopt, std::nullopt, "2026-12-06T22:00:00Z");
  EXPECT_TRUE(x.at("z_number").is_null());
  EXPECT_TRUE(x.at("cash").at("counted_cents").is_null());
}

// Discounts and the amounts per tax class (ADR 0140, 0141): the taxes are the taxable class's only.
TEST(Report, DiscountsAndTaxClassesAsTheReceiptsHaveThem) {
  SessionFigures f = Sample();
  f.sales_by_class = money::ClassAmounts{8295, 1299, 0};
  f.refunds_by_class = money::ClassAmounts{1899, 0, 0};
  f.discounts_cents = 2199;
  f.promotion_discounts_cents = 1999;
  f.discounted_sales_count = 2;
  const boost::json::object z = ReportJson(f, "Z", 1, 0, "2026-12-06T22:00:00Z");
  EXPECT_EQ(z.at("discounts_cents").as_int64(), 2199);
  EXPECT_EQ(z.at("discounts").at("promotions_cents").as_int64(), 1999);
  EXPECT_EQ(z.at("discounts").at("line_cents").as_int64(), 200);
  EXPECT_EQ(z.at("discounts").at("count").as_int64(), 2);
  EXPECT_EQ(z.at("sales").at("zero_rated_cents").as_int64(), 1299);
  const auto& by_class = z.at("taxes").at("by_class");
  EXPECT_EQ(by_class.at("taxable").at("net_cents").as_int64(), 8295 - 1899);
  EXPECT_EQ(by_class.at("taxable").at("gst_cents").as_int64(), 400);  // 500 collected − 100 refunded
  EXPECT_EQ(by_class.at("zero_rated").at("sales_cents").as_int64(), 1299);
  EXPECT_EQ(by_class.at("zero_rated").at("gst_cents").as_int64(), 0);
  EXPECT_EQ(by_class.at("exempt").at("net_cents").as_int64(), 0);
}

std::string Code() {
  std::array<std::uint8_t, kGiftCardRandomSymbols> random{};
  random.fill(3);
  return GiftCardCodeFrom(random);
}

TEST(GiftCardLine, IsALoadNotAProduct) {
  SaleRequest r = ParseSaleBody(boost::json::parse(
      R"({"location_id": 4, "register_session_id": 1, "lines": [{"product_id": 5, "quantity": 1}, {"gift_card_code": ")" +
      Code() + R"(", "amount_cents": 2500}], "payments": [{"method": "cash", "amount_cents": 10000}]})"));
  ASSERT_EQ(r.lines.size(), 1u);
  ASSERT_EQ(r.gift_cards.size(), 1u);
  EXPECT_EQ(r.gift_cards[0].amount_cents, 2500);
  EXPECT_EQ(r.gift_cards[0].line_index, 1u);
}

TEST(GiftCardLine, RefusedWhenPaidByGiftCardOfflineOrMalformed) {
  auto fields = [](const std::string& body) {
    std::vector<std::string> out;
    try {
      ParseSaleBody(boost::json::parse(body));
    } catch (const ApiError& e) {
      for (const auto& f : e.fields()) out.push_back(f.field);
    }
    return out;
  };
  const std::string line = R"({"gift_card_code": ")" + Code() + R"(", "amount_cents": 500})";
  EXPECT_EQ(fields(R"({"location_id": 4, "lines": [)" + line +
                   R"(], "payments": [{"method": "gift_card", "amount_cents": 500, "gift_card_code": ")" + Code() +
                   R"(", "gift_card_pin": "123456"}]})"),
            std::vector<std::string>{"payments[0].method"});
  EXPECT_EQ(fields(R"({"location_id": 4, "offline": true, "occurred_at": "2026-12-06T10:00:00Z", "lines": [)" + line +
                   R"(], "payments": [{"method": "cash", "amount_cents": 500}]})")
                .back(),
            "lines[0].gift_card_code");
  EXPECT_EQ(fields(R"({"location_id": 4, "lines": [{"gift_card_code": "GC-0000", "amount_cents": 0, "pin": "1"}],)"
                   R"( "payments": [{"method": "cash", "amount_cents": 500}]})")
                .size(),
            3u);
}

}  // namespace
}  // namespace comptoir::sales
