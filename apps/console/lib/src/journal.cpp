#include "comptoir/console/journal.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "comptoir/console/format.hpp"
#include "comptoir/console/receipt.hpp"

namespace comptoir::console {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS sales (
  seq               INTEGER PRIMARY KEY AUTOINCREMENT,
  idempotency_key   TEXT NOT NULL UNIQUE,
  original_key      TEXT NOT NULL,
  body              TEXT NOT NULL,
  local_receipt     TEXT NOT NULL,
  local_total_cents INTEGER NOT NULL,
  offline           INTEGER NOT NULL,
  created_at        TEXT NOT NULL,
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'refused', 'cancelled')),
  http_status       INTEGER NOT NULL DEFAULT 0,
  answer            TEXT NOT NULL DEFAULT '',
  attempts          INTEGER NOT NULL DEFAULT 0,
  discrepancy       INTEGER NOT NULL DEFAULT 0,
  resolved          INTEGER NOT NULL DEFAULT 0,
  resolved_note     TEXT NOT NULL DEFAULT '',
  updated_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sales_status ON sales (status, seq);
CREATE TABLE IF NOT EXISTS catalogue (
  id          INTEGER PRIMARY KEY,
  sku         TEXT NOT NULL,
  name        TEXT NOT NULL,
  folded      TEXT NOT NULL,
  price_cents INTEGER NOT NULL,
  active      INTEGER NOT NULL,
  tax_class   TEXT NOT NULL DEFAULT 'taxable',
  category_id INTEGER,
  barcode     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS catalogue_sku ON catalogue (sku);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

// PRAGMA user_version of the journal this console writes. 0: the first journals (their catalogue kept only
// id, sku, name, price and active); 1: the catalogue keeps each product's tax class (ADR 0140), category and
// barcode.
constexpr int kSchemaVersion = 1;

// The columns version 1 added to the catalogue, for a journal written by an older console.
constexpr const char* kCatalogueColumns[][2] = {
    {"tax_class", "ALTER TABLE catalogue ADD COLUMN tax_class TEXT NOT NULL DEFAULT 'taxable'"},
    {"category_id", "ALTER TABLE catalogue ADD COLUMN category_id INTEGER"},
    {"barcode", "ALTER TABLE catalogue ADD COLUMN barcode TEXT NOT NULL DEFAULT ''"},
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("journal: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, std::int64_t value) {
    sqlite3_bind_int64(stmt_, i, value);
    return *this;
  }
  /// True while there is a row.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("journal: ") + sqlite3_errmsg(db_));
  }
  void Run() {
    while (Step()) {
    }
  }
  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool Null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

constexpr const char* kEntryColumns =
    "seq, idempotency_key, body, local_receipt, local_total_cents, offline, created_at, status, answer, http_status,"
    " attempts, resolved_note, resolved FROM sales";

JournalEntry EntryFrom(const Statement& s) {
  JournalEntry e;
  e.seq = s.Int(0);
  e.idempotency_key = s.Text(1);
  e.body = s.Text(2);
  e.local_receipt = s.Text(3);
  e.local_total_cents = s.Int(4);
  e.offline = s.Int(5) != 0;
  e.created_at = s.Text(6);
  const std::string status = s.Text(7);
  e.status = status == "sent"        ? EntryStatus::kSent
             : status == "refused"   ? EntryStatus::kRefused
             : status == "cancelled" ? EntryStatus::kCancelled
                                     : EntryStatus::kPending;
  e.answer = s.Text(8);
  e.http_status = static_cast<int>(s.Int(9));
  e.attempts = static_cast<int>(s.Int(10));
  e.resolved_note = s.Text(11);
  e.resolved = s.Int(12) != 0;
  return e;
}

}  // namespace

std::string_view EntryStatusName(EntryStatus status) noexcept {
  switch (status) {
    case EntryStatus::kPending:
      return "pending";
    case EntryStatus::kSent:
      return "sent";
    case EntryStatus::kRefused:
      return "refused";
    case EntryStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

struct Journal::Impl {
  sqlite3* db = nullptr;
  void Exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : "unknown error";
      sqlite3_free(error);
      throw std::runtime_error("journal: " + message);
    }
  }
  std::vector<JournalEntry> Entries(const std::string& where_order, std::int64_t limit = -1) const {
    Statement s(db, (std::string("SELECT ") + kEntryColumns + " " + where_order).c_str());
    if (limit >= 0) s.Bind(1, limit);
    std::vector<JournalEntry> out;
    while (s.Step()) out.push_back(EntryFrom(s));
    return out;
  }
};

