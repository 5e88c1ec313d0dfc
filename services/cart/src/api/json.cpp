#include "api/json.hpp"

#include <boost/json.hpp>

#include "comptoir/json.hpp"

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

boost::json::object CartJson(const StoredCart& cart, const std::vector<Line>& lines, std::string_view served_by) {
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
  boost::json::array items;
  for (const Line& line : lines) {
    items.push_back(boost::json::object{{"product_id", line.product_id},
                                        {"sku", line.sku},
                                        {"name", line.name},
                                        {"unit_price_cents", line.unit_price_cents},
                                        {"quantity", line.quantity},
                                        {"line_total_cents", line.line_total_cents()}});
  }
  Totals totals = ComputeTotals(lines);
  o["items"] = std::move(items);
  o["item_count"] = totals.item_count;
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
