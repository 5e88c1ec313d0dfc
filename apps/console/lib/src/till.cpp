#include "comptoir/console/till.hpp"

#include <map>

#include <boost/json.hpp>

#include "comptoir/money.hpp"
#include "comptoir/pricing_json.hpp"

namespace comptoir::console {

namespace json = boost::json;

std::string_view MethodName(Method method) noexcept {
  switch (method) {
    case Method::kCash:
      return "cash";
    case Method::kCard:
      return "card";
    case Method::kDebit:
      return "debit";
    case Method::kGiftCard:
      return "gift_card";
  }
  return "cash";
}

std::string_view MethodLabel(Method method) noexcept {
  switch (method) {
    case Method::kCash:
      return "Comptant";
    case Method::kCard:
      return "Crédit";
    case Method::kDebit:
      return "Débit";
    case Method::kGiftCard:
      return "Carte-cadeau";
  }
  return "Comptant";
}

std::optional<Method> ParseMethod(std::string_view name) noexcept {
  if (name == "cash") return Method::kCash;
  if (name == "card") return Method::kCard;
  if (name == "debit") return Method::kDebit;
  if (name == "gift_card") return Method::kGiftCard;
  return std::nullopt;
}

bool NeedsServer(Method method) noexcept {
  return method != Method::kCash;
}

std::string TenderRefusalText(TenderRefusal refusal) {
  switch (refusal) {
    case TenderRefusal::kNone:
      return "";
    case TenderRefusal::kZero:
      return "Montant invalide.";
    case TenderRefusal::kOfflineNeedsServer:
      return "Hors ligne : comptant seulement (carte, débit, cadeau refusés)";
    case TenderRefusal::kNonCashOverTotal:
      return "Carte, débit et carte-cadeau ne peuvent dépasser le total.";
    case TenderRefusal::kEmptyBasket:
      return "Aucun article à payer.";
    case TenderRefusal::kGiftCardCode:
      return "Code de carte-cadeau requis.";
  }
  return "";
}

namespace {

// The engine prices one line per product, as sales does: weighed pieces of one product (ADR 0170), separate lines
// at the till, are one item whose gross is the sum of their labels and whose unit price is their average. The
// quote answered has a line per till line again: a product's priced line (its adjustments) on its first till
// line, its other pieces without adjustments.
pricing::Quote QuoteOf(const std::vector<Line>& lines, const std::vector<pricing::Promotion>& promotions) {
  std::vector<pricing::Item> items;
  std::vector<std::size_t> item_of(lines.size());
  std::map<std::int64_t, std::size_t> index;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    auto [it, inserted] = index.try_emplace(l.item.id, items.size());
    item_of[i] = it->second;
    if (inserted) {
      items.push_back(pricing::Item{l.item.id, l.item.category_id, l.item.price_cents, l.quantity, l.item.tax_class,
                                    l.discount, l.total_cents()});
      continue;
    }
    pricing::Item& item = items[it->second];
    item.quantity += l.quantity;
    item.gross_cents = *item.gross_cents + l.total_cents();
    if (!item.discount) item.discount = l.discount;
  }
  for (pricing::Item& item : items) {
    if (*item.gross_cents == item.unit_price_cents * item.quantity) {
      item.gross_cents.reset();
    } else {
      item.unit_price_cents = (*item.gross_cents * 2 + item.quantity) / (2 * item.quantity);
    }
  }
  pricing::Quote grouped = pricing::Price(items, promotions);
  if (grouped.lines.size() == lines.size()) return grouped;
  std::vector<pricing::PricedLine> per_line;
  std::vector<bool> shown(items.size(), false);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!shown[item_of[i]]) {
      shown[item_of[i]] = true;
      per_line.push_back(grouped.lines[item_of[i]]);
    } else {
      pricing::PricedLine piece;
      piece.product_id = lines[i].item.id;
      piece.unit_price_cents = lines[i].item.price_cents;
      piece.quantity = lines[i].quantity;
      piece.tax_class = lines[i].item.tax_class;
      piece.gross_cents = piece.net_cents = lines[i].total_cents();
      per_line.push_back(std::move(piece));
    }
  }
  grouped.lines = std::move(per_line);
  return grouped;
}

}  // namespace

