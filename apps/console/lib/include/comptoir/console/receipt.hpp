#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "comptoir/console/till.hpp"

/// Receipts as the customer gets them: 40-column text, from the server's answer (or, offline, from the
/// till's own money.hpp totals, marked as such). No I/O.
namespace comptoir::console {

inline constexpr std::size_t kReceiptWidth = 40;

struct ReceiptLine {
  std::int64_t product_id = 0;
  std::string sku;
  std::string name;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
  std::int64_t line_total_cents = 0;
  std::int64_t returned_quantity = 0;
  std::int64_t short_quantity = 0;
  std::int64_t gross_cents = 0;  ///< before discounts (line_total_cents is after them)
  money::TaxClass tax_class = money::TaxClass::kTaxable;
  /// The line's discounts by name: a promotion's, or « Rabais » for the cashier's (ADR 0141).
  std::vector<std::pair<std::string, std::int64_t>> discounts;
};

struct Receipt {
  std::int64_t id = 0;         ///< 0 for a sale not yet on the server
  std::string receipt_number;  ///< "S4-000042"; offline: "HL-<local number>"
  std::int64_t location_id = 0;
  std::vector<ReceiptLine> lines;
  Totals totals;
  std::int64_t cash_rounding_cents = 0;
  std::vector<Tender> payments;
  std::int64_t change_cents = 0;
  std::string created_at;
  bool offline = false;  ///< made while the platform was unreachable
  bool pending = false;  ///< offline and not replayed yet
};

/// The receipt of a POST/GET /api/v1/sales answer; nullopt when `body` is not one.
std::optional<Receipt> ReceiptFromJson(std::string_view body);
/// The receipt the till prints for an offline sale (totals from money.hpp, settlement as the server's).
Receipt OfflineReceipt(const Till& till, std::int64_t location_id, std::string local_number, std::string created_at);

/// What is printed at the top and bottom of every receipt.
struct ReceiptHeader {
  std::string store_name;  ///< "Mile End"
  std::string cashier;     ///< the cashier's e-mail or name
  std::string gst_number = "TPS 123456789 RT0001";
  std::string qst_number = "TVQ 1234567890 TQ0001";
};

/// The receipt as 40-column lines. `copy`: a reprint, marked « COPIE » at the top and bottom.
std::vector<std::string> FormatReceipt(const Receipt& receipt, const ReceiptHeader& header, bool copy = false);

/// A refund as the server answered it (POST /sales/{id}/returns).
struct Refund {
  std::int64_t id = 0;
  std::int64_t sale_id = 0;
  std::vector<ReceiptLine> lines;
  Totals totals;
  std::int64_t cash_rounding_cents = 0;
  std::string refund_method;  ///< as answered ("card", "cash", …)
  /// Per original tender (`tenders`: refunded_as → paid_cents, cash rounded to 0.05 $).
  std::vector<std::pair<std::string, std::int64_t>> per_tender;
  std::string reason;
  std::string created_at;
};
std::optional<Refund> RefundFromJson(std::string_view body);
std::vector<std::string> FormatRefund(const Refund& refund, const std::string& receipt_number,
                                      const ReceiptHeader& header);

/// A register session as the server answered it.
struct RegisterSession {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  std::string register_name;
  bool open = true;
  std::int64_t opening_float_cents = 0;
  std::optional<std::int64_t> counted_cash_cents;
  std::optional<std::int64_t> expected_cash_cents;
  std::optional<std::int64_t> over_short_cents;
  std::string opened_at;
  std::string closed_at;
};
std::optional<RegisterSession> SessionFromJson(std::string_view body);
/// The close-of-register slip: float, expected, counted, « Surplus » / « Manque ».
std::vector<std::string> FormatSessionClose(const RegisterSession& session, const ReceiptHeader& header);

/// "Crédit", "Comptant", … for a method name of the API.
std::string MethodLabelOf(std::string_view method);

}  // namespace comptoir::console
