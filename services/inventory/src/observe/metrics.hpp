#pragma once
#include <chrono>
#include <cstdint>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "comptoir/metrics.hpp"
#include "comptoir/pg/pg.hpp"
#include "comptoir/service/periodic.hpp"

namespace comptoir::inventory {

/// Business metrics of the stock, on the service's registry (docs/operations.md):
///   inventory_oversell_refusals_total{location_id,kind}  409 inventory.insufficient_stock answered;
///                                                        kind = movement (a till sale) | reservation (online)
///   inventory_low_stock_products{location_id,location_type}  products whose available ≤ reorder_point, refreshed
///                                                        every `refresh` from the stock table (type: store,
///                                                        logistics, head_office)
class StockMetrics {
 public:
  StockMetrics(metrics::Registry& registry, pg::Pool& db, boost::asio::io_context& io,
               std::chrono::milliseconds refresh);
  /// Awaits `work` (a stock write at `location_id`); an insufficient-stock refusal is counted, then rethrown.
  template <class T>
  boost::asio::awaitable<T> Refusals(std::int64_t location_id, std::string_view kind, boost::asio::awaitable<T> work) {
    std::exception_ptr failure;
    try {
      co_return co_await std::move(work);
    } catch (...) {
      failure = std::current_exception();
    }
    Count(location_id, kind, failure);
    std::rethrow_exception(failure);
  }
  void Start() { refresh_.Start(true); }
  boost::asio::awaitable<void> Stop() { return refresh_.Stop(); }

 private:
  void Count(std::int64_t location_id, std::string_view kind, const std::exception_ptr& failure);
  boost::asio::awaitable<void> RefreshLowStock();

  pg::Pool& db_;
  metrics::Family<metrics::Counter>& refusals_;
  metrics::Family<metrics::Gauge>& low_stock_;
  service::Periodic refresh_;
};

}  // namespace comptoir::inventory
