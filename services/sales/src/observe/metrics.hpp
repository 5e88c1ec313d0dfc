#pragma once
#include "comptoir/metrics.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {

/// Business counters of the till, on the service's registry (docs/operations.md lists them):
///   sales_completed_total{location_id}                 sales recorded
///   sales_revenue_cents_total{location_id,tender}      money kept per tender (cash net of change)
///   sales_returns_total{location_id}, sales_refunded_cents_total{location_id,tender}
///   sales_register_closures_total{location_id,result}  result = balanced | over | short
///   sales_register_over_short_cents_total{location_id,direction}  |over/short| summed, direction = over | short
///   sales_register_last_over_short_cents{location_id,register}    over (+) / short (−) of the register's last closing
///   sales_register_last_close_timestamp_seconds{location_id,register}  when it was closed (Unix time)
/// Called after the transaction that records the event committed.
class SalesMetrics {
 public:
  explicit SalesMetrics(metrics::Registry& registry);
  void Sold(const Sale& sale);
  void Returned(const SaleReturn& sale_return);
  void Closed(const RegisterSession& session);

 private:
  metrics::Family<metrics::Counter>& completed_;
  metrics::Family<metrics::Counter>& revenue_;
  metrics::Family<metrics::Counter>& returns_;
  metrics::Family<metrics::Counter>& refunded_;
  metrics::Family<metrics::Counter>& closures_;
  metrics::Family<metrics::Counter>& over_short_;
  metrics::Family<metrics::Gauge>& last_over_short_;
  metrics::Family<metrics::Gauge>& last_close_;
};

}  // namespace comptoir::sales
