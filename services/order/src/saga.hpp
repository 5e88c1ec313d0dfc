#pragma once
#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/service/peer.hpp"
#include "storage/repository.hpp"

namespace comptoir::order {

/// Settings of the service (`order.*`).
struct Settings {
  std::chrono::milliseconds payment_timeout{5000};     ///< order.payment_timeout_ms
  std::chrono::milliseconds recovery_interval{10000};  ///< order.recovery_interval_ms
  std::chrono::milliseconds recovery_stale{60000};     ///< order.recovery_stale_ms
  /// Tests only: comma-separated steps after which the process _exits (simulating a kill) while serving a
  /// checkout; with `crash_key_prefix` P set, only checkouts whose Idempotency-Key starts with P + step + "-".
  std::string crash_after_step;  ///< order.crash_after_step
  std::string crash_key_prefix;  ///< order.crash_key_prefix
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
  Saga(Repository& repository, Peers& peers, const Settings& settings)
      : repository_(repository), peers_(peers), settings_(settings) {}

  /// POST /checkout for `who` (a shopper): 201 with the order, or the failure (problem+json) after undoing.
  boost::asio::awaitable<http::Response> Checkout(http::Request& request, const auth::Principal& who);

  /// Cancels an order (status cancelled + OrderCancelled), then refunds and puts the stock back.
  boost::asio::awaitable<Order> Cancel(const Order& order, const http::Request& request, const std::string& actor);

  /// One recovery pass: checkouts left in an intermediate step for longer than `recovery_stale`, and
  /// cancellations whose refund or stock return is not done.
  boost::asio::awaitable<void> RecoverOnce();

 private:
  boost::asio::awaitable<http::Response> Forward(order::Checkout& c, const http::Request& origin,
                                                 const std::string& card_number);
  boost::asio::awaitable<void> CompleteForward(order::Checkout& c, const http::Request& origin, bool in_request);
  boost::asio::awaitable<void> Compensate(order::Checkout& c, const http::Request& origin);
  boost::asio::awaitable<void> StartCompensation(order::Checkout& c, const ApiError& answer, std::string failure);
  boost::asio::awaitable<void> Move(order::Checkout& c, Step to, const StepUpdate& update, bool in_request = false);
  boost::asio::awaitable<void> Settle(const Order& order, const http::Request& origin);
  boost::asio::awaitable<void> Recover(order::Checkout c);

  Repository& repository_;
  Peers& peers_;
  const Settings& settings_;
};

/// True when the test-only crash settings ask to exit after recording `step` of the checkout with `key`.
bool ShouldCrash(const Settings& settings, Step step, std::string_view key);

/// The order as the API shows it.
std::string OrderJson(const Order& order);

}  // namespace comptoir::order
