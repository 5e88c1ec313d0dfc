#include "comptoir/pricing_json.hpp"

#include <stdexcept>

namespace comptoir::pricing {
namespace {

std::int64_t IntOr(const boost::json::object& o, const char* key, std::int64_t fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  return v->to_number<std::int64_t>();
}

}  // namespace

Promotion PromotionFromJson(const boost::json::value& value) {
  const auto& o = value.as_object();
  Promotion p;
  p.id = o.at("id").to_number<std::int64_t>();
  p.name = std::string(o.at("name").as_string());
  auto kind = ParsePromotionKind(o.at("kind").as_string());
  if (!kind) throw std::runtime_error("unknown promotion kind");
  p.kind = *kind;
  if (const auto* ids = o.if_contains("product_ids"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array()) p.product_ids.push_back(id.to_number<std::int64_t>());
  }
  if (const auto* c = o.if_contains("category_id"); c && !c->is_null()) p.category_id = c->to_number<std::int64_t>();
  p.percent = IntOr(o, "percent", 0);
  p.buy_quantity = IntOr(o, "buy_quantity", 0);
  p.get_quantity = IntOr(o, "get_quantity", 0);
  p.bundle_price_cents = IntOr(o, "bundle_price_cents", 0);
  if (const auto* b = o.if_contains("bundle"); b && b->is_array()) {
    for (const auto& item : b->as_array()) {
      const auto& io = item.as_object();
      p.bundle.push_back({io.at("product_id").to_number<std::int64_t>(), io.at("quantity").to_number<std::int64_t>()});
    }
  }
  return p;
}

std::vector<Promotion> PromotionsFromList(const boost::json::value& list) {
  std::vector<Promotion> out;
  for (const auto& item : list.as_object().at("data").as_array()) out.push_back(PromotionFromJson(item));
  return out;
}

boost::json::array AdjustmentsJson(const PricedLine& line) {
  boost::json::array out;
  for (const Adjustment& a : line.adjustments) {
    boost::json::object o;
    if (a.promotion_id) {
      o["promotion_id"] = *a.promotion_id;
    } else {
      o["promotion_id"] = nullptr;
    }
    o["label"] = a.label;
    o["amount_cents"] = a.amount_cents;
    out.push_back(std::move(o));
  }
  return out;
}

boost::json::array AppliedJson(const Quote& quote) {
  boost::json::array out;
  for (const AppliedPromotion& p : quote.promotions) {
    out.push_back(boost::json::object{
        {"id", p.id}, {"name", p.name}, {"kind", PromotionKindName(p.kind)}, {"amount_cents", p.amount_cents}});
  }
  return out;
}

std::optional<LineDiscount> LineDiscountFromJson(const boost::json::value& value, std::string& problem) {
  const auto* o = value.if_object();
  if (o == nullptr) {
    problem = "must be an object {percent} or {amount_cents}";
    return std::nullopt;
  }
  LineDiscount d;
  for (const auto& [key, v] : *o) {
    if (!v.is_int64() && !v.is_uint64()) {
      problem = std::string(key) + " must be an integer";
      return std::nullopt;
    }
    const std::int64_t n = v.to_number<std::int64_t>();
    if (key == "percent") {
      d.percent = n;
    } else if (key == "amount_cents") {
      d.amount_cents = n;
    } else if (key == "quantity") {
      d.quantity = n;
    } else {
      problem = "unknown field " + std::string(key);
      return std::nullopt;
    }
  }
  return d;
}

boost::json::object LineDiscountJson(const LineDiscount& d) {
  boost::json::object o;
  if (d.percent) o["percent"] = *d.percent;
  if (d.amount_cents) o["amount_cents"] = *d.amount_cents;
  if (d.quantity) o["quantity"] = *d.quantity;
  return o;
}

}  // namespace comptoir::pricing
