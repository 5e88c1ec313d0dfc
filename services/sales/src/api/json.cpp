#include "api/json.hpp"

#include <chrono>

#include <boost/json.hpp>

#include "comptoir/json.hpp"
#include "comptoir/pricing_json.hpp"
#include "domain/gift_card.hpp"

namespace comptoir::sales {
namespace {

// The array `key` of `body` (an object, or the reader has already complained), else nullptr with an
// error recorded when required.
const boost::json::array* ArrayField(const boost::json::value& body, json::ObjectReader& reader, std::string_view key,
                                     bool required, std::size_t max_items) {
  const auto* object = body.if_object();
  if (!object) return nullptr;
  const auto* value = object->if_contains(key);
  if (!value || value->is_null()) {
    if (required) reader.Fail(key, "is required");
    return nullptr;
  }
  const auto* array = value->if_array();
  if (!array) {
    reader.Fail(key, "must be an array");
    return nullptr;
  }
  if (required && array->empty()) {
    reader.Fail(key, "must have at least one item");
    return nullptr;
  }
  if (array->size() > max_items) {
    reader.Fail(key, "must have at most " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return array;
}

void Merge(json::ObjectReader& into, const json::ObjectReader& from, std::vector<FieldError>& errors) {
  (void)into;
  for (const FieldError& e : from.errors()) errors.push_back(e);
}

void ThrowIfAny(const json::ObjectReader& reader, std::vector<FieldError> nested) {
  std::vector<FieldError> all = reader.errors();
  for (auto& e : nested) all.push_back(std::move(e));
  if (!all.empty()) throw ApiError::Validation("request.validation_failed", "the request has invalid fields", all);
}

boost::json::value OptInt(const std::optional<std::int64_t>& v) {
  if (v) return boost::json::value(*v);
  return nullptr;
}

boost::json::value OptString(const std::optional<std::string>& v) {
  if (v) return boost::json::value(*v);
  return nullptr;
}

boost::json::array LinesJson(const std::vector<SaleLine>& lines, bool with_returned) {
  boost::json::array out;
  for (const SaleLine& line : lines) {
    boost::json::object o;
    o["product_id"] = line.product_id;
    o["sku"] = line.sku;
    o["name"] = line.name;
    o["unit_price_cents"] = line.unit_price_cents;
    o["quantity"] = line.quantity;
    o["tax_class"] = money::TaxClassName(line.tax_class);
    o["gross_cents"] = line.gross_cents;
    o["discount_cents"] = line.discount_cents;
    o["line_total_cents"] = line.line_total_cents;
    if (with_returned) {
      pricing::PricedLine priced;
      priced.adjustments = line.adjustments;
      o["discounts"] = pricing::AdjustmentsJson(priced);
      if (line.line_discount) {
        o["discount"] = pricing::LineDiscountJson(*line.line_discount);
      } else {
        o["discount"] = nullptr;
      }
      o["returned_quantity"] = line.returned_quantity;
      o["short_quantity"] = line.short_quantity;
    }
    out.push_back(std::move(o));
  }
  return out;
}

// Subtotal (after discounts), discounts, the subtotal per tax class, GST, QST, total (ADR 0140, 0141).
void AddAmounts(boost::json::object& o, const Totals& t) {
  o["subtotal_cents"] = t.subtotal_cents;
  o["discount_cents"] = t.discount_cents;
  o["taxable_cents"] = t.by_class.taxable_cents;
  o["zero_rated_cents"] = t.by_class.zero_rated_cents;
  o["exempt_cents"] = t.by_class.exempt_cents;
  o["gst_cents"] = t.gst_cents;
  o["qst_cents"] = t.qst_cents;
  o["total_cents"] = t.total_cents;
}

boost::json::array PromotionsJson(const std::vector<pricing::AppliedPromotion>& promotions) {
  pricing::Quote quote;
  quote.promotions = promotions;
  return pricing::AppliedJson(quote);
}

}  // namespace

SaleRequest ParseSaleBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown(
      {"location_id", "lines", "payments", "customer_id", "register_session_id", "offline", "occurred_at"});
  SaleRequest request;
  std::vector<FieldError> nested;
  request.location_id = reader.Int("location_id", true, 1).value_or(0);
  request.offline = reader.Bool("offline", false).value_or(false);
  request.occurred_at = reader.String("occurred_at", request.offline, 20, 40);
  if (request.occurred_at && !request.offline) reader.Fail("occurred_at", "is only for offline sales");
  if (request.occurred_at && request.offline) {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    if (auto problem = OccurredAtProblem(*request.occurred_at, now)) reader.Fail("occurred_at", *problem);
  }
  request.customer_id = reader.Int("customer_id", false, 1);
  request.register_session_id = reader.Int("register_session_id", false, 1);
  if (const auto* lines = ArrayField(body, reader, "lines", true, kMaxLines)) {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      json::ObjectReader line((*lines)[i], "lines[" + std::to_string(i) + "].");
      if (line.Has("gift_card_code")) {
        // A gift card sold, activated or topped up (ADR 0152): a code and an amount, no PIN, no tax.
        line.RejectUnknown({"gift_card_code", "amount_cents"});
        GiftCardLoad load;
        load.line_index = i;
        load.amount_cents = line.Int("amount_cents", true, 1, kMaxGiftCardBalanceCents).value_or(0);
        if (auto code = line.String("gift_card_code", true, 1, kMaxGiftCardCodeLength)) {
          if (auto canonical = ParseGiftCardCode(*code)) {
            load.gift_card_code = *canonical;
          } else {
            line.Fail("gift_card_code", "is not a gift card code (GC- and 16 symbols, the last a check symbol)");
          }
        }
        if (request.offline) line.Fail("gift_card_code", "gift cards are sold online only");
        Merge(reader, line, nested);
        request.gift_cards.push_back(std::move(load));
        continue;
      }
      line.RejectUnknown({"product_id", "sku", "barcode", "quantity", "discount"});
      LineRequest l;
      l.product_id = line.Int("product_id", false, 1);
      l.sku = line.String("sku", false, 1, 64);
      l.barcode = line.String("barcode", false, 12, 13);  // EAN-13 or UPC-A as scanned (ADR 0170)
      l.quantity = line.Int("quantity", true, 1, kMaxQuantity).value_or(1);
      if (const auto* o = (*lines)[i].if_object(); o && o->contains("discount") && !o->at("discount").is_null()) {
        std::string problem;
        l.discount = pricing::LineDiscountFromJson(o->at("discount"), problem);
        if (!l.discount) {
          line.Fail("discount", problem);
        } else if (auto shape = pricing::DiscountProblem(*l.discount, l.quantity)) {
          line.Fail("discount", *shape);
        }
      }
      int given = (l.product_id ? 1 : 0) + (l.sku ? 1 : 0) + (l.barcode ? 1 : 0);
      if (given > 1) {
        line.Fail(l.barcode ? "barcode" : "sku", "give one of product_id, sku or barcode");
      } else if (given == 0 && line.ok()) {
        line.Fail("product_id", "product_id, sku or barcode is required");
      }
      Merge(reader, line, nested);
      request.lines.push_back(std::move(l));
    }
  }
  if (const auto* payments = ArrayField(body, reader, "payments", true, kMaxPayments)) {
    for (std::size_t i = 0; i < payments->size(); ++i) {
      json::ObjectReader payment((*payments)[i], "payments[" + std::to_string(i) + "].");
      payment.RejectUnknown({"method", "amount_cents", "gift_card_code", "gift_card_pin"});
      Payment p;
      auto method = payment.String("method", true, 1, 20);
      if (method) {
        if (auto tender = ParseTender(*method)) {
          p.method = *tender;
        } else {
          payment.Fail("method", "must be cash, card, debit or gift_card");
        }
      }
      p.amount_cents = payment.Int("amount_cents", true, 1, kMaxAmountCents).value_or(0);
      auto code = payment.String("gift_card_code", false, 1, kMaxGiftCardCodeLength);
      auto pin = payment.String("gift_card_pin", false, 1, 20);
      const bool known_method = method && ParseTender(*method);
      if (known_method && p.method == Tender::kGiftCard) {
        // Absent and null alike: a gift card payment names its card and gives its PIN.
        if (!code && (!payment.Has("gift_card_code") || payment.IsNull("gift_card_code"))) {
          payment.Fail("gift_card_code", "is required for a gift_card payment");
        } else if (code) {
          p.gift_card_code = ParseGiftCardCode(*code);
          if (!p.gift_card_code) {
            payment.Fail("gift_card_code", "is not a gift card code (GC- and 16 symbols, the last a check symbol)");
          }
        }
        if (!pin && (!payment.Has("gift_card_pin") || payment.IsNull("gift_card_pin"))) {
          payment.Fail("gift_card_pin", "is required for a gift_card payment");
        } else if (pin && !IsGiftCardPin(*pin)) {
          payment.Fail("gift_card_pin", "must be the card's 6-digit PIN");
        }
        p.gift_card_pin = pin;
      } else if (known_method) {
        for (const char* field : {"gift_card_code", "gift_card_pin"}) {
          if (payment.Has(field) && !payment.IsNull(field)) payment.Fail(field, "is only for gift_card payments");
        }
      }
      Merge(reader, payment, nested);
      request.payments.push_back(std::move(p));
    }
  }
  if (!request.gift_cards.empty()) {
    for (std::size_t i = 0; i < request.payments.size(); ++i) {
      if (request.payments[i].method == Tender::kGiftCard) {
        nested.push_back({"payments[" + std::to_string(i) + "].method", "a gift card cannot pay for gift cards"});
      }
    }
  }
  ThrowIfAny(reader, std::move(nested));
  return request;
}

ReturnRequest ParseReturnBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"lines", "reason", "refund_method", "register_session_id"});
  ReturnRequest request;
  std::vector<FieldError> nested;
  if (auto reason = reader.String("reason", true, 1, kMaxReasonLength)) request.reason = *reason;
  if (auto method = reader.String("refund_method", false, 1, 20)) {
    if (*method == "cash") {
      request.in_cash = true;
    } else if (*method != "original") {
      reader.Fail("refund_method", "must be original (back to the tenders that paid, the default) or cash");
    }
  }
  request.register_session_id = reader.Int("register_session_id", false, 1);
  if (const auto* lines = ArrayField(body, reader, "lines", true, kMaxLines)) {
    for (std::size_t i = 0; i < lines->size(); ++i) {
      json::ObjectReader line((*lines)[i], "lines[" + std::to_string(i) + "].");
      line.RejectUnknown({"product_id", "quantity"});
      ReturnLineRequest l;
      l.product_id = line.Int("product_id", true, 1).value_or(0);
      l.quantity = line.Int("quantity", true, 1, kMaxQuantity).value_or(0);
      Merge(reader, line, nested);
      request.lines.push_back(l);
    }
  }
  ThrowIfAny(reader, std::move(nested));
  return request;
}

