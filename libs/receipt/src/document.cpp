#include "comptoir/receipt/document.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <boost/json.hpp>

namespace comptoir::receipt {
namespace {

namespace json = boost::json;

const json::value* Field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && !v->is_null() ? v : nullptr;
}

std::int64_t Cents(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return fallback;
  if (!v->is_int64() && !v->is_uint64()) throw std::invalid_argument(std::string(key) + " is not an integer");
  return v->to_number<std::int64_t>();
}

std::string Text(const json::object& o, std::string_view key) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64() || v->is_uint64()) return std::to_string(v->to_number<std::int64_t>());
  throw std::invalid_argument(std::string(key) + " is not a string");
}

// The first of `keys` that the object has.
std::string FirstText(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (std::string s = Text(o, key); !s.empty()) return s;
  }
  return {};
}

std::int64_t FirstCents(const json::object& o, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (Field(o, key) != nullptr) return Cents(o, key);
  }
  return 0;
}

const json::array* Array(const json::object& o, std::string_view key) {
  const json::value* v = Field(o, key);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) throw std::invalid_argument(std::string(key) + " is not an array");
  return &v->as_array();
}

const json::object& Object(const json::value& v, std::string_view what) {
  if (!v.is_object()) throw std::invalid_argument(std::string(what) + " is not an object");
  return v.as_object();
}

// A discount as another part of the platform records it: whichever label and amount fields it has.
std::vector<Discount> Discounts(const json::object& o) {
  std::vector<Discount> out;
  if (const json::array* list = Array(o, "discounts")) {
    for (const json::value& v : *list) {
      const json::object& d = Object(v, "discount");
      std::string label = FirstText(d, {"label", "description", "name", "promotion_name"});
      out.push_back({label.empty() ? "Rabais" : label, FirstCents(d, {"amount_cents", "discount_cents", "cents"})});
    }
  }
  return out;
}

std::vector<Tax> Taxes(const json::object& o) {
  std::vector<Tax> out;
  if (const json::array* list = Array(o, "taxes")) {
    for (const json::value& v : *list) {
      const json::object& t = Object(v, "tax");
      out.push_back({TaxLabel(FirstText(t, {"code", "tax", "name", "label"})),
                     FirstCents(t, {"amount_cents", "cents", "tax_cents"})});
    }
    return out;
  }
  out.push_back({TaxLabel("gst"), Cents(o, "gst_cents")});
  out.push_back({TaxLabel("qst"), Cents(o, "qst_cents")});
  return out;
}

bool Digits(std::string_view text) noexcept {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

bool Registration(std::string_view text, std::size_t digits, std::string_view program) noexcept {
  return text.size() == digits + 7 && Digits(text.substr(0, digits)) && text[digits] == ' ' &&
         text.substr(digits + 1, 2) == program && Digits(text.substr(digits + 3));
}

}  // namespace

std::string TenderLabel(std::string_view method) {
  if (method == "cash") return "Comptant";
  if (method == "card") return "Carte de crédit";
  if (method == "debit") return "Débit";
  if (method == "gift_card") return "Carte-cadeau";
  return std::string(method);
}

std::string TaxLabel(std::string_view code) {
  if (code == "gst" || code == "GST" || code == "TPS") return "TPS (5 %)";
  if (code == "qst" || code == "QST" || code == "TVQ") return "TVQ (9,975 %)";
  return std::string(code);
}

std::string FormatAmount(std::int64_t cents) {
  std::uint64_t a = cents < 0 ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  std::string units = std::to_string(a / 100);
  std::string grouped;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += ' ';
    grouped += units[i];
  }
  char fraction[4];
  std::snprintf(fraction, sizeof fraction, "%02u", static_cast<unsigned>(a % 100));
  return (cents < 0 ? "-" : "") + grouped + "," + fraction;
}

