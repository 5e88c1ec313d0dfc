// The renderings, byte for byte: 40-column text, ESC/POS, the HTML page.
#include <gtest/gtest.h>

#include "comptoir/receipt/render.hpp"
#include "sample.hpp"

namespace comptoir::receipt {
namespace {

// Issue 15's sale at Mile End: every row a cashier and a reviewer read.
constexpr std::string_view kText40 = R"(
                Comptoir
                Mile End
     5225, boulevard Saint-Laurent
                Montréal
         TPS : 123456789 RT0001
        TVQ : 1234567890 TQ0001
----------------------------------------
Reçu                           S4-000034
Date                    2026-12-06 14:03
----------------------------------------
T-shirt
  2 x 19,99                        39,98
  Rabais 10 %                      -2,00
Café                               12,99
Chocolat Noir                       4,99
----------------------------------------
Sous-total                         55,96
TPS (5 %)                           2,15
TVQ (9,975 %)                       4,29
TOTAL                              62,40
----------------------------------------
Comptant                           70,00
Monnaie rendue                      7,60
----------------------------------------
               S4-000034
        Merci de votre visite !
  Conservez ce reçu pour vos retours.
)";

TEST(ReceiptText, FortyColumnsExactly) {
  EXPECT_EQ(RenderText(SampleDocument(), 40), kText40.substr(1));
}

TEST(ReceiptText, FortyEightColumnsWidenEveryRow) {
  std::string text = RenderText(SampleDocument(), 48);
  EXPECT_NE(text.find("\nReçu                                   S4-000034\n"), std::string::npos);
  EXPECT_NE(text.find("\nTOTAL                                      62,40\n"), std::string::npos);
  EXPECT_NE(text.find("\n" + std::string(48, '-') + "\n"), std::string::npos);
  EXPECT_EQ(text.find(std::string(49, '-')), std::string::npos);
}

TEST(ReceiptText, ReprintIsMarkedCopyTwice) {
  std::string text = RenderText(SampleDocument(true), 40);
  EXPECT_NE(text.find("\n               « COPIE »\n"), std::string::npos);
  EXPECT_NE(text.find("\n         « COPIE » - DUPLICATA\n"), std::string::npos);
  EXPECT_EQ(RenderText(SampleDocument(false), 40).find("COPIE"), std::string::npos);
}

TEST(ReceiptText, LongNamesAreCutNeverWrappedPastTheAmount) {
  Document doc = SampleDocument();
  doc.lines[1].name = "Café équitable biologique torréfié à Montréal, 1 kg";
  std::string text = RenderText(doc, 40);
  EXPECT_NE(text.find("\nCafé équitable biologique torréfié 12,99\n"), std::string::npos);
}

TEST(ReceiptText, CashRoundingAndGiftCardDetail) {
  Document doc = SampleDocument();
  doc.cash_rounding_cents = -2;
  doc.tenders = {{"Carte-cadeau", 1000, "GC-****-****-****-PRQZ"}};
  doc.change_cents = 0;
  std::string text = RenderText(doc, 40);
  EXPECT_NE(text.find("\nCarte-cadeau                       10,00\n  GC-****-****-****-PRQZ\n"), std::string::npos);
  EXPECT_NE(text.find("\nArrondi (0,05 $)                   -0,02\n"), std::string::npos);
  EXPECT_EQ(text.find("Monnaie"), std::string::npos);  // nothing in cash, no change row
}

std::string Spaces(std::size_t n) { return std::string(n, ' '); }

TEST(ReceiptEscPos, BytesForAPrinter) {
  Document doc;
  doc.issuer = {"Comptoir", "123456789 RT0001", "1234567890 TQ0001"};
  doc.store = {"Mile End", "5225, boulevard Saint-Laurent", "Montréal"};
  doc.receipt_number = "S4-000035";
  doc.issued_at = "2026-12-06 14:05";
  doc.lines = {{"Miel", "ALI-MIE-001", 1, 1599, {}}};
  doc.subtotal_cents = 1599;
  doc.taxes = {{"TPS (5 %)", 80}, {"TVQ (9,975 %)", 160}};
  doc.total_cents = 1839;
  doc.tenders = {{"Carte de crédit", 1839, ""}};
  doc.copy = true;
  const std::string rule = std::string(48, '-') + "\n";
  std::string expected;
  expected += "\x1b@\x1bt\x04";                                   // ESC @, ESC t 4 (PC863)
  expected += "\x1b" "a\x01\x1b" "E\x01" "Comptoir\n";           // centred, bold
  expected += "\x1b" "E" + std::string(1, '\0') + "Mile End\n";  // bold off
  expected += "5225, boulevard Saint-Laurent\n" "Montr\x82" "al\n";
  expected += "TPS : 123456789 RT0001\n" "TVQ : 1234567890 TQ0001\n";
  expected += "\x1b" "E\x01\x1d!\x11\xae COPIE \xaf\n";  // bold, double width and height
  expected += "\x1b" "a" + std::string(1, '\0') + "\x1b" "E" + std::string(1, '\0') + "\x1d!" + std::string(1, '\0');
  expected += rule;
  expected += "Re\x87u" + Spaces(35) + "S4-000035\n";
  expected += "Date" + Spaces(28) + "2026-12-06 14:05\n";
  expected += rule + "Miel" + Spaces(39) + "15,99\n" + rule;
  expected += "Sous-total" + Spaces(33) + "15,99\n";
  expected += "TPS (5 %)" + Spaces(35) + "0,80\n";
  expected += "TVQ (9,975 %)" + Spaces(31) + "1,60\n";
  expected += "\x1b" "E\x01\x1d!\x11" "TOTAL" + Spaces(14) + "18,39\n";  // 24 columns at double width
  expected += "\x1b" "E" + std::string(1, '\0') + "\x1d!" + std::string(1, '\0') + rule;
  expected += "Carte de cr\x82" "dit" + Spaces(28) + "18,39\n" + rule;
  expected += "\x1b" "a\x01\x1b" "E\x01\xae COPIE \xaf - DUPLICATA\n";
  expected += "\x1b" "E" + std::string(1, '\0');
  expected += "\x1dh\x50\x1dw\x02\x1dH\x02";                // height 80 dots, module 2 dots, number below
  expected += "\x1dk\x49\x0b{BS4-000035\n";                  // GS k 73 (CODE128), 11 bytes, code set B
  expected += "Merci de votre visite !\n" "Conservez ce re\x87u pour vos retours.\n";
  expected += "\x1b" "a" + std::string(1, '\0');
  expected += "\x1b" "d\x03\x1dV\x42" + std::string(1, '\0');  // feed 3 lines, partial cut
  EXPECT_EQ(RenderEscPos(doc), expected);
}

TEST(ReceiptEscPos, TheSampleHasNoUtf8Left) {
  std::string bytes = Render(SampleDocument(), Format::kEscPos);
  EXPECT_EQ(bytes.find("\xc3"), std::string::npos);
  EXPECT_NE(bytes.find("Caf\x82"), std::string::npos);
  EXPECT_NE(bytes.find("\x1dk\x49\x0b{BS4-000034"), std::string::npos);
}

TEST(ReceiptHtml, SelfContainedPrintablePage) {
  std::string html = RenderHtml(SampleDocument());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n<title>Reçu S4-000034</title>", 0),
            0u);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"line\"><td>T-shirt</td><td class=\"amount\"></td></tr>\n"
                      "<tr class=\"detail\"><td>2 x 19,99</td><td class=\"amount\">39,98</td></tr>\n"
                      "<tr class=\"detail discount\"><td>Rabais 10 %</td><td class=\"amount\">-2,00</td></tr>\n"),
            std::string::npos);
  EXPECT_NE(html.find("<tr class=\"tax\"><td>TVQ (9,975 %)</td><td class=\"amount\">4,29</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"total\"><td>TOTAL</td><td class=\"amount\">62,40</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"change\"><td>Monnaie rendue</td><td class=\"amount\">7,60</td></tr>"),
            std::string::npos);
  // Nothing fetched: no script, no external stylesheet, image or font.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  EXPECT_EQ(html.find("COPIE"), std::string::npos);
  EXPECT_NE(RenderHtml(SampleDocument(true)).find("<p class=\"copy\">« COPIE » - DUPLICATA</p>"), std::string::npos);
}