OpenSessionRequest ParseOpenSessionBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"location_id", "register", "opening_float_cents"});
  OpenSessionRequest request;
  request.location_id = reader.Int("location_id", true, 1).value_or(0);
  request.register_name = reader.String("register", true, 1, kMaxRegisterLength).value_or("");
  request.opening_float_cents = reader.Int("opening_float_cents", true, 0, kMaxAmountCents).value_or(0);
  reader.ThrowIfErrors();
  return request;
}

std::int64_t ParseCloseSessionBody(const boost::json::value& body) {
  json::ObjectReader reader(body);
  reader.RejectUnknown({"counted_cash_cents"});
  auto counted = reader.Int("counted_cash_cents", true, 0, kMaxAmountCents);
  reader.ThrowIfErrors();
  return counted.value_or(0);
}

boost::json::object ToJson(const Sale& sale) {
  boost::json::object o;
  o["id"] = sale.id;
  o["receipt_number"] = sale.receipt_number;
  o["location_id"] = sale.location_id;
  o["cashier_id"] = sale.cashier_id;
  o["customer_id"] = OptInt(sale.customer_id);
  o["register_session_id"] = OptInt(sale.register_session_id);
  o["lines"] = LinesJson(sale.lines, true);
  AddAmounts(o, sale.totals);
  o["promotions"] = PromotionsJson(sale.promotions);
  o["discount_approved_by"] = OptString(sale.discount_approved_by);
  o["cash_rounding_cents"] = sale.cash_rounding_cents;
  boost::json::array payments;
  for (const Payment& p : sale.payments) {
    boost::json::object j;
    j["method"] = TenderName(p.method);
    j["amount_cents"] = p.amount_cents;
    if (p.gift_card_code) j["gift_card_code"] = MaskGiftCardCode(*p.gift_card_code);
    if (p.method != Tender::kCash) j["refunded_cents"] = p.refunded_cents;
    payments.push_back(std::move(j));
  }
  o["payments"] = std::move(payments);
  o["change_cents"] = sale.change_cents;
  o["offline"] = sale.offline;
  o["cash_taken_cents"] = sale.cash_taken_cents;
  o["cash_paid_out_cents"] = sale.cash_paid_out_cents;
  o["refunded_cents"] = sale.refunded.total_cents;
  boost::json::array loads;
  for (const GiftCardLoad& l : sale.gift_card_loads) {
    loads.push_back({{"gift_card_code", MaskGiftCardCode(l.gift_card_code)},
                     {"kind", l.kind},
                     {"amount_cents", l.amount_cents},
                     {"balance_cents", l.balance_cents}});
  }
  o["gift_cards"] = std::move(loads);
  o["gift_card_cents"] = sale.gift_card_cents;
  o["after_close"] = sale.after_close;
  o["created_at"] = sale.created_at;
  return o;
}

