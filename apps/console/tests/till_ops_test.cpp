// Unit tests of the console's till operations (issue 15): the X / Z report as French text. No I/O.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "comptoir/console/format.hpp"
#include "comptoir/console/station.hpp"

namespace comptoir::console {
namespace {

bool Has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

constexpr const char* kZ = R"({"type": "Z", "z_number": 3, "register_session_id": 12, "register": "1",
  "generated_at": "2026-12-06T22:00:00Z",
  "sales": {"count": 4, "subtotal_cents": 6995, "total_cents": 10542, "revenue_cents": 8042},
  "tenders": {"cash": {"count": 2, "amount_cents": 5745}, "card": {"count": 2, "amount_cents": 4297},
              "debit": {"count": 0, "amount_cents": 0}, "gift_card": {"count": 0, "amount_cents": 0}},
  "taxes": {"gst": {"net_cents": 250}, "qst": {"net_cents": 499}},
  "refunds": {"count": 1, "total_cents": 2298}, "discounts_cents": 0,
  "gift_cards": {"count": 1, "amount_cents": 2500}, "voids": {"count": 2, "amount_cents": 4996},
  "no_sales": {"count": 1}, "drops": {"count": 1, "amount_cents": 5000}, "payouts": {"count": 1, "amount_cents": 1250},
  "cash": {"opening_float_cents": 15000, "expected_cents": 12197, "counted_cents": 12182, "over_short_cents": -15},
  "late_sales": {"count": 0, "total_cents": 0}})";

TEST(RegisterReport, AZInFrenchWithEveryTotal) {
  const auto lines = FormatRegisterReport(kZ);
  EXPECT_TRUE(Has(lines, "RAPPORT Z n° 3")) << lines.size();
  EXPECT_TRUE(Has(lines, Spread("  Comptant (2)", "57,45 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("  TPS", "2,50 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Remboursements (1)", "22,98 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Cartes-cadeaux vendues (1)", "25,00 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Annulations (2)", "49,96 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Ouvertures sans vente", "1", 40)));
  EXPECT_TRUE(Has(lines, Spread("Dépôts au coffre (1)", "50,00 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Sorties de caisse (1)", "12,50 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Comptant compté", "121,82 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("Manque", "-0,15 $", 40)));
}

// Issue 15 (ADR 0140, 0141): the discounts by kind and the sales per tax class, net of refunds.
TEST(RegisterReport, DiscountsAndTaxClasses) {
  std::string z = kZ;
  z.replace(z.find(R"("discounts_cents": 0)"), 20,
            R"("discounts_cents": 2199, "discounts": {"count": 2, "total_cents": 2199, "promotions_cents": 1999,)"
            R"( "line_cents": 200})");
  z.replace(z.find(R"("qst": {"net_cents": 499}})"), 26,
            R"("qst": {"net_cents": 499}, "by_class": {"taxable": {"net_cents": 6396},)"
            R"( "zero_rated": {"net_cents": 1299}, "exempt": {"net_cents": 0}}})");
  const auto lines = FormatRegisterReport(z);
  EXPECT_TRUE(Has(lines, Spread("Rabais", "21,99 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("  dont promotions", "19,99 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("  dont rabais de ligne", "2,00 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("  Ventes taxables", "63,96 $", 40)));
  EXPECT_TRUE(Has(lines, Spread("  Ventes détaxées", "12,99 $", 40)));
  EXPECT_FALSE(Has(lines, Spread("  Ventes exonérées", "0,00 $", 40)));
  // A report without classes (all taxable, or stored before them) shows no class rows.
  for (const auto& l : FormatRegisterReport(kZ)) EXPECT_EQ(l.find("Ventes taxables"), std::string::npos);
}

TEST(RegisterReport, AnXHasNoCountNorOverShort) {
  std::string x = kZ;
  x.replace(x.find("\"Z\""), 3, "\"X\"");
  const auto lines = FormatRegisterReport(x);
  EXPECT_TRUE(Has(lines, "RAPPORT X (lecture, sans remise à zéro)"));
  EXPECT_FALSE(Has(lines, Spread("Manque", "-0,15 $", 40)));
  EXPECT_EQ(FormatRegisterReport("not json"), std::vector<std::string>{"Rapport illisible"});
}

}  // namespace
}  // namespace comptoir::console
