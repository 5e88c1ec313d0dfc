#include "domain/till.hpp"

#include <array>
#include <utility>

#include <boost/json.hpp>

#include "comptoir/json.hpp"

namespace comptoir::sales {
namespace {

constexpr std::array<std::pair<MovementKind, std::string_view>, 5> kKinds{{
    {MovementKind::kNoSale, "no_sale"},
    {MovementKind::kDrop, "drop"},
    {MovementKind::kPayout, "payout"},
    {MovementKind::kVoidLine, "void_line"},
    {MovementKind::kVoidSale, "void_sale"},
}};

const boost::json::array* LinesOf(const boost::json::value& body) {
  const auto* object = body.if_object();
  if (!object) return nullptr;
  const auto* value = object->if_contains("lines");
  if (!value || value->is_null()) return nullptr;
  return value->if_array();
}

std::int64_t TenderAmount(const SessionFigures& f, const std::string& tender) {
  auto it = f.tenders.find(tender);
  return it == f.tenders.end() ? 0 : it->second.amount_cents;
}

}  // namespace

std::string_view MovementKindName(MovementKind kind) noexcept {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "no_sale";
}

std::optional<MovementKind> ParseMovementKind(std::string_view text) noexcept {
  for (const auto& [k, name] : kKinds)
    if (name == text) return k;
  return std::nullopt;
}

Movement ParseMovementBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"kind", "amount_cents", "reason", "lines"});
  Movement m;
  std::vector<FieldError> errors;
  auto kind_text = reader.String("kind", true, 1, 20);
  std::optional<MovementKind> kind;
  if (kind_text) {
    kind = ParseMovementKind(*kind_text);
    if (!kind) reader.Fail("kind", "must be no_sale, drop, payout, void_line or void_sale");
  }
  const bool is_cash = kind && (*kind == MovementKind::kDrop || *kind == MovementKind::kPayout);
  const bool is_void = kind && (*kind == MovementKind::kVoidLine || *kind == MovementKind::kVoidSale);
  const bool needs_reason = kind && (*kind == MovementKind::kNoSale || *kind == MovementKind::kPayout);
  auto amount = reader.Int("amount_cents", is_cash, 1, kMaxAmountCents);
  if (kind && !is_cash && reader.Has("amount_cents") && !reader.IsNull("amount_cents")) {
    reader.Fail("amount_cents", is_void ? "voids carry their amounts on their lines" : "a no-sale moves no cash");
  }
  m.reason = reader.String("reason", needs_reason, 1, kMaxReasonLength);
  if (kind && !is_void && reader.Has("lines") && !reader.IsNull("lines")) {
    reader.Fail("lines", "only voids have lines");
  }
  if (is_void) {
    const auto* lines = LinesOf(body);
    if (!lines) {
      reader.Fail("lines", "is required (an array) for a void");
    } else if (lines->empty()) {
      reader.Fail("lines", "must have at least one item");
    } else if (*kind == MovementKind::kVoidLine && lines->size() != 1) {
      reader.Fail("lines", "a void_line voids exactly one line");
    } else if (lines->size() > kMaxVoidLines) {
      reader.Fail("lines", "must have at most " + std::to_string(kMaxVoidLines) + " items");
    } else {
      for (std::size_t i = 0; i < lines->size(); ++i) {
        json::ObjectReader line((*lines)[i], "lines[" + std::to_string(i) + "].");
        line.RejectUnknown({"product_id", "sku", "quantity", "amount_cents"});
        VoidedLine v;
        v.product_id = line.Int("product_id", false, 1);
        v.sku = line.String("sku", false, 1, 64);
        v.quantity = line.Int("quantity", true, 1, kMaxQuantity).value_or(1);
        v.amount_cents = line.Int("amount_cents", true, 0, kMaxAmountCents).value_or(0);
        if (!v.product_id && !v.sku && line.ok()) line.Fail("product_id", "product_id or sku is required");
        for (const FieldError& e : line.errors()) errors.push_back(e);
        m.amount_cents += v.amount_cents;
        m.lines.push_back(std::move(v));
      }
    }
  }
  std::vector<FieldError> all = reader.errors();
  for (auto& e : errors) all.push_back(std::move(e));
  if (!all.empty()) throw ApiError::Validation("request.validation_failed", "the request has invalid fields", all);
  m.kind = *kind;
  if (is_cash) m.amount_cents = *amount;
  return m;
}