boost::json::object ToJson(const SaleReturn& r) {
  boost::json::object o;
  o["id"] = r.id;
  o["sale_id"] = r.sale_id;
  o["location_id"] = r.location_id;
  o["cashier_id"] = r.cashier_id;
  o["register_session_id"] = OptInt(r.register_session_id);
  o["reason"] = r.reason;
  o["lines"] = LinesJson(r.refund.lines, false);
  AddAmounts(o, r.refund.totals);
  o["cash_rounding_cents"] = r.refund.cash_rounding_cents;
  o["cash_paid_cents"] = r.refund.cash_paid_cents;
  o["refund_method"] = r.refund_method;
  boost::json::array tenders;
  for (const TenderRefund& t : r.refund.tenders) {
    boost::json::object j;
    j["method"] = TenderName(t.method);
    j["refunded_as"] = TenderName(t.refunded_as);
    j["amount_cents"] = t.amount_cents;
    j["paid_cents"] = t.paid_cents;
    if (t.gift_card_code) j["gift_card_code"] = MaskGiftCardCode(*t.gift_card_code);
    tenders.push_back(std::move(j));
  }
  o["tenders"] = std::move(tenders);
  o["approved_by"] = OptString(r.approved_by);
  o["created_at"] = r.created_at;
  return o;
}

