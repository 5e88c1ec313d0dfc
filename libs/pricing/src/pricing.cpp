#include "comptoir/pricing.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "comptoir/error.hpp"

namespace comptoir::pricing {
namespace {

constexpr const char* kManualLabel = "Rabais";

// round(a × num / den) for a ≥ 0, halves up.
std::int64_t HalfUp(std::int64_t a, std::int64_t num, std::int64_t den) { return (2 * a * num + den) / (2 * den); }

struct Work {
  std::int64_t gross = 0;
  std::int64_t promo = 0;      // discount from promotions so far
  std::int64_t free_units = 0;  // units no bundle or buy X get Y has taken yet
  std::map<std::int64_t, std::int64_t> by_promotion;  // promotion id → discount on this line
};

std::vector<const Promotion*> OfKind(std::span<const Promotion> promotions, PromotionKind kind) {
  std::vector<const Promotion*> out;
  for (const Promotion& p : promotions) {
    if (p.kind == kind) out.push_back(&p);
  }
  std::sort(out.begin(), out.end(), [](const Promotion* a, const Promotion* b) { return a->id < b->id; });
  return out;
}

void ApplyBundle(const Promotion& promo, std::span<const Item> items, std::vector<Work>& work,
                 const std::map<std::int64_t, std::size_t>& index) {
  if (promo.bundle.empty()) return;
  std::int64_t count = INT64_MAX;
  std::int64_t regular = 0;
  for (const BundleItem& c : promo.bundle) {
    auto it = index.find(c.product_id);
    if (it == index.end() || c.quantity < 1) return;
    count = std::min(count, work[it->second].free_units / c.quantity);
    regular += items[it->second].unit_price_cents * c.quantity;
  }
  const std::int64_t saving = regular - promo.bundle_price_cents;
  if (count <= 0 || saving <= 0) return;
  const std::int64_t total = saving * count;
  std::int64_t shared = 0;
  for (std::size_t k = 0; k < promo.bundle.size(); ++k) {
    const BundleItem& c = promo.bundle[k];
    const std::size_t i = index.at(c.product_id);
    // Shares by gross value, the last component takes what rounding left.
    const std::int64_t share = k + 1 == promo.bundle.size()
                                   ? total - shared
                                   : total * items[i].unit_price_cents * c.quantity / regular;
    shared += share;
    work[i].free_units -= c.quantity * count;
    work[i].promo += share;
    work[i].by_promotion[promo.id] += share;
  }
}

void ApplyBuyXGetY(const Promotion& promo, std::span<const Item> items, std::vector<Work>& work) {
  const std::int64_t group = promo.buy_quantity + promo.get_quantity;
  if (promo.buy_quantity < 1 || promo.get_quantity < 1) return;
  // Runs of identical units, dearest first (ties: basket order).
  std::vector<std::size_t> order;
  std::int64_t units = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (work[i].free_units > 0 && promo.Targets(items[i].product_id, items[i].category_id)) {
      order.push_back(i);
      units += work[i].free_units;
    }
  }
  const std::int64_t groups = units / group;
  if (groups == 0) return;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return items[a].unit_price_cents > items[b].unit_price_cents; });
  // Walk the sorted units position by position, run by run: position p is free when p % group ≥ X.
  std::int64_t position = 0;
  const std::int64_t grouped = groups * group;
  for (std::size_t i : order) {
    if (position >= grouped) break;
    const std::int64_t take = std::min(work[i].free_units, grouped - position);
    std::int64_t free = 0;
    for (std::int64_t p = position; p < position + take; ++p) {
      if (p % group >= promo.buy_quantity) ++free;
    }
    position += take;
    work[i].free_units -= take;
    if (free > 0) {
      const std::int64_t amount = free * items[i].unit_price_cents;
      work[i].promo += amount;
      work[i].by_promotion[promo.id] += amount;
    }
  }
}

