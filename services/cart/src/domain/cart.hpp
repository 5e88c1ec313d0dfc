#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"

namespace comptoir::cart {

/// Who a cart belongs to, read from its id: a guest cart has a session id (anyone who knows it may use
/// it: a bearer capability, so clients should use a random UUID, as POST /carts does); a signed-in
/// shopper's cart has the id `customer-<sub>` (only that shopper's token may use it).
struct CartIdentity {
  std::string id;
  std::optional<std::string> customer_id;  ///< the shopper's `sub` for `customer-<sub>` carts
  [[nodiscard]] bool IsGuest() const noexcept { return !customer_id.has_value(); }
};

/// True for a canonical UUID (8-4-4-4-12 hexadecimal digits, either case).
bool IsUuid(std::string_view text) noexcept;

/// Longest guest session id.
inline constexpr std::size_t kMaxSessionIdLength = 128;

/// True for a guest cart's session id: 1 to 128 characters of [A-Za-z0-9_-], not beginning with
/// `customer-` (the prefix of shoppers' carts: a guest id can never name one).
bool IsSessionId(std::string_view text) noexcept;

/// The identity named by a cart id: a guest session id (a UUID is lower-cased, any other kept as it
/// is) or `customer-<digits>`; nullopt otherwise (such a cart cannot exist: 404).
std::optional<CartIdentity> ParseCartId(std::string_view id);

/// The id of a shopper's own cart.
std::string CustomerCartId(std::string_view subject);

/// Redis keys of one cart. The `{id}` hash tag keeps both keys of a cart in one slot (a Lua script may
/// only touch keys of one slot on a cluster).
///   <prefix>{<id>}:items  HASH product_id -> quantity
///   <prefix>{<id>}:meta   HASH created_at, updated_at, customer_id ("" for a guest cart)
struct CartKeys {
  std::string items;
  std::string meta;
};
CartKeys KeysOf(std::string_view prefix, std::string_view cart_id);

/// One priced line (prices come from the product service at the time of the answer).
struct Line {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
  std::optional<std::int64_t> category_id;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  /// Before discounts; the priced line (PriceCart) says what it costs after them.
  [[nodiscard]] std::int64_t line_total_cents() const noexcept { return unit_price_cents * quantity; }
};

/// The totals of a cart: subtotal after discounts, per tax class, Quebec GST and QST once on the taxable
/// part (ADR 0140), total.
struct Totals {
  std::int64_t item_count = 0;  ///< sum of the quantities
  std::int64_t subtotal_cents = 0;
  std::int64_t gst_cents = 0;
  std::int64_t qst_cents = 0;
  std::int64_t total_cents = 0;
  std::int64_t discount_cents = 0;
  money::ClassAmounts by_class;
};
/// Prices the cart with the online promotions through the one engine (libs/pricing, ADR 0141).
pricing::Quote PriceCart(const std::vector<Line>& lines, std::span<const pricing::Promotion> promotions);
Totals TotalsOf(const std::vector<Line>& lines, const pricing::Quote& quote) noexcept;
/// Without promotions.
Totals ComputeTotals(const std::vector<Line>& lines);

/// Largest quantity of one product in one cart (a guard against absurd input; stock caps it anyway).
inline constexpr std::int64_t kMaxQuantity = 999;

/// A line quantity of an add (`POST .../items`): 1..kMaxQuantity.
struct AddItem {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
};

/// Parses an id path segment made of digits (1..2^63-1); nullopt otherwise.
std::optional<std::int64_t> ParseProductId(std::string_view text) noexcept;

}  // namespace comptoir::cart

namespace comptoir::cart {
/// RFC 3339 UTC timestamp with milliseconds, e.g. "2026-11-25T04:27:01.123Z".
std::string FormatTimestamp(std::int64_t unix_millis);
}  // namespace comptoir::cart