boost::json::object ToJson(const RegisterSession& s) {
  boost::json::object o;
  o["id"] = s.id;
  o["location_id"] = s.location_id;
  o["register"] = s.register_name;
  o["status"] = s.open ? "open" : "closed";
  o["opening_float_cents"] = s.opening_float_cents;
  o["opened_by"] = s.opened_by;
  o["opened_at"] = s.opened_at;
  o["counted_cash_cents"] = OptInt(s.counted_cash_cents);
  o["expected_cash_cents"] = OptInt(s.expected_cash_cents);
  o["over_short_cents"] = OptInt(s.over_short_cents);
  o["closed_by"] = OptString(s.closed_by);
  o["closed_at"] = OptString(s.closed_at);
  o["z_number"] = OptInt(s.z_number);
  return o;
}

std::string FingerprintText(const boost::json::value& body) {
  boost::json::value copy = body;
  if (auto* o = copy.if_object()) {
    if (auto* payments = o->if_contains("payments"); payments && payments->is_array()) {
      for (auto& p : payments->as_array()) {
        if (auto* po = p.if_object()) po->erase("gift_card_pin");
      }
    }
  }
  return boost::json::serialize(copy);
}

std::string ListJson(const boost::json::array& data, const Page& page, std::int64_t total) {
  boost::json::object body;
  body["data"] = data;
  body["meta"] = {{"page", page.page}, {"per_page", page.per_page}, {"total", total}};
  return boost::json::serialize(body);
}

}  // namespace comptoir::sales
