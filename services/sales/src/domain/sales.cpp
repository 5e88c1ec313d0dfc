#include "domain/sales.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>

#include "comptoir/money.hpp"

namespace comptoir::sales {
namespace {

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

// YYYY-MM-DD with a real calendar date.
std::optional<std::chrono::year_month_day> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!IsDigits(s.substr(0, 4)) || !IsDigits(s.substr(5, 2)) || !IsDigits(s.substr(8, 2))) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year(ToInt(s.substr(0, 4))),
                                  std::chrono::month(static_cast<unsigned>(ToInt(s.substr(5, 2)))),
                                  std::chrono::day(static_cast<unsigned>(ToInt(s.substr(8, 2))))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string FormatDate(std::chrono::year_month_day ymd) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

// RFC 3339 date-time: date "T" hh:mm:ss [.frac] (Z | ±hh:mm).
bool IsRfc3339(std::string_view s) {
  if (s.size() < 20 || !ParseDate(s.substr(0, 10))) return false;
  if (s[10] != 'T' && s[10] != 't') return false;
  std::string_view t = s.substr(11);
  if (t.size() < 9 || t[2] != ':' || t[5] != ':') return false;
  if (!IsDigits(t.substr(0, 2)) || !IsDigits(t.substr(3, 2)) || !IsDigits(t.substr(6, 2))) return false;
  if (ToInt(t.substr(0, 2)) > 23 || ToInt(t.substr(3, 2)) > 59 || ToInt(t.substr(6, 2)) > 60) return false;
  std::size_t i = 8;
  if (i < t.size() && t[i] == '.') {
    std::size_t start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start || i - start > 9) return false;
  }
  std::string_view zone = t.substr(i);
  if (zone == "Z" || zone == "z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' && IsDigits(zone.substr(1, 2)) &&
         IsDigits(zone.substr(4, 2)) && ToInt(zone.substr(1, 2)) <= 23 && ToInt(zone.substr(4, 2)) <= 59;
}

std::optional<std::int64_t> IntParam(const std::string& key, const std::string& value, std::int64_t min,
                                     std::int64_t max, std::vector<FieldError>& errors) {
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr != value.data() + value.size() || n < min || n > max) {
    errors.push_back({key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
    return std::nullopt;
  }
  return n;
}

void ParsePageParam(const std::string& key, const std::string& value, Page& page, std::vector<FieldError>& errors) {
  if (key == "page") {
    if (auto n = IntParam(key, value, 1, kMaxPage, errors)) page.page = *n;
  } else if (key == "per_page") {
    if (auto n = IntParam(key, value, 1, kMaxPerPage, errors)) page.per_page = *n;
  }
}

}  // namespace

std::string_view TenderName(Tender tender) noexcept {
  switch (tender) {
    case Tender::kCash:
      return "cash";
    case Tender::kCard:
      return "card";
    case Tender::kDebit:
      return "debit";
    case Tender::kGiftCard:
      return "gift_card";
  }
  return "cash";
}

std::optional<Tender> ParseTender(std::string_view text) noexcept {
  if (text == "cash") return Tender::kCash;
  if (text == "card") return Tender::kCard;
  if (text == "debit") return Tender::kDebit;
  if (text == "gift_card") return Tender::kGiftCard;
  return std::nullopt;
}

Totals TotalsOf(std::int64_t subtotal_cents) noexcept {
  money::ClassAmounts amounts;
  amounts.taxable_cents = subtotal_cents;
  return TotalsOf(amounts);
}

Totals TotalsOf(const money::ClassAmounts& amounts) noexcept {
  money::Taxes taxes = money::QuebecTaxes(amounts);
  const std::int64_t subtotal = amounts.total();
  return Totals{subtotal, taxes.gst_cents, taxes.qst_cents, subtotal + taxes.total(), 0, amounts};
}

PricedSale PriceSale(std::span<const Scanned> scanned, std::span<const pricing::Promotion> promotions,
                     std::int64_t limit_percent) {
  std::vector<pricing::Item> items;
  std::vector<const Product*> products;
  std::vector<std::size_t> discount_at;  // per item: the request line that carried its discount
  std::map<std::int64_t, std::size_t> index;
  std::vector<std::int64_t> gross;  // per item: what its scans cost (weighed pieces: the sum of their labels)
  std::vector<FieldError> errors;
  for (const Scanned& s : scanned) {
    auto [it, inserted] = index.try_emplace(s.product.id, items.size());
    if (inserted) {
      items.push_back(pricing::Item{s.product.id, s.product.category_id, s.product.price_cents, s.quantity,
                                    s.product.tax_class, s.discount});
      products.push_back(&s.product);
      discount_at.push_back(s.request_index);
      gross.push_back(s.product.price_cents * s.quantity);
    } else {
      pricing::Item& item = items[it->second];
      item.quantity += s.quantity;
      gross[it->second] += s.product.price_cents * s.quantity;
      if (s.discount && item.discount) {
        errors.push_back({"lines[" + std::to_string(s.request_index) + "].discount",
                          "one discount per product: product " + std::to_string(s.product.id) + " has one already"});
      } else if (s.discount) {
        item.discount = s.discount;
        discount_at[it->second] = s.request_index;
      }
    }
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].discount) continue;
    if (auto problem = pricing::DiscountProblem(*items[i].discount, items[i].quantity)) {
      errors.push_back({"lines[" + std::to_string(discount_at[i]) + "].discount", *problem});
    }
  }
  // Weighed pieces of one product (ADR 0170) share its line: the line's gross is the sum of their labels, its unit
  // price their average rounded half-up (what a promotion's free or discounted unit is worth).
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (gross[i] != items[i].unit_price_cents * items[i].quantity) {
      items[i].unit_price_cents = (gross[i] * 2 + items[i].quantity) / (2 * items[i].quantity);
      items[i].gross_cents = gross[i];
    }
  }
  if (!errors.empty()) throw ApiError::Validation("request.validation_failed", "invalid line discount", std::move(errors));
  const pricing::Quote quote = pricing::Price(items, promotions);
  PricedSale out;
  for (std::size_t i = 0; i < quote.lines.size(); ++i) {
    const pricing::PricedLine& q = quote.lines[i];
    const Product& p = *products[i];
    SaleLine line{p.id, p.sku, p.name, q.unit_price_cents, q.quantity, q.net_cents, 0, 0};
    line.tax_class = q.tax_class;
    line.gross_cents = q.gross_cents;
    line.discount_cents = q.discount_cents;
    line.adjustments = q.adjustments;
    line.line_discount = items[i].discount;
    if (q.manual_discount_cents > 0 && pricing::ExceedsLimit(q, limit_percent)) out.above_limit.push_back(i);
    out.lines.push_back(std::move(line));
  }
  out.totals = Totals{quote.subtotal_cents, quote.taxes.gst_cents, quote.taxes.qst_cents, quote.total_cents,
                      quote.discount_cents, quote.by_class};
  out.promotions = quote.promotions;
  return out;
}