void ApplyPercentOff(std::span<const Promotion* const> promos, std::span<const Item> items, std::vector<Work>& work) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Promotion* best = nullptr;
    for (const Promotion* p : promos) {
      if (p->percent < 1 || p->percent > 100 || !p->Targets(items[i].product_id, items[i].category_id)) continue;
      if (best == nullptr || p->percent > best->percent) best = p;
    }
    if (best == nullptr || work[i].free_units <= 0) continue;
    // All the line's units left: on its gross (weighed pieces: the sum of their labels, not units × average).
    const std::int64_t base = work[i].free_units == items[i].quantity ? work[i].gross
                                                                      : work[i].free_units * items[i].unit_price_cents;
    const std::int64_t amount = HalfUp(base, best->percent, 100);
    if (amount <= 0) continue;
    work[i].promo += amount;
    work[i].by_promotion[best->id] += amount;
  }
}

}  // namespace

std::string_view PromotionKindName(PromotionKind kind) noexcept {
  switch (kind) {
    case PromotionKind::kPercentOff:
      return "percent_off";
    case PromotionKind::kBuyXGetY:
      return "buy_x_get_y";
    case PromotionKind::kBundle:
      return "bundle";
  }
  return "percent_off";
}

std::optional<PromotionKind> ParsePromotionKind(std::string_view text) noexcept {
  if (text == "percent_off") return PromotionKind::kPercentOff;
  if (text == "buy_x_get_y") return PromotionKind::kBuyXGetY;
  if (text == "bundle") return PromotionKind::kBundle;
  return std::nullopt;
}

bool Promotion::Targets(std::int64_t product_id, std::optional<std::int64_t> category) const noexcept {
  if (std::find(product_ids.begin(), product_ids.end(), product_id) != product_ids.end()) return true;
  return category_id && category && *category_id == *category;
}

std::optional<std::string> DiscountProblem(const LineDiscount& d, std::int64_t line_quantity) {
  if (d.percent.has_value() == d.amount_cents.has_value()) return "give exactly one of percent and amount_cents";
  if (d.percent && (*d.percent < 1 || *d.percent > 100)) return "percent must be an integer from 1 to 100";
  if (d.amount_cents && (*d.amount_cents < 1 || *d.amount_cents > 100'000'000)) {
    return "amount_cents must be from 1 to 100000000";
  }
  if (d.quantity && (*d.quantity < 1 || *d.quantity > line_quantity)) {
    return "quantity must be from 1 to the line's quantity";
  }
  return std::nullopt;
}

Quote Price(std::span<const Item> items, std::span<const Promotion> promotions) {
  std::vector<Work> work(items.size());
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!index.try_emplace(items[i].product_id, i).second) {
      throw ApiError::Internal("pricing.duplicate_line", "a basket must have one line per product");
    }
    work[i].gross = items[i].gross_cents.value_or(items[i].unit_price_cents * items[i].quantity);
    work[i].free_units = items[i].quantity;
  }
  for (const Promotion* p : OfKind(promotions, PromotionKind::kBundle)) ApplyBundle(*p, items, work, index);
  for (const Promotion* p : OfKind(promotions, PromotionKind::kBuyXGetY)) ApplyBuyXGetY(*p, items, work);
  const auto percent = OfKind(promotions, PromotionKind::kPercentOff);
  ApplyPercentOff(percent, items, work);

  std::map<std::int64_t, const Promotion*> by_id;
  for (const Promotion& p : promotions) by_id.emplace(p.id, &p);
  std::map<std::int64_t, std::int64_t> applied;

  Quote quote;
  std::vector<FieldError> errors;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    PricedLine line;
    line.product_id = item.product_id;
    line.unit_price_cents = item.unit_price_cents;
    line.quantity = item.quantity;
    line.tax_class = item.tax_class;
    line.gross_cents = work[i].gross;
    for (const auto& [id, amount] : work[i].by_promotion) {
      line.adjustments.push_back(Adjustment{id, by_id.at(id)->name, amount});
      applied[id] += amount;
    }
    std::int64_t net = work[i].gross - work[i].promo;
    if (item.discount) {
      const LineDiscount& d = *item.discount;
      const std::int64_t units = d.quantity.value_or(item.quantity);
      line.manual_base_cents = std::min(net, units * item.unit_price_cents);
      const std::int64_t amount =
          d.percent ? HalfUp(line.manual_base_cents, *d.percent, 100) : d.amount_cents.value_or(0);
      if (amount > line.manual_base_cents) {
        errors.push_back({"lines[" + std::to_string(i) + "].discount",
                          "the discount is more than the " + money::FormatCents(line.manual_base_cents) +
                              " $ it applies to"});
      } else if (amount > 0) {
        line.manual_discount_cents = amount;
        line.manual_percent = d.percent;
        line.adjustments.push_back(Adjustment{std::nullopt, kManualLabel, amount});
        net -= amount;
      }
    }
    line.discount_cents = line.gross_cents - net;
    line.net_cents = net;
    quote.gross_cents += line.gross_cents;
    quote.discount_cents += line.discount_cents;
    quote.subtotal_cents += net;
    quote.by_class.Add(item.tax_class, net);
    quote.lines.push_back(std::move(line));
  }
  if (!errors.empty()) {
    throw ApiError(ErrorKind::kUnprocessable, "pricing.discount_exceeds_line",
                   "a line discount is larger than what the line costs", std::move(errors));
  }
  for (const auto& [id, amount] : applied) {
    const Promotion* p = by_id.at(id);
    quote.promotions.push_back(AppliedPromotion{id, p->name, p->kind, amount});
  }
  quote.taxes = money::QuebecTaxes(quote.by_class);
  quote.total_cents = quote.subtotal_cents + quote.taxes.total();
  return quote;
}

