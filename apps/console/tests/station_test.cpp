// Unit tests of the console's operations over a scripted transport (no network): the sale goes to the
// journal before the server, offline sales are cash only, the journal replays in order exactly once,
// refused replays are kept as discrepancies, tokens are refreshed.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/console/format.hpp"
#include "comptoir/console/station.hpp"
#include "tests/scripted_transport.hpp"

namespace comptoir::console {
namespace {

const Item kCafe{9, "ALIM-0001", "Café", 1299, true};

class StationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("console-station-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    settings_.home = dir_.string();
    auto t = std::make_unique<ScriptedTransport>();
    transport_ = t.get();
    station_ = std::make_unique<Station>(settings_, std::move(t));
    transport_->Answer("POST /api/v1/auth/staff/login", Reply{200, TokenAnswer(Jwt("cashier", 4, 4102444800))});
    transport_->Answer(
        "GET /api/v1/products",
        Reply{200,
              R"({"data":[{"id":9,"sku":"ALIM-0001","name":"Café","price_cents":1299,"active":true,)"
              R"("category_id":3,"tax_class":"zero_rated","barcode":"7540001000096","scale_code":null}],"meta":{}})"});
    transport_->Answer("GET /api/v1/locations", Reply{200, R"({"data":[{"id":4,"name":"Mile End"}]})"});
    ASSERT_TRUE(station_->Login("cashier.mile-end@comptoir.local", "comptoir-demo").ok);
    transport_->sent.clear();
  }
  void TearDown() override {
    station_.reset();
    std::filesystem::remove_all(dir_);
  }
  Till CashSale(std::int64_t cash = 2000) {
    Till till;
    till.Add(kCafe);
    EXPECT_EQ(till.AddTender({Method::kCash, cash, ""}, station_->offline()), TenderRefusal::kNone);
    return till;
  }
  std::vector<Sent> SalesSent() const {
    std::vector<Sent> out;
    for (const auto& s : transport_->sent) {
      if (s.method == "POST" && s.target == "/api/v1/sales") out.push_back(s);
    }
    return out;
  }
  std::string Printed() const {
    std::ifstream in(dir_ / "receipts.txt");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  Settings settings_;
  ScriptedTransport* transport_ = nullptr;
  std::unique_ptr<Station> station_;
};

TEST_F(StationTest, SignInKeepsWhoAndWhereAndTheCatalogue) {
  EXPECT_EQ(station_->who().role, "cashier");
  EXPECT_EQ(station_->store(), 4);
  EXPECT_EQ(station_->LocationName(4), "Mile End");
  EXPECT_EQ(station_->journal().CatalogueSize(), 1);
  EXPECT_EQ(station_->ConnectionText(), "EN LIGNE");
}

TEST_F(StationTest, AnOnlineSaleIsJournaledThenRecordedAndPrinted) {
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-000042", 1494)});
  Till till = CashSale();
  SaleOutcome out = station_->Sell(till);
  EXPECT_EQ(out.state, SaleState::kRecorded) << out.message;
  EXPECT_EQ(out.receipt.receipt_number, "S4-000042");
  EXPECT_TRUE(till.empty());
  auto sent = SalesSent();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].key.empty());
  EXPECT_EQ(sent[0].body.find("offline"), std::string::npos);
  auto entry = station_->journal().Find(out.seq);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->status, EntryStatus::kSent);
  EXPECT_EQ(entry->idempotency_key, sent[0].key);
  EXPECT_NE(Printed().find("Reçu S4-000042"), std::string::npos);
}

TEST_F(StationTest, AGiftCardPinIsSentButNeverJournaled) {
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-000043", 1494)});
  Till till;
  till.Add(kCafe);
  ASSERT_EQ(till.AddTender({Method::kGiftCard, 1494, "GC-M5WH-9SD0-RR8Q-PRQZ", "314159"}, false), TenderRefusal::kNone);
  SaleOutcome out = station_->Sell(till);
  ASSERT_EQ(out.state, SaleState::kRecorded) << out.message;
  ASSERT_EQ(SalesSent().size(), 1u);
  EXPECT_NE(SalesSent()[0].body.find("\"gift_card_pin\":\"314159\""), std::string::npos);
  EXPECT_EQ(station_->journal().Find(out.seq)->body.find("314159"), std::string::npos);
  EXPECT_NE(station_->journal().Find(out.seq)->body.find("GC-M5WH-9SD0-RR8Q-PRQZ"), std::string::npos);
}