Journal::Journal(const std::string& path) : impl_(std::make_unique<Impl>()) {
  if (sqlite3_open_v2(path.c_str(), &impl_->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = impl_->db != nullptr ? sqlite3_errmsg(impl_->db) : "out of memory";
    sqlite3_close(impl_->db);
    throw std::runtime_error("cannot open the journal " + path + ": " + message);
  }
  ::chmod(path.c_str(), 0600);  // it holds the session's tokens
  sqlite3_busy_timeout(impl_->db, 5000);
  // WAL, and every commit synced to disk before it returns: a receipt is printed only after that.
  impl_->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  impl_->Exec(kSchema);
  Migrate();
}

void Journal::Migrate() {
  Statement version(impl_->db, "PRAGMA user_version");
  version.Step();
  if (version.Int(0) >= kSchemaVersion) return;
  // One transaction: the columns, the staleness mark and the version together (SQLite's DDL is transactional).
  // The sales are not touched.
  impl_->Exec("BEGIN IMMEDIATE");
  try {
    std::vector<std::string> columns;
    {
      Statement info(impl_->db, "PRAGMA table_info(catalogue)");
      while (info.Step()) columns.push_back(info.Text(1));
    }
    bool added = false;
    for (const auto& [name, alter] : kCatalogueColumns) {
      if (std::find(columns.begin(), columns.end(), name) != columns.end()) continue;
      impl_->Exec(alter);
      added = true;
    }
    // The products cached by the older console have no tax class (they read as taxable): the next sync while
    // the platform answers replaces them (CatalogueStale).
    if (added && CatalogueSize() > 0) Set("catalogue_stale", "1");
    impl_->Exec("CREATE INDEX IF NOT EXISTS catalogue_barcode ON catalogue (barcode)");
    impl_->Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
    impl_->Exec("COMMIT");
  } catch (...) {
    impl_->Exec("ROLLBACK");
    throw;
  }
}

int Journal::SchemaVersion() const {
  Statement s(impl_->db, "PRAGMA user_version");
  s.Step();
  return static_cast<int>(s.Int(0));
}

bool Journal::CatalogueStale() const {
  return Get("catalogue_stale") == "1";
}

Journal::~Journal() {
  sqlite3_close(impl_->db);
}

std::int64_t Journal::Append(const std::string& key, const std::string& body, const std::string& local_receipt,
                             std::int64_t local_total_cents, bool offline, const std::string& created_at) {
  Statement s(impl_->db,
              "INSERT INTO sales (idempotency_key, original_key, body, local_receipt, local_total_cents, offline,"
              " created_at, updated_at) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?6)");
  s.Bind(1, key).Bind(2, body).Bind(3, local_receipt).Bind(4, local_total_cents).Bind(5, offline ? 1 : 0);
  s.Bind(6, created_at);
  // The sale and the end of its draft in one transaction: a restart finds one or the other, never both.
  impl_->Exec("BEGIN IMMEDIATE");
  try {
    s.Run();
    const std::int64_t seq = sqlite3_last_insert_rowid(impl_->db);
    impl_->Exec("DELETE FROM settings WHERE name = 'draft'");
    impl_->Exec("COMMIT");
    return seq;
  } catch (...) {
    impl_->Exec("ROLLBACK");
    throw;
  }
}

void Journal::MarkSent(std::int64_t seq, int http_status, const std::string& answer) {
  // An offline sale is a discrepancy when the server's total or stock differs from what the till sold.
  std::int64_t discrepancy = 0;
  if (auto entry = Find(seq); entry && entry->offline) {
    if (auto receipt = ReceiptFromJson(answer)) {
      if (receipt->totals.total_cents != entry->local_total_cents) discrepancy = 1;
      for (const auto& l : receipt->lines) discrepancy |= l.short_quantity > 0 ? 1 : 0;
    }
  }
  Statement s(impl_->db,
              "UPDATE sales SET status = 'sent', http_status = ?2, answer = ?3, attempts = attempts + 1,"
              " discrepancy = ?4, updated_at = ?5 WHERE seq = ?1");
  s.Bind(1, seq).Bind(2, static_cast<std::int64_t>(http_status)).Bind(3, answer).Bind(4, discrepancy).Bind(5, NowUtc());
  s.Run();
}

void Journal::MarkRefused(std::int64_t seq, int http_status, const std::string& problem) {
  Statement s(impl_->db,
              "UPDATE sales SET status = 'refused', http_status = ?2, answer = ?3, attempts = attempts + 1,"
              " discrepancy = 1, updated_at = ?4 WHERE seq = ?1");
  s.Bind(1, seq).Bind(2, static_cast<std::int64_t>(http_status)).Bind(3, problem).Bind(4, NowUtc());
  s.Run();
}

void Journal::MarkCancelled(std::int64_t seq, int http_status, const std::string& problem) {
  Statement s(impl_->db,
              "UPDATE sales SET status = 'cancelled', http_status = ?2, answer = ?3, attempts = attempts + 1,"
              " updated_at = ?4 WHERE seq = ?1 AND status = 'pending'");
  s.Bind(1, seq).Bind(2, static_cast<std::int64_t>(http_status)).Bind(3, problem).Bind(4, NowUtc());
  s.Run();
}

void Journal::Rebody(std::int64_t seq, const std::string& body, const std::string& local_receipt, bool offline) {
  Statement s(impl_->db,
              "UPDATE sales SET body = ?2, local_receipt = ?3, offline = ?4, updated_at = ?5"
              " WHERE seq = ?1 AND status = 'pending'");
  s.Bind(1, seq).Bind(2, body).Bind(3, local_receipt).Bind(4, offline ? 1 : 0).Bind(5, NowUtc());
  s.Run();
}

void Journal::CountAttempt(std::int64_t seq) {
  Statement s(impl_->db, "UPDATE sales SET attempts = attempts + 1, updated_at = ?2 WHERE seq = ?1");
  s.Bind(1, seq).Bind(2, NowUtc());
  s.Run();
}

void Journal::Rekey(std::int64_t seq, const std::string& key) {
  Statement s(impl_->db, "UPDATE sales SET idempotency_key = ?2, updated_at = ?3 WHERE seq = ?1");
  s.Bind(1, seq).Bind(2, key).Bind(3, NowUtc());
  s.Run();
}

bool Journal::Resolve(std::int64_t seq, const std::string& note) {
  Statement s(impl_->db,
              "UPDATE sales SET resolved = 1, resolved_note = ?2, updated_at = ?3 WHERE seq = ?1 AND discrepancy = 1");
  s.Bind(1, seq).Bind(2, note).Bind(3, NowUtc());
  s.Run();
  return sqlite3_changes(impl_->db) == 1;
}

std::vector<JournalEntry> Journal::Pending() const {
  return impl_->Entries("WHERE status = 'pending' ORDER BY seq");
}

std::int64_t Journal::PendingCount() const {
  Statement s(impl_->db, "SELECT count(*) FROM sales WHERE status = 'pending'");
  s.Step();
  return s.Int(0);
}

std::vector<JournalEntry> Journal::Discrepancies(bool include_resolved) const {
  return impl_->Entries(include_resolved ? "WHERE discrepancy = 1 ORDER BY seq"
                                         : "WHERE discrepancy = 1 AND resolved = 0 ORDER BY seq");
}

std::vector<JournalEntry> Journal::Recent(int limit) const {
  return impl_->Entries("ORDER BY seq DESC LIMIT ?1", limit);
}

std::optional<JournalEntry> Journal::Find(std::int64_t seq) const {
  Statement s(impl_->db, (std::string("SELECT ") + kEntryColumns + " WHERE seq = ?1").c_str());
  s.Bind(1, seq);
  if (!s.Step()) return std::nullopt;
  return EntryFrom(s);
}

std::string Journal::NextOfflineNumber() {
  const std::string last = Get("offline_receipt_counter");
  const long next = (last.empty() ? 0 : std::stol(last)) + 1;
  Set("offline_receipt_counter", std::to_string(next));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "HL-%06ld", next);
  return buffer;
}

