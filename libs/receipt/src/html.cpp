#include <numeric>

#include "comptoir/receipt/render.hpp"

namespace comptoir::receipt {
namespace {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void Row(std::string& out, std::string_view css, std::string_view label, std::string_view amount) {
  out += "<tr";
  if (!css.empty()) out += " class=\"" + std::string(css) + "\"";
  out += "><td>" + Escape(label) + "</td><td class=\"amount\">" + Escape(amount) + "</td></tr>\n";
}

// The barcode as SVG rectangles, 2 px per module, a quiet zone of 10 modules each side.
std::string Barcode(std::string_view data) {
  std::vector<int> widths = Code128B(data);
  const int quiet = 10;
  const int modules = std::accumulate(widths.begin(), widths.end(), 0) + 2 * quiet;
  std::string out = "<svg class=\"barcode\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Code 128 " +
                    Escape(data) + "\" width=\"" + std::to_string(modules * 2) + "\" height=\"60\" viewBox=\"0 0 " +
                    std::to_string(modules) + " 30\" shape-rendering=\"crispEdges\"><rect width=\"" +
                    std::to_string(modules) + "\" height=\"30\" fill=\"#fff\"/>";
  int x = quiet;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (i % 2 == 0) {
      out += "<rect x=\"" + std::to_string(x) + "\" width=\"" + std::to_string(widths[i]) + "\" height=\"30\"/>";
    }
    x += widths[i];
  }
  out += "</svg>";
  return out;
}

constexpr std::string_view kStyle =
    "body{margin:0;background:#eee;font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:13px;color:#000}"
    ".receipt{background:#fff;width:80mm;margin:1em auto;padding:4mm;box-sizing:border-box}"
    "header,footer{text-align:center}h1{font-size:16px;margin:0}p{margin:0}"
    ".copy{font-size:18px;font-weight:bold;text-align:center;margin:2mm 0}"
    "table{width:100%;border-collapse:collapse;margin:2mm 0;border-top:1px dashed #000}"
    "td{padding:0;vertical-align:top}.amount{text-align:right;white-space:nowrap;padding-left:1em}"
    ".detail td:first-child{padding-left:1em}.total td{font-weight:bold;font-size:16px}"
    ".barcode{display:block;margin:3mm auto 1mm}"
    "@media print{body{background:#fff}.receipt{margin:0;width:auto}@page{size:80mm auto;margin:0}}";

}  // namespace

std::string RenderHtml(const Document& doc) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>";
  out += (doc.online ? "Commande " : "Reçu ") + Escape(doc.receipt_number) + (doc.copy ? " (copie)" : "");
  out += "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<main class=\"receipt\">\n<header>\n";
  out += "<h1>" + Escape(doc.issuer.chain_name) + "</h1>\n";
  for (const std::string* s : {&doc.store.name, &doc.store.address, &doc.store.city}) {
    if (!s->empty()) out += "<p>" + Escape(*s) + "</p>\n";
  }
  out += "<p>TPS : " + Escape(doc.issuer.gst_number) + "</p>\n<p>TVQ : " + Escape(doc.issuer.qst_number) + "</p>\n";
  out += "</header>\n";
  if (doc.copy) out += "<p class=\"copy\">« COPIE » - DUPLICATA</p>\n";

  out += "<table class=\"head\">\n";
  Row(out, {}, doc.online ? "Commande" : "Reçu", doc.receipt_number);
  Row(out, {}, "Date", doc.issued_at);
  out += "</table>\n<table class=\"lines\">\n";
  for (const Line& line : doc.lines) {
    if (line.quantity == 1 && line.discounts.empty()) {
      Row(out, "line", line.name, FormatAmount(line.gross_cents()));
    } else {
      Row(out, "line", line.name, {});
      Row(out, "detail", std::to_string(line.quantity) + " x " + FormatAmount(line.unit_price_cents),
          FormatAmount(line.gross_cents()));
    }
    for (const Discount& d : line.discounts) Row(out, "detail discount", d.label, FormatAmount(-d.amount_cents));
    if (line.untaxed()) Row(out, "detail untaxed", line.tax_class == "exempt" ? "Exonéré" : "Détaxé", {});
  }
  out += "</table>\n<table class=\"totals\">\n";
  for (const Discount& d : doc.discounts) Row(out, "discount", d.label, FormatAmount(-d.amount_cents));
  Row(out, {}, "Sous-total", FormatAmount(doc.subtotal_cents));
  if (doc.classes) {
    Row(out, "detail", "Taxable", FormatAmount(doc.classes->taxable_cents));
    if (doc.classes->zero_rated_cents != 0) Row(out, "detail", "Détaxé", FormatAmount(doc.classes->zero_rated_cents));
    if (doc.classes->exempt_cents != 0) Row(out, "detail", "Exonéré", FormatAmount(doc.classes->exempt_cents));
  }
  if (doc.shipping_cents) Row(out, {}, "Livraison", FormatAmount(*doc.shipping_cents));
  for (const Tax& t : doc.taxes) Row(out, "tax", t.label, FormatAmount(t.amount_cents));
  Row(out, "total", "TOTAL", FormatAmount(doc.total_cents));
  out += "</table>\n<table class=\"tenders\">\n";
  bool cash = false;
  for (const Tender& t : doc.tenders) {
    Row(out, "tender", t.label, FormatAmount(t.amount_cents));
    if (!t.detail.empty()) Row(out, "detail", t.detail, {});
    cash = cash || t.label == "Comptant";
  }
  if (doc.cash_rounding_cents != 0) Row(out, {}, "Arrondi (0,05 $)", FormatAmount(doc.cash_rounding_cents));
  if (cash || doc.change_cents != 0) Row(out, "change", "Monnaie rendue", FormatAmount(doc.change_cents));
  out += "</table>\n<footer>\n" + Barcode(doc.receipt_number) + "\n<p>" + Escape(doc.receipt_number) + "</p>\n";
  out += "<p>Merci de votre visite !</p>\n<p>Conservez ce reçu pour vos retours.</p>\n</footer>\n</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace comptoir::receipt
