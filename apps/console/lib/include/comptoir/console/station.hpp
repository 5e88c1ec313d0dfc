#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/console/gateway.hpp"
#include "comptoir/console/journal.hpp"
#include "comptoir/console/receipt.hpp"
#include "comptoir/console/settings.hpp"
#include "comptoir/console/till.hpp"

/// Everything a console does, for the screens and the subcommands alike: each operation is one or a
/// few gateway calls, the journal where a sale must survive, and an Outcome with the server's answer
/// and the text to show or print. No terminal code here.
namespace comptoir::console {

/// Inventory's adjustment reason code (ADR 0009) for a motif typed at the console, in French or as the code
/// itself (case and accents ignored): « casse »/« endommagé » → damaged, « vol »/« perte » → theft_or_loss,
/// « inventaire »/« comptage » → count_correction, « trouvé » → found, « périmé » → expired, « retour
/// fournisseur » → return_to_vendor, « usage interne » → internal_use, « autre » → other. nullopt otherwise.
std::optional<std::string> AdjustmentReasonCode(std::string_view motif);

struct Outcome {
  bool ok = false;
  int status = 0;                 ///< the HTTP status of the (last) call, 0 when none answered
  std::string code;               ///< problem code when refused
  std::string message;            ///< one French sentence for the status bar
  std::string json;               ///< the answer as JSON (for --json)
  std::vector<std::string> text;  ///< what the screen shows / the printer prints
  std::string raw;                ///< a rendering as the server sent it (receipt HTML, ESC/POS bytes)
};

/// What happened to a sale at the till.
enum class SaleState { kRecorded, kOffline, kPending, kRefused };

struct SaleOutcome {
  SaleState state = SaleState::kRefused;
  Receipt receipt;
  std::vector<std::string> text;  ///< the printed receipt
  std::string message;
  std::string json;
  std::int64_t seq = 0;  ///< the journal entry
};

struct ReplayReport {
  int sent = 0;
  int refused = 0;
  bool stopped = false;  ///< the platform is still unreachable (or the session ended): the rest waits
  std::int64_t pending = 0;
  std::string message;
};

/// A line taken off the basket before payment, as the till priced it (recorded for the Z, ADR 0150).
struct VoidLine {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
  std::int64_t amount_cents = 0;  ///< pre-tax
};

/// An X or Z report (the server's JSON) as 40 columns of French text.
std::vector<std::string> FormatRegisterReport(std::string_view report_json);

/// A staff line to return: product and quantity.
using QuantityLines = std::vector<std::pair<std::int64_t, std::int64_t>>;

class Station {
 public:
  Station(Settings settings, std::unique_ptr<Transport> transport);

  [[nodiscard]] const Settings& settings() const noexcept { return settings_; }
  Journal& journal() noexcept { return journal_; }
  Gateway& gateway() noexcept { return gateway_; }

  // --- session -------------------------------------------------------------------------------
  Outcome Login(const std::string& email, const std::string& password);
  void Logout();
  [[nodiscard]] bool signed_in() const { return gateway_.signed_in(); }
  [[nodiscard]] const Identity& who() const { return gateway_.tokens().identity; }
  /// The platform did not answer the last call.
  [[nodiscard]] bool offline() const { return gateway_.offline(); }
  /// « EN LIGNE » or « HORS LIGNE — N ventes en attente ».
  [[nodiscard]] std::string ConnectionText() const;
  /// The store the signed-in cashier sells in (a manager: $COMPTOIR_CONSOLE_STORE or store 1).
  [[nodiscard]] std::int64_t store() const;
  [[nodiscard]] std::string LocationName(std::int64_t id) const;
  [[nodiscard]] ReceiptHeader Header() const;

  // --- catalogue and customers ---------------------------------------------------------------
  /// Copies the active catalogue and the locations into the journal (for offline sales).
  Outcome SyncCatalogue();
  /// A SKU or barcode, exactly (online: product; offline: the synced catalogue).
  std::optional<Item> Lookup(const std::string& code, std::string& problem);
  /// Accent-insensitive name search (online: product's `q`; offline: the synced catalogue).
  std::vector<Item> Search(const std::string& text);
  /// One customer by exact e-mail or phone (GET /api/v1/customers/lookup: id and names only).
  Outcome FindCustomer(const std::string& email_or_phone, std::optional<std::int64_t>& id);

