// Unit tests of the offline journal: SQLite in WAL mode in a temporary folder, entries in order, never
// lost across reopening, drafts, the catalogue cache and its accent-insensitive search.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "comptoir/console/journal.hpp"

namespace comptoir::console {
namespace {

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("console-journal-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "journal.db").string(); }
  std::filesystem::path dir_;
};

TEST_F(JournalTest, IsInWalModeAndKeepsSalesInOrderAcrossReopening) {
  {
    Journal j(Path());
    EXPECT_EQ(j.JournalMode(), "wal");
    EXPECT_EQ(j.Append("k1", "{\"a\":1}", "reçu 1", 1494, true, "2026-12-04T10:00:00Z"), 1);
    EXPECT_EQ(j.Append("k2", "{\"a\":2}", "reçu 2", 6090, true, "2026-12-04T10:01:00Z"), 2);
    EXPECT_EQ(j.PendingCount(), 2);
  }
  Journal again(Path());  // the console was killed and started again
  auto pending = again.Pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].idempotency_key, "k1");
  EXPECT_EQ(pending[1].idempotency_key, "k2");
  EXPECT_EQ(pending[1].local_total_cents, 6090);
  EXPECT_TRUE(pending[0].offline);
  EXPECT_THROW(again.Append("k1", "{}", "", 0, true, "x"), std::runtime_error);  // one key, one sale
}

TEST_F(JournalTest, SentRefusedAndCancelledLeaveThePendingList) {
  Journal j(Path());
  auto a = j.Append("a", "{}", "", 1494, true, "t");
  auto b = j.Append("b", "{}", "", 1494, true, "t");
  auto c = j.Append("c", "{}", "", 1494, true, "t");
  auto d = j.Append("d", "{}", "", 1494, false, "t");
  j.MarkSent(a, 201, R"({"receipt_number":"S4-1","total_cents":1494,"lines":[]})");
  j.MarkRefused(b, 422, R"({"code":"sales.unknown_product"})");
  j.MarkCancelled(d, 409, R"({"code":"inventory.insufficient_stock"})");
  j.CountAttempt(c);
  auto pending = j.Pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].seq, c);
  EXPECT_EQ(pending[0].attempts, 1);
  auto discrepancies = j.Discrepancies(false);
  ASSERT_EQ(discrepancies.size(), 1u);  // the refused replay; a cancelled online sale is not one
  EXPECT_EQ(discrepancies[0].seq, b);
  EXPECT_EQ(discrepancies[0].status, EntryStatus::kRefused);
  EXPECT_TRUE(j.Resolve(b, "recompté"));
  EXPECT_FALSE(j.Resolve(a, "rien à régler"));
  EXPECT_TRUE(j.Discrepancies(false).empty());
  ASSERT_EQ(j.Discrepancies(true).size(), 1u);
  EXPECT_EQ(j.Discrepancies(true)[0].resolved_note, "recompté");
  EXPECT_EQ(j.Recent(10).size(), 4u);  // nothing is ever deleted
}

TEST_F(JournalTest, AnOfflineSaleTheServerChangedIsADiscrepancy) {
  Journal j(Path());
  auto shorted = j.Append("s", "{}", "", 1494, true, "t");
  auto repriced = j.Append("p", "{}", "", 1494, true, "t");
  auto fine = j.Append("f", "{}", "", 1494, true, "t");
  j.MarkSent(
      shorted, 201,
      R"({"receipt_number":"S4-2","total_cents":1494,"lines":[{"product_id":9,"quantity":1,"short_quantity":1}]})");
  j.MarkSent(repriced, 201, R"({"receipt_number":"S4-3","total_cents":1609,"lines":[]})");
  j.MarkSent(fine, 201, R"({"receipt_number":"S4-4","total_cents":1494,"lines":[]})");
  auto d = j.Discrepancies(false);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].seq, shorted);
  EXPECT_EQ(d[1].seq, repriced);
}

