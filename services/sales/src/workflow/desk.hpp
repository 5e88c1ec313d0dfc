#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "observe/metrics.hpp"
#include "peers/peers.hpp"
#include "storage/repository.hpp"
#include "workflow/gift_cards.hpp"

namespace comptoir::sales {

/// `sales.duplicate_wait_ms` (default 10 s): how long a request that finds its Idempotency-Key in progress
/// waits for the first one's answer before answering 409 `request.idempotency_key_in_use`.
/// `sales.discount_limit_percent` (default 20): the largest line discount a cashier gives alone (ADR 0141).
struct DeskSettings {
  std::chrono::milliseconds duplicate_wait{10000};
  std::int64_t discount_limit_percent = 20;
  /// `sales.require_register_session` (default true, ADR 0151): a sale without `register_session_id` is 422.
  bool require_register_session = true;
};

/// The multi-step writes of the till (ADR 0033). A sale: prices from product → gift card PINs → a stock
/// intent written → stock out through inventory → one transaction with the receipt, gift card debits, outbox
/// event and idempotent answer (and the intent removed). A return: reserved under a short lock of the sale
/// (quantities, refund per tender, the intent) → stock back through inventory, no transaction open → one
/// transaction completing it. A failure after inventory may have moved stock undoes the movement; what a crash
/// or an unreachable inventory leaves is undone by the recovery pass. A duplicate (same Idempotency-Key)
/// never calls inventory: it waits for the first request's answer.
class Desk {
 public:
  Desk(Repository& repository, Catalogue catalogue, Stock stock, GiftCards& gift_cards, const auth::Verifier& verifier,
       DeskSettings settings, SalesMetrics& metrics)
      : repository_(repository),
        catalogue_(std::move(catalogue)),
        stock_(std::move(stock)),
        gift_cards_(gift_cards),
        verifier_(verifier),
        settings_(settings),
        metrics_(metrics) {}

  /// POST /api/v1/sales (201 with the receipt).
  boost::asio::awaitable<http::Response> Sell(const http::Request& request, const auth::Principal& who);
  /// POST /api/v1/sales/{id}/returns (201 with the refund per tender). `X-Manager-Token` carries a manager's
  /// approval for cash in place of another tender.
  boost::asio::awaitable<http::Response> Return(const http::Request& request, const auth::Principal& who,
                                                std::int64_t sale_id);
  /// The till's business counters (also counted by the handlers: register closings).
  SalesMetrics& metrics() { return metrics_; }

  [[nodiscard]] const Stock& stock() const noexcept { return stock_; }

 private:
  /// Prices from product, with the store's promotions in force (ADR 0141).
  boost::asio::awaitable<PricedSale> PriceLines(const http::Request& request, const SaleRequest& sale);
  /// The manager approving discounts above the limit: the caller when a manager or admin, else the
  /// `X-Manager-Token` — a manager's or admin's token, of this store or of head office. Without it 403
  /// `sales.discount_approval_required`; another kind of token 403 `sales.manager_approval_invalid`.
  [[nodiscard]] std::string DiscountApproval(const http::Request& request, const auth::Principal& who,
                                             std::int64_t location_id, const PricedSale& priced) const;
  /// Checks the PIN of every gift card of the sale (once per card) and that each covers what the sale takes
  /// from it; sets the cards' ids on the payments.
  boost::asio::awaitable<void> AuthorizeGiftCards(SaleRequest& sale);
  /// The manager approving cash in place of another tender: the `X-Manager-Token` (a manager's or admin's
  /// token, of this store or head office), or the caller when they are one; nullopt without. 403
  /// `sales.manager_approval_invalid` for a token that is not a valid manager's of this store.
  [[nodiscard]] std::optional<std::string> ManagerApproval(const http::Request& request, const auth::Principal& who,
                                                           std::int64_t location_id) const;
  /// The subject of the manager whose token `header` is (a `Bearer` prefix allowed), if they may approve at
  /// `location_id`: a manager or admin, of that store or of head office. 403 `sales.manager_approval_invalid`.
  [[nodiscard]] std::string ApprovingManager(std::string_view header, std::int64_t location_id) const;
  /// Undoes the movement of `inventory_key` if this request still owns it (moving → compensating); what
  /// inventory does not confirm is left to the recovery pass. Never throws.
  boost::asio::awaitable<void> Compensate(const http::Request& origin, const std::string& inventory_key);
  /// A duplicate of a write in progress: the first request's answer once it exists; 409
  /// `sales.key_abandoned` when its movement was undone; 409 `request.idempotency_key_in_use` after the wait.
  boost::asio::awaitable<http::Response> AwaitFirst(const char* scope, const std::string& key,
                                                    const std::string& fingerprint, const std::string& inventory_key);
  /// Takes the sale's stock; an offline sale short of stock takes what there is and marks the rest on
  /// its lines (ADR 0090).
  boost::asio::awaitable<StockMovement> MoveSaleStock(const http::Request& request, const std::string& stock_key,
                                                      Sale& sale);

  Repository& repository_;
  Catalogue catalogue_;
  Stock stock_;
  GiftCards& gift_cards_;
  const auth::Verifier& verifier_;
  DeskSettings settings_;
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
