#include "observe/metrics.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"

namespace comptoir::order {

CheckoutMetrics::CheckoutMetrics(metrics::Registry& registry)
    : checkouts_(registry.AddCounter("order_checkouts_total", "Checkouts finished, by outcome and reason",
                                     {"outcome", "reason"})),
      revenue_(registry.AddCounter("order_revenue_cents_total", "Total of the online orders placed, in cents")
                   .WithLabels({})) {
  // The usual outcomes exist from the start at 0, so that rate() and increase() see their first occurrence.
  for (const auto& [outcome, reason] : {std::pair{"placed", "ok"},
                                        {"refused", "payment.card_declined"},
                                        {"refused", "inventory.insufficient_stock"},
                                        {"failed", "order.payment_timeout"},
                                        {"failed", "order.payment_unavailable"}}) {
    checkouts_.WithLabels({outcome, reason});
  }
}

boost::asio::awaitable<http::Response> CheckoutMetrics::Observe(boost::asio::awaitable<http::Response> checkout) {
  try {
    http::Response response = co_await std::move(checkout);
    if (response.status >= 200 && response.status < 300) {
      checkouts_.WithLabels({"placed", "ok"}).Inc();
      boost::system::error_code ec;
      auto order = boost::json::parse(response.body, ec);
      if (const auto* object = !ec ? order.if_object() : nullptr) {
        if (const auto* total = object->if_contains("total_cents"); total != nullptr && total->is_int64()) {
          revenue_.Inc(static_cast<double>(total->as_int64()));
        }
      }
    } else {
      checkouts_.WithLabels({response.status >= 500 ? "failed" : "refused", "http_" + std::to_string(response.status)})
          .Inc();
    }
    co_return response;
  } catch (const ApiError& e) {
    checkouts_.WithLabels({e.status() >= 500 ? "failed" : "refused", e.code()}).Inc();
    throw;
  } catch (...) {
    checkouts_.WithLabels({"failed", "internal"}).Inc();
    throw;
  }
}

}  // namespace comptoir::order