TEST_F(StationTest, WithTheGatewayDownACashSaleIsKeptOfflineAndCardIsRefused) {
  transport_->Down();
  Till first = CashSale();
  SaleOutcome out = station_->Sell(first);  // the first attempt finds the platform gone
  EXPECT_EQ(out.state, SaleState::kOffline) << out.message;
  EXPECT_TRUE(station_->offline());
  EXPECT_EQ(station_->ConnectionText(), "HORS LIGNE — 1 ventes en attente");
  auto entry = station_->journal().Find(out.seq);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry->offline);
  EXPECT_NE(entry->body.find("\"offline\":true"), std::string::npos);
  EXPECT_NE(Printed().find("VENTE HORS LIGNE - EN ATTENTE"), std::string::npos);

  Till card;
  card.Add(kCafe);
  EXPECT_EQ(card.AddTender({Method::kCard, 1494, ""}, station_->offline()), TenderRefusal::kOfflineNeedsServer);

  Till second = CashSale(1500);
  EXPECT_EQ(station_->Sell(second).state, SaleState::kOffline);
  EXPECT_EQ(station_->ConnectionText(), "HORS LIGNE — 2 ventes en attente");
}

TEST_F(StationTest, TheJournalIsReplayedInOrderExactlyOnce) {
  transport_->Down();
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 3; ++i) {
    Till t = CashSale();
    seqs.push_back(station_->Sell(t).seq);
  }
  const auto pending = station_->journal().Pending();
  ASSERT_EQ(pending.size(), 3u);
  transport_->sent.clear();
  transport_->Up();
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-1", 1494)});
  transport_->Answer("POST /api/v1/sales", Reply{0, "", "timed out", false});  // the second answer is lost
  ReplayReport first = station_->Replay();
  EXPECT_EQ(first.sent, 1);
  EXPECT_TRUE(first.stopped);
  EXPECT_EQ(first.pending, 2);
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-2", 1494)});
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-3", 1494)});
  ReplayReport second = station_->Replay();
  EXPECT_EQ(second.sent, 2);
  EXPECT_EQ(second.pending, 0);
  auto sent = SalesSent();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].key, pending[0].idempotency_key);
  EXPECT_EQ(sent[1].key, pending[1].idempotency_key);
  EXPECT_EQ(sent[2].key, pending[1].idempotency_key);  // the lost answer: the same key again
  EXPECT_EQ(sent[2].body, pending[1].body);
  EXPECT_EQ(sent[3].key, pending[2].idempotency_key);
  EXPECT_EQ(station_->Replay().sent, 0);  // nothing is sent twice
  EXPECT_EQ(SalesSent().size(), 4u);
  EXPECT_EQ(station_->ConnectionText(), "EN LIGNE");
}