Totals TotalsOf(const std::vector<Line>& lines, const std::vector<pricing::Promotion>& promotions) {
  const pricing::Quote q = QuoteOf(lines, promotions);
  return Totals{q.subtotal_cents, q.taxes.gst_cents, q.taxes.qst_cents, q.total_cents, q.discount_cents};
}

Settlement Settle(std::int64_t total_cents, const std::vector<Tender>& tenders) {
  Settlement s;
  for (const Tender& t : tenders) {
    (t.method == Method::kCash ? s.cash_tendered_cents : s.non_cash_cents) += t.amount_cents;
  }
  if (s.non_cash_cents > total_cents) {
    s.overpaid_non_cash = true;
    return s;
  }
  const std::int64_t exact = total_cents - s.non_cash_cents;
  s.cash_due_cents = s.cash_tendered_cents > 0 ? money::RoundToNickel(exact) : exact;
  s.cash_rounding_cents = s.cash_due_cents - exact;
  if (s.cash_tendered_cents >= s.cash_due_cents) {
    s.change_cents = s.cash_tendered_cents - s.cash_due_cents;
  } else {
    // Still to pay: in cash the rest is rounded (what the cashier asks for).
    s.remaining_cents = s.cash_tendered_cents > 0 ? s.cash_due_cents - s.cash_tendered_cents : exact;
  }
  return s;
}

void Till::Add(const Item& item, std::int64_t quantity) {
  for (Line& line : lines_) {
    if (!item.price_embedded() && !line.item.price_embedded() && line.item.id == item.id) {
      line.quantity += quantity;
      return;
    }
  }
  lines_.push_back(Line{item, quantity});
}

bool Till::SetQuantity(std::size_t index, std::int64_t quantity) {
  if (index >= lines_.size() || quantity < 0) return false;
  if (quantity == 0) return Remove(index);
  lines_[index].quantity = quantity;
  return true;
}

bool Till::Remove(std::size_t index) {
  if (index >= lines_.size()) return false;
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(index));
  return true;
}

void Till::Clear() {
  lines_.clear();
  tenders_.clear();
  customer_id.reset();
  customer_label.clear();
  manager_token.clear();  // an approval is for one sale
  receipt_email.clear();
}

Totals Till::totals() const {
  return TotalsOf(lines_, promotions);
}

pricing::Quote Till::quote() const { return QuoteOf(lines_, promotions); }

bool Till::SetDiscount(std::size_t index, std::optional<pricing::LineDiscount> discount) {
  if (index >= lines_.size()) return false;
  if (discount && pricing::DiscountProblem(*discount, lines_[index].quantity)) return false;
  auto before = lines_[index].discount;
  lines_[index].discount = discount;
  try {
    (void)quote();
  } catch (const std::exception&) {
    lines_[index].discount = before;  // larger than what the line costs
    return false;
  }
  return true;
}

bool Till::NeedsManagerApproval() const {
  const pricing::Quote q = quote();
  for (const pricing::PricedLine& l : q.lines) {
    if (l.manual_discount_cents > 0 && pricing::ExceedsLimit(l, discount_limit_percent)) return true;
  }
  return false;
}

TenderRefusal Till::AddTender(Tender tender, bool offline) {
  if (lines_.empty()) return TenderRefusal::kEmptyBasket;
  if (tender.amount_cents <= 0) return TenderRefusal::kZero;
  if (offline && NeedsServer(tender.method)) return TenderRefusal::kOfflineNeedsServer;
  if (tender.method == Method::kGiftCard && (tender.gift_card_code.empty() || tender.gift_card_pin.empty())) {
    return TenderRefusal::kGiftCardCode;
  }
  if (tender.method != Method::kCash) {
    std::int64_t non_cash = tender.amount_cents;
    for (const Tender& t : tenders_) non_cash += t.method == Method::kCash ? 0 : t.amount_cents;
    if (non_cash > totals().total_cents) return TenderRefusal::kNonCashOverTotal;
  }
  tenders_.push_back(std::move(tender));
  return TenderRefusal::kNone;
}

Settlement Till::settlement() const {
  return Settle(totals().total_cents, tenders_);
}

