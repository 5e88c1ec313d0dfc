// The receipt document: built from a sale's JSON, amounts in French, Montréal time, registrations, Code 128,
// CP863. No I/O.
#include <numeric>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "comptoir/receipt/document.hpp"
#include "comptoir/receipt/render.hpp"
#include "sample.hpp"

namespace comptoir::receipt {
namespace {

TEST(ReceiptDocument, ReadsLinesDiscountsTaxesAndTenders) {
  Document doc = SampleDocument();
  EXPECT_EQ(doc.receipt_number, "S4-000034");
  EXPECT_EQ(doc.issued_at, "2026-12-06 14:03");  // 19:03 UTC is 14:03 EST
  ASSERT_EQ(doc.lines.size(), 3u);
  EXPECT_EQ(doc.lines[0].gross_cents(), 3998);
  ASSERT_EQ(doc.lines[0].discounts.size(), 1u);
  EXPECT_EQ(doc.lines[0].discounts[0].label, "Rabais 10 %");
  EXPECT_EQ(doc.lines[0].discounts[0].amount_cents, 200);
  ASSERT_EQ(doc.taxes.size(), 2u);
  EXPECT_EQ(doc.taxes[0].label, "TPS (5 %)");
  EXPECT_EQ(doc.taxes[0].amount_cents, 215);
  EXPECT_EQ(doc.taxes[1].label, "TVQ (9,975 %)");
  ASSERT_EQ(doc.tenders.size(), 1u);
  EXPECT_EQ(doc.tenders[0].label, "Comptant");
  EXPECT_EQ(doc.change_cents, 760);
  EXPECT_FALSE(doc.shipping_cents.has_value());
}

TEST(ReceiptDocument, WithoutATaxListTakesGstAndQst) {
  boost::json::object sale = SampleSale();
  sale.erase("taxes");
  sale["gst_cents"] = 280;
  sale["qst_cents"] = 558;
  Document doc = FromJson(sale, {}, {});
  ASSERT_EQ(doc.taxes.size(), 2u);
  EXPECT_EQ(doc.taxes[0].amount_cents, 280);
  EXPECT_EQ(doc.taxes[1].amount_cents, 558);
}

TEST(ReceiptDocument, TaxesAndDiscountsUnderOtherFieldNames) {
  boost::json::object sale = SampleSale();
  sale["taxes"] = boost::json::parse(R"([{"name": "TPS", "cents": 1}, {"tax": "Taxe verte", "tax_cents": 2}])");
  sale["discounts"] = boost::json::parse(R"([{"description": "Promo 3 pour 2", "discount_cents": 1999}, {}])");
  Document doc = FromJson(sale, {}, {});
  ASSERT_EQ(doc.taxes.size(), 2u);
  EXPECT_EQ(doc.taxes[0].label, "TPS (5 %)");
  EXPECT_EQ(doc.taxes[1].label, "Taxe verte");
  EXPECT_EQ(doc.taxes[1].amount_cents, 2);
  ASSERT_EQ(doc.discounts.size(), 2u);
  EXPECT_EQ(doc.discounts[0].label, "Promo 3 pour 2");
  EXPECT_EQ(doc.discounts[0].amount_cents, 1999);
  EXPECT_EQ(doc.discounts[1].label, "Rabais");
}

TEST(ReceiptDocument, GiftCardCodeIsTheTenderDetailAndMethodsAreFrench) {
  boost::json::object sale = SampleSale();
  sale["payments"] = boost::json::parse(
      R"([{"method": "gift_card", "amount_cents": 1000, "gift_card_code": "GC-****-****-****-PRQZ"},
          {"method": "debit", "amount_cents": 4000}, {"method": "card", "amount_cents": 1240}])");
  Document doc = FromJson(sale, {}, {});
  ASSERT_EQ(doc.tenders.size(), 3u);
  EXPECT_EQ(doc.tenders[0].label, "Carte-cadeau");
  EXPECT_EQ(doc.tenders[0].detail, "GC-****-****-****-PRQZ");
  EXPECT_EQ(doc.tenders[1].label, "Débit");
  EXPECT_EQ(doc.tenders[2].label, "Carte de crédit");
}

TEST(ReceiptDocument, WrongTypesAreRefused) {
  boost::json::object sale = SampleSale();
  sale["total_cents"] = "62,40";
  EXPECT_THROW(FromJson(sale, {}, {}), std::invalid_argument);
  sale = SampleSale();
  sale["lines"] = "T-shirt";
  EXPECT_THROW(FromJson(sale, {}, {}), std::invalid_argument);
}

TEST(ReceiptDocument, AnOnlineOrderHasItemsANumberAndShipping) {
  boost::json::object order = boost::json::parse(R"({"id": "8f0c", "number": "W-000123", "status": "paid",
    "items": [{"product_id": 12, "sku": "ALI-MIE-001", "name": "Miel", "unit_price_cents": 1599, "quantity": 2}],
    "subtotal_cents": 3198, "shipping_cents": 999, "gst_cents": 210, "qst_cents": 419, "total_cents": 4826,
    "created_at": "2026-07-01T16:00:00Z"})").as_object();
  Document doc = FromJson(order, {}, {"Boutique en ligne", "", ""});
  EXPECT_EQ(doc.receipt_number, "W-000123");
  EXPECT_EQ(doc.issued_at, "2026-07-01 12:00");
  ASSERT_EQ(doc.lines.size(), 1u);
  EXPECT_EQ(doc.lines[0].gross_cents(), 3198);
  EXPECT_EQ(doc.shipping_cents, 999);
  doc.online = true;
  EXPECT_NE(RenderText(doc, 40).find("\nLivraison                           9,99\n"), std::string::npos) << RenderText(doc, 40);
  EXPECT_NE(RenderText(doc, 40).find("\nCommande                        W-000123\n"), std::string::npos);
}