// Café is a zero-rated grocery (ADR 0140): offline, from the synced catalogue, it is sold untaxed, as the server
// will record it, so that its replay is no discrepancy.
TEST_F(StationTest, AnOfflineZeroRatedSaleIsUntaxedAndReplaysWithoutDiscrepancy) {
  transport_->Down();
  std::string problem;
  auto by_sku = station_->Lookup("ALIM-0001", problem);
  ASSERT_TRUE(by_sku) << problem;
  EXPECT_TRUE(station_->offline());
  EXPECT_EQ(by_sku->tax_class, money::TaxClass::kZeroRated);
  EXPECT_EQ(by_sku->category_id, 3);
  auto scanned = station_->Lookup("7540001000096", problem);  // a scan works offline too
  ASSERT_TRUE(scanned) << problem;
  EXPECT_EQ(scanned->id, 9);
  EXPECT_EQ(scanned->tax_class, money::TaxClass::kZeroRated);
  EXPECT_FALSE(station_->Lookup("7540001000119", problem));
  EXPECT_EQ(problem, "Code-barres inconnu (catalogue hors ligne) : 7540001000119");

  Till till;
  till.Add(*scanned);
  EXPECT_EQ(till.totals().subtotal_cents, 1299);
  EXPECT_EQ(till.totals().gst_cents, 0);
  EXPECT_EQ(till.totals().qst_cents, 0);
  EXPECT_EQ(till.totals().total_cents, 1299);
  EXPECT_EQ(till.CashToPay(), 1300);
  ASSERT_EQ(till.AddTender({Method::kCash, 1300, ""}, station_->offline()), TenderRefusal::kNone);
  SaleOutcome out = station_->Sell(till);
  ASSERT_EQ(out.state, SaleState::kOffline) << out.message;
  EXPECT_EQ(out.receipt.totals.total_cents, 1299);
  EXPECT_EQ(out.receipt.cash_rounding_cents, 1);
  EXPECT_EQ(out.receipt.change_cents, 0);
  EXPECT_EQ(station_->journal().Find(out.seq)->local_total_cents, 1299);
  EXPECT_NE(Printed().find("12,99 $"), std::string::npos) << Printed();
  EXPECT_EQ(Printed().find("14,94"), std::string::npos) << Printed();

  transport_->Up();
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-000050", 1299)});
  ReplayReport r = station_->Replay();
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(r.refused, 0);
  EXPECT_TRUE(station_->journal().Discrepancies(true).empty());
}

TEST_F(StationTest, OnlyAManagerOrAnAdminResolvesADiscrepancy) {
  transport_->Down();
  Till t = CashSale();
  const std::int64_t seq = station_->Sell(t).seq;
  transport_->Up();
  transport_->Answer("POST /api/v1/sales",
                     Reply{422, R"({"code":"sales.unknown_product","detail":"lines[0]: product 9 is archived"})"});
  ASSERT_EQ(station_->Replay().refused, 1);

  Outcome cashier = station_->Resolve(seq, "recompté");  // signed in as the Mile End cashier
  EXPECT_FALSE(cashier.ok);
  EXPECT_EQ(cashier.status, 403);
  EXPECT_EQ(cashier.code, "console.manager_required");
  EXPECT_EQ(cashier.message, "Seul un gérant ou un administrateur peut régler un écart.");
  ASSERT_EQ(station_->journal().Discrepancies(false).size(), 1u);  // still to settle

  station_->Logout();
  Outcome nobody = station_->Resolve(seq, "recompté");
  EXPECT_FALSE(nobody.ok);
  EXPECT_EQ(nobody.code, "console.not_signed_in");
  ASSERT_EQ(station_->journal().Discrepancies(false).size(), 1u);

  transport_->Answer("POST /api/v1/auth/staff/login", Reply{200, TokenAnswer(Jwt("manager", 4, 4102444800))});
  transport_->Answer("GET /api/v1/products", Reply{200, R"({"data":[],"meta":{}})"});
  transport_->Answer("GET /api/v1/locations", Reply{200, R"({"data":[{"id":4,"name":"Mile End"}]})"});
  ASSERT_TRUE(station_->Login("gerant@comptoir.local", "comptoir-demo").ok);
  transport_->Down();  // a manager settles it at the till while the platform is down too
  Outcome manager = station_->Resolve(seq, "recompté");
  EXPECT_TRUE(manager.ok) << manager.message;
  EXPECT_EQ(manager.message, "Écart " + std::to_string(seq) + " réglé");
  EXPECT_TRUE(station_->journal().Discrepancies(false).empty());
  EXPECT_EQ(station_->journal().Discrepancies(true)[0].resolved_note, "recompté");
}

// The catalogue of a journal upgraded from the console before tax classes is synced again once the platform answers.
TEST_F(StationTest, AStaleCatalogueIsSyncedAgainWhenThePlatformAnswers) {
  station_->journal().Set("catalogue_stale", "1");
  transport_->Down();
  EXPECT_EQ(station_->Replay().sent, 0);
  EXPECT_TRUE(station_->journal().CatalogueStale());  // offline: kept for offline sales
  transport_->Up();
  transport_->Answer(
      "GET /api/v1/products",
      Reply{200, R"({"data":[{"id":11,"sku":"ALIM-0003","name":"Thé Vert","price_cents":899,"active":true,)"
                 R"("category_id":3,"tax_class":"zero_rated","barcode":"7540001000119"}],"meta":{}})"});
  transport_->Answer("GET /api/v1/locations", Reply{200, R"({"data":[{"id":4,"name":"Mile End"}]})"});
  station_->Replay();
  EXPECT_FALSE(station_->journal().CatalogueStale());
  ASSERT_TRUE(station_->journal().ByBarcode("7540001000119"));
  EXPECT_EQ(station_->journal().ByBarcode("7540001000119")->tax_class, money::TaxClass::kZeroRated);
}

