// The pricing engine's rules (ADR 0141) on small baskets worked by hand.
#include <gtest/gtest.h>

#include "comptoir/error.hpp"
#include "comptoir/pricing.hpp"

namespace comptoir::pricing {
namespace {

using money::TaxClass;

Item Line(std::int64_t product, std::int64_t price, std::int64_t q, std::optional<std::int64_t> category = 2) {
  return Item{product, category, price, q, TaxClass::kTaxable, std::nullopt};
}

Promotion BuyGet(std::int64_t id, std::vector<std::int64_t> products, std::int64_t x, std::int64_t y) {
  Promotion p;
  p.id = id;
  p.name = "Achetez " + std::to_string(x) + ", obtenez " + std::to_string(y);
  p.kind = PromotionKind::kBuyXGetY;
  p.product_ids = std::move(products);
  p.buy_quantity = x;
  p.get_quantity = y;
  return p;
}

Promotion PercentOff(std::int64_t id, std::optional<std::int64_t> category, std::int64_t percent) {
  Promotion p;
  p.id = id;
  p.name = std::to_string(percent) + " % de rabais";
  p.kind = PromotionKind::kPercentOff;
  p.category_id = category;
  p.percent = percent;
  return p;
}

TEST(Pricing, BuyTwoGetOneFreeRepeatsPerGroupOfThree) {
  std::vector<Promotion> promos{BuyGet(1, {5}, 2, 1)};
  for (auto [quantity, free] : std::vector<std::pair<int, int>>{{1, 0}, {2, 0}, {3, 1}, {5, 1}, {6, 2}, {7, 2}}) {
    std::vector<Item> basket{Line(5, 1999, quantity)};
    const Quote q = Price(basket, promos);
    EXPECT_EQ(q.discount_cents, free * 1999) << quantity;
    EXPECT_EQ(q.subtotal_cents, (quantity - free) * 1999) << quantity;
  }
  // Three T-shirts: 39.98 taxable → GST 2.00 (1.999), QST 3.99 (3.988005); total 45.97.
  std::vector<Item> three{Line(5, 1999, 3)};
  const Quote q = Price(three, promos);
  EXPECT_EQ(q.taxes.gst_cents, 200);
  EXPECT_EQ(q.taxes.qst_cents, 399);
  EXPECT_EQ(q.total_cents, 4597);
  ASSERT_EQ(q.promotions.size(), 1u);
  EXPECT_EQ(q.promotions[0].amount_cents, 1999);
  ASSERT_EQ(q.lines[0].adjustments.size(), 1u);
  EXPECT_EQ(q.lines[0].adjustments[0].promotion_id, 1);
}

// Weighed pieces sharing a line (ADR 0170): 12,34 $ + 8,99 $ are one line of 2 whose gross is their sum; a
// percent off applies to that gross, and a cashier's amount on it leaves the rest.
TEST(Pricing, WeighedPiecesKeepTheSumOfTheirLabels) {
  Item fromage = Line(19, 1067, 2, 3);  // the average, rounded half-up
  fromage.gross_cents = 2133;
  fromage.tax_class = TaxClass::kZeroRated;
  Quote plain = Price(std::vector<Item>{fromage}, {});
  EXPECT_EQ(plain.lines[0].gross_cents, 2133);
  EXPECT_EQ(plain.subtotal_cents, 2133);
  EXPECT_EQ(plain.by_class.zero_rated_cents, 2133);
  EXPECT_EQ(plain.taxes.total(), 0);
  Quote off = Price(std::vector<Item>{fromage}, std::vector<Promotion>{PercentOff(1, 3, 10)});
  EXPECT_EQ(off.lines[0].discount_cents, 213);  // 10 % of 21,33 = 2,133 → 2,13
  EXPECT_EQ(off.lines[0].net_cents, 2133 - 213);
  fromage.discount = LineDiscount{std::nullopt, 133, std::nullopt};
  Quote cashier = Price(std::vector<Item>{fromage}, {});
  EXPECT_EQ(cashier.lines[0].net_cents, 2000);
}

TEST(Pricing, BuyXGetYGivesTheCheapestOfEachGroup) {
  // Jean 59.99, Veste 129.99, T-shirt 19.99 in one "Vêtements" buy 2 get 1: the T-shirt is free.
  Promotion p = BuyGet(1, {}, 2, 1);
  p.category_id = 2;
  std::vector<Item> basket{Line(6, 5999, 1), Line(7, 12999, 1), Line(5, 1999, 1)};
  const Quote q = Price(basket, std::vector<Promotion>{p});
  EXPECT_EQ(q.lines[0].discount_cents, 0);
  EXPECT_EQ(q.lines[1].discount_cents, 0);
  EXPECT_EQ(q.lines[2].discount_cents, 1999);
}

TEST(Pricing, BundleAtAFixedPriceSharesTheSavingByValue) {
  Promotion b;
  b.id = 3;
  b.name = "Déjeuner : café + miel";
  b.kind = PromotionKind::kBundle;
  b.bundle = {{9, 1}, {12, 1}};
  b.bundle_price_cents = 2500;  // 12.99 + 15.99 = 28.98 → 25.00: 3.98 saved
  std::vector<Item> basket{Line(9, 1299, 2, 3), Line(12, 1599, 1, 3)};
  const Quote q = Price(basket, std::vector<Promotion>{b});
  EXPECT_EQ(q.discount_cents, 398);
  EXPECT_EQ(q.lines[0].discount_cents, 398 * 1299 / 2898);  // 178
  EXPECT_EQ(q.lines[1].discount_cents, 398 - 178);
  EXPECT_EQ(q.subtotal_cents, 1299 + 2500);  // one Café stays at full price
}

TEST(Pricing, PercentOffTakesTheBestAndSkipsUnitsTakenByAnotherPromotion) {
  std::vector<Promotion> promos{PercentOff(1, 2, 10), PercentOff(2, 2, 25), BuyGet(3, {5}, 2, 1)};
  std::vector<Item> basket{Line(5, 1999, 4), Line(6, 5999, 1)};
  const Quote q = Price(basket, promos);
  // T-shirts: 3 grouped (one free), the 4th at 25 % off: 4.9975 → 5.00.
  EXPECT_EQ(q.lines[0].discount_cents, 1999 + 500);
  EXPECT_EQ(q.lines[1].discount_cents, 1500);  // 14.9975 → 15.00
}

TEST(Pricing, LineDiscountOnWhatTheLineStillCosts) {
  Item a = Line(5, 1999, 3);
  a.discount = LineDiscount{std::nullopt, 500, std::nullopt};
  std::vector<Item> basket{a};
  const Quote q = Price(basket, std::vector<Promotion>{BuyGet(1, {5}, 2, 1)});
  EXPECT_EQ(q.lines[0].manual_base_cents, 3998);
  EXPECT_EQ(q.lines[0].manual_discount_cents, 500);
  EXPECT_EQ(q.lines[0].net_cents, 3498);
  EXPECT_EQ(q.lines[0].adjustments.back().label, "Rabais");
}

TEST(Pricing, LineDiscountAboveTheLineIsRefused) {
  Item a = Line(10, 499, 1);
  a.discount = LineDiscount{std::nullopt, 500, std::nullopt};
  std::vector<Item> basket{a};
  try {
    Price(basket, {});
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "pricing.discount_exceeds_line");
  }
}

TEST(Pricing, LimitIsOnTheRateOfTheCashiersDiscount) {
  PricedLine line;
  line.manual_base_cents = 1999;
  line.manual_discount_cents = 400;  // 20.01 %
  EXPECT_TRUE(ExceedsLimit(line, 20));
  line.manual_discount_cents = 399;  // 19.96 %
  EXPECT_FALSE(ExceedsLimit(line, 20));
  line.manual_base_cents = 2000;
  line.manual_discount_cents = 400;  // exactly 20 %
  EXPECT_FALSE(ExceedsLimit(line, 20));
  // 20 % asked of 59.99 rounds to 12.00 (20.003 %): still within a 20 % limit; 21 % is not.
  line.manual_base_cents = 5999;
  line.manual_discount_cents = 1200;
  line.manual_percent = 20;
  EXPECT_FALSE(ExceedsLimit(line, 20));
  line.manual_percent = 21;
  EXPECT_TRUE(ExceedsLimit(line, 20));
}

TEST(Pricing, DiscountShapes) {
  EXPECT_TRUE(DiscountProblem(LineDiscount{10, 100, std::nullopt}, 1));
  EXPECT_TRUE(DiscountProblem(LineDiscount{}, 1));
  EXPECT_TRUE(DiscountProblem(LineDiscount{0, std::nullopt, std::nullopt}, 1));
  EXPECT_TRUE(DiscountProblem(LineDiscount{101, std::nullopt, std::nullopt}, 1));
  EXPECT_TRUE(DiscountProblem(LineDiscount{10, std::nullopt, 3}, 2));
  EXPECT_FALSE(DiscountProblem(LineDiscount{10, std::nullopt, 2}, 2));
  EXPECT_FALSE(DiscountProblem(LineDiscount{std::nullopt, 1, std::nullopt}, 2));
}

TEST(Pricing, ProratedRefundsAddUpToWhatWasPaid) {
  // 3 T-shirts for 39.98 (one free): one back gives 13.33, two 26.65, three 39.98.
  EXPECT_EQ(Prorated(3998, 3, 1), 1333);
  EXPECT_EQ(Prorated(3998, 3, 2), 2665);
  EXPECT_EQ(Prorated(3998, 3, 3), 3998);
  EXPECT_EQ(Prorated(3998, 3, 0), 0);
}

TEST(Pricing, PromotionShapes) {
  Promotion p = PercentOff(1, std::nullopt, 0);
  EXPECT_EQ(PromotionProblems(p).size(), 2u);  // percent and target
  Promotion b;
  b.name = "x";
  b.kind = PromotionKind::kBundle;
  b.bundle = {{9, 1}};
  EXPECT_FALSE(PromotionProblems(b).empty());
  b.bundle = {{9, 1}, {12, 1}};
  EXPECT_TRUE(PromotionProblems(b).empty());
}

TEST(Pricing, OneLinePerProduct) {
  std::vector<Item> basket{Line(5, 1999, 1), Line(5, 1999, 1)};
  EXPECT_THROW(Price(basket, {}), ApiError);
}

}  // namespace
}  // namespace comptoir::pricing