std::int64_t Till::CashToPay() const {
  std::int64_t non_cash = 0;
  std::int64_t cash = 0;
  for (const Tender& t : tenders_) (t.method == Method::kCash ? cash : non_cash) += t.amount_cents;
  const std::int64_t rest = totals().total_cents - non_cash;
  return rest <= 0 ? 0 : std::max<std::int64_t>(0, money::RoundToNickel(rest) - cash);
}

std::string Till::SaleBody(std::int64_t location_id, std::optional<std::int64_t> register_session_id,
                           const std::string& offline_at, bool with_pins) const {
  json::object body;
  body["location_id"] = location_id;
  json::array lines;
  for (const Line& line : lines_) {
    json::object l;
    if (line.item.price_embedded()) {  // the server prices it from the label again (ADR 0170)
      l = json::object{{"barcode", line.item.embedded_barcode}, {"quantity", line.quantity}};
    } else {
      l = json::object{{"product_id", line.item.id}, {"quantity", line.quantity}};
    }
    if (line.discount) l["discount"] = pricing::LineDiscountJson(*line.discount);
    lines.push_back(std::move(l));
  }
  body["lines"] = std::move(lines);
  json::array payments;
  for (const Tender& t : tenders_) {
    json::object p{{"method", MethodName(t.method)}, {"amount_cents", t.amount_cents}};
    if (t.method == Method::kGiftCard) {
      p["gift_card_code"] = t.gift_card_code;
      if (with_pins) p["gift_card_pin"] = t.gift_card_pin;
    }
    payments.push_back(std::move(p));
  }
  body["payments"] = std::move(payments);
  if (customer_id) body["customer_id"] = *customer_id;
  if (!receipt_email.empty()) body["receipt_email"] = receipt_email;
  if (register_session_id) body["register_session_id"] = *register_session_id;
  if (!offline_at.empty()) {
    body["offline"] = true;
    body["occurred_at"] = offline_at;
  }
  return json::serialize(body);
}

std::string Till::ToDraft() const {
  json::object draft;
  json::array lines;
  for (const Line& l : lines_) {
    lines.push_back(json::object{{"id", l.item.id},
                                 {"sku", l.item.sku},
                                 {"name", l.item.name},
                                 {"price_cents", l.item.price_cents},
                                 {"tax_class", money::TaxClassName(l.item.tax_class)},
                                 {"barcode", l.item.embedded_barcode},
                                 {"quantity", l.quantity}});
    if (l.discount) lines.back().as_object()["discount"] = pricing::LineDiscountJson(*l.discount);
    if (l.item.category_id) lines.back().as_object()["category_id"] = *l.item.category_id;  // category promotions
  }
  draft["lines"] = std::move(lines);
  if (customer_id) draft["customer_id"] = *customer_id;
  draft["customer_label"] = customer_label;
  return json::serialize(draft);
}

Till Till::FromDraft(std::string_view draft) {
  Till till;
  boost::system::error_code ec;
  json::value v = json::parse(draft, ec);
  if (ec || !v.is_object()) return till;
  try {
    for (const auto& l : v.at("lines").as_array()) {
      Item item{l.at("id").to_number<std::int64_t>(), std::string(l.at("sku").as_string()),
                std::string(l.at("name").as_string()), l.at("price_cents").to_number<std::int64_t>(), true};
      if (const auto* t = l.as_object().if_contains("tax_class"); t && t->is_string()) {
        item.tax_class = money::ParseTaxClass(t->as_string()).value_or(money::TaxClass::kTaxable);
      }
      if (const auto* b = l.as_object().if_contains("barcode"); b && b->is_string()) {
        item.embedded_barcode = std::string(b->as_string());
      }
      if (const auto* c = l.as_object().if_contains("category_id"); c && c->is_int64()) item.category_id = c->as_int64();
      till.Add(item, l.at("quantity").to_number<std::int64_t>());
      if (const auto* d = l.as_object().if_contains("discount")) {
        std::string problem;
        till.lines_.back().discount = pricing::LineDiscountFromJson(*d, problem);
      }
    }
    if (const auto* c = v.as_object().if_contains("customer_id")) till.customer_id = c->to_number<std::int64_t>();
    if (const auto* c = v.as_object().if_contains("customer_label")) till.customer_label = std::string(c->as_string());
  } catch (const std::exception&) {
    return Till{};
  }
  return till;
}

}  // namespace comptoir::console
