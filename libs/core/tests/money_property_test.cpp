// Property tests (rapidcheck) of Quebec taxes and cash rounding (DESIGN §3, ADR 0061) against reference
// computations written differently: quotient and remainder instead of the half-up offset.
#include <cstdint>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "comptoir/money.hpp"

namespace comptoir::money {
namespace {

// Up to 10 million dollars: far above any sale, far below where cents × 9975 could overflow.
constexpr std::int64_t kMaxCents = 1'000'000'000;

rc::Gen<std::int64_t> Cents() {
  return rc::gen::oneOf(rc::gen::inRange<std::int64_t>(0, 1000), rc::gen::inRange<std::int64_t>(0, kMaxCents));
}

// round(amount × rate_num / rate_den), halves up, by quotient and remainder.
std::int64_t HalfUp(std::int64_t amount, std::int64_t rate_num, std::int64_t rate_den) {
  const std::int64_t product = amount * rate_num;
  const std::int64_t q = product / rate_den;
  const std::int64_t r = product % rate_den;
  return 2 * r >= rate_den ? q + 1 : q;
}

RC_GTEST_PROP(MoneyProperty, TaxesAreEachRateRoundedHalfUpOnThePreTaxAmount, ()) {
  const std::int64_t subtotal = *Cents();
  const Taxes t = QuebecTaxes(subtotal);
  RC_ASSERT(t.gst_cents == HalfUp(subtotal, 5, 100));
  RC_ASSERT(t.qst_cents == HalfUp(subtotal, 9975, 100000));
  RC_ASSERT(t.total() == t.gst_cents + t.qst_cents);
}

RC_GTEST_PROP(MoneyProperty, TaxesGrowWithTheAmountAndSplitWithinACent, ()) {
  const std::int64_t a = *Cents();
  const std::int64_t b = *Cents();
  const Taxes ta = QuebecTaxes(a);
  const Taxes tb = QuebecTaxes(b);
  const Taxes sum = QuebecTaxes(a + b);
  if (a <= b) {
    RC_ASSERT(ta.gst_cents <= tb.gst_cents);
    RC_ASSERT(ta.qst_cents <= tb.qst_cents);
  }
  // Taxing two parts apart and together differs by the rounding of one cent per tax at most.
  RC_ASSERT(std::abs(ta.gst_cents + tb.gst_cents - sum.gst_cents) <= 1);
  RC_ASSERT(std::abs(ta.qst_cents + tb.qst_cents - sum.qst_cents) <= 1);
}

RC_GTEST_PROP(MoneyProperty, CashRoundsToTheNearestNickel, ()) {
  const std::int64_t cents = *Cents();
  const std::int64_t rounded = RoundToNickel(cents);
  RC_ASSERT(rounded % 5 == 0);
  RC_ASSERT(std::abs(rounded - cents) <= 2);
  // …1, …2, …6, …7 go down; …3, …4, …8, …9 go up.
  const std::int64_t last = cents % 5;
  RC_ASSERT(rounded == (last <= 2 ? cents - last : cents + 5 - last));
  RC_ASSERT(RoundToNickel(rounded) == rounded);
  RC_ASSERT(RoundToNickel(cents + 5) == rounded + 5);
}

RC_GTEST_PROP(MoneyProperty, FormatCentsReadsBackAsTheAmount, ()) {
  const std::int64_t cents = *rc::gen::inRange<std::int64_t>(-kMaxCents, kMaxCents);
  const std::string text = FormatCents(cents);
  const auto dot = text.find('.');
  RC_ASSERT(dot != std::string::npos && text.size() == dot + 3);
  const std::int64_t whole = std::stoll(text.substr(0, dot));
  const std::int64_t fraction = std::stoll(text.substr(dot + 1));
  const std::int64_t back = (text.front() == '-' ? -1 : 1) * (std::llabs(whole) * 100 + fraction);
  RC_ASSERT(back == cents);
}

}  // namespace
}  // namespace comptoir::money
