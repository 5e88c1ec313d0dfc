#include "comptoir/console/receipt.hpp"

#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "json_fields.hpp"

namespace comptoir::console {

namespace json = boost::json;

using detail::Bool;
using detail::Int;
using detail::Object;
using detail::OptInt;
using detail::Str;

namespace {

std::vector<ReceiptLine> LinesOf(const json::object& o) {
  std::vector<ReceiptLine> out;
  const auto* lines = o.if_contains("lines");
  if (lines == nullptr || !lines->is_array()) return out;
  for (const auto& l : lines->as_array()) {
    if (!l.is_object()) continue;
    const auto& x = l.as_object();
    ReceiptLine line{Int(x, "product_id"), Str(x, "sku"), Str(x, "name"), Int(x, "unit_price_cents"), Int(x, "quantity"),
                     Int(x, "line_total_cents"), Int(x, "returned_quantity"), Int(x, "short_quantity")};
    line.gross_cents = x.contains("gross_cents") ? Int(x, "gross_cents") : line.line_total_cents;
    line.tax_class = money::ParseTaxClass(Str(x, "tax_class")).value_or(money::TaxClass::kTaxable);
    if (const auto* d = x.if_contains("discounts"); d != nullptr && d->is_array()) {
      for (const auto& a : d->as_array()) {
        if (a.is_object()) line.discounts.emplace_back(Str(a.as_object(), "label"), Int(a.as_object(), "amount_cents"));
      }
    }
    out.push_back(std::move(line));
  }
  return out;
}

Totals TotalsFrom(const json::object& o) {
  return {Int(o, "subtotal_cents"), Int(o, "gst_cents"), Int(o, "qst_cents"), Int(o, "total_cents")};
}

std::string Rule() {
  return std::string(kReceiptWidth, '-');
}
std::string Row(std::string_view left, std::int64_t cents) {
  return Spread(left, FormatMoney(cents), kReceiptWidth);
}

void Head(std::vector<std::string>& out, const ReceiptHeader& header, bool copy) {
  if (copy) out.push_back(Centre("*** COPIE ***", kReceiptWidth));
  out.push_back(Centre("COMPTOIR", kReceiptWidth));
  out.push_back(Centre(header.store_name, kReceiptWidth));
}

// Each line at its price before discounts, then its discounts by name, then « Détaxé » / « Exonéré » under
// goods that pay no tax (as the server's receipt has them, libs/receipt): the amounts add up down the column.
void ItemLines(std::vector<std::string>& out, const std::vector<ReceiptLine>& lines) {
  for (const ReceiptLine& l : lines) {
    const std::int64_t gross = l.gross_cents != 0 ? l.gross_cents : l.line_total_cents;
    if (l.quantity == 1) {
      out.push_back(Row(l.name, gross));
    } else {
      out.push_back(PadRight(l.name, kReceiptWidth));
      out.push_back(Row("  " + std::to_string(l.quantity) + " x " + FormatMoney(l.unit_price_cents), gross));
    }
    for (const auto& [label, cents] : l.discounts) out.push_back(Row("  " + label, -cents));
    if (l.tax_class == money::TaxClass::kZeroRated) out.push_back(PadRight("  Détaxé", kReceiptWidth));
    if (l.tax_class == money::TaxClass::kExempt) out.push_back(PadRight("  Exonéré", kReceiptWidth));
  }
}

void TaxLines(std::vector<std::string>& out, const Totals& t) {
  out.push_back(Row("Sous-total", t.subtotal_cents));
  out.push_back(Row("TPS", t.gst_cents));
  out.push_back(Row("TVQ", t.qst_cents));
  out.push_back(Row("TOTAL", t.total_cents));
}

}  // namespace

std::string MethodLabelOf(std::string_view method) {
  if (auto m = ParseMethod(method)) return std::string(MethodLabel(*m));
  return std::string(method);
}

std::optional<Receipt> ReceiptFromJson(std::string_view body) {
  auto o = Object(body);
  if (!o || !o->contains("receipt_number")) return std::nullopt;
  Receipt r;
  r.id = Int(*o, "id");
  r.receipt_number = Str(*o, "receipt_number");
  r.location_id = Int(*o, "location_id");
  r.lines = LinesOf(*o);
  r.totals = TotalsFrom(*o);
  r.cash_rounding_cents = Int(*o, "cash_rounding_cents");
  if (const auto* p = o->if_contains("payments"); p != nullptr && p->is_array()) {
    for (const auto& x : p->as_array()) {
      if (!x.is_object()) continue;
      Tender t;
      t.method = ParseMethod(Str(x.as_object(), "method")).value_or(Method::kCash);
      t.amount_cents = Int(x.as_object(), "amount_cents");
      t.gift_card_code = Str(x.as_object(), "gift_card_code");
      r.payments.push_back(std::move(t));
    }
  }
  r.change_cents = Int(*o, "change_cents");
  r.created_at = Str(*o, "created_at");
  r.offline = Bool(*o, "offline");
  return r;
}

Receipt OfflineReceipt(const Till& till, std::int64_t location_id, std::string local_number, std::string created_at) {
  Receipt r;
  r.receipt_number = std::move(local_number);
  r.location_id = location_id;
  // The lines as priced (promotions and the cashier's discounts), named from the till's.
  const pricing::Quote quote = till.quote();
  for (const pricing::PricedLine& p : quote.lines) {
    const Line* named = nullptr;
    for (const Line& l : till.lines()) {
      if (l.item.id == p.product_id) {
        named = &l;
        break;
      }
    }
    ReceiptLine line{p.product_id,   named != nullptr ? named->item.sku : "", named != nullptr ? named->item.name : "",
                     p.unit_price_cents, p.quantity, p.net_cents, 0, 0};
    line.gross_cents = p.gross_cents;
    line.tax_class = p.tax_class;
    for (const pricing::Adjustment& a : p.adjustments) line.discounts.emplace_back(a.label, a.amount_cents);
    r.lines.push_back(std::move(line));
  }
  r.totals = till.totals();
  const Settlement s = till.settlement();
  r.cash_rounding_cents = s.cash_rounding_cents;
  r.payments = till.tenders();
  r.change_cents = s.change_cents;
  r.created_at = std::move(created_at);
  r.offline = true;
  r.pending = true;
  return r;
}

std::vector<std::string> FormatReceipt(const Receipt& r, const ReceiptHeader& header, bool copy) {
  std::vector<std::string> out;
  Head(out, header, copy);
  out.push_back(Rule());
  out.push_back(Spread("Reçu " + r.receipt_number, ShortTime(r.created_at), kReceiptWidth));
  if (!header.cashier.empty()) out.push_back(PadRight("Caissier : " + header.cashier, kReceiptWidth));
  if (r.offline) out.push_back(Centre(r.pending ? "VENTE HORS LIGNE - EN ATTENTE" : "VENTE HORS LIGNE", kReceiptWidth));
  out.push_back(Rule());
  ItemLines(out, r.lines);
  out.push_back(Rule());
  TaxLines(out, r.totals);
  bool cash = false;
  for (const Tender& t : r.payments) {
    cash = cash || t.method == Method::kCash;
    std::string label(MethodLabel(t.method));
    if (t.method == Method::kGiftCard && !t.gift_card_code.empty()) label += " " + t.gift_card_code;
    out.push_back(Row(label, t.amount_cents));
  }
  if (cash) out.push_back(Row("Arrondi (0,05 $)", r.cash_rounding_cents));
  if (cash || r.change_cents != 0) out.push_back(Row("Monnaie rendue", r.change_cents));
  out.push_back(Rule());
  out.push_back(PadRight(header.gst_number, kReceiptWidth));
  out.push_back(PadRight(header.qst_number, kReceiptWidth));
  out.push_back(Centre("Merci de votre visite !", kReceiptWidth));
  if (copy) out.push_back(Centre("*** COPIE ***", kReceiptWidth));
  return out;
}

std::optional<Refund> RefundFromJson(std::string_view body) {
  auto o = Object(body);
  if (!o || !o->contains("sale_id")) return std::nullopt;
  Refund r;
  r.id = Int(*o, "id");
  r.sale_id = Int(*o, "sale_id");
  r.lines = LinesOf(*o);
  r.totals = TotalsFrom(*o);
  r.cash_rounding_cents = Int(*o, "cash_rounding_cents");
  r.refund_method = Str(*o, "refund_method");
  // Refunds per original tender (sales ADR 0031): what went back on each, as handed out.
  if (const auto* p = o->if_contains("tenders"); p != nullptr && p->is_array()) {
    for (const auto& x : p->as_array()) {
      if (!x.is_object()) continue;
      std::string method = Str(x.as_object(), "refunded_as");
      if (method.empty()) method = Str(x.as_object(), "method");
      r.per_tender.emplace_back(method, Int(x.as_object(), "paid_cents", Int(x.as_object(), "amount_cents")));
    }
  }
  r.reason = Str(*o, "reason");
  r.created_at = Str(*o, "created_at");
  return r;
}

std::vector<std::string> FormatRefund(const Refund& r, const std::string& receipt_number, const ReceiptHeader& header) {
  std::vector<std::string> out;
  Head(out, header, false);
  out.push_back(Rule());
  out.push_back(Centre("REMBOURSEMENT", kReceiptWidth));
  out.push_back(PadRight("Reçu d'origine " + receipt_number, kReceiptWidth));
  out.push_back(PadRight(ShortTime(r.created_at), kReceiptWidth));
  if (!r.reason.empty()) out.push_back(PadRight("Motif : " + r.reason, kReceiptWidth));
  out.push_back(Rule());
  ItemLines(out, r.lines);
  out.push_back(Rule());
  TaxLines(out, r.totals);
  if (!r.per_tender.empty()) {
    for (const auto& [method, cents] : r.per_tender) out.push_back(Row("Remboursé " + MethodLabelOf(method), cents));
  } else {
    const bool cash = r.refund_method == "cash";
    const std::int64_t paid = r.totals.total_cents + (cash ? r.cash_rounding_cents : 0);
    out.push_back(Row("Remboursé " + MethodLabelOf(r.refund_method), paid));
    if (cash) out.push_back(Row("Arrondi (0,05 $)", r.cash_rounding_cents));
  }
  out.push_back(Rule());
  return out;
}

std::optional<RegisterSession> SessionFromJson(std::string_view body) {
  auto o = Object(body);
  if (!o || !o->contains("opening_float_cents")) return std::nullopt;
  RegisterSession s;
  s.id = Int(*o, "id");
  s.location_id = Int(*o, "location_id");
  s.register_name = Str(*o, "register");
  s.open = Str(*o, "status") != "closed";
  s.opening_float_cents = Int(*o, "opening_float_cents");
  s.counted_cash_cents = OptInt(*o, "counted_cash_cents");
  s.expected_cash_cents = OptInt(*o, "expected_cash_cents");
  s.over_short_cents = OptInt(*o, "over_short_cents");
  s.opened_at = Str(*o, "opened_at");
  s.closed_at = Str(*o, "closed_at");
  return s;
}

std::vector<std::string> FormatSessionClose(const RegisterSession& s, const ReceiptHeader& header) {
  std::vector<std::string> out;
  Head(out, header, false);
  out.push_back(Rule());
  out.push_back(Centre("FERMETURE DE CAISSE", kReceiptWidth));
  out.push_back(Spread("Caisse " + s.register_name, "session " + std::to_string(s.id), kReceiptWidth));
  out.push_back(PadRight("Ouverte " + ShortTime(s.opened_at), kReceiptWidth));
  if (!s.closed_at.empty()) out.push_back(PadRight("Fermée  " + ShortTime(s.closed_at), kReceiptWidth));
  out.push_back(Rule());
  out.push_back(Row("Fonds de caisse", s.opening_float_cents));
  if (s.expected_cash_cents) out.push_back(Row("Comptant attendu", *s.expected_cash_cents));
  if (s.counted_cash_cents) out.push_back(Row("Comptant compté", *s.counted_cash_cents));
  if (s.over_short_cents) {
    const std::int64_t d = *s.over_short_cents;
    out.push_back(Row(d > 0 ? "Surplus" : d < 0 ? "Manque" : "Écart", d));
  }
  out.push_back(Rule());
  return out;
}

}  // namespace comptoir::console
