#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/value.hpp>

namespace comptoir::reporting {

// ---- Periods -------------------------------------------------------------------------------------------

/// A period of business days in the chain's time zone, both ends included ("YYYY-MM-DD").
struct Period {
  std::chrono::sys_days from;
  std::chrono::sys_days to;
};

/// The longest period a report covers (a year and a day).
inline constexpr int kMaxPeriodDays = 366;

std::string FormatDate(std::chrono::sys_days day);
std::optional<std::chrono::sys_days> ParseDate(std::string_view text);

/// `from`/`to` query values → a period; defaults: `to` = today, `from` = `to` − 6 (the last 7 days).
/// 400 request.validation_failed naming each bad field (not a date, from after to, longer than a year).
Period ParsePeriod(const std::optional<std::string>& from, const std::optional<std::string>& to,
                   std::chrono::sys_days today);

enum class GroupBy { kLocation, kDay, kProduct, kCategory, kChannel };
std::optional<GroupBy> ParseGroupBy(std::string_view text);
std::string_view GroupByName(GroupBy g) noexcept;

/// Remittance periods of the taxes report: what Revenu Québec's filing periods are made of.
enum class TaxPeriod { kDay, kMonth, kQuarter };
std::optional<TaxPeriod> ParseTaxPeriod(std::string_view text);
std::string_view TaxPeriodName(TaxPeriod p) noexcept;

// ---- Stream history ------------------------------------------------------------------------------------

/// A stream position ("ms-seq" as numbers).
using StreamPos = std::pair<std::int64_t, std::int64_t>;

/// What the event stream holds now (XINFO STREAM).
struct StreamHistory {
  bool exists = false;
  std::int64_t length = 0;
  std::int64_t entries_added = -1;  ///< −1: unknown (Redis before 7)
  std::optional<StreamPos> first_entry;
};

/// Why rebuilding the read models from the stream would lose history, or nullopt when the stream still holds
/// all of it: it must start at or before the first event reporting ever applied (`first_applied`), and have
/// lost no entry (length == entries ever added).
std::optional<std::string> MissingHistory(const StreamHistory& stream, const std::optional<StreamPos>& first_applied);

// ---- Rules ---------------------------------------------------------------------------------------------

/// Change of `current` against `previous` in percent, one decimal (half away from zero); nullopt when there
/// is nothing to compare with (previous ≤ 0).
std::optional<double> TrendPct(std::int64_t current, std::int64_t previous);

/// Average basket in cents: `revenue / transactions` rounded half up; 0 without transactions.
std::int64_t AverageBasket(std::int64_t revenue_cents, std::int64_t transactions);

/// Restock statuses that count as pending on the dashboard (not yet received, not rejected).
bool IsPendingRestock(std::string_view status) noexcept;

/// Whether a stock level is an alert: available at or below the reorder point.
inline bool IsLowStock(std::int64_t available, std::int64_t reorder_point) {
  return available <= reorder_point;
}

// ---- Tables (one shape for JSON and CSV) ---------------------------------------------------------------

using Cell = std::variant<std::monostate, std::int64_t, double, std::string, bool>;

/// A report's rows: named columns, cells in the same order.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

/// Rows as JSON objects (column → value).
boost::json::array RowsJson(const Table& table);
/// RFC 4180 CSV: a header line, then one line per row (CRLF), fields quoted when they need it.
std::string ToCsv(const Table& table);
/// Whether the client asked for CSV (`format=csv`, or an Accept header naming text/csv); 400
/// request.validation_failed for another `format` than json or csv.
bool WantsCsv(const std::optional<std::string>& format, std::optional<std::string_view> accept);

// ---- Dashboard -----------------------------------------------------------------------------------------

/// Money of one channel at one location over the dashboard's windows (cents; refunds already subtracted).
struct Figures {
  std::int64_t revenue_today = 0;        ///< sales − refunds, today
  std::int64_t revenue_7d = 0;           ///< today and the 6 days before
  std::int64_t revenue_previous_7d = 0;  ///< the 7 days before those
  std::int64_t transactions_today = 0;   ///< receipts (sales or orders) today
  std::int64_t gross_today = 0;          ///< receipts' totals today, for the average basket
  std::int64_t open_orders = 0;          ///< online only: paid or preparing
};

struct StoreInfo {
  std::int64_t id = 0;
  std::string name;
};

/// Everything the dashboard shows, gathered by the storage layer.
struct DashboardInput {
  std::vector<StoreInfo> stores;                         ///< the stores shown, in order
  std::map<std::int64_t, Figures> store_figures;         ///< by location id
  std::optional<Figures> online;                         ///< absent: not shown (a cashier's view)
  std::map<std::int64_t, std::int64_t> low_stock;        ///< alerts by location id (every location)
  std::map<std::int64_t, std::int64_t> pending_restock;  ///< pending requests by location id
  std::string business_day;
  std::string time_zone;
  std::string as_of;
};

/// The DESIGN §4 dashboard document: stores, online, totals (stores + online; low stock and restock counts
/// over every location shown or, for the chain view, every location), as_of.
boost::json::object BuildDashboard(const DashboardInput& input, bool chain_view);

// ---- Events → facts ------------------------------------------------------------------------------------

/// A receipt (sale or order) or a refund (return or cancellation) as the read model stores it.
struct Fact {
  std::string ref;
  std::optional<std::string> receipt_ref;  ///< refunds: the sale refunded
  std::optional<std::int64_t> location_id;
  std::optional<std::string> receipt_number;
  std::string occurred_at;  ///< RFC 3339
  std::int64_t subtotal_cents = 0;
  std::int64_t gst_cents = 0;
  std::int64_t qst_cents = 0;
  std::int64_t total_cents = 0;
  std::int64_t cash_rounding_cents = 0;  ///< cash rounding of the sale, or of the cash a return paid out
  /// Pre-tax amounts that paid no tax (ADR 0140): zero-rated basic groceries, exempt supplies (0 in events
  /// from before tax classes).
  std::int64_t zero_rated_cents = 0;
  std::int64_t exempt_cents = 0;
  std::string status;
  std::string reason;
  std::string lines_json;  ///< normalised [{product_id, name, quantity, line_total_cents}]
};

/// SaleCompleted / SaleReturned data → facts (store channel). OrderPlaced data → fact (online channel):
/// `order_id` or `id`, totals, lines, `created_at`/`placed_at` (else `fallback_time`, the envelope's
/// occurred_at), `status` (default "paid"). 400 events.invalid_data naming each missing field.
Fact SaleFact(const boost::json::value& data);
Fact ReturnFact(const boost::json::value& data);
Fact OrderFact(const boost::json::value& data, const std::string& fallback_time);

/// The order id of an OrderCancelled / OrderStatusChanged event (`order_id` or `id`).
std::string OrderRef(const boost::json::value& data);

}  // namespace comptoir::reporting
