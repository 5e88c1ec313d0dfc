// The worked examples of ADR 0140 (tax classes), exactly as the ADR writes them.
#include <gtest/gtest.h>

#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"

namespace comptoir::pricing {
namespace {

using money::TaxClass;

// Demo catalogue: T-shirt 19.99 (taxable), Café 12.99, Thé Vert 8.99, Miel 15.99 (zero-rated basic
// groceries), Chocolat Noir 4.99 (confectionery: taxable).
Item TShirt(std::int64_t q) { return Item{5, 2, 1999, q, TaxClass::kTaxable, std::nullopt}; }
Item Cafe(std::int64_t q) { return Item{9, 3, 1299, q, TaxClass::kZeroRated, std::nullopt}; }
Item Chocolat(std::int64_t q) { return Item{10, 3, 499, q, TaxClass::kTaxable, std::nullopt}; }
Item The(std::int64_t q) { return Item{11, 3, 899, q, TaxClass::kZeroRated, std::nullopt}; }
Item Miel(std::int64_t q) { return Item{12, 3, 1599, q, TaxClass::kZeroRated, std::nullopt}; }

TEST(TaxClasses, NamesRoundTrip) {
  for (TaxClass c : {TaxClass::kTaxable, TaxClass::kZeroRated, TaxClass::kExempt}) {
    EXPECT_EQ(money::ParseTaxClass(money::TaxClassName(c)), c);
  }
  EXPECT_FALSE(money::ParseTaxClass("zero-rated"));
  EXPECT_FALSE(money::ParseTaxClass(""));
}

// ADR 0140, example 1: the Mile End sale of the issue. 2 T-shirts with 10 % off one of them, 1 Café,
// 1 Chocolat Noir.
TEST(TaxClasses, Example1MileEndSale) {
  Item tshirts = TShirt(2);
  tshirts.discount = LineDiscount{10, std::nullopt, 1};
  std::vector<Item> basket{tshirts, Cafe(1), Chocolat(1)};
  const Quote q = Price(basket, {});
  ASSERT_EQ(q.lines.size(), 3u);
  EXPECT_EQ(q.lines[0].gross_cents, 3998);
  EXPECT_EQ(q.lines[0].discount_cents, 200);  // 10 % of 19.99 = 1.999 → 2.00
  EXPECT_EQ(q.lines[0].net_cents, 3798);
  EXPECT_EQ(q.lines[1].net_cents, 1299);
  EXPECT_EQ(q.lines[2].net_cents, 499);
  EXPECT_EQ(q.by_class.taxable_cents, 4297);     // 37.98 + 4.99
  EXPECT_EQ(q.by_class.zero_rated_cents, 1299);  // Café
  EXPECT_EQ(q.by_class.exempt_cents, 0);
  EXPECT_EQ(q.subtotal_cents, 5596);
  EXPECT_EQ(q.discount_cents, 200);
  EXPECT_EQ(q.taxes.gst_cents, 215);  // 42.97 × 5 % = 2.1485 → 2.15
  EXPECT_EQ(q.taxes.qst_cents, 429);  // 42.97 × 9.975 % = 4.2862575 → 4.29
  EXPECT_EQ(q.total_cents, 6240);
}

// Example 2: only basic groceries: nothing to collect.
TEST(TaxClasses, Example2OnlyBasicGroceries) {
  std::vector<Item> basket{Cafe(1), The(1), Miel(1)};
  const Quote q = Price(basket, {});
  EXPECT_EQ(q.subtotal_cents, 3797);
  EXPECT_EQ(q.by_class.zero_rated_cents, 3797);
  EXPECT_EQ(q.taxes.gst_cents, 0);
  EXPECT_EQ(q.taxes.qst_cents, 0);
  EXPECT_EQ(q.total_cents, 3797);
}

// Example 3: the confectionery alone, and why taxes are rounded per receipt, not per line: three
// Chocolats Noirs on one receipt are taxed on 14.97 (GST 0.7485 → 0.75, QST 1.4932575 → 1.49).
TEST(TaxClasses, Example3ConfectioneryTaxedOnTheReceiptTotal) {
  std::vector<Item> one{Chocolat(1)};
  const Quote a = Price(one, {});
  EXPECT_EQ(a.taxes.gst_cents, 25);  // 0.2495 → 0.25
  EXPECT_EQ(a.taxes.qst_cents, 50);  // 0.4977525 → 0.50
  EXPECT_EQ(a.total_cents, 574);
  std::vector<Item> three{Chocolat(3)};
  const Quote b = Price(three, {});
  EXPECT_EQ(b.taxes.gst_cents, 75);
  EXPECT_EQ(b.taxes.qst_cents, 149);  // per line ×3 would be 1.50: the receipt's rule gives 1.49
  EXPECT_EQ(b.total_cents, 1497 + 75 + 149);
}

// Example 4: an exempt supply pays nothing and is kept apart (reports show it on its own).
TEST(TaxClasses, Example4ExemptKeptApart) {
  std::vector<Item> basket{Item{40, std::nullopt, 2500, 1, TaxClass::kExempt, std::nullopt}, TShirt(1)};
  const Quote q = Price(basket, {});
  EXPECT_EQ(q.by_class.exempt_cents, 2500);
  EXPECT_EQ(q.by_class.taxable_cents, 1999);
  EXPECT_EQ(q.taxes.gst_cents, 100);  // 0.9995 → 1.00
  EXPECT_EQ(q.taxes.qst_cents, 199);  // 1.9940025 → 1.99
  EXPECT_EQ(q.total_cents, 2500 + 1999 + 299);
}

TEST(TaxClasses, ClassAmountsTaxOnlyTheTaxablePart) {
  money::ClassAmounts a;
  a.Add(TaxClass::kTaxable, 4098);
  a.Add(TaxClass::kZeroRated, 1299);
  EXPECT_EQ(money::QuebecTaxes(a).gst_cents, 205);
  EXPECT_EQ(money::QuebecTaxes(a).qst_cents, 409);
  EXPECT_EQ(a.total(), 5397);
}

}  // namespace
}  // namespace comptoir::pricing