  // --- the till ------------------------------------------------------------------------------
  /// Sells the till's basket: journal first (synced to disk), then the server; offline (cash only) the
  /// sale stays in the journal for the replay. The receipt is printed before this returns.
  SaleOutcome Sell(Till& till);
  /// The store's promotions in force into `till.promotions` (ADR 0141); kept as they were when unreachable.
  Outcome LoadPromotions(Till& till);
  /// A manager signs in at the till to approve this sale's discounts above the limit: their token goes in
  /// `till.manager_token` (sent as X-Manager-Token with the sale, never kept after it).
  Outcome ApproveDiscounts(Till& till, const std::string& email, const std::string& password);
  /// Sends the journal's pending sales in order, exactly once each.
  ReplayReport Replay();
  /// A receipt again (by receipt number "S4-000042" or id), marked « COPIE ».
  Outcome Reprint(const std::string& receipt);
  /// The receipt of a sale (to return from it).
  Outcome FindSale(const std::string& receipt);
  /// The server's rendering of a receipt (issue 15, ADR 0160): `format` text40, text48, html or escpos;
  /// `copy` marks it « COPIE ». By number (GET /receipts/{number}) or sale id (GET /sales/{id}/receipt). `raw`
  /// is the body as sent; `text` its lines for the text formats.
  Outcome ServerReceipt(const std::string& receipt, const std::string& format, bool copy);
  /// Sends a receipt to `to` by e-mail (POST /sales/{id}/receipt/email): queued at the server, sent in the
  /// background (ADR 0161); `copy` sends it as a reprint.
  Outcome EmailReceipt(const std::string& receipt, const std::string& to, bool copy = false);
  /// Returns `lines` of a sale (partial allowed), refund shown per tender; the slip is printed.
  /// `refund_method` "" (the original tenders) or "cash"; cash in place of a card needs a manager:
  /// `manager` is their e-mail and password, signed in for this return only (X-Manager-Token).
  Outcome Return(const std::string& receipt, const QuantityLines& lines, const std::string& reason,
                 const std::string& refund_method, const std::pair<std::string, std::string>& manager = {});
  Outcome OpenRegister(std::int64_t float_cents);
  Outcome CloseRegister(std::int64_t counted_cents);
  [[nodiscard]] std::optional<std::int64_t> register_session() const;

  // --- till operations (station_till.cpp, issue 15) ------------------------------------------
  /// A movement of the open session: "no_sale" (reason), "drop" (amount), "payout" (amount, reason),
  /// "void_line" / "void_sale" (lines). One Idempotency-Key, retried once when the answer was lost.
  Outcome RecordMovement(const std::string& kind, std::int64_t amount_cents, const std::string& reason,
                         const std::vector<VoidLine>& lines = {});
  /// The X report of the open session (nothing is reset).
  Outcome XReport();
  /// Puts the basket aside on the server (any till of the store can resume it); the basket is cleared.
  Outcome Suspend(Till& till);
  Outcome ListSuspended();
  /// Takes a suspended basket into `till` (which must be empty).
  Outcome Resume(std::int64_t id, Till& till);
  /// The balance of a card, with its PIN.
  Outcome GiftCardBalance(const std::string& code, const std::string& pin);
  /// Sells (first load: activates) or tops up a card, paid by `method` (not a gift card); online only.
  Outcome LoadGiftCard(const std::string& code, std::int64_t amount_cents, Method method);
  /// Stock of a product here and in every other location.
  Outcome StockOf(const std::string& product);
  /// The offline sales the server refused or changed (for a manager).
  Outcome Discrepancies(bool include_resolved);
  /// Marks a discrepancy settled with a note: a manager's or an admin's session only (a cashier is refused,
  /// 403 console.manager_required); works offline (the role is the signed-in token's).
  Outcome Resolve(std::int64_t seq, const std::string& note);

