#include "observe/metrics.hpp"

#include <string>

#include "comptoir/error.hpp"

namespace comptoir::inventory {
namespace {

// Every location with stock rows, with how many of its products are at or below their reorder point.
const pg::Statement kLowStockByLocation{
    "inventory.metrics.low_stock",
    "SELECT s.location_id, l.type, count(*) FILTER (WHERE s.on_hand - s.reserved <= s.reorder_point)"
    " FROM stock s JOIN locations l ON l.id = s.location_id GROUP BY s.location_id, l.type"};

}  // namespace

StockMetrics::StockMetrics(metrics::Registry& registry, pg::Pool& db, boost::asio::io_context& io,
                           std::chrono::milliseconds refresh)
    : db_(db),
      refusals_(registry.AddCounter("inventory_oversell_refusals_total",
                                    "Stock writes refused for insufficient stock, by location and kind",
                                    {"location_id", "kind"})),
      low_stock_(registry.AddGauge("inventory_low_stock_products",
                                   "Products whose available stock is at or below the reorder point, by location",
                                   {"location_id", "location_type"})),
      refresh_(io, "low-stock-gauge", refresh, [this]() { return RefreshLowStock(); }) {}

void StockMetrics::Count(std::int64_t location_id, std::string_view kind, const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const ApiError& e) {
    if (e.code() == "inventory.insufficient_stock") {
      refusals_.WithLabels({std::to_string(location_id), std::string(kind)}).Inc();
    }
  } catch (...) {
  }
}

boost::asio::awaitable<void> StockMetrics::RefreshLowStock() {
  pg::Result rows = co_await db_.Execute(kLowStockByLocation);
  for (int i = 0; i < rows.size(); ++i) {
    low_stock_.WithLabels({std::to_string(rows[i].Int(0)), std::string(rows[i].Text(1))})
        .Set(static_cast<double>(rows[i].Int(2)));
  }
}

}  // namespace comptoir::inventory