TEST(ReceiptHtml, BarcodeBarsAreTheCode128Bars) {
  std::string html = RenderHtml(SampleDocument());
  std::vector<int> widths = Code128B("S4-000034");
  std::size_t bars = 0;
  for (std::size_t at = html.find("<rect x="); at != std::string::npos; at = html.find("<rect x=", at + 1)) ++bars;
  EXPECT_EQ(bars, (widths.size() + 1) / 2);
  // Quiet zone of 10 modules, then start B: a bar 2 wide at x=10, the next bar at 10+2+1=13, 1 wide.
  EXPECT_NE(html.find("<rect x=\"10\" width=\"2\" height=\"30\"/><rect x=\"13\" width=\"1\" height=\"30\"/>"),
            std::string::npos);
  EXPECT_NE(html.find("aria-label=\"Code 128 S4-000034\""), std::string::npos);
}

TEST(ReceiptHtml, NamesAreEscaped) {
  Document doc = SampleDocument();
  doc.lines[0].name = "<img src=x onerror=alert(1)> & \"co\"";
  std::string html = RenderHtml(doc);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;co&quot;"), std::string::npos);
}

TEST(ReceiptFormats, NamesAndContentTypes) {
  EXPECT_EQ(ParseFormat("text40"), Format::kText40);
  EXPECT_EQ(ParseFormat("text48"), Format::kText48);
  EXPECT_EQ(ParseFormat("html"), Format::kHtml);
  EXPECT_EQ(ParseFormat("escpos"), Format::kEscPos);
  EXPECT_EQ(ParseFormat("pdf"), std::nullopt);
  EXPECT_EQ(ContentType(Format::kHtml), "text/html; charset=utf-8");
  EXPECT_EQ(ContentType(Format::kEscPos), "application/vnd.escpos");
}

