// Unit tests of the offline journal: SQLite in WAL mode in a temporary folder, entries in order, never
// lost across reopening, drafts, the catalogue cache and its accent-insensitive search.
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

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

TEST_F(JournalTest, OfflineReceiptNumbersFollowEachOther) {
  Journal j(Path());
  EXPECT_EQ(j.NextOfflineNumber(), "HL-000001");
  EXPECT_EQ(j.NextOfflineNumber(), "HL-000002");
  Journal again(Path());
  EXPECT_EQ(again.NextOfflineNumber(), "HL-000003");
}

}  // namespace
}  // namespace comptoir::console
