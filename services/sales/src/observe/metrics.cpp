#include "observe/metrics.hpp"

#include <chrono>
#include <cstdlib>
#include <string>

namespace comptoir::sales {

SalesMetrics::SalesMetrics(metrics::Registry& registry)
    : completed_(registry.AddCounter("sales_completed_total", "In-store sales recorded, by store", {"location_id"})),
      revenue_(registry.AddCounter("sales_revenue_cents_total",
                                   "Money taken by in-store sales in cents, by store and tender (cash net of change)",
                                   {"location_id", "tender"})),
      returns_(registry.AddCounter("sales_returns_total", "Returns recorded, by store", {"location_id"})),
      refunded_(registry.AddCounter("sales_refunded_cents_total",
                                    "Money refunded by returns in cents, by store and tender",
                                    {"location_id", "tender"})),
      closures_(registry.AddCounter("sales_register_closures_total",
                                    "Cash-register sessions closed, by store and result (balanced, over, short)",
                                    {"location_id", "result"})),
      over_short_(
          registry.AddCounter("sales_register_over_short_cents_total",
                              "Absolute cash over/short found at register closings in cents, by store and direction",
                              {"location_id", "direction"})),
      last_over_short_(registry.AddGauge("sales_register_last_over_short_cents",
                                         "Over (+) or short (-) of the last closing of each register, in cents",
                                         {"location_id", "register"})),
      last_close_(registry.AddGauge("sales_register_last_close_timestamp_seconds",
                                    "Unix time of the last closing of each register", {"location_id", "register"})) {}

void SalesMetrics::Sold(const Sale& sale) {
  const std::string location = std::to_string(sale.location_id);
  completed_.WithLabels({location}).Inc();
  std::int64_t change = sale.change_cents;  // given back from the cash tendered
  for (const Payment& p : sale.payments) {
    std::int64_t kept = p.amount_cents;
    if (p.method == Tender::kCash) {
      std::int64_t back = std::min(change, kept);
      kept -= back;
      change -= back;
    }
    if (kept > 0) revenue_.WithLabels({location, std::string(TenderName(p.method))}).Inc(static_cast<double>(kept));
  }
}

void SalesMetrics::Returned(const SaleReturn& sale_return) {
  const std::string location = std::to_string(sale_return.location_id);
  returns_.WithLabels({location}).Inc();
  // What went back through each tender (cash as handed out, rounded), under the tender it went back as.
  for (const TenderRefund& part : sale_return.refund.tenders) {
    if (part.paid_cents > 0) {
      refunded_.WithLabels({location, std::string(TenderName(part.refunded_as))})
          .Inc(static_cast<double>(part.paid_cents));
    }
  }
}

void SalesMetrics::Closed(const RegisterSession& session) {
  const std::string location = std::to_string(session.location_id);
  const std::int64_t delta = session.over_short_cents.value_or(0);
  closures_.WithLabels({location, delta == 0 ? "balanced" : delta > 0 ? "over" : "short"}).Inc();
  if (delta != 0) {
    over_short_.WithLabels({location, delta > 0 ? "over" : "short"}).Inc(static_cast<double>(std::llabs(delta)));
  }
  last_over_short_.WithLabels({location, session.register_name}).Set(static_cast<double>(delta));
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  last_close_.WithLabels({location, session.register_name})
      .Set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
}

}  // namespace comptoir::sales
