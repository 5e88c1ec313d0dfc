#include "domain/order.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/json.hpp"
#include "comptoir/money.hpp"

namespace comptoir::order {

std::int64_t ShippingFor(std::int64_t subtotal_cents) noexcept {
  return subtotal_cents >= kFreeShippingFromCents ? 0 : kShippingFeeCents;
}

std::vector<pricing::AppliedPromotion> ApplyPromotions(std::vector<Line>& lines,
                                                       std::span<const pricing::Promotion> promotions) {
  std::vector<pricing::Item> items;
  for (const Line& l : lines) {
    items.push_back(pricing::Item{l.product_id, l.category_id, l.unit_price_cents, l.quantity, l.tax_class, std::nullopt});
  }
  const pricing::Quote quote = pricing::Price(items, promotions);
  for (std::size_t i = 0; i < lines.size(); ++i) lines[i].discount_cents = quote.lines[i].discount_cents;
  return quote.promotions;
}

Totals ComputeTotals(const std::vector<Line>& lines) {
  Totals t;
  money::ClassAmounts amounts;
  for (const Line& line : lines) {
    t.subtotal_cents += line.line_total_cents();
    amounts.Add(line.tax_class, line.line_total_cents());
  }
  t.shipping_cents = ShippingFor(t.subtotal_cents);
  money::Taxes taxes = money::QuebecTaxes(amounts.taxable_cents + t.shipping_cents);
  t.gst_cents = taxes.gst_cents;
  t.qst_cents = taxes.qst_cents;
  t.total_cents = t.subtotal_cents + t.shipping_cents + taxes.total();
  return t;
}

bool LuhnValid(std::string_view number) noexcept {
  if (number.size() < 12 || number.size() > 19) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int digit = *it - '0';
    if (twice) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
    twice = !twice;
  }
  return sum % 10 == 0;
}

namespace {

// "h2x1y4", "H2X 1Y4", "h2x-1y4" → "H2X 1Y4"; nullopt when not a Canadian postal code.
std::optional<std::string> NormalisePostalCode(std::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    compact.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (compact.size() != 6) return std::nullopt;
  for (std::size_t i = 0; i < 6; ++i) {
    bool letter = i % 2 == 0;
    unsigned char c = static_cast<unsigned char>(compact[i]);
    if (letter ? !std::isupper(c) : !std::isdigit(c)) return std::nullopt;
  }
  return compact.substr(0, 3) + " " + compact.substr(3);
}

}  // namespace

CheckoutRequest ParseCheckoutBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  CheckoutRequest request;
  request.cart_id = reader.String("cart_id", true, 1, 100).value_or("");
  bool outside_quebec = false;
  bool address_id = reader.Has("address_id") && !reader.IsNull("address_id");
  if (address_id) {
    request.address_id = reader.Int("address_id", true, 1);
    if (reader.Has("shipping_address"))
      reader.Fail("address_id", "send either address_id or shipping_address, not both");
  } else {
    const boost::json::value* address = body.is_object() ? body.as_object().if_contains("shipping_address") : nullptr;
    if (address == nullptr) {
      reader.Fail("shipping_address", "is required");
    } else {
      json::ObjectReader a(*address, "shipping_address.");
      request.shipping_address.line1 = a.String("line1", true, 1, 200).value_or("");
      request.shipping_address.city = a.String("city", true, 1, 100).value_or("");
      std::string province = a.String("province", true, 2, 2).value_or("");
      for (char& c : province) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      request.shipping_address.province = province;
      if (auto postal = a.String("postal_code", true, 1, 10)) {
        if (auto normal = NormalisePostalCode(*postal)) {
          request.shipping_address.postal_code = *normal;
        } else {
          a.Fail("postal_code", "must be a Canadian postal code like H2X 1Y4");
        }
      }
      a.RejectUnknown({"line1", "city", "province", "postal_code"});
      for (const FieldError& e : a.errors()) reader.Fail(e.field, e.message);
      outside_quebec = a.ok() && province != "QC";
    }
  }
  if (reader.Has("payment")) {
    const boost::json::value& payment = body.as_object().at("payment");
    json::ObjectReader p(payment, "payment.");
    auto method = p.String("method", true, 1, 20);
    if (method && *method != "card") p.Fail("method", "must be \"card\"");
    if (auto card = p.String("card_number", true, 1, 19)) {
      if (LuhnValid(*card)) {
        request.card_number = *card;
      } else {
        p.Fail("card_number", "is not a valid card number (12 to 19 digits passing the Luhn check)");
      }
    }
    p.RejectUnknown({"method", "card_number"});
    for (const FieldError& e : p.errors()) reader.Fail(e.field, e.message);
  } else {
    reader.Fail("payment", "is required");
  }
  reader.RejectUnknown({"cart_id", "shipping_address", "address_id", "payment"});
  // The prefixed readers already carry their prefixes; Fail on the outer reader keeps the name as given.
  reader.ThrowIfErrors();
  if (outside_quebec) {
    throw ApiError(ErrorKind::kUnprocessable, "order.shipping_outside_quebec",
                   "the shop ships within Quebec only (province QC)");
  }
  return request;
}

