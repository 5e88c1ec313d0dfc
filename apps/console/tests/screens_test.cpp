// Unit tests of the screens (UI-free: what they show and how they react to lines and keys), over a
// scripted transport. FINAL CUT only draws these; here nothing is drawn.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "comptoir/console/format.hpp"
#include "tests/scripted_transport.hpp"
#include "ui/screens.hpp"

namespace comptoir::console::ui {
namespace {

const char* kCatalogue =
    R"({"data":[{"id":5,"sku":"VETE-0001","name":"T-shirt","price_cents":1999,"active":true},{"id":9,"sku":"ALIM-0001","name":"Café","price_cents":1299,"active":true},{"id":11,"sku":"ALIM-0003","name":"Thé Vert","price_cents":899,"active":true}],"meta":{}})";

class ScreensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("console-screens-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Settings settings;
    settings.home = dir_.string();
    auto t = std::make_unique<ScriptedTransport>();
    transport_ = t.get();
    station_ = std::make_unique<Station>(settings, std::move(t));
    transport_->Answer("POST /api/v1/auth/staff/login", Reply{200, TokenAnswer(Jwt("cashier", 4, 4102444800))});
    transport_->Answer("GET /api/v1/products", Reply{200, kCatalogue});
    transport_->Answer("GET /api/v1/locations", Reply{200, R"({"data":[{"id":4,"name":"Mile End"}]})"});
    nav_ = std::make_unique<Navigator>(*station_);
    nav_->Home();
    nav_->Settle();
    Type("cashier.mile-end@comptoir.local");
    Type("comptoir-demo");
  }
  void TearDown() override {
    nav_.reset();
    station_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Type(const std::string& line) {
    nav_->current().Enter(line);
    nav_->Settle();
  }
  void Press(Key key) {
    nav_->current().Press(key);
    nav_->Settle();
  }
  std::string Body() {
    std::string out;
    for (const auto& l : nav_->current().Body()) out += l + "\n";
    return out;
  }

  std::filesystem::path dir_;
  ScriptedTransport* transport_ = nullptr;
  std::unique_ptr<Station> station_;
  std::unique_ptr<Navigator> nav_;
};

TEST_F(ScreensTest, SignInLeadsToTheCashiersMenuWithTheIndicator) {
  EXPECT_EQ(nav_->current().Title(), "Caisse — Mile End");
  EXPECT_EQ(nav_->Header(), "EN LIGNE · cashier.mile-end · Mile End");
  EXPECT_NE(Body().find("F2    Vente"), std::string::npos);
}

TEST_F(ScreensTest, ASaleByCodeQuantityAndNameThenCashForTheRest) {
  Press(Key::kF2);
  ASSERT_EQ(nav_->current().Title(), "Vente — Mile End");
  transport_->Answer("GET /api/v1/products/by-sku/VETE-0001",
                     Reply{200, R"({"id":5,"sku":"VETE-0001","name":"T-shirt","price_cents":1999,"active":true})"});
  Type("2*VETE-0001");
  EXPECT_EQ(nav_->current().message, "2 × T-shirt ajouté");
  // A name: not a SKU (404), then product's search finds two.
  transport_->Answer("GET /api/v1/products/by-sku/t", Reply{404, R"({"code":"product.not_found"})"});
  transport_->Answer("GET /api/v1/products?q=t", Reply{200, kCatalogue});
  Type("t");
  EXPECT_NE(Body().find("Plusieurs produits correspondent"), std::string::npos) << Body();
  EXPECT_EQ(nav_->current().Prompt(), "Choix (1-3) :");
  Type("2");  // Café
  EXPECT_EQ(nav_->current().message, "1 × Café ajouté");
  const std::string basket = Body();
  EXPECT_NE(basket.find(PadRight("TOTAL", 20) + PadLeft("60,90 $", 13)), std::string::npos) << basket;
  EXPECT_FALSE(station_->journal().Draft().empty());  // kept at every change

  Press(Key::kF5);
  EXPECT_EQ(nav_->current().Prompt(), "Comptant (vide = 60,90 $) :");
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-000042", 6090)});
  Type("100");
  EXPECT_NE(nav_->current().message.find("Vente S4-000042 enregistrée"), std::string::npos) << nav_->current().message;
  EXPECT_NE(Body().find("Reçu S4-000042"), std::string::npos) << Body();
  EXPECT_TRUE(station_->journal().Draft().empty());
  Type("");  // a new sale
  EXPECT_EQ(nav_->current().Prompt(), "Article (code, nom, 3*code) :");
}

TEST_F(ScreensTest, OnTheReceiptF8SendsItByEmailAndTheReceiptStays) {
  Press(Key::kF2);
  transport_->Answer("GET /api/v1/products/by-sku/VETE-0001",
                     Reply{200, R"({"id":5,"sku":"VETE-0001","name":"T-shirt","price_cents":1999,"active":true})"});
  Type("VETE-0001");
  Press(Key::kF5);
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-000042", 2298)});
  Type("30");
  ASSERT_NE(Body().find("Reçu S4-000042"), std::string::npos) << Body();
  Press(Key::kF8);
  EXPECT_EQ(nav_->current().Prompt(), "Courriel du client :");
  transport_->Answer("GET /api/v1/sales?per_page=100", Reply{200, R"({"data":[)" + ReceiptAnswer("S4-000042", 2298) + "]}"});
  transport_->Answer("POST /api/v1/sales/1/receipt/email", Reply{202, R"({"id":7,"status":"queued"})"});
  Type("jean.dupont@example.com");
  EXPECT_EQ(nav_->current().message, "Reçu S4-000042 envoyé à jean.dupont@example.com (en file d'envoi)");
  EXPECT_EQ(transport_->sent.back().body, R"({"to":"jean.dupont@example.com"})");
  EXPECT_NE(Body().find("Reçu S4-000042"), std::string::npos) << Body();  // still on screen
  EXPECT_EQ(nav_->current().Prompt(), "Entrée : nouvelle vente");
}

TEST_F(ScreensTest, OfflineTheSaleScreenRefusesCardsAndSellsForCash) {
  Press(Key::kF2);
  transport_->Down();
  Type("ALIM-0001");  // from the synced catalogue
  EXPECT_EQ(nav_->current().message, "1 × Café ajouté");
  Press(Key::kF6);
  EXPECT_EQ(nav_->current().message, TenderRefusalText(TenderRefusal::kOfflineNeedsServer));
  Press(Key::kF5);
  EXPECT_EQ(nav_->current().Prompt(), "Comptant (vide = 14,95 $) :");
  Type("");
  EXPECT_NE(nav_->current().message.find("hors ligne enregistrée (HL-000001)"), std::string::npos)
      << nav_->current().message;
  EXPECT_EQ(nav_->Header(), "HORS LIGNE — 1 ventes en attente · cashier.mile-end · Mile End");
}

TEST_F(ScreensTest, ABasketSurvivesLeavingAndARestart) {
  Press(Key::kF2);
  transport_->Answer("GET /api/v1/products/by-sku/ALIM-0003",
                     Reply{200, R"({"id":11,"sku":"ALIM-0003","name":"Thé Vert","price_cents":899,"active":true})"});
  Type("3*ALIM-0003");
  Press(Key::kEscape);
  EXPECT_EQ(nav_->current().Title(), "Caisse — Mile End");
  Navigator again(*station_);  // the console started again
  again.Home();
  again.Settle();
  ASSERT_EQ(again.current().Title(), "Vente — Mile End");
  EXPECT_EQ(again.current().message, "Vente en cours reprise (1 lignes)");
  again.current().Press(Key::kF9);
  EXPECT_TRUE(station_->journal().Draft().empty());
}

TEST_F(ScreensTest, QuantityAndRemoveWorkOnLineNumbers) {
  Press(Key::kF2);
  transport_->Answer("GET /api/v1/products/by-sku/ALIM-0001",
                     Reply{200, R"({"id":9,"sku":"ALIM-0001","name":"Café","price_cents":1299,"active":true})"});
  Type("ALIM-0001");
  Press(Key::kF3);
  Type("1 4");
  EXPECT_NE(Body().find(PadRight("Sous-total", 20) + PadLeft("51,96 $", 13)), std::string::npos) << Body();
  Press(Key::kF3);
  Type("9 1");
  EXPECT_EQ(nav_->current().message, "Écrire le n° de ligne puis la quantité, ex. 2 3");
  Press(Key::kF4);
  Type("1");
  EXPECT_EQ(nav_->current().message, "Ligne 1 annulée");
  EXPECT_NE(Body().find(PadRight("TOTAL", 20) + PadLeft("0,00 $", 13)), std::string::npos) << Body();
}

TEST_F(ScreensTest, FormsCollectTheirPromptsThenRunAndEscapeCancels) {
  Press(Key::kF6);  // the register
  ASSERT_EQ(nav_->current().Title(), "Caisse");
  Press(Key::kF2);
  EXPECT_EQ(nav_->current().Prompt(), "Fonds de caisse ($) :");
  Press(Key::kEscape);
  EXPECT_EQ(nav_->current().message, "Annulé");
  Press(Key::kF2);
  Type("deux cents");
  EXPECT_EQ(nav_->current().message, "Montant invalide : deux cents");
  transport_->Answer(
      "POST /api/v1/register-sessions",
      Reply{
          201,
          R"({"id":7,"location_id":4,"register":"1","status":"open","opening_float_cents":20000,"opened_at":"2026-12-04T13:00:00Z"})"});
  Press(Key::kF2);
  Type("200");
  EXPECT_EQ(nav_->current().message, "Caisse ouverte avec 200,00 $");
  EXPECT_EQ(station_->register_session(), 7);
  Press(Key::kEscape);
  EXPECT_EQ(nav_->current().Title(), "Caisse — Mile End");
}

}  // namespace
}  // namespace comptoir::console::ui