std::vector<SaleLine> PriceLines(std::span<const std::pair<Product, std::int64_t>> scanned) {
  std::vector<SaleLine> lines;
  std::map<std::int64_t, std::size_t> index;
  for (const auto& [product, quantity] : scanned) {
    auto [it, inserted] = index.try_emplace(product.id, lines.size());
    if (inserted) lines.push_back(SaleLine{product.id, product.sku, product.name, product.price_cents, 0, 0, 0});
    SaleLine& line = lines[it->second];
    line.quantity += quantity;
    line.line_total_cents += product.price_cents * quantity;
  }
  // Weighed pieces of one product (ADR 0170) carry their own label prices: the line's total is their sum, its unit
  // price their average, rounded half-up (a sale has one line per product).
  for (SaleLine& line : lines) {
    if (line.line_total_cents != line.unit_price_cents * line.quantity) {
      line.unit_price_cents = (line.line_total_cents * 2 + line.quantity) / (2 * line.quantity);
    }
  }
  for (SaleLine& line : lines) line.gross_cents = line.line_total_cents;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (const auto& [product, quantity] : scanned) {
      if (product.id == lines[i].product_id) lines[i].tax_class = product.tax_class;
    }
  }
  return lines;
}

Totals TotalsOfLines(std::span<const SaleLine> lines) noexcept {
  money::ClassAmounts amounts;
  std::int64_t discount = 0;
  for (const SaleLine& line : lines) {
    amounts.Add(line.tax_class, line.line_total_cents);
    discount += line.discount_cents;
  }
  Totals t = TotalsOf(amounts);
  t.discount_cents = discount;
  return t;
}

Settlement Settle(std::int64_t total_cents, std::span<const Payment> payments) {
  Settlement s;
  bool has_cash = false;
  for (const Payment& p : payments) {
    if (p.method == Tender::kCash) {
      has_cash = true;
      s.cash_tendered_cents += p.amount_cents;
    } else {
      s.non_cash_cents += p.amount_cents;
    }
  }
  if (s.non_cash_cents > total_cents) {
    throw ApiError(ErrorKind::kUnprocessable, "sales.overpayment",
                   "card, debit and gift card tenders (" + money::FormatCents(s.non_cash_cents) +
                       " $) exceed the total (" + money::FormatCents(total_cents) + " $); only cash gives change");
  }
  const std::int64_t rest = total_cents - s.non_cash_cents;
  if (has_cash) {
    s.cash_due_cents = money::RoundToNickel(rest);
    s.cash_rounding_cents = s.cash_due_cents - rest;
  }
  const std::int64_t due = has_cash ? s.cash_due_cents : rest;
  if (s.cash_tendered_cents < due) {
    throw ApiError(ErrorKind::kUnprocessable, "sales.insufficient_payment",
                   "the payments leave " + money::FormatCents(due - s.cash_tendered_cents) + " $ unpaid (total " +
                       money::FormatCents(total_cents) + " $)");
  }
  s.change_cents = s.cash_tendered_cents - s.cash_due_cents;
  return s;
}