TEST_F(JournalTest, TheDraftEndsWithTheSaleInOneTransaction) {
  Journal j(Path());
  j.SaveDraft("{\"lines\":[]}");
  EXPECT_EQ(j.Draft(), "{\"lines\":[]}");
  j.Append("k", "{}", "", 0, false, "t");
  EXPECT_EQ(j.Draft(), "");
}

TEST_F(JournalTest, RekeyAndRebodyChangeOnlyPendingEntries) {
  Journal j(Path());
  auto s = j.Append("k", "{\"online\":1}", "provisional", 100, false, "t");
  j.Rebody(s, "{\"offline\":true}", "offline receipt", true);
  j.Rekey(s, "k2");
  auto e = j.Find(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->body, "{\"offline\":true}");
  EXPECT_EQ(e->idempotency_key, "k2");
  EXPECT_TRUE(e->offline);
  j.MarkSent(s, 201, "{}");
  j.Rebody(s, "{\"changed\":1}", "", false);
  EXPECT_EQ(j.Find(s)->body, "{\"offline\":true}");
}

TEST_F(JournalTest, CatalogueSearchIgnoresAccentsAndCase) {
  Journal j(Path());
  j.ReplaceCatalogue({{9, "ALIM-0001", "Café", 1299, true},
                      {11, "ALIM-0003", "Thé Vert", 899, true},
                      {7, "VETE-0003", "Veste d'hiver", 12999, true},
                      {99, "OLD-1", "Café ancien", 100, false}},
                     "2026-12-04T10:00:00Z");
  EXPECT_EQ(j.CatalogueSize(), 4);
  auto cafe = j.Search("CAFE", 10);
  ASSERT_EQ(cafe.size(), 1u);  // the archived one is not offered
  EXPECT_EQ(cafe[0].id, 9);
  ASSERT_EQ(j.Search("thé", 10).size(), 1u);
  ASSERT_EQ(j.Search("alim", 10).size(), 2u);
  ASSERT_TRUE(j.BySku("VETE-0003"));
  EXPECT_EQ(j.BySku("VETE-0003")->price_cents, 12999);
  EXPECT_FALSE(j.BySku("vete-0003"));
  EXPECT_EQ(j.Get("catalogue_synced_at"), "2026-12-04T10:00:00Z");
  j.ReplaceCatalogue({{9, "ALIM-0001", "Café", 1399, true}}, "later");
  EXPECT_EQ(j.CatalogueSize(), 1);
  EXPECT_EQ(j.ById(9)->price_cents, 1399);
}

TEST_F(JournalTest, TheCatalogueKeepsTaxClassCategoryAndBarcode) {
  Item cafe{9, "ALIM-0001", "Café", 1299, true};
  cafe.category_id = 3;
  cafe.tax_class = money::TaxClass::kZeroRated;
  cafe.gtin = "7540001000096";
  Item chocolat{10, "ALIM-0002", "Chocolat Noir", 499, true};
  chocolat.category_id = 3;
  chocolat.gtin = "7540001000102";
  Item upc{21, "MAIS-0099", "Bougie", 799, true};  // no category; a UPC-A stored as 13 digits
  upc.gtin = "0012345678905";
  {
    Journal j(Path());
    j.ReplaceCatalogue({cafe, chocolat, upc}, "2026-12-04T10:00:00Z");
  }
  Journal j(Path());
  auto by_sku = j.BySku("ALIM-0001");
  ASSERT_TRUE(by_sku);
  EXPECT_EQ(by_sku->tax_class, money::TaxClass::kZeroRated);
  EXPECT_EQ(by_sku->category_id, 3);
  EXPECT_EQ(by_sku->gtin, "7540001000096");
  EXPECT_EQ(j.ById(10)->tax_class, money::TaxClass::kTaxable);
  EXPECT_FALSE(j.ById(21)->category_id.has_value());
  auto found = j.Search("cafe", 5);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].tax_class, money::TaxClass::kZeroRated);
  auto scanned = j.ByBarcode("7540001000096");
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->id, 9);
  EXPECT_EQ(scanned->tax_class, money::TaxClass::kZeroRated);
  ASSERT_TRUE(j.ByBarcode("012345678905"));  // the UPC-A as the scanner sends it
  EXPECT_EQ(j.ByBarcode("012345678905")->id, 21);
  EXPECT_FALSE(j.ByBarcode("7540001000119"));
  EXPECT_FALSE(j.ByBarcode(""));
  EXPECT_EQ(j.SchemaVersion(), 1);
  EXPECT_FALSE(j.CatalogueStale());
}

