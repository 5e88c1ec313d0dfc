// End to end (issue 15): the till operations at the real console under tmux against a real platform — a
// register opened, a no-sale, a cash drop, a pay-out, an X report, a line and a sale voided, a sale suspended
// and resumed, a gift card topped up and its balance checked, then the close that prints the Z in French.
#include <regex>

#include <gtest/gtest.h>

#include "comptoir/console/format.hpp"
#include "tests/e2e.hpp"

namespace comptoir::console::testing {
namespace {

std::string Row(const std::string& label, const std::string& amount) {
  return Spread(label, amount, 40);
}

TEST(ConsoleTill, NoSaleDropPayoutVoidsSuspendGiftCardAndTheZAtClose) {
  Home home("till-ops");
  auto t = SignedIn(home, "till-ops", "cashier.plateau@comptoir.local");
  t->Press("F6");
  ASSERT_TRUE(t->WaitFor("Aucune caisse ouverte")) << t->Screen();
  t->Press("F2");
  t->Line("100");
  ASSERT_TRUE(t->WaitFor("Caisse ouverte avec 100,00 $")) << t->Screen();
  t->Press("F4");
  t->Line("Monnaie pour un client");
  ASSERT_TRUE(t->WaitFor("Tiroir ouvert sans vente")) << t->Screen();
  t->Press("F5");
  t->Line("20");
  ASSERT_TRUE(t->WaitFor("Dépôt au coffre de 20,00 $")) << t->Screen();
  t->Press("F6");
  t->Line("5");
  t->Line("Timbres");
  ASSERT_TRUE(t->WaitFor("Sortie de caisse de 5,00 $")) << t->Screen();
  t->Press("F7");
  ASSERT_TRUE(t->WaitFor("RAPPORT X")) << t->Screen();
  Keep("register-x", t->Screen());
  t->Press("Escape");

  // The sale screen: a line voided, a sale put aside and taken back, then voided whole.
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Article")) << t->Screen();
  t->Line("ALIM-0001");
  ASSERT_TRUE(t->WaitFor("ajouté")) << t->Screen();
  t->Press("F4");
  t->Line("1");
  ASSERT_TRUE(t->WaitFor("Ligne 1 annulée")) << t->Screen();
  EXPECT_EQ(t->Screen().find("non notée"), std::string::npos) << t->Screen();
  t->Line("2*VETE-0001");
  ASSERT_TRUE(t->WaitFor("ajouté")) << t->Screen();
  t->Press("F11");
  ASSERT_TRUE(t->WaitFor("Vente mise en attente (n° ")) << t->Screen();
  std::smatch m;
  const std::string screen = t->Screen();
  ASSERT_TRUE(std::regex_search(screen, m, std::regex("mise en attente \\(n° ([0-9]+)\\)"))) << screen;
  const std::string id = m[1];
  // Resumed at another till of the store: another console with its own journal, the same store's cashier.
  std::string back;
  {
    Home other("till-ops-2");
    auto t2 = SignedIn(other, "till-ops-2", "cashier.plateau@comptoir.local");
    t2->Press("F2");
    ASSERT_TRUE(t2->WaitFor("Article")) << t2->Screen();
    t2->Press("F12");
    ASSERT_TRUE(t2->WaitFor("En attente : n° " + id)) << t2->Screen();
    t2->Line(id);
    ASSERT_TRUE(t2->WaitFor("Vente n° " + id + " reprise")) << t2->Screen();
    EXPECT_NE(t2->Screen().find("T-shirt"), std::string::npos) << t2->Screen();
    // Put aside again, for the first till to take back.
    t2->Press("F11");
    ASSERT_TRUE(t2->WaitFor("Vente mise en attente (n° ")) << t2->Screen();
    const std::string screen2 = t2->Screen();
    ASSERT_TRUE(std::regex_search(screen2, m, std::regex("mise en attente \\(n° ([0-9]+)\\)"))) << screen2;
    back = m[1];
  }
  t->Press("F12");
  ASSERT_TRUE(t->WaitFor("En attente : n° " + back)) << t->Screen();
  t->Line(back);
  ASSERT_TRUE(t->WaitFor("Vente n° " + back + " reprise")) << t->Screen();
  EXPECT_NE(t->Screen().find("T-shirt"), std::string::npos) << t->Screen();
  // Taken already: the first id cannot be resumed twice.
  t->Press("F9");
  ASSERT_TRUE(t->WaitFor("Vente annulée")) << t->Screen();
  t->Press("F12");
  t->Line(id);
  ASSERT_TRUE(t->WaitFor("a déjà été reprise")) << t->Screen();
  t->Press("Escape");

  // Gift cards: a demo card topped up with 10 $ cash (not taxed), then its balance with the PIN.
  t->Press("F11");
  ASSERT_TRUE(t->WaitFor("Cartes-cadeaux")) << t->Screen();
  t->Press("F3");
  t->Line("GC-M5WH-9SD0-RR8Q-PRQZ");
  t->Line("10");
  t->Line("comptant");
  ASSERT_TRUE(t->WaitFor("Carte rechargée")) << t->Screen();
  EXPECT_NE(t->Screen().find("(non taxable)"), std::string::npos) << t->Screen();
  t->Press("F2");
  t->Line("GC-M5WH-9SD0-RR8Q-PRQZ");
  t->Line("314159");
  ASSERT_TRUE(t->WaitFor("Solde : ")) << t->Screen();
  Keep("gift-card-balance", t->Screen());
  t->Press("Escape");

  // Close: 100 − 20 − 5 + 10 = 85,00 $ expected; counted 85,00 $; the Z is printed.
  t->Press("F6");
  ASSERT_TRUE(t->WaitFor("ouverte (session")) << t->Screen();
  t->Press("F3");
  t->Line("85");
  ASSERT_TRUE(t->WaitFor("FERMETURE DE CAISSE")) << t->Screen();
  Keep("register-z", t->Screen());
  const std::string printed = home.Receipts();
  // The register's next Z number (other tests of this platform may have closed register 1 of this store
  // before: the numbering itself is sales_till_integration_test's).
  EXPECT_NE(printed.find("RAPPORT Z n° "), std::string::npos) << printed;
  for (const std::string& row :
       {Row("Comptant attendu", "85,00 $"), Row("Ouvertures sans vente", "1"), Row("Dépôts au coffre (1)", "20,00 $"),
        Row("Sorties de caisse (1)", "5,00 $"), Row("Cartes-cadeaux vendues (1)", "10,00 $"),
        Row("  Comptant (1)", "10,00 $"), Row("Chiffre d'affaires", "0,00 $")}) {
    EXPECT_NE(printed.find(row), std::string::npos) << "[" << row << "]\n" << printed;
  }
  EXPECT_NE(printed.find("Annulations (2)"), std::string::npos) << printed;

  // A second close of the same session is refused (the console has forgotten it: no session).
  t->Press("F3");
  t->Line("85");
  ASSERT_TRUE(t->WaitFor("Aucune caisse ouverte")) << t->Screen();
}

}  // namespace
}  // namespace comptoir::console::testing
