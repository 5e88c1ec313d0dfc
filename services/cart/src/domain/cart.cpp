#include "domain/cart.hpp"
#include <algorithm>

#include <cctype>
#include <charconv>
#include <cstdio>

#include "comptoir/money.hpp"

namespace comptoir::cart {

bool IsUuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

std::optional<std::int64_t> ParseProductId(std::string_view text) noexcept {
  if (text.empty() || text.size() > 19) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

constexpr std::string_view kCustomer = "customer-";

bool IsSessionId(std::string_view text) noexcept {
  if (text.empty() || text.size() > kMaxSessionIdLength || text.starts_with(kCustomer)) return false;
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; });
}

std::optional<CartIdentity> ParseCartId(std::string_view id) {
  if (IsUuid(id)) {
    std::string lower(id);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return CartIdentity{std::move(lower), std::nullopt};
  }
  if (IsSessionId(id)) return CartIdentity{std::string(id), std::nullopt};
  if (id.starts_with(kCustomer) && ParseProductId(id.substr(kCustomer.size()))) {
    return CartIdentity{std::string(id), std::string(id.substr(kCustomer.size()))};
  }
  return std::nullopt;
}

std::string CustomerCartId(std::string_view subject) {
  return "customer-" + std::string(subject);
}

CartKeys KeysOf(std::string_view prefix, std::string_view cart_id) {
  std::string base = std::string(prefix) + "{" + std::string(cart_id) + "}:";
  return CartKeys{base + "items", base + "meta"};
}

pricing::Quote PriceCart(const std::vector<Line>& lines, std::span<const pricing::Promotion> promotions) {
  std::vector<pricing::Item> items;
  for (const Line& line : lines) {
    items.push_back(pricing::Item{line.product_id, line.category_id, line.unit_price_cents, line.quantity,
                                  line.tax_class, std::nullopt});
  }
  return pricing::Price(items, promotions);
}

Totals TotalsOf(const std::vector<Line>& lines, const pricing::Quote& quote) noexcept {
  Totals totals;
  for (const Line& line : lines) totals.item_count += line.quantity;
  totals.subtotal_cents = quote.subtotal_cents;
  totals.gst_cents = quote.taxes.gst_cents;
  totals.qst_cents = quote.taxes.qst_cents;
  totals.total_cents = quote.total_cents;
  totals.discount_cents = quote.discount_cents;
  totals.by_class = quote.by_class;
  return totals;
}

Totals ComputeTotals(const std::vector<Line>& lines) { return TotalsOf(lines, PriceCart(lines, {})); }

}  // namespace comptoir::cart

#include <ctime>

namespace comptoir::cart {
std::string FormatTimestamp(std::int64_t unix_millis) {
  std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(unix_millis % 1000));
  return text;
}
}  // namespace comptoir::cart