TEST_F(StationTest, ARefusedReplayIsKeptAsADiscrepancyAndTheRestGoesOn) {
  transport_->Down();
  for (int i = 0; i < 2; ++i) {
    Till t = CashSale();
    station_->Sell(t);
  }
  transport_->Up();
  transport_->Answer("POST /api/v1/sales",
                     Reply{422, R"({"code":"sales.unknown_product","detail":"lines[0]: product 9 is archived"})"});
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-5", 1494)});
  ReplayReport r = station_->Replay();
  EXPECT_EQ(r.refused, 1);
  EXPECT_EQ(r.sent, 1);
  Outcome d = station_->Discrepancies(false);
  ASSERT_EQ(station_->journal().Discrepancies(false).size(), 1u);
  EXPECT_NE(d.json.find("sales.unknown_product"), std::string::npos);
  bool shown = false;
  for (const auto& l : d.text) shown = shown || l.find("archived") != std::string::npos;
  EXPECT_TRUE(shown);
}

TEST_F(StationTest, AReversedAttemptIsRetriedUnderANewKey) {
  transport_->Down();
  Till t = CashSale();
  auto seq = station_->Sell(t).seq;
  const std::string old_key = station_->journal().Find(seq)->idempotency_key;
  transport_->Up();
  transport_->Answer("POST /api/v1/sales", Reply{409, R"({"code":"sales.key_abandoned"})"});
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-6", 1494)});
  EXPECT_EQ(station_->Replay().sent, 1);
  auto sent = SalesSent();
  ASSERT_EQ(sent.size(), 3u);  // the refused-at-first one, then two replay attempts
  EXPECT_EQ(sent[1].key, old_key);
  EXPECT_NE(sent[2].key, old_key);
  EXPECT_EQ(station_->journal().Find(seq)->idempotency_key, sent[2].key);
}

TEST_F(StationTest, ALostAnswerOnlineLeavesTheSalePendingWithItsKey) {
  transport_->Answer("POST /api/v1/sales", Reply{0, "", "timed out", false});
  Till t = CashSale();
  SaleOutcome out = station_->Sell(t);
  EXPECT_EQ(out.state, SaleState::kPending);
  auto e = station_->journal().Find(out.seq);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, EntryStatus::kPending);
  EXPECT_EQ(e->body.find("offline"), std::string::npos);  // it may have reached the server: same body
  transport_->Answer("POST /api/v1/sales", Reply{201, ReceiptAnswer("S4-7", 1494)});
  EXPECT_EQ(station_->Replay().sent, 1);
  EXPECT_EQ(SalesSent()[0].key, SalesSent()[1].key);
}

TEST_F(StationTest, ARefusalWithTheCustomerPresentKeepsTheBasket) {
  transport_->Answer("POST /api/v1/sales",
                     Reply{409, R"({"code":"inventory.insufficient_stock","detail":"not enough stock"})"});
  Till t = CashSale();
  SaleOutcome out = station_->Sell(t);
  EXPECT_EQ(out.state, SaleState::kRefused);
  EXPECT_EQ(out.message, "Stock insuffisant dans ce magasin. (not enough stock)");  // French, then the detail
  EXPECT_FALSE(t.empty());
  EXPECT_EQ(station_->journal().PendingCount(), 0);
  EXPECT_TRUE(station_->journal().Discrepancies(true).empty());
  EXPECT_FALSE(station_->journal().Draft().empty());
}

