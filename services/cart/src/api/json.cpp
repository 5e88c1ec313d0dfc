#include "api/json.hpp"

#include <boost/json.hpp>

#include "comptoir/json.hpp"
#include "comptoir/pricing_json.hpp"

namespace comptoir::cart {

AddItem ParseAddItemBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  auto product_id = reader.Int("product_id", true, 1);
  auto quantity = reader.Int("quantity", true, 1, kMaxQuantity);
  reader.RejectUnknown({"product_id", "quantity"});
  reader.ThrowIfErrors("cart.invalid_item");
  return AddItem{*product_id, *quantity};
}

std::int64_t ParseQuantityBody(const boost::json::value& body, std::int64_t path_product_id) {
  json::ObjectReader reader(body);
  auto quantity = reader.Int("quantity", true, 0, kMaxQuantity);
  // A client may send a line back as it read it; its product_id must then be the one of the path.
  auto product_id = reader.Int("product_id", false, 1);
  if (product_id && *product_id != path_product_id) reader.Fail("product_id", "must match the product id of the path");
  reader.RejectUnknown({"quantity", "product_id"});
  reader.ThrowIfErrors("cart.invalid_item");
  return *quantity;
}

boost::json::object CartJson(const StoredCart& cart, const std::vector<Line>& lines,
                             std::span<const pricing::Promotion> promotions, std::string_view served_by) {
  boost::json::object o;
  o["id"] = cart.id;
  if (cart.customer_id) {
    auto id = ParseProductId(*cart.customer_id);  // same digits rule as any numeric id
    if (id) {
      o["customer_id"] = *id;
    } else {
      o["customer_id"] = *cart.customer_id;
    }
  } else {
    o["customer_id"] = nullptr;
  }
  const pricing::Quote quote = PriceCart(lines, promotions);
  boost::json::array items;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    const pricing::PricedLine& priced = quote.lines[i];
    items.push_back(boost::json::object{{"product_id", line.product_id},
                                        {"sku", line.sku},
                                        {"name", line.name},
                                        {"unit_price_cents", line.unit_price_cents},
                                        {"quantity", line.quantity},
                                        {"tax_class", money::TaxClassName(line.tax_class)},
                                        {"gross_cents", priced.gross_cents},
                                        {"discount_cents", priced.discount_cents},
                                        {"discounts", pricing::AdjustmentsJson(priced)},
                                        {"line_total_cents", priced.net_cents}});
  }
  Totals totals = TotalsOf(lines, quote);
  o["items"] = std::move(items);
  o["item_count"] = totals.item_count;
  o["promotions"] = pricing::AppliedJson(quote);
  o["discount_cents"] = totals.discount_cents;
  o["taxable_cents"] = totals.by_class.taxable_cents;
  o["zero_rated_cents"] = totals.by_class.zero_rated_cents;
  o["exempt_cents"] = totals.by_class.exempt_cents;
  o["subtotal_cents"] = totals.subtotal_cents;
  o["gst_cents"] = totals.gst_cents;
  o["qst_cents"] = totals.qst_cents;
  o["total_cents"] = totals.total_cents;
  o["served_by"] = served_by;
  o["created_at"] = cart.created_at;
  o["updated_at"] = cart.updated_at;
  return o;
}

}  // namespace comptoir::cart
