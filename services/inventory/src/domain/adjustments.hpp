#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/stock.hpp"

/// The adjustments report (issue 12): stock changed by hand, per location and adjustment reason over a period of
/// business days, net of reversals. No I/O here.
namespace comptoir::inventory {

inline constexpr std::int64_t kDefaultReportDays = 7;
inline constexpr std::int64_t kMaxReportDays = 366;

/// Query of GET /inventory/adjustments: `from`, `to` (YYYY-MM-DD, both included; default the 7 days ending today),
/// `location_id`, `adjustment_reason`.
struct AdjustmentQuery {
  std::string from;  ///< first business day
  std::string to;    ///< last business day
  std::optional<std::int64_t> location_id;
  std::optional<std::string> adjustment_reason;
};

/// Parses the query; `today` (YYYY-MM-DD, in the chain's time zone) gives the defaults. Throws 400
/// `inventory.invalid_query` naming every bad parameter (not a date, from after to, more than 366 days, …).
AdjustmentQuery ParseAdjustmentQuery(const QueryParams& params, const std::string& today);

/// What was adjusted at one location for one reason in the period (reversals in the period included).
struct AdjustmentTotals {
  std::optional<std::int64_t> location_id;       ///< nullopt in the by-reason and overall totals
  std::optional<std::string> adjustment_reason;  ///< nullopt in the by-location and overall totals
  std::int64_t lines = 0;                        ///< adjustment lines posted
  std::int64_t reversals = 0;                    ///< lines reversing an adjustment
  std::int64_t units_in = 0;                     ///< sum of the positive quantities
  std::int64_t units_out = 0;                    ///< sum of the negative quantities, as a positive number
  [[nodiscard]] std::int64_t net_units() const noexcept { return units_in - units_out; }
};

/// The rows per (location, reason) and their sums by reason, by location and overall.
struct AdjustmentSummary {
  std::vector<AdjustmentTotals> rows;
  std::vector<AdjustmentTotals> by_reason;
  std::vector<AdjustmentTotals> by_location;
  AdjustmentTotals totals;
};
AdjustmentSummary Summarize(std::vector<AdjustmentTotals> rows);

}  // namespace comptoir::inventory
