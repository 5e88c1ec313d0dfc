#include "domain/adjustments.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <map>

namespace comptoir::inventory {
namespace {

std::optional<std::chrono::sys_days> ParseDay(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  auto digits = [&](std::size_t at, std::size_t n, auto& out) {
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + n, out);
    return ec == std::errc() && end == text.data() + at + n;
  };
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return std::nullopt;
  std::chrono::year_month_day day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_days(day);
}

std::string DayText(std::chrono::sys_days day) {
  std::chrono::year_month_day ymd(day);
  char text[11];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return text;
}

void Add(AdjustmentTotals& into, const AdjustmentTotals& row) {
  into.lines += row.lines;
  into.reversals += row.reversals;
  into.units_in += row.units_in;
  into.units_out += row.units_out;
}

}  // namespace

AdjustmentQuery ParseAdjustmentQuery(const QueryParams& params, const std::string& today) {
  std::vector<FieldError> errors;
  AdjustmentQuery query;
  std::optional<std::chrono::sys_days> from;
  std::optional<std::chrono::sys_days> to;
  for (const auto& [key, value] : params) {
    if (key == "from" || key == "to") {
      auto day = ParseDay(value);
      if (!day) errors.push_back({key, "must be a date YYYY-MM-DD"});
      (key == "from" ? from : to) = day;
    } else if (key == "location_id") {
      query.location_id = ParseId(value);
      if (!query.location_id) errors.push_back({key, "must be a positive integer id"});
    } else if (key == "adjustment_reason") {
      if (IsAdjustmentReason(value)) {
        query.adjustment_reason = value;
      } else {
        errors.push_back({key, "must be one of the adjustment reasons (count_correction, damaged, …)"});
      }
    }
  }
  auto now = ParseDay(today).value_or(std::chrono::sys_days{});
  if (!to) to = from ? std::max(*from, now) : now;
  if (!from) from = *to - std::chrono::days(kDefaultReportDays - 1);
  if (*from > *to) {
    errors.push_back({"from", "must not be after to"});
  } else if ((*to - *from).count() + 1 > kMaxReportDays) {
    errors.push_back({"to", "the period may not exceed " + std::to_string(kMaxReportDays) + " days"});
  }
  if (!errors.empty()) throw ApiError::Validation("inventory.invalid_query", "invalid query parameters", errors);
  query.from = DayText(*from);
  query.to = DayText(*to);
  return query;
}

AdjustmentSummary Summarize(std::vector<AdjustmentTotals> rows) {
  AdjustmentSummary summary;
  std::map<std::string, AdjustmentTotals> by_reason;
  std::map<std::int64_t, AdjustmentTotals> by_location;
  for (const AdjustmentTotals& row : rows) {
    auto& reason = by_reason[row.adjustment_reason.value_or("")];
    reason.adjustment_reason = row.adjustment_reason;
    Add(reason, row);
    auto& location = by_location[row.location_id.value_or(0)];
    location.location_id = row.location_id;
    Add(location, row);
    Add(summary.totals, row);
  }
  for (auto& [name, totals] : by_reason) summary.by_reason.push_back(totals);
  for (auto& [id, totals] : by_location) summary.by_location.push_back(totals);
  summary.rows = std::move(rows);
  return summary;
}

}  // namespace comptoir::inventory