TEST_F(StationTest, AnExpiredTokenIsRefreshedOnceAndTheCallRetried) {
  transport_->Answer("GET /api/v1/dashboard", Reply{401, R"({"code":"auth.token_expired"})"});
  transport_->Answer("POST /api/v1/auth/refresh", Reply{200, TokenAnswer(Jwt("cashier", 4, 4102444801))});
  transport_->Answer("GET /api/v1/dashboard",
                     Reply{200, R"({"stores":[],"online":{},"totals":{},"as_of":"2026-12-04T15:00:00Z"})"});
  Outcome o = station_->Dashboard();
  EXPECT_TRUE(o.ok) << o.message;
  ASSERT_EQ(transport_->sent.size(), 3u);
  EXPECT_NE(transport_->sent[0].authorization, transport_->sent[2].authorization);
  EXPECT_EQ(station_->journal().Get("access_token"), Jwt("cashier", 4, 4102444801));
}

TEST_F(StationTest, ARefusedRefreshEndsTheSession) {
  transport_->Answer("GET /api/v1/dashboard", Reply{401, R"({"code":"auth.token_expired"})"});
  transport_->Answer("POST /api/v1/auth/refresh", Reply{401, R"({"code":"auth.invalid_refresh_token"})"});
  EXPECT_FALSE(station_->Dashboard().ok);
  EXPECT_FALSE(station_->signed_in());
  EXPECT_EQ(station_->journal().Get("access_token"), "");
}

TEST_F(StationTest, CsvExportQuotesWhatNeedsIt) {
  Outcome report;
  report.ok = true;
  report.json = R"({"rows":[{"name":"Café, moulu","total_cents":1494},{"name":"Thé \"vert\"","total_cents":899}]})";
  const std::string path = (dir_ / "report.csv").string();
  ASSERT_TRUE(station_->ExportCsv(report, path).ok);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "name,total_cents\n\"Café, moulu\",1494\n\"Thé \"\"vert\"\"\",899\n");
}

// Inventory takes an adjustment only with a reason code and a note (ADR 0009): the motif typed in French becomes
// the code, an unknown one is refused at the console without a call.
TEST(AdjustmentMotifs, FrenchWordsAndCodesMapToInventorysCodes) {
  EXPECT_EQ(AdjustmentReasonCode("casse"), "damaged");
  EXPECT_EQ(AdjustmentReasonCode("Endommagé"), "damaged");
  EXPECT_EQ(AdjustmentReasonCode("VOL"), "theft_or_loss");
  EXPECT_EQ(AdjustmentReasonCode("perte"), "theft_or_loss");
  EXPECT_EQ(AdjustmentReasonCode("inventaire"), "count_correction");
  EXPECT_EQ(AdjustmentReasonCode("Trouvé"), "found");
  EXPECT_EQ(AdjustmentReasonCode("périmé"), "expired");
  EXPECT_EQ(AdjustmentReasonCode("retour fournisseur"), "return_to_vendor");
  EXPECT_EQ(AdjustmentReasonCode("usage-interne"), "internal_use");
  EXPECT_EQ(AdjustmentReasonCode("autre"), "other");
  EXPECT_EQ(AdjustmentReasonCode("theft_or_loss"), "theft_or_loss");
  EXPECT_FALSE(AdjustmentReasonCode("").has_value());
  EXPECT_FALSE(AdjustmentReasonCode("parce que").has_value());
  EXPECT_FALSE(AdjustmentReasonCode("initial_stock").has_value());  // the seed's code is not for staff
}

TEST_F(StationTest, AnAdjustmentSendsTheReasonCodeAndAnUnknownMotifCallsNothing) {
  transport_->Answer("POST /api/v1/inventory/movements", Reply{201, R"({"key":"k","movements":[]})"});
  ASSERT_TRUE(station_->Adjust(6, 13, -2, "casse", "boîte écrasée").ok);
  ASSERT_EQ(transport_->sent.size(), 1u);
  auto body = boost::json::parse(transport_->sent[0].body);
  EXPECT_EQ(body.at("reason").as_string(), "adjustment");
  EXPECT_EQ(body.at("adjustment_reason").as_string(), "damaged");
  EXPECT_EQ(body.at("note").as_string(), "boîte écrasée");
  Outcome refused = station_->Adjust(6, 13, -2, "je ne sais pas", "x");
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.code, "console.unknown_motif");
  EXPECT_EQ(transport_->sent.size(), 1u);
}

