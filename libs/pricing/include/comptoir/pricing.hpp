#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/money.hpp"

/// The one pricing engine of the till (sales), the cart and the checkout (order), ADR 0141: a basket of
/// lines and the promotions in force give discounts per line, the pre-tax subtotal per tax class, GST, QST
/// and the total. Pure: no I/O, no clock; the same inputs give the same cents everywhere.
namespace comptoir::pricing {

/// A cashier's discount on a line: `percent` (1..100) or `amount_cents` (≥ 1), on `quantity` units of the
/// line (all of them when absent).
struct LineDiscount {
  std::optional<std::int64_t> percent;
  std::optional<std::int64_t> amount_cents;
  std::optional<std::int64_t> quantity;
};

/// One line of a basket (one product, merged by the caller).
struct Item {
  std::int64_t product_id = 0;
  std::optional<std::int64_t> category_id;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  std::optional<LineDiscount> discount;
  /// The line's gross when its units do not each cost `unit_price_cents` (weighed pieces sharing a line, ADR 0170:
  /// the sum of their labels; `unit_price_cents` is then their average). Absent: unit price × quantity.
  std::optional<std::int64_t> gross_cents;
};

enum class PromotionKind { kPercentOff, kBuyXGetY, kBundle };
std::string_view PromotionKindName(PromotionKind kind) noexcept;  ///< percent_off, buy_x_get_y, bundle
std::optional<PromotionKind> ParsePromotionKind(std::string_view text) noexcept;

/// A component of a fixed-price bundle.
struct BundleItem {
  std::int64_t product_id = 0;
  std::int64_t quantity = 1;
};

/// An automatic promotion, already known to be in force for this basket (period, store or online: the
/// promotion's owner answers only those). Targets: `product_ids` and/or `category_id` (percent_off and
/// buy_x_get_y); `bundle` for bundles.
struct Promotion {
  std::int64_t id = 0;
  std::string name;
  PromotionKind kind = PromotionKind::kPercentOff;
  std::vector<std::int64_t> product_ids;
  std::optional<std::int64_t> category_id;
  std::int64_t percent = 0;        ///< percent_off: 1..100
  std::int64_t buy_quantity = 0;   ///< buy_x_get_y: X ≥ 1
  std::int64_t get_quantity = 0;   ///< buy_x_get_y: Y ≥ 1
  std::vector<BundleItem> bundle;  ///< bundle: ≥ 2 units in all
  std::int64_t bundle_price_cents = 0;
  [[nodiscard]] bool Targets(std::int64_t product_id, std::optional<std::int64_t> category_id) const noexcept;
};

/// One discount on a line: a promotion's share or the cashier's discount (`promotion_id` absent).
struct Adjustment {
  std::optional<std::int64_t> promotion_id;
  std::string label;  ///< the promotion's name, or "Rabais" for a cashier's discount
  std::int64_t amount_cents = 0;
};

/// A priced line.
struct PricedLine {
  std::int64_t product_id = 0;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  std::int64_t gross_cents = 0;     ///< unit price × quantity (or the item's own gross_cents)
  std::int64_t discount_cents = 0;  ///< Σ adjustments
  std::int64_t net_cents = 0;       ///< gross − discount: what the line costs before taxes
  std::vector<Adjustment> adjustments;
  std::int64_t manual_discount_cents = 0;  ///< the cashier's part of `discount_cents`
  std::int64_t manual_base_cents = 0;      ///< what the cashier's discount was taken on
  std::optional<std::int64_t> manual_percent;  ///< the cashier's percent, when the discount is one
};

/// A promotion that gave something, and how much in all.
struct AppliedPromotion {
  std::int64_t id = 0;
  std::string name;
  PromotionKind kind = PromotionKind::kPercentOff;
  std::int64_t amount_cents = 0;
};

/// A priced basket. `subtotal_cents` is after discounts (the pre-tax amount taxes are computed on).
struct Quote {
  std::vector<PricedLine> lines;
  std::vector<AppliedPromotion> promotions;
  std::int64_t gross_cents = 0;
  std::int64_t discount_cents = 0;
  std::int64_t subtotal_cents = 0;
  money::ClassAmounts by_class;
  money::Taxes taxes;
  std::int64_t total_cents = 0;
};

/// Prices `items` (in their order) with `promotions`, in this order (ADR 0141):
///  1. fixed-price bundles (lowest id first), as many whole bundles as the basket holds; a unit in a bundle
///     takes no other promotion; the bundle's saving is shared over its components by gross value;
///  2. buy X get Y (lowest id first): the targeted units left, dearest first, in groups of X + Y; in each
///     full group the Y cheapest are free (it repeats per group); grouped units take no other promotion;
///  3. percent off (the best one per line, lowest id on a tie) on the units left, rounded half-up per line;
///  4. the cashier's line discount on what the line still costs (percent rounded half-up).
/// Then the net lines are summed per tax class and GST and QST computed once each (money::QuebecTaxes).
/// A line discount larger than what the line still costs → 422 `pricing.discount_exceeds_line`.
Quote Price(std::span<const Item> items, std::span<const Promotion> promotions);

/// Validates a line discount's shape against its line; the problem, or nullopt.
std::optional<std::string> DiscountProblem(const LineDiscount& discount, std::int64_t line_quantity);

/// True when the cashier's discount on `line` is above `limit_percent` (then a manager approves it): the
/// percent asked, or for an amount, more than `limit_percent` % of what it was taken on.
bool ExceedsLimit(const PricedLine& line, std::int64_t limit_percent) noexcept;

/// What `units` of a line of `quantity` units that cost `net_cents` in all cost: net × units / quantity,
/// rounded half-up. Returns refund cumulatively with it — Prorated(after) − Prorated(before) — so that
/// returning every unit gives back exactly the net paid (ADR 0141).
std::int64_t Prorated(std::int64_t net_cents, std::int64_t quantity, std::int64_t units) noexcept;

/// Checks a promotion's shape (targets, percent, X and Y, bundle); every problem as (field, message).
std::vector<std::pair<std::string, std::string>> PromotionProblems(const Promotion& promotion);

}  // namespace comptoir::pricing