std::int64_t ExpectedDrawerCash(const SessionFigures& f) noexcept {
  return f.session.opening_float_cents + TenderAmount(f, "cash") - f.cash_refunded_cents - f.drops_cents -
         f.payouts_cents;
}

std::int64_t RevenueCents(const SessionFigures& f) noexcept {
  return f.sales_total_cents - f.gift_card_cents;
}

boost::json::object ReportJson(const SessionFigures& f, std::string_view type, std::optional<std::int64_t> z_number,
                               std::optional<std::int64_t> counted_cash_cents, std::string_view generated_at) {
  boost::json::object o;
  o["type"] = type;
  o["z_number"] = z_number ? boost::json::value(*z_number) : boost::json::value(nullptr);
  o["register_session_id"] = f.session.id;
  o["location_id"] = f.session.location_id;
  o["register"] = f.session.register_name;
  o["opened_by"] = f.session.opened_by;
  o["opened_at"] = f.session.opened_at;
  o["generated_at"] = generated_at;

  boost::json::object sales;
  sales["count"] = f.sales_count;
  sales["subtotal_cents"] = f.sales_subtotal_cents;
  sales["gst_cents"] = f.sales_gst_cents;
  sales["qst_cents"] = f.sales_qst_cents;
  sales["total_cents"] = f.sales_total_cents;
  sales["cash_rounding_cents"] = f.cash_rounding_cents;
  sales["revenue_cents"] = RevenueCents(f);
  sales["taxable_cents"] = f.sales_by_class.taxable_cents;
  sales["zero_rated_cents"] = f.sales_by_class.zero_rated_cents;
  sales["exempt_cents"] = f.sales_by_class.exempt_cents;
  sales["discount_cents"] = f.discounts_cents;
  o["sales"] = std::move(sales);

  boost::json::object tenders;
  for (const char* tender : {"cash", "card", "debit", "gift_card"}) {
    auto it = f.tenders.find(tender);
    const TenderFigures t = it == f.tenders.end() ? TenderFigures{} : it->second;
    tenders[tender] = {{"count", t.count}, {"amount_cents", t.amount_cents}};
  }
  o["tenders"] = std::move(tenders);

  // Taxes collected per tax: what the sales charged minus what the returns gave back.
  boost::json::object taxes;
  taxes["gst"] = {{"collected_cents", f.sales_gst_cents},
                  {"refunded_cents", f.refunds_gst_cents},
                  {"net_cents", f.sales_gst_cents - f.refunds_gst_cents}};
  taxes["qst"] = {{"collected_cents", f.sales_qst_cents},
                  {"refunded_cents", f.refunds_qst_cents},
                  {"net_cents", f.sales_qst_cents - f.refunds_qst_cents}};
  // Per tax class (ADR 0140), as the receipts show them: the pre-tax amounts sold and refunded; GST and QST are
  // the taxable class's only (zero-rated and exempt goods collect none).
  boost::json::object by_class;
  for (const money::TaxClass c : {money::TaxClass::kTaxable, money::TaxClass::kZeroRated, money::TaxClass::kExempt}) {
    const std::int64_t sold = f.sales_by_class.Of(c);
    const std::int64_t refunded = f.refunds_by_class.Of(c);
    const bool taxed = c == money::TaxClass::kTaxable;
    by_class[money::TaxClassName(c)] = {{"sales_cents", sold},
                                        {"refunded_cents", refunded},
                                        {"net_cents", sold - refunded},
                                        {"gst_cents", taxed ? f.sales_gst_cents - f.refunds_gst_cents : 0},
                                        {"qst_cents", taxed ? f.sales_qst_cents - f.refunds_qst_cents : 0}};
  }
  taxes["by_class"] = std::move(by_class);
  o["taxes"] = std::move(taxes);

  boost::json::object refunds;
  refunds["count"] = f.returns_count;
  refunds["subtotal_cents"] = f.refunds_subtotal_cents;
  refunds["gst_cents"] = f.refunds_gst_cents;
  refunds["qst_cents"] = f.refunds_qst_cents;
  refunds["total_cents"] = f.refunds_total_cents;
  boost::json::object by_tender;
  for (const char* tender : {"cash", "card", "debit", "gift_card"}) {
    auto it = f.refunds_by_tender.find(tender);
    by_tender[tender] = it == f.refunds_by_tender.end() ? 0 : it->second;
  }
  refunds["by_tender"] = std::move(by_tender);
  o["refunds"] = std::move(refunds);

  o["discounts_cents"] = f.discounts_cents;  // total discounted by the session's sales (ADR 0141)
  o["discounts"] = {{"count", f.discounted_sales_count},
                    {"total_cents", f.discounts_cents},
                    {"promotions_cents", f.promotion_discounts_cents},
                    {"line_cents", f.discounts_cents - f.promotion_discounts_cents}};
  o["gift_cards"] = {{"count", f.gift_card_count},
                     {"activations", f.gift_card_activations},
                     {"top_ups", f.gift_card_count - f.gift_card_activations},
                     {"amount_cents", f.gift_card_cents}};
  o["voids"] = {{"count", f.void_line_count + f.void_sale_count},
                {"lines", f.void_line_count},
                {"sales", f.void_sale_count},
                {"amount_cents", f.voids_cents}};
  o["no_sales"] = {{"count", f.no_sale_count}};
  o["drops"] = {{"count", f.drops_count}, {"amount_cents", f.drops_cents}};
  o["payouts"] = {{"count", f.payouts_count}, {"amount_cents", f.payouts_cents}};

  const std::int64_t expected = ExpectedDrawerCash(f);
  boost::json::object cash;
  cash["opening_float_cents"] = f.session.opening_float_cents;
  cash["sales_cents"] = TenderAmount(f, "cash");
  cash["refunds_cents"] = f.cash_refunded_cents;
  cash["drops_cents"] = f.drops_cents;
  cash["payouts_cents"] = f.payouts_cents;
  cash["expected_cents"] = expected;
  cash["counted_cents"] = counted_cash_cents ? boost::json::value(*counted_cash_cents) : boost::json::value(nullptr);
  cash["over_short_cents"] =
      counted_cash_cents ? boost::json::value(*counted_cash_cents - expected) : boost::json::value(nullptr);
  o["cash"] = std::move(cash);
  o["late_sales"] = {{"count", f.late_sales_count}, {"total_cents", f.late_sales_cents}};
  return o;
}

boost::json::object ToJson(const Movement& m) {
  boost::json::object o;
  o["id"] = m.id;
  o["register_session_id"] = m.register_session_id;
  o["kind"] = MovementKindName(m.kind);
  o["amount_cents"] = m.amount_cents;
  o["reason"] = m.reason ? boost::json::value(*m.reason) : boost::json::value(nullptr);
  boost::json::array lines;
  for (const VoidedLine& v : m.lines) {
    boost::json::object l;
    l["product_id"] = v.product_id ? boost::json::value(*v.product_id) : boost::json::value(nullptr);
    l["sku"] = v.sku ? boost::json::value(*v.sku) : boost::json::value(nullptr);
    l["quantity"] = v.quantity;
    l["amount_cents"] = v.amount_cents;
    lines.push_back(std::move(l));
  }
  o["lines"] = std::move(lines);
  o["actor"] = m.actor;
  o["created_at"] = m.created_at;
  return o;
}

}  // namespace comptoir::sales
