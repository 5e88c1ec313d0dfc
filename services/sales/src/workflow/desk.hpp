#pragma once
#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "observe/metrics.hpp"
#include "peers/peers.hpp"
#include "storage/repository.hpp"

namespace comptoir::sales {

/// The multi-step writes of the till: a sale (prices from product → stock out through inventory →
/// one transaction with the receipt, gift card debits, outbox event and idempotent answer) and a
/// return (stock back → one transaction). A failure after inventory moved stock reverses the movement;
/// a concurrent duplicate (same Idempotency-Key) gets the winner's answer and reverses nothing.
class Desk {
 public:
  Desk(Repository& repository, Catalogue catalogue, Stock stock, SalesMetrics& metrics)
      : repository_(repository), catalogue_(std::move(catalogue)), stock_(std::move(stock)), metrics_(metrics) {}

  /// POST /api/v1/sales (201 with the receipt).
  boost::asio::awaitable<http::Response> Sell(const http::Request& request, const auth::Principal& who);
  /// POST /api/v1/sales/{id}/returns (201 with the refund).
  boost::asio::awaitable<http::Response> Return(const http::Request& request, const auth::Principal& who,
                                                std::int64_t sale_id);
  /// The till's business counters (also counted by the handlers: register closings).
  SalesMetrics& metrics() { return metrics_; }

 private:
  boost::asio::awaitable<std::vector<SaleLine>> PriceLines(const http::Request& request, const SaleRequest& sale);
  boost::asio::awaitable<void> CheckGiftCards(const SaleRequest& sale);

  Repository& repository_;
  Catalogue catalogue_;
  Stock stock_;
  SalesMetrics& metrics_;
};

/// The SaleCompleted event data: the receipt and channel "store".
std::string SaleCompletedData(const Sale& sale);
/// The SaleReturned event data: the return and channel "store".
std::string SaleReturnedData(const SaleReturn& sale_return);

/// 404 `sales.not_found` unless `who` may see the sale: a cashier sees only their store's sales (another
/// store's sale is answered as unknown), managers and admins every sale.
void RequireVisible(const auth::Principal& who, std::int64_t sale_location_id, std::int64_t sale_id);

}  // namespace comptoir::sales