TEST_F(StationTest, ScanOfAPriceEmbeddedLabelSellsThePieceAtItsPrice) {
  transport_->Answer(
      "GET /api/v1/products/by-barcode/2100011012349",
      Reply{200, R"({"barcode":"2100011012349","kind":"price_embedded","item_code":"10001",)"
                 R"("embedded_price_cents":1234,"price_cents":1234,"product":{"id":19,"sku":"ALIM-0005",)"
                 R"("name":"Fromage Oka au poids","price_cents":3990,"active":true}})"});
  std::string problem;
  auto item = station_->Lookup("2100011012349", problem);
  ASSERT_TRUE(item) << problem;
  EXPECT_EQ(item->id, 19);
  EXPECT_EQ(item->price_cents, 1234);  // the label's price, not the 39,90 $/kg of the shelf
  EXPECT_TRUE(item->price_embedded());
  Till till;
  till.Add(*item);
  till.Add(*item);  // a second piece: its own line
  till.Add(kCafe);
  ASSERT_EQ(till.lines().size(), 3u);
  EXPECT_EQ(till.totals().subtotal_cents, 1234 + 1234 + 1299);
  auto body = boost::json::parse(till.SaleBody(4, std::nullopt, ""));
  const auto& lines = body.at("lines").as_array();
  EXPECT_EQ(lines[0].at("barcode").as_string(), "2100011012349");  // the server prices it from the label again
  EXPECT_FALSE(lines[0].as_object().contains("product_id"));
  EXPECT_EQ(lines[2].at("product_id").as_int64(), 9);
  // The draft keeps the label (a console stopped mid-sale resumes the same lines).
  Till again = Till::FromDraft(till.ToDraft());
  ASSERT_EQ(again.lines().size(), 3u);
  EXPECT_EQ(again.lines()[1].item.embedded_barcode, "2100011012349");
}

TEST_F(StationTest, ScanOfAnEanFindsTheProductAndABadCheckDigitIsSaid) {
  transport_->Answer("GET /api/v1/products/by-barcode/7540001000096",
                     Reply{200, R"({"barcode":"7540001000096","kind":"gtin","item_code":null,)"
                                R"("embedded_price_cents":null,"price_cents":1299,"product":{"id":9,"sku":"ALIM-0001",)"
                                R"("name":"Café","price_cents":1299,"active":true}})"});
  std::string problem;
  auto item = station_->Lookup("7540001000096", problem);
  ASSERT_TRUE(item) << problem;
  EXPECT_EQ(item->id, 9);
  EXPECT_FALSE(item->price_embedded());
  transport_->Answer("GET /api/v1/products/by-barcode/7540001000097",
                     Reply{400, R"({"code":"product.invalid_barcode","detail":"wrong check digit"})"});
  EXPECT_FALSE(station_->Lookup("7540001000097", problem));
  EXPECT_NE(problem.find("chiffre de contrôle"), std::string::npos) << problem;
  // A SKU still goes to by-sku.
  transport_->Answer("GET /api/v1/products/by-sku/ALIM-0001",
                     Reply{200, R"({"id":9,"sku":"ALIM-0001","name":"Café","price_cents":1299,"active":true})"});
  EXPECT_TRUE(station_->Lookup("ALIM-0001", problem));
}

