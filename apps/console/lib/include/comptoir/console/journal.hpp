#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/console/till.hpp"

/// The till's local journal: one SQLite file in WAL mode, every write synced to disk before it
/// returns (synchronous=FULL). It keeps every sale before it is sent (with its Idempotency-Key), the
/// answer or the refusal of each replay, the catalogue of the last sync, the sale being made, and the
/// session settings. A sale is never deleted: refused replays stay as discrepancies.
namespace comptoir::console {

/// pending: to send; sent: on the server; refused: a replay the server refused (a discrepancy);
/// cancelled: refused while the customer was still at the till (the cashier was told; nothing paid).
enum class EntryStatus { kPending, kSent, kRefused, kCancelled };
std::string_view EntryStatusName(EntryStatus status) noexcept;

struct JournalEntry {
  std::int64_t seq = 0;         ///< order of the sales at this till
  std::string idempotency_key;  ///< sent with every attempt (a new one only after a reversed attempt)
  std::string body;             ///< the POST /api/v1/sales body
  std::string local_receipt;    ///< the receipt printed at the till (text)
  std::int64_t local_total_cents = 0;
  bool offline = false;  ///< made while the platform was unreachable
  std::string created_at;
  EntryStatus status = EntryStatus::kPending;
  std::string answer;  ///< the server's receipt (sent) or problem (refused)
  int http_status = 0;
  int attempts = 0;
  std::string resolved_note;  ///< a manager's note once a discrepancy is dealt with
  bool resolved = false;
};

class Journal {
 public:
  /// Opens (creating) the journal at `path`; throws std::runtime_error when it cannot.
  explicit Journal(const std::string& path);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// Records a sale before anything is sent or printed; returns its seq. Durable when it returns.
  std::int64_t Append(const std::string& key, const std::string& body, const std::string& local_receipt,
                      std::int64_t local_total_cents, bool offline, const std::string& created_at);
  void MarkSent(std::int64_t seq, int http_status, const std::string& answer);
  void MarkRefused(std::int64_t seq, int http_status, const std::string& problem);
  void MarkCancelled(std::int64_t seq, int http_status, const std::string& problem);
  /// Replaces the body and printed receipt of a sale whose first attempt never reached the server (it
  /// becomes an offline sale under the same key).
  void Rebody(std::int64_t seq, const std::string& body, const std::string& local_receipt, bool offline);
  /// Counts an attempt that got no answer (the entry stays pending).
  void CountAttempt(std::int64_t seq);
  /// A new Idempotency-Key after the server reversed every trace of an attempt (ADR 0030).
  void Rekey(std::int64_t seq, const std::string& key);
  /// A manager's decision on a discrepancy (it stays in the journal).
  bool Resolve(std::int64_t seq, const std::string& note);

  [[nodiscard]] std::vector<JournalEntry> Pending() const;  ///< in seq order
  [[nodiscard]] std::int64_t PendingCount() const;
  /// Refused replays, and sent offline sales whose server total or stock differs from the till's.
  [[nodiscard]] std::vector<JournalEntry> Discrepancies(bool include_resolved) const;
  [[nodiscard]] std::vector<JournalEntry> Recent(int limit) const;  ///< newest first
  [[nodiscard]] std::optional<JournalEntry> Find(std::int64_t seq) const;
  /// The next number of an offline receipt at this till ("HL-000001").
  std::string NextOfflineNumber();

  /// The catalogue of the last sync (replaced whole).
  void ReplaceCatalogue(const std::vector<Item>& items, const std::string& synced_at);
  [[nodiscard]] std::optional<Item> BySku(std::string_view sku) const;
  /// A product by its barcode as scanned (EAN-13, or UPC-A: its 12 digits).
  [[nodiscard]] std::optional<Item> ByBarcode(std::string_view code) const;
  [[nodiscard]] std::optional<Item> ById(std::int64_t id) const;
  /// Accent- and case-insensitive search on name and SKU, active products, at most `limit`.
  [[nodiscard]] std::vector<Item> Search(std::string_view text, int limit) const;
  [[nodiscard]] std::int64_t CatalogueSize() const;
  /// The catalogue was cached by an older console, without tax classes: to sync again when the platform
  /// answers (until then its products are taxed, as that console did).
  [[nodiscard]] bool CatalogueStale() const;
  /// PRAGMA user_version (1: the catalogue keeps tax classes, categories and barcodes).
  [[nodiscard]] int SchemaVersion() const;

  /// The sale being made (kept at every change; cleared once the sale is in the journal).
  void SaveDraft(const std::string& draft);
  [[nodiscard]] std::string Draft() const;
  void ClearDraft();

  void Set(std::string_view name, std::string_view value);
  [[nodiscard]] std::string Get(std::string_view name) const;
  void Unset(std::string_view name);

  /// The SQLite journal_mode (for tests: "wal").
  [[nodiscard]] std::string JournalMode() const;

 private:
  /// Brings a journal of an older console to this schema (its sales untouched).
  void Migrate();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace comptoir::console
