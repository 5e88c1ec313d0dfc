#pragma once
#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/service/peer.hpp"
#include "observe/metrics.hpp"
#include "storage/repository.hpp"
#include "test_hooks.hpp"

namespace comptoir::order {

/// Settings of the service (`order.*`).
struct Settings {
  std::chrono::milliseconds payment_timeout{5000};     ///< order.payment_timeout_ms
  std::chrono::milliseconds recovery_interval{10000};  ///< order.recovery_interval_ms
  std::chrono::milliseconds recovery_stale{60000};     ///< order.recovery_stale_ms
  /// How long an undone checkout whose charge outcome was unknown is watched for a late charge (ADR 0052).
  std::chrono::milliseconds charge_watch{3'600'000};       ///< order.charge_watch_ms
  std::chrono::milliseconds charge_watch_interval{30000};  ///< order.charge_watch_interval_ms
  CrashHook crash;                                         ///< test builds only (test_hooks.hpp)
};

/// The services the checkout talks to (ADR 0008). cart, product and customer get the shopper's own token during a
/// checkout; inventory and payment always order's service token, and so does cart_as_order (the recovery pass
/// empties a cart long after the shopper's token has expired). order mints no token.
struct Peers {
  service::Peer cart;
  service::Peer product;
  service::Peer inventory;
  service::Peer payment;
  service::Peer customer;  ///< saved addresses (address_id)
  service::Peer cart_as_order;
};

/// The checkout saga (ADR 0050): every step recorded in `checkouts` before it is attempted; failures undo what
/// was done; a recovery pass completes or undoes what a crash left half-way. Also the side effects of a
/// cancellation (refund, stock back), retried by the same pass until done.
class Saga {
 public:
  /// `metrics` counts the checkouts' outcomes (observe/metrics.hpp); `late_refunds` (optional) the late charges
  /// found and refunded by the watch (ADR 0052).
  Saga(Repository& repository, Peers& peers, const Settings& settings, CheckoutMetrics& metrics,
       metrics::Counter* late_refunds = nullptr)
      : repository_(repository),
        peers_(peers),
        settings_(settings),
        metrics_(metrics),
        late_refunds_(late_refunds) {}

  /// POST /checkout for `who` (a shopper): 201 with the order, or the failure (problem+json) after undoing.
  boost::asio::awaitable<http::Response> Checkout(http::Request& request, const auth::Principal& who);

  /// Cancels an order (status cancelled + OrderCancelled), then refunds and puts the stock back.
  boost::asio::awaitable<Order> Cancel(const Order& order, const http::Request& request, const std::string& actor);

  /// One recovery pass: checkouts left in an intermediate step for longer than `recovery_stale`, cancellations
  /// whose refund or stock return is not done, and undone checkouts watched for a late charge (ADR 0052).
  boost::asio::awaitable<void> RecoverOnce();

 private:
  boost::asio::awaitable<http::Response> Forward(order::Checkout& c, const http::Request& origin,
                                                 const std::string& card_number);
  boost::asio::awaitable<void> CompleteForward(order::Checkout& c, const http::Request& origin, bool in_request);
  boost::asio::awaitable<void> Compensate(order::Checkout& c, const http::Request& origin);
  /// Records the move to compensation; `watch_charge` when the charge's outcome is unknown (ADR 0052).
  boost::asio::awaitable<void> StartCompensation(order::Checkout& c, const ApiError& answer, std::string failure,
                                                 bool watch_charge = false);
  /// Refunds every charge that stands under the checkout's reference (a pending one ends refunded); returns
  /// whether the provider has any charge for it at all, and how many were refunded now.
  boost::asio::awaitable<std::pair<bool, int>> RefundCharges(const order::Checkout& c, const http::Request& origin);
  /// One look at a watched checkout: refunds a late charge, ends the watch when one exists or the horizon passed.
  boost::asio::awaitable<void> WatchCharge(order::Checkout c);
  boost::asio::awaitable<void> Move(order::Checkout& c, Step to, const StepUpdate& update, bool in_request = false);
  boost::asio::awaitable<void> Settle(const Order& order, const http::Request& origin);
  boost::asio::awaitable<void> Recover(order::Checkout c);

  Repository& repository_;
  Peers& peers_;
  const Settings& settings_;
  CheckoutMetrics& metrics_;
  metrics::Counter* late_refunds_;
};

/// The parts of an order a caller sees (api/handlers.hpp ViewFor; ADR 0051).
struct OrderView {
  bool customer = true;  ///< customer_id
  bool payment = true;   ///< payment {charge_id, card_last4, refunded}
  bool address = true;   ///< shipping_address
};

/// The order as the API shows it, with what `view` leaves out absent.
std::string OrderJson(const Order& order, const OrderView& view = OrderView{});

}  // namespace comptoir::order