namespace comptoir::console::ui {
namespace {

// Issue 15 (ADR 0141): the sale screen shows the store's promotions and a cashier's line discount (F1),
// and above the limit a manager signs in at the till before the sale goes with their approval.
TEST_F(ScreensTest, PromotionsShowAndADiscountAboveTheLimitTakesAManager) {
  transport_->Answer(
      "GET /api/v1/promotions",
      Reply{200, R"({"data":[{"id":1,"name":"T-shirts : 2 achetés, 1 offert","kind":"buy_x_get_y","product_ids":[5],)"
                 R"("category_id":null,"percent":0,"buy_quantity":2,"get_quantity":1,"bundle":[],"bundle_price_cents":0}],"meta":{}})"});
  Press(Key::kF2);
  transport_->Answer("GET /api/v1/products/by-sku/VETE-0001",
                     Reply{200, R"({"id":5,"sku":"VETE-0001","name":"T-shirt","price_cents":1999,"active":true,)"
                                R"("category_id":2,"tax_class":"taxable"})"});
  Type("3*VETE-0001");
  std::string basket = Body();
  EXPECT_NE(basket.find("T-shirts : 2 achetés, 1 offert"), std::string::npos) << basket;
  EXPECT_NE(basket.find(PadRight("TOTAL", 20) + PadLeft("45,97 $", 13)), std::string::npos) << basket;

  Press(Key::kF1);
  EXPECT_EQ(nav_->current().Prompt(), "Ligne et rabais (2 10% ; 2 5,00 ; 2 0 = aucun) :");
  Type("1 25%");  // 25 % of the 39.98 $ still due on the line: above the 20 % a cashier gives alone
  EXPECT_EQ(nav_->current().Prompt(), "Rabais au-delà de 20 % — courriel du responsable :");
  Type("manager@comptoir.local");
  EXPECT_TRUE(nav_->current().Secret());
  transport_->Answer("POST /api/v1/auth/staff/login", Reply{200, TokenAnswer(Jwt("manager", 7, 4102444800))});
  Type("comptoir-demo");
  EXPECT_EQ(nav_->current().message, "Rabais approuvé par le responsable");
  basket = Body();
  EXPECT_NE(basket.find("Rabais"), std::string::npos) << basket;
  // 39.98 − 10.00 (25 %, 9.995 → 10.00) = 29.98; GST 1.50 (1.499); QST 2.99 (2.990505): 34.47 $.
  EXPECT_NE(basket.find(PadRight("TOTAL", 20) + PadLeft("34,47 $", 13)), std::string::npos) << basket;

  Press(Key::kF6);
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-000043", 3447)});
  Type("");
  ASSERT_FALSE(transport_->sent.empty());
  const Sent& sale = transport_->sent.back();
  EXPECT_EQ(sale.target, "/api/v1/sales");
  EXPECT_NE(sale.body.find(R"("discount":{"percent":25})"), std::string::npos) << sale.body;
}

TEST_F(ScreensTest, AnImpossibleDiscountIsRefusedAndChangesNothing) {
  Press(Key::kF2);
  transport_->Answer("GET /api/v1/products/by-sku/ALIM-0002",
                     Reply{200, R"({"id":10,"sku":"ALIM-0002","name":"Chocolat Noir","price_cents":499,"active":true})"});
  Type("ALIM-0002");
  Press(Key::kF1);
  Type("1 5,00");  // more than the 4.99 $ line
  EXPECT_EQ(nav_->current().message, "Rabais refusé (1 à 100 %, ou un montant jusqu'au prix de la ligne)");
  EXPECT_NE(Body().find(PadRight("TOTAL", 20) + PadLeft("5,74 $", 13)), std::string::npos) << Body();
}

}  // namespace
}  // namespace comptoir::console::ui