TEST_F(StationTest, TransferIsAskedForThisStoreAndCountsAreSent) {
  transport_->Answer("POST /api/v1/inventory/transfers", Reply{201, R"({"id":12,"status":"requested"})"});
  Outcome o = station_->CreateTransfer(2, {{6, 3}}, "client en attente");
  ASSERT_TRUE(o.ok) << o.message;
  EXPECT_NE(o.message.find("n° 12"), std::string::npos) << o.message;
  auto body = boost::json::parse(transport_->sent.back().body);
  EXPECT_EQ(body.at("from_location_id").as_int64(), 2);
  EXPECT_EQ(body.at("to_location_id").as_int64(), 4);  // the cashier's store
  EXPECT_FALSE(transport_->sent.back().key.empty());   // retried safely

  transport_->Answer("PUT /api/v1/inventory/counts/5/lines",
                     Reply{200, R"({"id":5,"location_id":4,"status":"open","lines":[{"product_id":9,)"
                                R"("on_hand_at_open":20,"counted_quantity":0,"expected_quantity":18}]})"});
  Outcome c = station_->CountLines(5, {{9, 0}});
  ASSERT_TRUE(c.ok) << c.message;
  EXPECT_EQ(boost::json::parse(transport_->sent.back().body).at("lines").as_array()[0].at("quantity").as_int64(), 0);
  transport_->Answer("POST /api/v1/inventory/counts/5/post",
                     Reply{200, R"({"id":5,"status":"posted","variance":{"rows":[{"product_id":9,"expected":18,)"
                                R"("counted":0,"variance":-18,"unit_price_cents":1299,"value_cents":-23382}],)"
                                R"("totals":{"units_over":0,"units_short":18,"net_units":-18,"value_over_cents":0,)"
                                R"("value_short_cents":23382,"net_value_cents":-23382}}})"});
  Outcome p = station_->PostCount(5);
  ASSERT_TRUE(p.ok) << p.message;
  std::string text;
  for (const auto& l : p.text) text += l + "\n";
  EXPECT_NE(text.find("233,82"), std::string::npos) << text;
}

}  // namespace
}  // namespace comptoir::console

namespace comptoir::console {
namespace {

// Issue 15: receipts rendered by the server, and sent by e-mail.
TEST_F(StationTest, TheServersReceiptByNumberOrIdInAnyFormat) {
  transport_->Answer("GET /api/v1/receipts/S4-000042?format=escpos&reprint=true",
                     Reply{200, std::string("\x1b@\x1bt\x04" "Comptoir\n\x1dV\x42\x00", 18)});
  Outcome printer = station_->ServerReceipt("S4-000042", "escpos", true);
  ASSERT_TRUE(printer.ok) << printer.message;
  EXPECT_EQ(printer.raw, std::string("\x1b@\x1bt\x04" "Comptoir\n\x1dV\x42\x00", 18));
  EXPECT_TRUE(printer.text.empty());
  transport_->Answer("GET /api/v1/sales/42/receipt?format=text40", Reply{200, "Comptoir\nMile End\n"});
  Outcome text = station_->ServerReceipt("42", "text40", false);
  ASSERT_TRUE(text.ok);
  EXPECT_EQ(text.text, (std::vector<std::string>{"Comptoir", "Mile End"}));
  transport_->Answer("GET /api/v1/receipts/S4-000099", Reply{404, R"({"code":"sales.receipt_not_found","detail":"no"})"});
  Outcome missing = station_->ServerReceipt("S4-000099", "html", false);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.code, "sales.receipt_not_found");
}

TEST_F(StationTest, AReceiptSentByEmailIsQueuedAtTheServer) {
  transport_->Answer("GET /api/v1/sales/1", Reply{200, ReceiptAnswer("S4-000042", 1494)});
  transport_->Answer("POST /api/v1/sales/1/receipt/email",
                     Reply{202, R"({"id":1,"sale_id":1,"to":"jean.dupont@example.com","status":"queued"})"});
  Outcome o = station_->EmailReceipt("1", "jean.dupont@example.com", true);
  ASSERT_TRUE(o.ok) << o.message;
  EXPECT_EQ(o.message, "Reçu S4-000042 envoyé à jean.dupont@example.com (en file d'envoi)");
  ASSERT_FALSE(transport_->sent.empty());
  EXPECT_EQ(transport_->sent.back().target, "/api/v1/sales/1/receipt/email");
  EXPECT_EQ(transport_->sent.back().body, R"({"to":"jean.dupont@example.com","reprint":true})");

  transport_->Answer("GET /api/v1/sales/1", Reply{200, ReceiptAnswer("S4-000042", 1494)});
  transport_->Answer("POST /api/v1/sales/1/receipt/email",
                     Reply{400, R"({"code":"request.validation_failed","detail":"invalid request body"})"});
  Outcome bad = station_->EmailReceipt("1", "pas une adresse");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.message, "Adresse courriel invalide : pas une adresse");
}

}  // namespace
}  // namespace comptoir::console
