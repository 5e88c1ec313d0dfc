#pragma once
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "comptoir/pricing.hpp"

/// JSON of the pricing engine, shared by the services that price (sales, cart, order) so that their
/// answers spell discounts alike, and by product, which owns promotions.
namespace comptoir::pricing {

/// The engine's part of a promotion as product answers it (`GET /api/v1/promotions`): id, name, kind,
/// product_ids, category_id, percent, buy_quantity, get_quantity, bundle [{product_id, quantity}],
/// bundle_price_cents. Throws std::exception on another shape.
Promotion PromotionFromJson(const boost::json::value& value);
/// The `data` array of a promotion list; 503 `<service>.unavailable`-style errors are the caller's.
std::vector<Promotion> PromotionsFromList(const boost::json::value& list);

/// A line's `discounts`: [{promotion_id | null, label, amount_cents}].
boost::json::array AdjustmentsJson(const PricedLine& line);
/// A quote's `promotions`: [{id, name, kind, amount_cents}].
boost::json::array AppliedJson(const Quote& quote);
/// A line discount from a request body (`{"percent": 10}` or `{"amount_cents": 200}`, optional
/// `quantity`); nullopt with `problem` set when it is malformed.
std::optional<LineDiscount> LineDiscountFromJson(const boost::json::value& value, std::string& problem);
/// A line discount as recorded and answered.
boost::json::object LineDiscountJson(const LineDiscount& discount);

}  // namespace comptoir::pricing
