#include "domain/transfers.hpp"

#include <algorithm>

namespace comptoir::inventory {

std::string_view CountStatusName(CountStatus status) noexcept {
  switch (status) {
    case CountStatus::kOpen:
      return "open";
    case CountStatus::kPosted:
      return "posted";
    case CountStatus::kCancelled:
      return "cancelled";
  }
  return "open";
}

std::optional<CountStatus> ParseCountStatus(std::string_view name) noexcept {
  if (name == "open") return CountStatus::kOpen;
  if (name == "posted") return CountStatus::kPosted;
  if (name == "cancelled") return CountStatus::kCancelled;
  return std::nullopt;
}

VarianceReport VarianceOf(const CountSheet& sheet) {
  VarianceReport report;
  for (const CountLine& line : sheet.lines) {
    if (!line.counted || !line.expected) {
      report.not_counted.push_back(line.product_id);
      continue;
    }
    VarianceRow row{line.product_id, *line.expected, *line.counted, line.variance(), line.unit_price_cents, {}};
    if (row.unit_price_cents) row.value_cents = row.variance * *row.unit_price_cents;
    if (row.variance > 0) {
      report.units_over += row.variance;
      report.value_over_cents += row.value_cents.value_or(0);
    } else {
      report.units_short -= row.variance;
      report.value_short_cents -= row.value_cents.value_or(0);
    }
    report.rows.push_back(row);
  }
  report.net_units = report.units_over - report.units_short;
  report.net_value_cents = report.value_over_cents - report.value_short_cents;
  return report;
}

std::vector<Line> CountAdjustments(const CountSheet& sheet) {
  std::vector<Line> lines;
  for (const CountLine& line : sheet.lines) {
    if (line.variance() != 0) lines.push_back(Line{line.product_id, line.variance()});
  }
  return SortedByProduct(std::move(lines));
}

void RequireOpen(const CountSheet& sheet) {
  if (sheet.status != CountStatus::kOpen) {
    throw ApiError::Conflict("inventory.count_not_open", "count sheet " + std::to_string(sheet.id) + " is " +
                                                             std::string(CountStatusName(sheet.status)) +
                                                             "; nothing was changed");
  }
}

}  // namespace comptoir::inventory