// A journal written by the console before tax classes: its catalogue had id, sku, name, folded, price and active.
TEST_F(JournalTest, AnOldJournalIsUpgradedWithItsQueuedSales) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(Path().c_str(), &db), SQLITE_OK);
  const char* old_schema = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE sales (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, idempotency_key TEXT NOT NULL UNIQUE, original_key TEXT NOT NULL,
  body TEXT NOT NULL, local_receipt TEXT NOT NULL, local_total_cents INTEGER NOT NULL, offline INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'refused', 'cancelled')),
  http_status INTEGER NOT NULL DEFAULT 0, answer TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
  discrepancy INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0, resolved_note TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL);
CREATE INDEX sales_status ON sales (status, seq);
CREATE TABLE catalogue (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, name TEXT NOT NULL, folded TEXT NOT NULL,
  price_cents INTEGER NOT NULL, active INTEGER NOT NULL);
CREATE INDEX catalogue_sku ON catalogue (sku);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO catalogue VALUES (9, 'ALIM-0001', 'Café', 'cafe alim-0001', 1299, 1);
INSERT INTO sales (idempotency_key, original_key, body, local_receipt, local_total_cents, offline, created_at,
  updated_at) VALUES ('k-old-1', 'k-old-1', '{"location_id":4}', 'reçu HL-000001', 1495, 1, 't1', 't1'),
                     ('k-old-2', 'k-old-2', '{"location_id":4}', 'reçu HL-000002', 2990, 1, 't2', 't2');
INSERT INTO settings VALUES ('offline_receipt_counter', '2');
)sql";
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, old_schema, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_close(db);

  {
    Journal j(Path());
    EXPECT_EQ(j.SchemaVersion(), 1);
    auto pending = j.Pending();  // nothing queued is lost
    ASSERT_EQ(pending.size(), 2u);
    EXPECT_EQ(pending[0].idempotency_key, "k-old-1");
    EXPECT_EQ(pending[1].local_total_cents, 2990);
    EXPECT_EQ(j.NextOfflineNumber(), "HL-000003");
    // The old rows do not know their class: taxed as before, and marked to sync again.
    ASSERT_TRUE(j.BySku("ALIM-0001"));
    EXPECT_EQ(j.BySku("ALIM-0001")->tax_class, money::TaxClass::kTaxable);
    EXPECT_TRUE(j.CatalogueStale());
    Item cafe{9, "ALIM-0001", "Café", 1299, true};
    cafe.tax_class = money::TaxClass::kZeroRated;
    cafe.gtin = "7540001000096";
    j.ReplaceCatalogue({cafe}, "2026-12-07T10:00:00Z");
    EXPECT_FALSE(j.CatalogueStale());
  }
  Journal again(Path());  // reopening an upgraded journal changes nothing
  EXPECT_EQ(again.SchemaVersion(), 1);
  EXPECT_EQ(again.PendingCount(), 2);
  EXPECT_FALSE(again.CatalogueStale());
  EXPECT_EQ(again.ByBarcode("7540001000096")->tax_class, money::TaxClass::kZeroRated);
}

TEST_F(JournalTest, OfflineReceiptNumbersFollowEachOther) {
  Journal j(Path());
  EXPECT_EQ(j.NextOfflineNumber(), "HL-000001");
  EXPECT_EQ(j.NextOfflineNumber(), "HL-000002");
  Journal again(Path());
  EXPECT_EQ(again.NextOfflineNumber(), "HL-000003");
}

}  // namespace
}  // namespace comptoir::console
