#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/order.hpp"

namespace comptoir::order {

/// A row of `checkouts`: the saga's state.
struct Checkout {
  std::string id;
  std::string customer_id;
  std::string idempotency_key;
  std::string fingerprint;
  std::string cart_id;
  Step step = Step::kStarted;
  std::string shipping_address_json;
  std::string card_last4;
  std::vector<Line> lines;
  Totals totals;
  std::string reservation_key;
  std::string reservation_body;
  std::string reservation_id;
  std::string charge_key;
  std::string charge_reference;
  bool charge_asked = false;  ///< the charge was (maybe) sent
  std::string charge_id;
  std::string order_id;
  std::string failure;
  std::optional<int> answer_status;
  std::string answer_body;
  bool charge_watch_over = false;  ///< watched for a late charge (ADR 0052) and its horizon has passed
};

/// What a step change records besides the step (empty/nullopt: unchanged).
struct StepUpdate {
  std::optional<std::vector<Line>> lines;  ///< with the totals below
  Totals totals;
  std::string reservation_body;
  std::string reservation_id;
  std::string charge_id;
  std::string failure;
  std::optional<int> answer_status;
  std::string answer_body;
  /// Start watching for a late charge for this long (ADR 0052): the charge's outcome is unknown.
  std::optional<std::int64_t> watch_charge_ms;
};

/// An order as the API shows it.
struct Order {
  std::string id;
  std::string number;
  std::string checkout_id;
  std::string customer_id;
  Status status = Status::kPaid;
  std::vector<Line> items;
  Totals totals;
  std::string shipping_address_json;
  std::string charge_id;
  std::string card_last4;
  std::string reservation_id;
  std::string stock;  ///< reserved | committed | released | returned
  bool refunded = false;
  std::string created_at;
  std::string updated_at;
};

struct OrderQuery {
  std::optional<std::string> customer_id;
  std::optional<Status> status;
  std::optional<std::string> from;  ///< YYYY-MM-DD, inclusive
  std::optional<std::string> to;    ///< YYYY-MM-DD, inclusive
  std::int64_t page = 1;
  std::int64_t per_page = 20;
};

struct OrderList {
  std::vector<Order> items;
  std::int64_t total = 0;
};

std::string LinesJson(const std::vector<Line>& lines);
std::vector<Line> LinesFromJson(std::string_view text);

/// The order database: checkouts, orders, items, and the outbox (written in the transaction of each change).
class Repository {
 public:
  explicit Repository(pg::Pool& db) : db_(db) {}

  /// Inserts the checkout, or returns the one already recorded for (customer, key) with `created` false.
  boost::asio::awaitable<std::pair<Checkout, bool>> CreateCheckout(Checkout checkout);
  boost::asio::awaitable<std::optional<Checkout>> FindCheckout(std::string id);
  /// Moves the checkout from `from` to `to` (domain rule CanAdvance) with `update`; false when the row is no
  /// longer at `from` (someone else moved it).
  boost::asio::awaitable<bool> Advance(const std::string& id, Step from, Step to, const StepUpdate& update);
  /// Checkouts not terminal and untouched for `stale_ms` (a compensation that could not finish is retried too).
  boost::asio::awaitable<std::vector<Checkout>> OpenCheckouts(std::int64_t stale_ms);
  /// Failed checkouts watched for a late charge (ADR 0052) and not checked for `interval_ms`, least recently
  /// checked first; `charge_watch_over` tells those whose horizon has passed.
  boost::asio::awaitable<std::vector<Checkout>> WatchedCheckouts(std::int64_t interval_ms);
  /// Records a check of a watched checkout: `ended` stops the watch (a charge was found, or the horizon passed).
  boost::asio::awaitable<void> ChargeChecked(const std::string& id, bool ended);

  /// In one transaction: the order (status paid) with its items, the `OrderPlaced` event, and the checkout moved
  /// from charged to order_created. Returns the order id (the existing one if the checkout already has an order).
  boost::asio::awaitable<std::string> CreateOrder(const Checkout& checkout, const std::string& correlation_id);

  boost::asio::awaitable<std::optional<Order>> FindOrder(std::string id);
  boost::asio::awaitable<OrderList> ListOrders(OrderQuery query);
  /// Status change from `from` to `to` with `OrderStatusChanged` (or `OrderCancelled` when `to` is cancelled);
  /// false when the order is no longer at `from`, or when `to` needs committed stock (NeedsCommittedStock) and the
  /// order's is not.
  boost::asio::awaitable<bool> ChangeStatus(const Order& order, Status to, const std::string& actor,
                                            const std::string& reason, const std::string& correlation_id);
  boost::asio::awaitable<void> SetStock(const std::string& order_id, const std::string& stock);
  boost::asio::awaitable<void> SetRefunded(const std::string& order_id);
  /// Cancelled orders whose refund or stock return is not done yet, untouched for `stale_ms`.
  boost::asio::awaitable<std::vector<Order>> UnsettledCancellations(std::int64_t stale_ms);

 private:
  pg::Pool& db_;
};

}  // namespace comptoir::order
