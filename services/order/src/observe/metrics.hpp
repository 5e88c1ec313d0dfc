#pragma once
#include <boost/asio/awaitable.hpp>

#include "comptoir/http/message.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::order {

/// Business counters of the online shop, on the service's registry (docs/operations.md):
///   order_checkouts_total{outcome,reason}  outcome = placed | refused (4xx: declined card, short stock, empty
///                                          cart...) | failed (5xx: provider down or slow, order not recorded);
///                                          reason = the answer's error code, "ok" when placed
///   order_revenue_cents_total              total_cents of the orders placed
/// A checkout replayed with the same Idempotency-Key is not counted again (only fresh checkouts are observed).
class CheckoutMetrics {
 public:
  explicit CheckoutMetrics(metrics::Registry& registry);
  /// Awaits one fresh checkout and counts its outcome; the answer or the exception goes on unchanged.
  boost::asio::awaitable<http::Response> Observe(boost::asio::awaitable<http::Response> checkout);

 private:
  metrics::Family<metrics::Counter>& checkouts_;
  metrics::Counter& revenue_;
};

}  // namespace comptoir::order