  // --- restock (store and logistics) ---------------------------------------------------------
  Outcome CreateRestock(const QuantityLines& lines, const std::string& note);
  Outcome ListRestock(const std::string& status, std::optional<std::int64_t> location);
  Outcome ShowRestock(std::int64_t id);
  /// Approves `lines` (in part); no lines: everything requested.
  Outcome ApproveRestock(std::int64_t id, const QuantityLines& lines);
  Outcome RejectRestock(std::int64_t id, const std::string& reason);
  Outcome ShipRestock(std::int64_t id);
  Outcome ReceiveRestock(std::int64_t id);

  // --- transfers between stores (ADR 0171) and cycle counts (ADR 0172): lib/src/station_stock.cpp --------
  /// Asks `from` (another store) for `lines`, brought to this store.
  Outcome CreateTransfer(std::int64_t from, const QuantityLines& lines, const std::string& note);
  Outcome ListTransfers(const std::string& status, std::optional<std::int64_t> location);
  Outcome ShowTransfer(std::int64_t id);
  /// Approves `lines` (in part); no lines: everything requested (logistics).
  Outcome ApproveTransfer(std::int64_t id, const QuantityLines& lines);
  Outcome RejectTransfer(std::int64_t id, const std::string& reason);
  Outcome ShipTransfer(std::int64_t id);
  Outcome ReceiveTransfer(std::int64_t id);
  /// Opens a count sheet at `location` for `products` (none: every product stocked there).
  Outcome OpenCount(std::int64_t location, const std::vector<std::int64_t>& products, const std::string& note);
  /// Records counted quantities (product, units counted).
  Outcome CountLines(std::int64_t id, const QuantityLines& counted);
  Outcome ShowCount(std::int64_t id);
  /// Posts the sheet: the corrections and the variance report (text).
  Outcome PostCount(std::int64_t id);
  Outcome CancelCount(std::int64_t id);
  Outcome Variance(std::int64_t id);

  // --- logistics -----------------------------------------------------------------------------
  Outcome CentreStock(bool low_only);
  /// `reason`: a motif as staff type it (« casse », « vol », « inventaire », …) or inventory's code
  /// (AdjustmentReasonCode); `note` is required by inventory (ADR 0009).
  Outcome Adjust(std::int64_t location, std::int64_t product, std::int64_t delta, const std::string& reason,
                 const std::string& note);
  Outcome Movements(std::int64_t product, std::optional<std::int64_t> location);

  // --- head office ---------------------------------------------------------------------------
  Outcome Dashboard();
  Outcome SalesReport(const std::string& from, const std::string& to, const std::string& group_by);
  Outcome TopProducts(const std::string& from, const std::string& to, int limit);
  Outcome StockReport(bool low_only);
  /// Writes the rows of a report answer as CSV to `path`.
  Outcome ExportCsv(const Outcome& report, const std::string& path);
  Outcome CreateProduct(const std::string& sku, const std::string& name, std::int64_t price_cents,
                        std::optional<std::int64_t> category_id);
  Outcome ChangePrice(std::int64_t product, std::int64_t price_cents);
  Outcome Archive(std::int64_t product);
  Outcome ListStaff();
  Outcome CreateStaff(const std::string& email, const std::string& password, const std::string& first_name,
                      const std::string& last_name, const std::string& role, std::optional<std::int64_t> location);
  /// Disables (or enables again) an account: PATCH /api/v1/staff/{id} {"active"} (admin).
  Outcome SetStaffActive(std::int64_t id, bool active);

  /// Appends `lines` to the printer (file or device).
  void Print(const std::vector<std::string>& lines);

 private:
  Outcome FromReply(const Reply& reply, const std::string& done);
  std::string ProductLabel(std::int64_t product);
  std::vector<std::string> CountSheetText(const std::string& body);
  std::vector<std::string> VarianceText(const std::string& body);
  std::optional<Item> ProductFrom(const std::string& json) const;
  void SaveTokens(const Tokens& tokens);

  Settings settings_;
  std::unique_ptr<Transport> transport_;
  Journal journal_;
  Gateway gateway_;
};

}  // namespace comptoir::console