Address AddressFromCustomer(const boost::json::value& saved) {
  Address a;
  const auto* o = saved.is_object() ? &saved.as_object() : nullptr;
  auto text = [o](std::string_view key) {
    const auto* v = o ? o->if_contains(key) : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  a.line1 = text("line1");
  a.city = text("city");
  a.province = text("province");
  a.postal_code = text("postal_code");
  if (a.line1.empty() || a.city.empty() || a.postal_code.empty()) {
    throw ApiError::Unavailable("customer.unavailable", "customer sent an address without line1, city or postal code");
  }
  if (a.province != "QC") {
    throw ApiError(ErrorKind::kUnprocessable, "order.shipping_outside_quebec",
                   "the shop ships within Quebec only (province QC)");
  }
  return a;
}

namespace {
constexpr std::array kStepNames{"started",       "reserving", "reserved",  "charging",     "charged",
                                "order_created", "committed", "completed", "compensating", "failed"};
constexpr std::array kStatusNames{"paid", "preparing", "shipped", "delivered", "cancelled"};
}  // namespace

std::string_view StepName(Step step) noexcept {
  return kStepNames.at(static_cast<std::size_t>(step));
}

std::optional<Step> ParseStep(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStepNames.size(); ++i) {
    if (kStepNames[i] == name) return static_cast<Step>(i);
  }
  return std::nullopt;
}

bool IsTerminal(Step step) noexcept {
  return step == Step::kCompleted || step == Step::kFailed;
}

bool CanAdvance(Step from, Step to) noexcept {
  if (IsTerminal(from)) return false;
  if (to == Step::kCompensating) return from != Step::kCommitted;  // once stock left, cancel the order instead
  if (from == Step::kCompensating) return to == Step::kFailed;
  // Nothing done elsewhere: the cart or a price was refused, or inventory refused the whole reservation.
  if (to == Step::kFailed) return from == Step::kStarted || from == Step::kReserving;
  // The reservation was lost before it could be committed: the order is cancelled (refunded) and the saga ends.
  if (from == Step::kOrderCreated && to == Step::kCompleted) return true;
  return static_cast<int>(to) == static_cast<int>(from) + 1 && to <= Step::kCompleted;
}

Recovery RecoveryFor(Step step) noexcept {
  switch (step) {
    case Step::kCompleted:
    case Step::kFailed:
      return Recovery::kNothing;
    case Step::kCharged:
    case Step::kOrderCreated:
    case Step::kCommitted:
      return Recovery::kComplete;
    default:
      return Recovery::kCompensate;
  }
}

std::string_view StatusName(Status status) noexcept {
  return kStatusNames.at(static_cast<std::size_t>(status));
}

std::optional<Status> ParseStatus(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

bool CanChangeStatus(Status from, Status to) noexcept {
  return (from == Status::kPaid && to == Status::kPreparing) ||
         (from == Status::kPreparing && to == Status::kShipped) ||
         (from == Status::kShipped && to == Status::kDelivered);
}

bool NeedsCommittedStock(Status to) noexcept {
  return to == Status::kPreparing || to == Status::kShipped;
}

bool CanCancel(Status from) noexcept {
  return from == Status::kPaid || from == Status::kPreparing;
}

std::string OrderNumber(std::int64_t sequence) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "C-%06lld", static_cast<long long>(sequence));
  return buffer;
}

}  // namespace comptoir::order