bool ExceedsLimit(const PricedLine& line, std::int64_t limit_percent) noexcept {
  if (line.manual_percent) return *line.manual_percent > limit_percent;
  return line.manual_discount_cents * 100 > limit_percent * line.manual_base_cents;
}

std::int64_t Prorated(std::int64_t net_cents, std::int64_t quantity, std::int64_t units) noexcept {
  if (quantity <= 0) return 0;
  if (units >= quantity) return net_cents;
  return HalfUp(net_cents, units, quantity);
}

std::vector<std::pair<std::string, std::string>> PromotionProblems(const Promotion& p) {
  std::vector<std::pair<std::string, std::string>> out;
  if (p.name.empty() || p.name.size() > 200) out.emplace_back("name", "must be 1 to 200 characters");
  const bool targeted = !p.product_ids.empty() || p.category_id.has_value();
  if (p.product_ids.size() > 100) out.emplace_back("product_ids", "at most 100 products");
  switch (p.kind) {
    case PromotionKind::kPercentOff:
      if (p.percent < 1 || p.percent > 100) out.emplace_back("percent", "must be an integer from 1 to 100");
      if (!targeted) out.emplace_back("product_ids", "give product_ids or category_id");
      break;
    case PromotionKind::kBuyXGetY:
      if (p.buy_quantity < 1 || p.buy_quantity > 100) out.emplace_back("buy_quantity", "must be from 1 to 100");
      if (p.get_quantity < 1 || p.get_quantity > 100) out.emplace_back("get_quantity", "must be from 1 to 100");
      if (!targeted) out.emplace_back("product_ids", "give product_ids or category_id");
      break;
    case PromotionKind::kBundle: {
      std::int64_t units = 0;
      std::set<std::int64_t> seen;
      for (const BundleItem& c : p.bundle) {
        if (c.quantity < 1 || c.quantity > 100) out.emplace_back("bundle", "each quantity must be from 1 to 100");
        if (!seen.insert(c.product_id).second) out.emplace_back("bundle", "a product appears twice");
        units += c.quantity;
      }
      if (units < 2 || p.bundle.size() > 20) out.emplace_back("bundle", "a bundle has 2 units or more, 20 products at most");
      if (p.bundle_price_cents < 0 || p.bundle_price_cents > 100'000'000) {
        out.emplace_back("bundle_price_cents", "must be from 0 to 100000000");
      }
      break;
    }
  }
  return out;
}

}  // namespace comptoir::pricing