TEST(ReceiptAmounts, FrenchWithThousandsAndComma) {
  EXPECT_EQ(FormatAmount(0), "0,00");
  EXPECT_EQ(FormatAmount(5), "0,05");
  EXPECT_EQ(FormatAmount(1999), "19,99");
  EXPECT_EQ(FormatAmount(-200), "-2,00");
  EXPECT_EQ(FormatAmount(129999), "1 299,99");
  EXPECT_EQ(FormatAmount(100000000), "1 000 000,00");
  EXPECT_EQ(FormatAmount(INT64_MIN), "-92 233 720 368 547 758,08");
}

TEST(ReceiptTime, MontrealStandardAndDaylightTime) {
  EXPECT_EQ(MontrealTime("2026-12-06T19:03:27.123456Z"), "2026-12-06 14:03");
  EXPECT_EQ(MontrealTime("2026-07-01T03:30:00Z"), "2026-06-30 23:30");  // EDT, the day before
  // 2026: daylight time from Sunday 8 March 07:00 UTC to Sunday 1 November 06:00 UTC.
  EXPECT_EQ(MontrealTime("2026-03-08T06:59:59Z"), "2026-03-08 01:59");
  EXPECT_EQ(MontrealTime("2026-03-08T07:00:00Z"), "2026-03-08 03:00");
  EXPECT_EQ(MontrealTime("2026-11-01T05:59:00Z"), "2026-11-01 01:59");
  EXPECT_EQ(MontrealTime("2026-11-01T06:00:00Z"), "2026-11-01 01:00");
  EXPECT_EQ(MontrealTime("2026-12-06 19:03"), std::nullopt);
  EXPECT_EQ(MontrealTime("2026-02-30T10:00:00Z"), std::nullopt);
  EXPECT_EQ(MontrealTime("2026-12-06T19:03:27+01:00"), std::nullopt);
}

TEST(ReceiptRegistrations, GstAndQstFormats) {
  EXPECT_TRUE(IsGstNumber("123456789 RT0001"));
  EXPECT_FALSE(IsGstNumber("123456789RT0001"));
  EXPECT_FALSE(IsGstNumber("12345678 RT0001"));
  EXPECT_FALSE(IsGstNumber("123456789 TQ0001"));
  EXPECT_TRUE(IsQstNumber("1234567890 TQ0001"));
  EXPECT_FALSE(IsQstNumber("1234567890 TQ001"));
  EXPECT_FALSE(IsQstNumber("123456789 RT0001"));
}

TEST(Code128, PjjExampleHasItsCheckSymbol) {
  // Start B 104 + P·1 + J·2 + J·3 + 1·4 + 2·5 + 3·6 + C·7 = 879 ≡ 55 (mod 103).
  std::vector<int> w = Code128B("PJJ123C");
  ASSERT_EQ(w.size(), 6u * 9 + 7);
  EXPECT_EQ(std::vector<int>(w.begin(), w.begin() + 6), (std::vector<int>{2, 1, 1, 2, 1, 4}));       // start B
  EXPECT_EQ(std::vector<int>(w.begin() + 6, w.begin() + 12), (std::vector<int>{3, 1, 3, 1, 2, 1}));  // P (48)
  EXPECT_EQ(std::vector<int>(w.end() - 13, w.end() - 7), (std::vector<int>{3, 1, 1, 3, 2, 1}));      // check 55
  EXPECT_EQ(std::vector<int>(w.end() - 7, w.end()), (std::vector<int>{2, 3, 3, 1, 1, 1, 2}));        // stop
  EXPECT_EQ(std::accumulate(w.begin(), w.end(), 0), 11 * 9 + 13);
}

TEST(Code128, EverySymbolOfSetBIsElevenModulesWithEvenBars) {
  std::set<std::vector<int>> seen;
  for (char c = 32; c < 127; ++c) {
    std::vector<int> w = Code128B(std::string(1, c));
    std::vector<int> symbol(w.begin() + 6, w.begin() + 12);
    EXPECT_EQ(std::accumulate(symbol.begin(), symbol.end(), 0), 11) << c;
    EXPECT_EQ((symbol[0] + symbol[2] + symbol[4]) % 2, 0) << c;  // bars even, spaces odd (ISO/IEC 15417)
    EXPECT_TRUE(seen.insert(symbol).second) << c;
  }
  EXPECT_THROW(Code128B("Caf\xc3\xa9"), std::invalid_argument);
  EXPECT_THROW(Code128B("a\nb"), std::invalid_argument);
}

TEST(Cp863, FrenchLettersAndGuillemets) {
  EXPECT_EQ(ToCp863("Reçu"), "Re\x87u");
  EXPECT_EQ(ToCp863("Montréal"), "Montr\x82" "al");
  EXPECT_EQ(ToCp863("« COPIE »"), "\xae COPIE \xaf");
  EXPECT_EQ(ToCp863("ÉÈÊÀÇÔÛÎ"), "\x90\x91\x92\x8e\x80\x99\x9e\xa8");
  EXPECT_EQ(ToCp863("àâçèéêëîïôùûü"), "\x85\x83\x87\x8a\x82\x88\x89\x8c\x8b\x93\x97\x96\x81");
  EXPECT_EQ(ToCp863("Bœuf — 5 €"), "Boeuf - 5 EUR");
  EXPECT_EQ(ToCp863("日本"), "??");
  EXPECT_EQ(ToCp863("\xff" "a"), "?a");
}

}  // namespace
}  // namespace comptoir::receipt