Tender DefaultRefundMethod(std::span<const Payment> payments) noexcept {
  for (const Payment& p : payments) {
    if (p.method != Tender::kCash) return p.method;
  }
  return Tender::kCash;
}

std::int64_t ExpectedCash(std::int64_t opening_float_cents, std::int64_t cash_taken_cents,
                          std::int64_t cash_refunded_cents) noexcept {
  return opening_float_cents + cash_taken_cents - cash_refunded_cents;
}

std::string ReceiptNumber(std::int64_t location_id, std::int64_t number) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "S%lld-%06lld", static_cast<long long>(location_id),
                static_cast<long long>(number));
  return buffer;
}

std::optional<std::string> ParseTimeBound(std::string_view text, bool next_day) {
  if (auto date = ParseDate(text)) {
    std::chrono::year_month_day day = *date;
    if (next_day) day = std::chrono::year_month_day(std::chrono::sys_days(day) + std::chrono::days(1));
    return FormatDate(day) + "T00:00:00Z";
  }
  if (IsRfc3339(text)) return std::string(text);
  return std::nullopt;
}

SaleQuery ParseSaleQuery(const QueryParams& params) {
  SaleQuery query;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      query.location_id = IntParam(key, value, 1, INT64_MAX, errors);
    } else if (key == "cashier_id") {
      if (value.empty() || value.size() > 64) {
        errors.push_back({key, "must be a staff id"});
      } else {
        query.cashier_id = value;
      }
    } else if (key == "from" || key == "to") {
      const bool is_date = ParseDate(value).has_value();
      auto bound = ParseTimeBound(value, key == "to");
      if (!bound) {
        errors.push_back({key, "must be an RFC 3339 date-time or a date (YYYY-MM-DD)"});
      } else if (key == "from") {
        query.from_at = bound;
      } else if (is_date) {
        query.to_before = bound;
      } else {
        query.to_at = bound;
      }
    } else if (key == "short_stock") {
      if (value != "true" && value != "false") {
        errors.push_back({key, "must be true or false"});
      } else {
        query.short_stock = value == "true";
      }
    } else {
      ParsePageParam(key, value, query.page, errors);
    }
  }
  if (!errors.empty()) throw ApiError::Validation("sales.invalid_query", "invalid query parameters", std::move(errors));
  return query;
}

SessionQuery ParseSessionQuery(const QueryParams& params) {
  SessionQuery query;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : params) {
    if (key == "location_id") {
      query.location_id = IntParam(key, value, 1, INT64_MAX, errors);
    } else if (key == "status") {
      if (value == "open") {
        query.open = true;
      } else if (value == "closed") {
        query.open = false;
      } else {
        errors.push_back({key, "must be open or closed"});
      }
    } else {
      ParsePageParam(key, value, query.page, errors);
    }
  }
  if (!errors.empty()) {
    throw ApiError::Validation("register_session.invalid_query", "invalid query parameters", std::move(errors));
  }
  return query;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18 || !IsDigits(text)) return std::nullopt;
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value <= 0) return std::nullopt;
  return value;
}

}  // namespace comptoir::sales

namespace comptoir::sales {

void MarkShortLines(std::vector<SaleLine>& lines, const std::vector<StockLevel>& stock) {
  std::map<std::int64_t, std::int64_t> left;
  for (const StockLevel& s : stock) left[s.product_id] = std::max<std::int64_t>(0, s.available);
  for (SaleLine& line : lines) {
    std::int64_t& here = left[line.product_id];
    const std::int64_t covered = std::min(here, line.quantity);
    here -= covered;
    line.short_quantity = line.quantity - covered;
  }
}

std::vector<SaleLine> CoveredLines(const std::vector<SaleLine>& lines) {
  std::vector<SaleLine> out;
  for (const SaleLine& line : lines) {
    if (line.quantity - line.short_quantity <= 0) continue;
    SaleLine covered = line;
    covered.quantity = line.quantity - line.short_quantity;
    out.push_back(std::move(covered));
  }
  return out;
}

std::optional<std::string> OccurredAtProblem(std::string_view occurred_at, std::int64_t now_unix) {
  // Only the UTC form the console writes: "YYYY-MM-DDThh:mm:ss[.frac]Z".
  if (!IsRfc3339(occurred_at) || (occurred_at.back() != 'Z' && occurred_at.back() != 'z')) {
    return "must be an RFC 3339 UTC date-time (…Z)";
  }
  const auto day = ParseDate(occurred_at.substr(0, 10));
  const std::int64_t seconds = std::chrono::sys_days(*day).time_since_epoch().count() * 86400 +
                               ToInt(occurred_at.substr(11, 2)) * 3600 + ToInt(occurred_at.substr(14, 2)) * 60 +
                               ToInt(occurred_at.substr(17, 2));
  if (seconds > now_unix + 5 * 60) return "is in the future";
  if (seconds < now_unix - 30LL * 86400) return "is more than 30 days ago";
  return std::nullopt;
}

}  // namespace comptoir::sales
