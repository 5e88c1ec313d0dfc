#include "layout.hpp"

#include <algorithm>

namespace comptoir::receipt::detail {
namespace {

Row Text(std::string left, std::string right = {}) {
  Row row;
  row.left = std::move(left);
  row.right = std::move(right);
  return row;
}

Row Centered(std::string text, bool bold = false, bool big = false) {
  Row row;
  row.left = std::move(text);
  row.center = true;
  row.bold = bold;
  row.big = big;
  return row;
}

Row Rule() {
  Row row;
  row.kind = Row::Kind::kRule;
  return row;
}

std::string Minus(std::int64_t cents) { return FormatAmount(-cents); }

}  // namespace

int Columns(std::string_view text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string Cut(std::string_view text, int columns) {
  int n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (n == columns) return std::string(text.substr(0, i));
      ++n;
    }
  }
  return std::string(text);
}

std::string FitRow(const Row& row, int width) {
  if (row.kind == Row::Kind::kRule) return std::string(static_cast<std::size_t>(width), '-');
  if (row.kind == Row::Kind::kBlank) return {};
  if (row.center) {
    std::string text = Cut(row.left, width);
    return std::string(static_cast<std::size_t>((width - Columns(text)) / 2), ' ') + text;
  }
  int right = Columns(row.right);
  if (right == 0) return Cut(row.left, width);
  std::string left = Cut(row.left, std::max(0, width - right - 1));
  int pad = std::max(1, width - Columns(left) - right);
  return left + std::string(static_cast<std::size_t>(pad), ' ') + row.right;
}

std::vector<Row> Layout(const Document& doc) {
  std::vector<Row> rows;
  rows.push_back(Centered(doc.issuer.chain_name, true));
  if (!doc.store.name.empty()) rows.push_back(Centered(doc.store.name));
  if (!doc.store.address.empty()) rows.push_back(Centered(doc.store.address));
  if (!doc.store.city.empty()) rows.push_back(Centered(doc.store.city));
  rows.push_back(Centered("TPS : " + doc.issuer.gst_number));
  rows.push_back(Centered("TVQ : " + doc.issuer.qst_number));
  if (doc.copy) rows.push_back(Centered("« COPIE »", true, true));
  rows.push_back(Rule());
  rows.push_back(Text(doc.online ? "Commande" : "Reçu", doc.receipt_number));
  rows.push_back(Text("Date", doc.issued_at));
  rows.push_back(Rule());

  for (const Line& line : doc.lines) {
    if (line.quantity == 1 && line.discounts.empty()) {
      rows.push_back(Text(line.name, FormatAmount(line.gross_cents())));
    } else {
      rows.push_back(Text(line.name));
      rows.push_back(Text("  " + std::to_string(line.quantity) + " x " + FormatAmount(line.unit_price_cents),
                          FormatAmount(line.gross_cents())));
    }
    for (const Discount& d : line.discounts) rows.push_back(Text("  " + d.label, Minus(d.amount_cents)));
    if (line.untaxed()) rows.push_back(Text(line.tax_class == "exempt" ? "  Exonéré" : "  Détaxé"));  // ADR 0140
  }
  rows.push_back(Rule());
  for (const Discount& d : doc.discounts) rows.push_back(Text(d.label, Minus(d.amount_cents)));
  rows.push_back(Text("Sous-total", FormatAmount(doc.subtotal_cents)));
  if (doc.classes) {  // what the taxes are computed on, and what paid none (ADR 0140)
    rows.push_back(Text("  Taxable", FormatAmount(doc.classes->taxable_cents)));
    if (doc.classes->zero_rated_cents != 0) rows.push_back(Text("  Détaxé", FormatAmount(doc.classes->zero_rated_cents)));
    if (doc.classes->exempt_cents != 0) rows.push_back(Text("  Exonéré", FormatAmount(doc.classes->exempt_cents)));
  }
  if (doc.shipping_cents) rows.push_back(Text("Livraison", FormatAmount(*doc.shipping_cents)));
  for (const Tax& t : doc.taxes) rows.push_back(Text(t.label, FormatAmount(t.amount_cents)));
  Row total = Text("TOTAL", FormatAmount(doc.total_cents));
  total.bold = true;
  total.big = true;
  rows.push_back(total);
  rows.push_back(Rule());

  for (const Tender& t : doc.tenders) {
    rows.push_back(Text(t.label, FormatAmount(t.amount_cents)));
    if (!t.detail.empty()) rows.push_back(Text("  " + t.detail));
  }
  if (doc.cash_rounding_cents != 0) rows.push_back(Text("Arrondi (0,05 $)", FormatAmount(doc.cash_rounding_cents)));
  bool cash = std::any_of(doc.tenders.begin(), doc.tenders.end(), [](const Tender& t) { return t.label == "Comptant"; });
  if (cash || doc.change_cents != 0) rows.push_back(Text("Monnaie rendue", FormatAmount(doc.change_cents)));
  rows.push_back(Rule());

  if (doc.copy) rows.push_back(Centered("« COPIE » - DUPLICATA", true));
  Row barcode;
  barcode.kind = Row::Kind::kBarcode;
  barcode.left = doc.receipt_number;
  barcode.center = true;
  rows.push_back(barcode);
  rows.push_back(Centered("Merci de votre visite !"));
  rows.push_back(Centered("Conservez ce reçu pour vos retours."));
  return rows;
}

}  // namespace comptoir::receipt::detail
