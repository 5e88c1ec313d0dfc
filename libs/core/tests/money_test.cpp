#include <gtest/gtest.h>

#include "comptoir/money.hpp"

namespace comptoir::money {
namespace {

TEST(Money, QuebecTaxesRoundHalfUpEachOnThePreTaxAmount) {
  // Issue 5's cart: 2 × 129.99 + 15.99 = 275.97 → GST 13.80, QST 27.53 (27.528075).
  EXPECT_EQ(QuebecTaxes(27597).gst_cents, 1380);
  EXPECT_EQ(QuebecTaxes(27597).qst_cents, 2753);
  // 2 × 19.99 + 12.99 = 52.97 → GST 2.6485 → 2.65; QST 5.2837575 → 5.28.
  EXPECT_EQ(QuebecTaxes(5297).gst_cents, 265);
  EXPECT_EQ(QuebecTaxes(5297).qst_cents, 528);
  // Exact halves round up: GST of 0.10 is 0.005 → 0.01; QST of 20.00 is 1.995 → 2.00.
  EXPECT_EQ(QuebecTaxes(10).gst_cents, 1);
  EXPECT_EQ(QuebecTaxes(2000).qst_cents, 200);
  // Just under a half rounds down: QST of 0.05 is 0.0049875 → 0.00.
  EXPECT_EQ(QuebecTaxes(5).qst_cents, 0);
  EXPECT_EQ(QuebecTaxes(0).total(), 0);
  EXPECT_EQ(QuebecTaxes(129999).gst_cents, 6500);   // 64.99950
  EXPECT_EQ(QuebecTaxes(129999).qst_cents, 12967);  // 129.6740
}

TEST(Money, CashRoundsToTheNearestNickel) {
  EXPECT_EQ(RoundToNickel(1000), 1000);
  EXPECT_EQ(RoundToNickel(1001), 1000);
  EXPECT_EQ(RoundToNickel(1002), 1000);
  EXPECT_EQ(RoundToNickel(1003), 1005);
  EXPECT_EQ(RoundToNickel(1004), 1005);
  EXPECT_EQ(RoundToNickel(1006), 1005);
  EXPECT_EQ(RoundToNickel(1007), 1005);
  EXPECT_EQ(RoundToNickel(1008), 1010);
  EXPECT_EQ(RoundToNickel(1009), 1010);
}

TEST(Money, FormatsCents) {
  EXPECT_EQ(FormatCents(27597), "275.97");
  EXPECT_EQ(FormatCents(5), "0.05");
  EXPECT_EQ(FormatCents(-120), "-1.20");
}

}  // namespace
}  // namespace comptoir::money