// Issue 15 with tax classes and promotions (ADR 0140, 0141), as sales answers the sale: each line's class, its
// discounts by name (a promotion's or « Rabais » for the cashier's), and what the taxes were computed on. The
// reviewer recomputes: taxable 37,98 + 4,99 = 42,97 → TPS 5 % = 2,1485 → 2,15; TVQ 9,975 % = 4,286… → 4,29; the
// Café (coffee beans, a basic grocery) pays neither.
TEST(ReceiptText, TaxClassesAndDiscountsByName) {
  const auto sale = boost::json::parse(R"({
    "receipt_number": "S4-000035", "created_at": "2026-12-06T19:03:27Z",
    "lines": [
      {"name": "T-shirt", "unit_price_cents": 1999, "quantity": 2, "tax_class": "taxable", "gross_cents": 3998,
       "discount_cents": 200, "line_total_cents": 3798,
       "discounts": [{"promotion_id": null, "label": "Rabais", "amount_cents": 200}]},
      {"name": "Café", "unit_price_cents": 1299, "quantity": 1, "tax_class": "zero_rated", "gross_cents": 1299,
       "discount_cents": 0, "line_total_cents": 1299, "discounts": []},
      {"name": "Chocolat Noir", "unit_price_cents": 499, "quantity": 1, "tax_class": "taxable", "gross_cents": 499,
       "discount_cents": 0, "line_total_cents": 499, "discounts": []}],
    "subtotal_cents": 5596, "discount_cents": 200, "taxable_cents": 4297, "zero_rated_cents": 1299,
    "exempt_cents": 0, "gst_cents": 215, "qst_cents": 429, "total_cents": 6240,
    "payments": [{"method": "cash", "amount_cents": 7000}], "change_cents": 760})")
                        .as_object();
  const std::string text = RenderText(FromJson(sale, {"Comptoir", "123456789 RT0001", "1234567890 TQ0001"},
                                               {"Mile End", "5225, boulevard Saint-Laurent", "Montréal"}),
                                      40);
  constexpr std::string_view kBody = R"(
