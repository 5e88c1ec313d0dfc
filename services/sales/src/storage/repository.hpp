#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/sales.hpp"

namespace comptoir::sales {

/// One page of a list and the number of rows of the whole list.
template <class T>
struct ListPage {
  std::vector<T> items;
  std::int64_t total = 0;
};

/// Sales, returns, register sessions and gift cards in PostgreSQL. Writes that belong to one business
/// step take the caller's transaction (the workflow adds its outbox event and idempotent answer to it).
class Repository {
 public:
  explicit Repository(pg::Pool& db) : db_(db) {}
  [[nodiscard]] pg::Pool& db() noexcept { return db_; }

  /// Balance of a gift card; nullopt when the code is unknown.
  boost::asio::awaitable<std::optional<std::int64_t>> GiftCardBalance(std::string code);

  /// 422 `sales.invalid_register_session` unless `session_id` names an open session of `location_id`;
  /// the row is share-locked so that the session cannot close before the transaction ends.
  boost::asio::awaitable<void> RequireOpenSession(pg::Transaction& tx, std::int64_t session_id,
                                                  std::int64_t location_id);

  /// Records a sale: the next receipt number of its store, the sale, its lines and payments, gift card
  /// debits (422 `sales.gift_card_insufficient` / `sales.unknown_gift_card`). Fills id, receipt_number,
  /// created_at. `created_at` (RFC 3339) is for seeded history; nullopt means now.
  boost::asio::awaitable<void> InsertSale(pg::Transaction& tx, Sale& sale, const Settlement& settlement,
                                          std::optional<std::string> idempotency_key, std::string inventory_key,
                                          std::optional<std::string> created_at = std::nullopt);

  boost::asio::awaitable<std::optional<Sale>> FindSale(std::int64_t id);
  /// The sale, locked for update (returns of one sale are serialised on it).
  boost::asio::awaitable<std::optional<Sale>> LockSale(pg::Transaction& tx, std::int64_t id);
  boost::asio::awaitable<ListPage<Sale>> ListSales(const SaleQuery& query);

  /// Records a return: the return and its lines, returned quantities and subtotal on the sale, a gift card
  /// credit when refunded to a gift card. Fills id and created_at.
  boost::asio::awaitable<void> InsertReturn(pg::Transaction& tx, SaleReturn& sale_return, std::string inventory_key);
  boost::asio::awaitable<std::vector<SaleReturn>> ListReturns(std::int64_t sale_id);

  /// 409 `sales.session_already_open` when the register already has an open session.
  boost::asio::awaitable<RegisterSession> OpenSession(std::int64_t location_id, std::string register_name,
                                                      std::int64_t opening_float_cents, std::string opened_by);
  boost::asio::awaitable<std::optional<RegisterSession>> FindSession(std::int64_t id);
  /// Closes an open session: expected cash from its sales and cash refunds, over/short. 409
  /// `sales.session_closed` when it is closed already; nullopt when it does not exist.
  boost::asio::awaitable<std::optional<RegisterSession>> CloseSession(std::int64_t id, std::int64_t counted_cash_cents,
                                                                      std::string closed_by);
  boost::asio::awaitable<ListPage<RegisterSession>> ListSessions(const SessionQuery& query);

 private:
  pg::Pool& db_;
};

}  // namespace comptoir::sales