void Journal::ReplaceCatalogue(const std::vector<Item>& items, const std::string& synced_at) {
  impl_->Exec("BEGIN IMMEDIATE");
  try {
    impl_->Exec("DELETE FROM catalogue");
    for (const Item& item : items) {
      Statement s(impl_->db,
                  "INSERT OR REPLACE INTO catalogue (id, sku, name, folded, price_cents, active, tax_class,"
                  " category_id, barcode) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      s.Bind(1, item.id).Bind(2, item.sku).Bind(3, item.name).Bind(4, Fold(item.name + " " + item.sku));
      s.Bind(5, item.price_cents).Bind(6, item.active ? 1 : 0).Bind(7, money::TaxClassName(item.tax_class));
      if (item.category_id) s.Bind(8, *item.category_id);
      s.Bind(9, item.gtin);
      s.Run();
    }
    Set("catalogue_synced_at", synced_at);
    Unset("catalogue_stale");
    impl_->Exec("COMMIT");
  } catch (...) {
    impl_->Exec("ROLLBACK");
    throw;
  }
}

namespace {
constexpr const char* kItemColumns =
    "SELECT id, sku, name, price_cents, active, tax_class, category_id, barcode FROM catalogue ";

Item ItemFrom(const Statement& s) {
  Item item{s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Int(4) != 0};
  // Unknown (a class a newer platform added): taxed, as the server would refuse to under-tax.
  item.tax_class = money::ParseTaxClass(s.Text(5)).value_or(money::TaxClass::kTaxable);
  if (!s.Null(6)) item.category_id = s.Int(6);
  item.gtin = s.Text(7);
  return item;
}
}  // namespace

std::optional<Item> Journal::BySku(std::string_view sku) const {
  Statement s(impl_->db, (std::string(kItemColumns) + "WHERE sku = ?1").c_str());
  s.Bind(1, sku);
  if (!s.Step()) return std::nullopt;
  return ItemFrom(s);
}

std::optional<Item> Journal::ByBarcode(std::string_view code) const {
  if (code.empty()) return std::nullopt;
  // Stored as 13 digits: a UPC-A is scanned as its 12.
  const std::string gtin = code.size() == 12 ? "0" + std::string(code) : std::string(code);
  Statement s(impl_->db, (std::string(kItemColumns) + "WHERE barcode = ?1").c_str());
  s.Bind(1, gtin);
  if (!s.Step()) return std::nullopt;
  return ItemFrom(s);
}

std::optional<Item> Journal::ById(std::int64_t id) const {
  Statement s(impl_->db, (std::string(kItemColumns) + "WHERE id = ?1").c_str());
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ItemFrom(s);
}

std::vector<Item> Journal::Search(std::string_view text, int limit) const {
  Statement s(
      impl_->db,
      (std::string(kItemColumns) + "WHERE active = 1 AND instr(folded, ?1) > 0 ORDER BY name LIMIT ?2").c_str());
  s.Bind(1, Fold(text)).Bind(2, static_cast<std::int64_t>(limit));
  std::vector<Item> out;
  while (s.Step()) out.push_back(ItemFrom(s));
  return out;
}

std::int64_t Journal::CatalogueSize() const {
  Statement s(impl_->db, "SELECT count(*) FROM catalogue");
  s.Step();
  return s.Int(0);
}

void Journal::SaveDraft(const std::string& draft) {
  Set("draft", draft);
}
std::string Journal::Draft() const {
  return Get("draft");
}
void Journal::ClearDraft() {
  Unset("draft");
}

void Journal::Set(std::string_view name, std::string_view value) {
  Statement s(impl_->db,
              "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2");
  s.Bind(1, name).Bind(2, value);
  s.Run();
}

std::string Journal::Get(std::string_view name) const {
  Statement s(impl_->db, "SELECT value FROM settings WHERE name = ?1");
  s.Bind(1, name);
  return s.Step() ? s.Text(0) : std::string();
}

void Journal::Unset(std::string_view name) {
  Statement s(impl_->db, "DELETE FROM settings WHERE name = ?1");
  s.Bind(1, name);
  s.Run();
}

std::string Journal::JournalMode() const {
  Statement s(impl_->db, "PRAGMA journal_mode");
  return s.Step() ? s.Text(0) : std::string();
}

}  // namespace comptoir::console