T-shirt
  2 x 19,99                        39,98
  Rabais                           -2,00
Café                               12,99
  Détaxé
Chocolat Noir                       4,99
----------------------------------------
Sous-total                         55,96
  Taxable                          42,97
  Détaxé                           12,99
TPS (5 %)                           2,15
TVQ (9,975 %)                       4,29
TOTAL                              62,40
)";
  EXPECT_NE(text.find(kBody.substr(1)), std::string::npos) << text;
}

// Buy 2 get 1 on T-shirts: the promotion's name under the line; an all-taxable sale shows no class rows. An
// order's line (no discounts list) shows its discount_cents as « Rabais »; weighed pieces keep their own gross.
TEST(ReceiptText, PromotionNamesOrderDiscountsAndWeighedGross) {
  const auto sale = boost::json::parse(R"({"receipt_number": "S4-000036", "lines": [
      {"name": "T-shirt", "unit_price_cents": 1999, "quantity": 3, "tax_class": "taxable", "gross_cents": 5997,
       "line_total_cents": 3998,
       "discounts": [{"promotion_id": 1, "label": "T-shirts : 2 achetés, 1 offert", "amount_cents": 1999}]}],
    "subtotal_cents": 3998, "taxable_cents": 3998, "zero_rated_cents": 0, "exempt_cents": 0,
    "gst_cents": 200, "qst_cents": 399, "total_cents": 4597})")
                        .as_object();
  const std::string text = RenderText(FromJson(sale, {}, {}), 40);
  EXPECT_NE(text.find("\n  3 x 19,99                        59,97\n  T-shirts : 2 achetés, 1 offert  -19,99\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("Taxable"), std::string::npos) << text;

  const auto order = boost::json::parse(R"({"number": "C-1", "items": [
      {"name": "Miel", "unit_price_cents": 1599, "quantity": 2, "tax_class": "zero_rated", "discount_cents": 320,
       "line_total_cents": 2878},
      {"name": "Fromage Oka au poids", "unit_price_cents": 1067, "quantity": 2, "tax_class": "zero_rated",
       "gross_cents": 2133, "line_total_cents": 2133}],
    "subtotal_cents": 5011, "shipping_cents": 0, "gst_cents": 0, "qst_cents": 0, "total_cents": 5011})")
                         .as_object();
  const Document doc = FromJson(order, {}, {});
  ASSERT_EQ(doc.lines.size(), 2u);
  ASSERT_EQ(doc.lines[0].discounts.size(), 1u);
  EXPECT_EQ(doc.lines[0].discounts[0].label, "Rabais");
  EXPECT_EQ(doc.lines[0].discounts[0].amount_cents, 320);
  EXPECT_EQ(doc.lines[1].gross_cents(), 2133);  // not 2 × 10,67
  ASSERT_TRUE(doc.classes);  // summed from the lines: the order has no amounts per class
  EXPECT_EQ(doc.classes->taxable_cents, 0);
  EXPECT_EQ(doc.classes->zero_rated_cents, 5011);
  const std::string html = RenderHtml(doc);
  EXPECT_NE(html.find("<tr class=\"detail untaxed\"><td>Détaxé</td>"), std::string::npos);
}

}  // namespace
}  // namespace comptoir::receipt