std::optional<std::string> MontrealTime(std::string_view utc) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char t = 0;
  if (utc.size() < 20 || utc.back() != 'Z') return std::nullopt;
  std::string head(utc.substr(0, 19));
  if (std::sscanf(head.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &t, &h, &mi, &s) != 7 || t != 'T') {
    return std::nullopt;
  }
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  sys_seconds instant = sys_days{date} + hours{h} + minutes{mi} + seconds{s};
  // Daylight time from 2:00 EST (07:00 UTC) on the second Sunday of March to 2:00 EDT (06:00 UTC) on the first
  // Sunday of November (Quebec follows the Energy Policy Act rules since 2007).
  sys_seconds dst_start = sys_days{year{y} / March / Sunday[2]} + hours{7};
  sys_seconds dst_end = sys_days{year{y} / November / Sunday[1]} + hours{6};
  sys_seconds local = instant - (instant >= dst_start && instant < dst_end ? hours{4} : hours{5});
  auto day_part = floor<days>(local);
  year_month_day ld{day_part};
  hh_mm_ss<seconds> clock{local - day_part};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u %02ld:%02ld", static_cast<int>(ld.year()),
                static_cast<unsigned>(ld.month()), static_cast<unsigned>(ld.day()),
                static_cast<long>(clock.hours().count()), static_cast<long>(clock.minutes().count()));
  return std::string(out);
}

bool IsGstNumber(std::string_view text) noexcept { return Registration(text, 9, "RT"); }
bool IsQstNumber(std::string_view text) noexcept { return Registration(text, 10, "TQ"); }

Document FromJson(const json::object& record, Issuer issuer, Store store) {
  Document doc;
  doc.issuer = std::move(issuer);
  doc.store = std::move(store);
  doc.receipt_number = FirstText(record, {"receipt_number", "order_number", "number", "id"});
  std::string created = Text(record, "created_at");
  doc.issued_at = MontrealTime(created).value_or(created);
  ClassTotals lines_classes;
  const json::array* lines = Array(record, "lines");
  if (lines == nullptr) lines = Array(record, "items");  // an order's lines
  if (lines != nullptr) {
    for (const json::value& v : *lines) {
      const json::object& l = Object(v, "line");
      Line line;
      line.name = FirstText(l, {"name", "sku", "product_id"});
      line.sku = Text(l, "sku");
      line.quantity = Cents(l, "quantity");
      line.unit_price_cents = Cents(l, "unit_price_cents");
      line.discounts = Discounts(l);
      if (line.discounts.empty() && Cents(l, "discount_cents") > 0) {
        line.discounts.push_back({"Rabais", Cents(l, "discount_cents")});  // an order's line: the amount only
      }
      line.tax_class = Text(l, "tax_class");
      if (Field(l, "gross_cents") != nullptr) line.gross = Cents(l, "gross_cents");
      if (!line.tax_class.empty()) {
        std::int64_t net = line.gross_cents();
        for (const Discount& d : line.discounts) net -= d.amount_cents;
        if (Field(l, "line_total_cents") != nullptr) net = Cents(l, "line_total_cents");
        (line.tax_class == "zero_rated" ? lines_classes.zero_rated_cents
         : line.tax_class == "exempt"   ? lines_classes.exempt_cents
                                        : lines_classes.taxable_cents) += net;
      }
      doc.lines.push_back(std::move(line));
    }
  }
  // Per tax class (ADR 0140): the record's own amounts, else the lines' — shown only when some goods paid no tax.
  ClassTotals classes = lines_classes;
  if (Field(record, "zero_rated_cents") != nullptr || Field(record, "exempt_cents") != nullptr) {
    classes = ClassTotals{Cents(record, "taxable_cents"), Cents(record, "zero_rated_cents"), Cents(record, "exempt_cents")};
  }
  if (classes.zero_rated_cents != 0 || classes.exempt_cents != 0) doc.classes = classes;
  doc.discounts = Discounts(record);
  doc.subtotal_cents = Cents(record, "subtotal_cents");
  doc.taxes = Taxes(record);
  if (Field(record, "shipping_cents") != nullptr) doc.shipping_cents = Cents(record, "shipping_cents");
  doc.total_cents = Cents(record, "total_cents");
  doc.cash_rounding_cents = Cents(record, "cash_rounding_cents");
  if (const json::array* payments = Array(record, "payments")) {
    for (const json::value& v : *payments) {
      const json::object& p = Object(v, "payment");
      doc.tenders.push_back({TenderLabel(Text(p, "method")), Cents(p, "amount_cents"), Text(p, "gift_card_code")});
    }
  }
  doc.change_cents = Cents(record, "change_cents");
  return doc;
}

}  // namespace comptoir::receipt
