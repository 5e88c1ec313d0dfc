#pragma once
#include <span>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>
#include <boost/json/object.hpp>

#include "domain/cart.hpp"
#include "storage/cart_store.hpp"

namespace comptoir::cart {

/// `POST /carts/{id}/items` body `{product_id ≥ 1, quantity 1..999}`; 400 `cart.invalid_item` listing
/// every offending field.
AddItem ParseAddItemBody(const boost::json::value& body);
/// `PUT /carts/{id}/items/{product_id}` body `{quantity 0..999, product_id?}` (0 removes the line; a
/// product_id, if sent, must be the path's); 400 `cart.invalid_item`.
std::int64_t ParseQuantityBody(const boost::json::value& body, std::int64_t path_product_id);

/// The cart answer of DESIGN §4: {id, customer_id|null, items: [{product_id, sku, name, unit_price_cents,
/// quantity, line_total_cents}], item_count, subtotal_cents, gst_cents, qst_cents, total_cents, served_by,
/// created_at, updated_at}.
/// Lines and totals come from the pricing engine with the online promotions (ADR 0141): each item adds
/// tax_class, gross_cents, discount_cents, discounts; the cart adds discount_cents, taxable_cents,
/// zero_rated_cents, exempt_cents and promotions.
boost::json::object CartJson(const StoredCart& cart, const std::vector<Line>& lines,
                             std::span<const pricing::Promotion> promotions, std::string_view served_by);

}  // namespace comptoir::cart
