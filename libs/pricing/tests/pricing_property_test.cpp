// Property tests (rapidcheck) of the pricing engine over random baskets and promotions (ADR 0141).
#include <algorithm>
#include <numeric>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "comptoir/error.hpp"
#include "comptoir/pricing.hpp"

namespace comptoir::pricing {
namespace {

using money::TaxClass;

// Distinct product ids among 1..12 (a random subset, in increasing order).
std::vector<std::int64_t> SomeIds() {
  const auto mask = *rc::gen::container<std::vector<bool>>(12, rc::gen::arbitrary<bool>());
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) ids.push_back(static_cast<std::int64_t>(i + 1));
  }
  return ids;
}

rc::Gen<TaxClass> Classes() {
  return rc::gen::element(TaxClass::kTaxable, TaxClass::kZeroRated, TaxClass::kExempt);
}

// A basket of 1..8 distinct products among 1..12, categories 1..3, prices up to 2 000 $, some discounted.
std::vector<Item> Basket() {
  const auto ids = SomeIds();
  std::vector<Item> items;
  for (std::size_t k = 0; k < std::min<std::size_t>(ids.size(), 8); ++k) {
    Item item;
    item.product_id = ids[k];
    item.category_id = ids[k] % 3 + 1;
    item.unit_price_cents = *rc::gen::inRange<std::int64_t>(0, 200'000);
    item.quantity = *rc::gen::inRange<std::int64_t>(1, 30);
    item.tax_class = *Classes();
    if (*rc::gen::inRange(0, 4) == 0) {
      LineDiscount d;
      d.percent = *rc::gen::inRange<std::int64_t>(1, 101);
      if (*rc::gen::arbitrary<bool>()) d.quantity = *rc::gen::inRange<std::int64_t>(1, item.quantity + 1);
      item.discount = d;
    }
    items.push_back(item);
  }
  if (items.empty()) items.push_back(Item{1, 1, 1999, 1, TaxClass::kTaxable, std::nullopt});
  return items;
}

std::vector<Promotion> Promotions() {
  const int n = *rc::gen::inRange(0, 5);
  std::vector<Promotion> out;
  for (int k = 0; k < n; ++k) {
    Promotion p;
    p.id = k + 1;
    p.name = "promo " + std::to_string(k + 1);
    p.kind = *rc::gen::element(PromotionKind::kPercentOff, PromotionKind::kBuyXGetY, PromotionKind::kBundle);
    if (*rc::gen::arbitrary<bool>()) {
      p.category_id = *rc::gen::inRange<std::int64_t>(1, 4);
    } else {
      p.product_ids = {*rc::gen::inRange<std::int64_t>(1, 13), *rc::gen::inRange<std::int64_t>(1, 13)};
    }
    p.percent = *rc::gen::inRange<std::int64_t>(1, 101);
    p.buy_quantity = *rc::gen::inRange<std::int64_t>(1, 5);
    p.get_quantity = *rc::gen::inRange<std::int64_t>(1, 3);
    const auto parts = SomeIds();
    for (std::size_t c = 0; c < std::min<std::size_t>(parts.size(), 3); ++c) {
      p.bundle.push_back({parts[c], *rc::gen::inRange<std::int64_t>(1, 3)});
    }
    p.bundle_price_cents = *rc::gen::inRange<std::int64_t>(0, 300'000);
    out.push_back(std::move(p));
  }
  return out;
}

RC_GTEST_PROP(PricingProperty, TotalsAddUpAndTaxesAreOnTheTaxableNet, ()) {
  const auto items = Basket();
  const auto promos = Promotions();
  const Quote q = Price(items, promos);
  std::int64_t gross = 0, discount = 0, net = 0, taxable = 0, promo_total = 0, manual = 0;
  for (std::size_t i = 0; i < q.lines.size(); ++i) {
    const PricedLine& l = q.lines[i];
    RC_ASSERT(l.gross_cents == items[i].unit_price_cents * items[i].quantity);
    RC_ASSERT(l.net_cents >= 0);
    RC_ASSERT(l.discount_cents >= 0 && l.discount_cents <= l.gross_cents);
    RC_ASSERT(l.net_cents == l.gross_cents - l.discount_cents);
    std::int64_t adjusted = 0;
    for (const Adjustment& a : l.adjustments) {
      RC_ASSERT(a.amount_cents > 0);
      adjusted += a.amount_cents;
    }
    RC_ASSERT(adjusted == l.discount_cents);
    gross += l.gross_cents;
    discount += l.discount_cents;
    net += l.net_cents;
    manual += l.manual_discount_cents;
    if (l.tax_class == TaxClass::kTaxable) taxable += l.net_cents;
  }
  for (const AppliedPromotion& p : q.promotions) promo_total += p.amount_cents;
  RC_ASSERT(promo_total + manual == q.discount_cents);
  RC_ASSERT(q.gross_cents == gross && q.discount_cents == discount && q.subtotal_cents == net);
  RC_ASSERT(q.by_class.total() == q.subtotal_cents);
  RC_ASSERT(q.by_class.taxable_cents == taxable);
  RC_ASSERT(q.taxes.gst_cents == money::QuebecTaxes(taxable).gst_cents);
  RC_ASSERT(q.taxes.qst_cents == money::QuebecTaxes(taxable).qst_cents);
  RC_ASSERT(q.total_cents == q.subtotal_cents + q.taxes.gst_cents + q.taxes.qst_cents);
}

RC_GTEST_PROP(PricingProperty, TheOrderOfLinesAndPromotionsChangesNoTotal, ()) {
  auto items = Basket();
  auto promos = Promotions();
  const Quote a = Price(items, promos);
  std::reverse(items.begin(), items.end());
  std::reverse(promos.begin(), promos.end());
  const Quote b = Price(items, promos);
  RC_ASSERT(a.subtotal_cents == b.subtotal_cents);
  RC_ASSERT(a.discount_cents == b.discount_cents);
  RC_ASSERT(a.taxes.gst_cents == b.taxes.gst_cents);
  RC_ASSERT(a.taxes.qst_cents == b.taxes.qst_cents);
  RC_ASSERT(a.total_cents == b.total_cents);
}

RC_GTEST_PROP(PricingProperty, BuyXGetYFreesYPerFullGroupOfTheCheapest, ()) {
  const std::int64_t x = *rc::gen::inRange<std::int64_t>(1, 5);
  const std::int64_t y = *rc::gen::inRange<std::int64_t>(1, 4);
  const std::int64_t n = *rc::gen::inRange<std::int64_t>(1, 60);
  const std::int64_t price = *rc::gen::inRange<std::int64_t>(1, 100'000);
  Promotion p;
  p.id = 1;
  p.name = "bxgy";
  p.kind = PromotionKind::kBuyXGetY;
  p.product_ids = {5};
  p.buy_quantity = x;
  p.get_quantity = y;
  std::vector<Item> basket{Item{5, 2, price, n, TaxClass::kTaxable, std::nullopt}};
  const Quote q = Price(basket, std::vector<Promotion>{p});
  RC_ASSERT(q.discount_cents == n / (x + y) * y * price);
  // Adding a dearer product to the promotion never frees one of the dearer units.
  std::vector<Item> mixed{Item{5, 2, price, n, TaxClass::kTaxable, std::nullopt},
                          Item{6, 2, price + 1, 1, TaxClass::kTaxable, std::nullopt}};
  p.product_ids = {5, 6};
  const Quote m = Price(mixed, std::vector<Promotion>{p});
  RC_ASSERT(m.lines[1].discount_cents == 0 || (n + 1) / (x + y) * y > n);
}

RC_GTEST_PROP(PricingProperty, ReturnsInAnySplitGiveBackExactlyWhatWasPaid, ()) {
  const std::int64_t quantity = *rc::gen::inRange<std::int64_t>(1, 50);
  const std::int64_t net = *rc::gen::inRange<std::int64_t>(0, 10'000'000);
  std::int64_t returned = 0, refunded = 0;
  while (returned < quantity) {
    const std::int64_t now = *rc::gen::inRange<std::int64_t>(1, quantity - returned + 1);
    const std::int64_t share = Prorated(net, quantity, returned + now) - Prorated(net, quantity, returned);
    RC_ASSERT(share >= 0);
    refunded += share;
    returned += now;
  }
  RC_ASSERT(refunded == net);
}

RC_GTEST_PROP(PricingProperty, BasicGroceriesAloneCollectNoTax, ()) {
  auto items = Basket();
  for (Item& i : items) i.tax_class = *rc::gen::element(TaxClass::kZeroRated, TaxClass::kExempt);
  const Quote q = Price(items, Promotions());
  RC_ASSERT(q.taxes.total() == 0);
  RC_ASSERT(q.total_cents == q.subtotal_cents);
}

}  // namespace
}  // namespace comptoir::pricing
