// End to end: the real comptoir-console under tmux (send-keys, capture-pane) against a real platform
// started by the test (testing::Platform, free ports): a sale from the first key to the printed
// receipt, a partial return, a register opened and closed, a restock request across three consoles,
// ten offline sales replayed once, and a console killed mid-sale.
#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "comptoir/console/format.hpp"
#include "tests/e2e.hpp"

namespace comptoir::console::testing {
namespace {

using namespace std::chrono_literals;

// A total row of the sale screen, a row of the 40-column receipt, a row of the change summary.
std::string ScreenRow(const std::string& label, const std::string& amount) {
  return PadRight(label, 20) + PadLeft(amount, 13);
}
std::string ReceiptRow(const std::string& label, const std::string& amount) {
  return Spread(label, amount, 40);
}
std::string SummaryRow(const std::string& label, const std::string& amount) {
  return Spread(label, amount, 30);
}

std::string Capture(const std::string& screen, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(screen, m, std::regex(pattern))) return m[1];
  return "";
}

TEST(ConsoleScreens, MileEndCashierSellsTwoTshirtsAndACafeForOneHundredCash) {
  Home home("sale");
  const auto tshirts = OnHand(4, 5);
  const auto cafe = OnHand(4, 9);
  auto t = SignedIn(home, "sale", "cashier.mile-end@comptoir.local");
  ASSERT_TRUE(t->WaitFor("Caisse — Mile End")) << t->Screen();
  Keep("cashier-menu", t->Screen());
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Article (code, nom, 3*code)")) << t->Screen();
  t->Line("2*VETE-0001");
  ASSERT_TRUE(t->WaitFor("2 × T-shirt ajouté")) << t->Screen();
  t->Line("café");  // by name, accents and case ignored
  ASSERT_TRUE(t->WaitFor("1 × Café ajouté")) << t->Screen();
  const std::string basket = t->Screen();
  EXPECT_NE(basket.find(ScreenRow("Sous-total", "52,97 $")), std::string::npos) << basket;
  // Café is a zero-rated grocery (ADR 0140): the taxes are on the T-shirts' 39,98 $ only.
  EXPECT_NE(basket.find(ScreenRow("TPS", "2,00 $")), std::string::npos) << basket;
  EXPECT_NE(basket.find(ScreenRow("TVQ", "3,99 $")), std::string::npos) << basket;
  EXPECT_NE(basket.find(ScreenRow("TOTAL", "58,96 $")), std::string::npos) << basket;
  EXPECT_NE(basket.find(ScreenRow("À payer comptant", "58,95 $")), std::string::npos) << basket;
  Keep("sale-basket", basket);
  t->Press("F5");
  ASSERT_TRUE(t->WaitFor("Comptant (vide = 58,95 $)")) << t->Screen();
  t->Line("100");
  ASSERT_TRUE(t->WaitFor("MONNAIE")) << t->Screen();
  const std::string done = t->Screen();
  Keep("sale-receipt", done);
  EXPECT_NE(done.find(SummaryRow("MONNAIE", "41,05 $")), std::string::npos) << done;
  EXPECT_NE(done.find(SummaryRow("Arrondi", "-0,01 $")), std::string::npos) << done;
  EXPECT_NE(done.find("monnaie 41,05 $"), std::string::npos) << done;
  const std::string number = Capture(done, "Reçu (S4-[0-9]+)");
  ASSERT_FALSE(number.empty()) << done;

  const std::string printed = home.Receipts();
  for (const std::string& line :
       {ReceiptRow("Sous-total", "52,97 $"), ReceiptRow("TPS", "2,00 $"), ReceiptRow("TVQ", "3,99 $"),
        ReceiptRow("TOTAL", "58,96 $"), ReceiptRow("Comptant", "100,00 $"), ReceiptRow("Arrondi (0,05 $)", "-0,01 $"),
        ReceiptRow("Monnaie rendue", "41,05 $"), ReceiptRow("  2 x 19,99 $", "39,98 $")}) {
    EXPECT_NE(printed.find(line), std::string::npos) << line << "\n" << printed;
  }
  EXPECT_NE(printed.find("Reçu " + number), std::string::npos) << printed;
  EXPECT_EQ(OnHand(4, 5), tshirts - 2);
  EXPECT_EQ(OnHand(4, 9), cafe - 1);
  EXPECT_EQ(SalesDb("SELECT total_cents FROM sales WHERE receipt_number = '" + number + "'"), "5896");

  // Reprint from the receipt screen: a copy.
  t->Press("F7");
  ASSERT_TRUE(t->WaitFor("*** COPIE ***")) << t->Screen();
  EXPECT_NE(home.Receipts().find("*** COPIE ***"), std::string::npos);
}

TEST(ConsoleScreens, APartialReturnByReceiptNumberShowsTheRefund) {
  Home home("return");
  std::string out;
  ASSERT_EQ(Console(home, {"login", "--email", "cashier.plateau@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  ASSERT_EQ(Console(home, {"--json", "sale", "--item", "VETE-0001:3", "--pay", "card:68,95"}, out), 0) << out;
  const auto receipt = boost::json::parse(out);
  const std::string number(receipt.at("receipt_number").as_string());
  const auto tshirts = OnHand(2, 5);

  auto t = SignedIn(home, "return", "cashier.plateau@comptoir.local");
  t->Press("F3");
  ASSERT_TRUE(t->WaitFor("Retour sur reçu")) << t->Screen();
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Reçu (S4-000042)")) << t->Screen();
  t->Line(number);
  ASSERT_TRUE(t->WaitFor("Articles rendus")) << t->Screen();
  t->Line("5:1");
  t->Line("taille");
  t->Line("");
  ASSERT_TRUE(t->WaitFor("REMBOURSEMENT")) << t->Screen();
  const std::string slip = t->Screen();
  Keep("return-slip", slip);
  // 19.99 back with GST 1.00 and QST 1.99, on the card of the sale.
  EXPECT_NE(slip.find("Remboursé Crédit"), std::string::npos) << slip;
  EXPECT_NE(slip.find("22,98 $"), std::string::npos) << slip;
  EXPECT_NE(slip.find("Retour enregistré sur " + number), std::string::npos) << slip;
  EXPECT_EQ(OnHand(2, 5), tshirts + 1);

  // Returning more than is left is refused and changes nothing.
  t->Press("F2");
  t->Line(number);
  t->Line("5:3");
  t->Line("encore");
  t->Line("");
  ASSERT_TRUE(t->WaitFor("Retour sur reçu")) << t->Screen();
  ASSERT_TRUE(t->WaitFor("Retour refusé : plus d")) << t->Screen();
  EXPECT_EQ(OnHand(2, 5), tshirts + 1);

  // Cash in place of the card: a manager approves at the till (their password is not shown).
  t->Press("F4");
  t->Line(number);
  t->Line("5:1");
  t->Line("défaut");
  t->Line("manager@comptoir.local");
  t->Type("comptoir-demo");
  EXPECT_EQ(t->Screen().find("comptoir-demo"), std::string::npos) << t->Screen();
  t->Press("Enter");
  ASSERT_TRUE(t->WaitFor("Remboursé Comptant")) << t->Screen();
  EXPECT_EQ(OnHand(2, 5), tshirts + 2);
}

TEST(ConsoleScreens, RegisterOpenedAndClosedWithTheRightOverShort) {
  Home home("register");
  auto t = SignedIn(home, "register", "cashier.spectacles@comptoir.local");
  t->Press("F6");
  ASSERT_TRUE(t->WaitFor("Aucune caisse ouverte")) << t->Screen();
  t->Press("F2");
  t->Line("200");
  ASSERT_TRUE(t->WaitFor("Caisse ouverte avec 200,00 $")) << t->Screen();
  t->Press("Escape");
  // A cash sale in the session: Café 12.99 (zero-rated) → 13.00 in cash, 20 $ tendered.
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Article")) << t->Screen();
  t->Line("ALIM-0001");
  t->Press("F5");
  t->Line("20");
  ASSERT_TRUE(t->WaitFor("MONNAIE")) << t->Screen();
  EXPECT_NE(t->Screen().find("monnaie 7,00 $"), std::string::npos) << t->Screen();
  t->Press("Escape");
  t->Press("F6");
  ASSERT_TRUE(t->WaitFor("ouverte (session")) << t->Screen();
  t->Press("F3");
  t->Line("212,95");  // 200 + 13.00 expected: 5 ¢ short
  ASSERT_TRUE(t->WaitFor("FERMETURE DE CAISSE")) << t->Screen();
  const std::string slip = t->Screen();
  Keep("register-close", slip);
  EXPECT_NE(slip.find(ReceiptRow("Comptant attendu", "213,00 $")), std::string::npos) << slip;
  EXPECT_NE(slip.find(ReceiptRow("Comptant compté", "212,95 $")), std::string::npos) << slip;
  EXPECT_NE(slip.find(ReceiptRow("Manque", "-0,05 $")), std::string::npos) << slip;
  EXPECT_NE(slip.find("Caisse fermée : manque -0,05 $"), std::string::npos) << slip;
  EXPECT_NE(home.Receipts().find("FERMETURE DE CAISSE"), std::string::npos);
}

TEST(ConsoleScreens, RestockFiledApprovedShippedAndReceivedEachInItsOwnConsole) {
  Home store_home("restock-store");
  Home centre_home("restock-centre");
  const auto at_store = OnHand(5, 14);
  const auto at_centre = OnHand(6, 14);
  auto store = SignedIn(store_home, "restock-store", "cashier.westmount@comptoir.local");
  auto centre = SignedIn(centre_home, "restock-centre", "logistics@comptoir.local");

  store->Press("F5");
  ASSERT_TRUE(store->WaitFor("Réapprovisionnement")) << store->Screen();
  store->Press("F2");
  store->Line("14:6");
  store->Line("vitrine vide");
  ASSERT_TRUE(store->WaitFor("envoyée (n° ")) << store->Screen();
  const std::string id = Capture(store->Screen(), "envoyée \\(n° ([0-9]+)\\)");
  ASSERT_FALSE(id.empty());

  Keep("restock-store", store->Screen());
  Keep("logistics-menu", centre->Screen());
  centre->Press("F2");
  ASSERT_TRUE(centre->WaitFor("File des demandes")) << centre->Screen();
  ASSERT_TRUE(centre->WaitFor("Westmount")) << centre->Screen();
  Keep("restock-queue", centre->Screen());
  centre->Press("F3");
  centre->Line(id);
  centre->Line("14:4");  // approved in part
  ASSERT_TRUE(centre->WaitFor("Demande " + id + " approuvée")) << centre->Screen();
  centre->Press("F5");
  centre->Line(id);
  ASSERT_TRUE(centre->WaitFor("Demande " + id + " expédiée")) << centre->Screen();
  EXPECT_EQ(OnHand(6, 14), at_centre - 4);

  // A third console, the store's again after a restart, receives it.
  store.reset();
  auto again = SignedIn(store_home, "restock-store-2", "cashier.westmount@comptoir.local");
  again->Press("F5");
  ASSERT_TRUE(again->WaitFor("expédiée")) << again->Screen();
  again->Press("F3");
  again->Line(id);
  ASSERT_TRUE(again->WaitFor("Livraison " + id + " reçue")) << again->Screen();
  EXPECT_EQ(OnHand(5, 14), at_store + 4);
  ASSERT_TRUE(again->WaitFor("reçue")) << again->Screen();
}

TEST(ConsoleScreens, TenOfflineSalesAreReplayedOnceWhenTheGatewayComesBack) {
  Home home("offline");
  const auto before = OnHand(1, 10);  // Chocolat Noir at Vieux-Montréal
  const auto the_before = OnHand(1, 11);  // Thé Vert, zero-rated (ADR 0140)
  auto dashboard_before = ManagerGet("/api/v1/dashboard");
  auto store_of = [](const boost::json::value& d) {
    for (const auto& s : d.at("stores").as_array()) {
      if (s.at("location_id").to_number<int>() == 1) return s;
    }
    return boost::json::value{};
  };
  const auto tx_before = store_of(dashboard_before).at("transactions_today").to_number<std::int64_t>();
  const auto revenue_before = store_of(dashboard_before).at("revenue_today_cents").to_number<std::int64_t>();
  const auto offline_before = std::stoll(SalesDb("SELECT count(*) FROM sales WHERE offline"));

  auto t = SignedIn(home, "offline", "cashier.vieux-montreal@comptoir.local");
  auto down = std::make_unique<GatewayDown>();
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Article")) << t->Screen();
  for (int i = 1; i <= 10; ++i) {
    t->Line("ALIM-0002");  // 4.99 + 0.25 + 0.50 = 5.74 → 5.75 in cash
    t->Press("F5");
    t->Line("10");
    ASSERT_TRUE(t->WaitFor("HORS LIGNE — " + std::to_string(i) + " ventes en attente")) << t->Screen();
    ASSERT_TRUE(t->WaitFor("monnaie 4,25 $")) << t->Screen();
    t->Press("Enter");  // next sale
    // A card is refused while offline.
    if (i == 5) {
      t->Line("ALIM-0002");
      t->Press("F6");
      ASSERT_TRUE(t->WaitFor("comptant seulement")) << t->Screen();
      t->Press("F9");
    }
  }
  // An eleventh: Thé Vert scanned by its EAN-13, untaxed offline as online (the synced catalogue keeps its tax
  // class and barcode): 8.99 → 9.00 in cash.
  t->Line("7540001000119");
  ASSERT_TRUE(t->WaitFor("1 × Thé Vert ajouté")) << t->Screen();
  EXPECT_NE(t->Screen().find(ScreenRow("TOTAL", "8,99 $")), std::string::npos) << t->Screen();
  EXPECT_NE(t->Screen().find(ScreenRow("À payer comptant", "9,00 $")), std::string::npos) << t->Screen();
  t->Press("F5");
  t->Line("10");
  ASSERT_TRUE(t->WaitFor("HORS LIGNE — 11 ventes en attente")) << t->Screen();
  ASSERT_TRUE(t->WaitFor("monnaie 1,00 $")) << t->Screen();
  EXPECT_NE(home.Receipts().find("VENTE HORS LIGNE - EN ATTENTE"), std::string::npos);
  Keep("offline-sale", t->Screen());
  down.reset();  // the gateway is back
  ASSERT_TRUE(t->WaitFor("EN LIGNE", 30s)) << t->Screen();
  EXPECT_EQ(std::stoll(SalesDb("SELECT count(*) FROM sales WHERE offline")) - offline_before, 11);
  EXPECT_EQ(SalesDb("SELECT count(DISTINCT idempotency_key) FROM sales WHERE offline AND location_id = 1"),
            SalesDb("SELECT count(*) FROM sales WHERE offline AND location_id = 1"));
  EXPECT_EQ(OnHand(1, 10), before - 10);
  EXPECT_EQ(OnHand(1, 11), the_before - 1);
  EXPECT_EQ(SalesDb("SELECT s.total_cents FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.offline AND"
                    " s.location_id = 1 AND l.product_id = 11 ORDER BY s.id DESC LIMIT 1"),
            "899");
  // Once: asking again sends nothing.
  std::string out;
  ASSERT_EQ(Console(home, {"--json", "sync"}, out), 0) << out;
  EXPECT_EQ(boost::json::parse(out).at("sent").to_number<int>(), 0) << out;
  EXPECT_EQ(std::stoll(SalesDb("SELECT count(*) FROM sales WHERE offline")) - offline_before, 11);
  // The server recorded what the till sold: no discrepancy to settle.
  ASSERT_EQ(Console(home, {"--json", "status"}, out), 0) << out;
  EXPECT_EQ(boost::json::parse(out).at("discrepancies").to_number<int>(), 0) << out;
  // The dashboard counts each once (reporting reads the events).
  bool exact = false;
  for (int i = 0; i < 60 && !exact; ++i) {
    auto store = store_of(ManagerGet("/api/v1/dashboard"));
    exact = store.at("transactions_today").to_number<std::int64_t>() == tx_before + 11 &&
            store.at("revenue_today_cents").to_number<std::int64_t>() == revenue_before + 10 * 574 + 899;
    if (!exact) std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(exact) << boost::json::serialize(store_of(ManagerGet("/api/v1/dashboard")));
}

TEST(ConsoleScreens, AConsoleKilledMidSaleLosesNothing) {
  Home home("kill");
  const auto before = OnHand(3, 12);  // Miel at Quartier des Spectacles
  {
    auto t = SignedIn(home, "kill", "cashier.spectacles@comptoir.local");
    t->Press("F2");
    t->Line("3*ALIM-0004");
    ASSERT_TRUE(t->WaitFor("3 × Miel ajouté")) << t->Screen();
    t->Kill();  // the basket is in the journal's draft
  }
  {
    auto t =
        std::make_unique<Terminal>("kill-2", std::vector<std::string>{std::getenv("COMPTOIR_CONSOLE_BIN")}, home.Env());
    ASSERT_TRUE(t->WaitFor("Vente en cours reprise (1 lignes)")) << t->Screen();
    ASSERT_TRUE(t->WaitFor("Miel")) << t->Screen();
    // Paid offline, then killed before the platform is back: the sale is in the journal.
    GatewayDown down;
    t->Press("F5");
    t->Line("60");
    ASSERT_TRUE(t->WaitFor("HORS LIGNE — 1 ventes en attente")) << t->Screen();
    t->Kill();
  }
  EXPECT_EQ(OnHand(3, 12), before);  // nothing reached the server
  auto t =
      std::make_unique<Terminal>("kill-3", std::vector<std::string>{std::getenv("COMPTOIR_CONSOLE_BIN")}, home.Env());
  // The restarted console replays its journal by itself.
  for (int i = 0; i < 60 && OnHand(3, 12) != before - 3; ++i) std::this_thread::sleep_for(500ms);
  EXPECT_EQ(OnHand(3, 12), before - 3) << t->Screen();
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.offline AND"
                    " s.location_id = 3 AND l.product_id = 12"),
            "1");
  std::string out;
  ASSERT_EQ(Console(home, {"--json", "journal"}, out), 0) << out;
  EXPECT_EQ(boost::json::parse(out).at("pending").to_number<int>(), 0) << out;
}

TEST(ConsoleScreens, LogisticsAdjustsWithAReasonAndReadsTheLedger) {
  Home home("logistics");
  const auto before = OnHand(6, 13);
  auto t = SignedIn(home, "logistics", "logistics@comptoir.local");
  t->Press("F3");
  ASSERT_TRUE(t->WaitFor("Stock du centre d'Anjou")) << t->Screen();
  ASSERT_TRUE(t->WaitFor("Aspirateur Dyson")) << t->Screen();
  Keep("centre-stock", t->Screen());
  t->Press("Escape");
  t->Press("F4");
  ASSERT_TRUE(t->WaitFor("Ajustement de stock")) << t->Screen();
  t->Press("F2");
  t->Line("6");
  t->Line("13");
  t->Line("-2");
  t->Line("casse");
  t->Line("boîte écrasée");
  ASSERT_TRUE(t->WaitFor("Ajustement enregistré")) << t->Screen();
  EXPECT_EQ(OnHand(6, 13), before - 2);
  t->Press("Escape");
  t->Press("F5");
  t->Press("F2");
  t->Line("13");
  t->Line("6");
  ASSERT_TRUE(t->WaitFor("boîte écrasée")) << t->Screen();
  EXPECT_NE(t->Screen().find("adjustment"), std::string::npos) << t->Screen();
  Keep("movements", t->Screen());
}

TEST(ConsoleScreens, HeadOfficeDashboardReportsProductsAndStaffByKeyboard) {
  Home home("office");
  auto t = SignedIn(home, "office", "admin@comptoir.local");
  ASSERT_TRUE(t->WaitFor("Siège social")) << t->Screen();
  Keep("head-office-menu", t->Screen());
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Tableau de bord")) << t->Screen();
  ASSERT_TRUE(t->WaitFor("Westmount")) << t->Screen();
  EXPECT_NE(t->Screen().find("TOTAL"), std::string::npos) << t->Screen();
  Keep("dashboard", t->Screen());
  t->Press("Escape");
  t->Press("F3");
  t->Press("F2");
  t->Line("");
  t->Line("");
  t->Line("location");
  ASSERT_TRUE(t->WaitFor("Sous-total")) << t->Screen();
  Keep("report-sales", t->Screen());
  t->Press("F6");
  t->Line(home.path + "/rapport.csv");
  ASSERT_TRUE(t->WaitFor("lignes écrites dans")) << t->Screen();
  EXPECT_TRUE(std::filesystem::exists(home.path + "/rapport.csv"));
  t->Press("Escape");
  t->Press("F4");
  t->Press("F2");
  t->Line("TEST-ECRAN-1");
  t->Line("Bougie");
  t->Line("7,50");
  t->Line("4");
  ASSERT_TRUE(t->WaitFor("Produit TEST-ECRAN-1 créé")) << t->Screen();
  const auto found = ManagerGet("/api/v1/products/by-sku/TEST-ECRAN-1");
  EXPECT_EQ(found.at("price_cents").to_number<int>(), 750);
  t->Press("F3");
  t->Line(std::to_string(found.at("id").to_number<int>()));
  t->Line("8");
  ASSERT_TRUE(t->WaitFor("Nouveau prix : 8,00 $")) << t->Screen();
  EXPECT_EQ(ManagerGet("/api/v1/products/by-sku/TEST-ECRAN-1").at("price_cents").to_number<int>(), 800);
  t->Press("F4");
  t->Line(std::to_string(found.at("id").to_number<int>()));
  ASSERT_TRUE(t->WaitFor("archivé")) << t->Screen();
  t->Press("Escape");
  t->Press("F5");
  ASSERT_TRUE(t->WaitFor("cashier.mile-end@comptoir.local")) << t->Screen();
  t->Press("F2");
  t->Line("caissier.ecran@comptoir.local");
  t->Line("motdepasse-2");
  t->Line("Écran");
  t->Line("Caissier");
  t->Line("4");
  ASSERT_TRUE(t->WaitFor("Compte caissier.ecran@comptoir.local créé")) << t->Screen();
  std::string out;
  Home other("office-check");
  EXPECT_EQ(Console(other, {"login", "--email", "caissier.ecran@comptoir.local", "--password", "motdepasse-2"}, out), 0)
      << out;
}

// The line of `screen` that contains `label` ("" when none).
std::string LineWith(const std::string& screen, const std::string& label) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    if (line.find(label) != std::string::npos) return line;
  }
  return "";
}

TEST(ConsoleScreens, TheCashiersStockScreenShowsHereAndTheOtherStores) {
  Home home("stock-screen");
  const auto here = OnHand(4, 9), westmount = OnHand(5, 9), centre = OnHand(6, 9);
  auto t = SignedIn(home, "stock-screen", "cashier.mile-end@comptoir.local");
  t->Press("F4");
  ASSERT_TRUE(t->WaitFor("F2-Chercher")) << t->Screen();
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Produit (code, nom ou n°)")) << t->Screen();
  t->Line("cafe");  // by name, without its accent
  ASSERT_TRUE(t->WaitFor("ALIM-0001  Café  12,99 $")) << t->Screen();
  const std::string screen = t->Screen();
  Keep("cashier-stock", screen);
  // This store first-marked, the others with their own quantities (read from inventory by the test).
  EXPECT_TRUE(
      std::regex_search(LineWith(screen, "> Mile End"), std::regex("> Mile End +" + std::to_string(here) + " ")))
      << screen;
  EXPECT_TRUE(
      std::regex_search(LineWith(screen, "Westmount"), std::regex("  Westmount +" + std::to_string(westmount) + " ")))
      << screen;
  EXPECT_TRUE(std::regex_search(LineWith(screen, "Anjou"), std::regex("Anjou[^0-9]*" + std::to_string(centre) + " ")))
      << screen;
  t->Press("F2");
  t->Line("NOPE-9999");
  ASSERT_TRUE(t->WaitFor("Code inconnu : NOPE-9999")) << t->Screen();
}

TEST(ConsoleScreens, LogisticsRejectsARequestWithAReasonByKeyboard) {
  Home store("reject-store");
  Home centre_home("reject-centre");
  std::string out;
  ASSERT_EQ(Console(store, {"login", "--email", "cashier.plateau@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  ASSERT_EQ(Console(store, {"--json", "restock", "create", "--item", "17:3", "--note", "vitrine"}, out), 0) << out;
  const std::string id = std::to_string(boost::json::parse(out).at("id").to_number<std::int64_t>());
  auto t = SignedIn(centre_home, "reject-centre", "logistics@comptoir.local");
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("File des demandes")) << t->Screen();
  t->Press("F4");
  ASSERT_TRUE(t->WaitFor("N° de la demande")) << t->Screen();
  t->Line(id);
  ASSERT_TRUE(t->WaitFor("Motif du refus")) << t->Screen();
  t->Line("rupture chez le fournisseur");
  ASSERT_TRUE(t->WaitFor("Demande " + id + " refusée")) << t->Screen();
  const auto request = ManagerGet("/api/v1/restock-requests/" + id);
  EXPECT_EQ(request.at("status"), "rejected");
  EXPECT_EQ(request.at("reject_reason"), "rupture chez le fournisseur");
}

TEST(ConsoleScreens, AnAdminDisablesAnAccountByKeyboard) {
  Home office("disable-office");
  std::string out;
  ASSERT_EQ(Console(office, {"login", "--email", "admin@comptoir.local", "--password", "comptoir-demo"}, out), 0)
      << out;
  ASSERT_EQ(
      Console(office,
              {"--json", "staff", "create", "--email", "caissier.parti@comptoir.local", "--password", "motdepasse-3",
               "--first-name", "Parti", "--last-name", "Caissier", "--role", "cashier", "--location", "5"},
              out),
      0)
      << out;
  const std::string id = std::to_string(boost::json::parse(out).at("id").to_number<std::int64_t>());
  Home leaver("disable-leaver");
  ASSERT_EQ(Console(leaver, {"login", "--email", "caissier.parti@comptoir.local", "--password", "motdepasse-3"}, out),
            0)
      << out;
  auto t = SignedIn(office, "disable-office", "admin@comptoir.local");
  t->Press("F5");
  ASSERT_TRUE(t->WaitFor("caissier.parti@comptoir.local")) << t->Screen();
  t->Press("F3");
  ASSERT_TRUE(t->WaitFor("Compte (n°)")) << t->Screen();
  t->Line(id);
  ASSERT_TRUE(t->WaitFor("Compte " + id + " désactivé")) << t->Screen();
  EXPECT_EQ(Console(leaver, {"login", "--email", "caissier.parti@comptoir.local", "--password", "motdepasse-3"}, out),
            1)
      << out;  // a disabled account cannot sign in
  ASSERT_EQ(Console(office, {"staff", "list"}, out), 0) << out;
  EXPECT_NE(LineWith(out, "caissier.parti@comptoir.local").find("désactivé"), std::string::npos) << out;
}

TEST(ConsoleScreens, TheDashboardRefreshesWithoutAKey) {
  Home office("dashboard-live");
  Home till("dashboard-till");
  auto mile_end = [] {
    const auto dashboard = ManagerGet("/api/v1/dashboard");
    for (const auto& s : dashboard.at("stores").as_array()) {
      if (s.at("location_id").to_number<int>() == 4) return s.at("revenue_today_cents").to_number<std::int64_t>();
    }
    return std::int64_t{-1};
  };
  const auto before = mile_end();
  auto t = SignedIn(office, "dashboard-live", "manager@comptoir.local");
  t->Press("F2");
  ASSERT_TRUE(t->WaitFor("Mile End")) << t->Screen();
  EXPECT_NE(LineWith(t->Screen(), "Mile End").find(FormatMoney(before)), std::string::npos) << t->Screen();
  std::string out;
  ASSERT_EQ(Console(till, {"login", "--email", "cashier.mile-end@comptoir.local", "--password", "comptoir-demo"}, out),
            0)
      << out;
  ASSERT_EQ(Console(till, {"--json", "sale", "--item", "ALIM-0002", "--pay", "cash:10"}, out), 0) << out;
  // Reporting reads the sale's event: once the dashboard has it, the screen shows it by itself (every 10 s).
  std::int64_t after = before;
  for (int i = 0; i < 60 && after == before; ++i) {
    after = mile_end();
    if (after == before) std::this_thread::sleep_for(500ms);
  }
  ASSERT_EQ(after, before + 574);
  bool shown = false;
  for (int i = 0; i < 50 && !shown; ++i) {  // no key is pressed
    shown = LineWith(t->Screen(), "Mile End").find(FormatMoney(after)) != std::string::npos;
    if (!shown) std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(shown) << t->Screen();
}

}  // namespace
}  // namespace comptoir::console::testing
