#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/sales.hpp"
#include "domain/till.hpp"

namespace comptoir::sales {

/// A gift card as the till and the back office see it (never its PIN or hash).
struct GiftCard {
  std::int64_t id = 0;
  std::string code;  ///< canonical, full: shown only to whoever issued it
  std::int64_t balance_cents = 0;
  bool locked = false;
  std::string created_at;
  bool active = true;  ///< false: issued without a balance, not sold yet (ADR 0152)
};

/// A basket put aside at a till, resumed once at any till of its store (ADR 0150).
struct SuspendedSale {
  std::int64_t id = 0;
  std::int64_t location_id = 0;
  std::optional<std::string> register_name;
  std::optional<std::string> label;
  std::string basket;  ///< the till's draft, JSON
  std::int64_t line_count = 0;
  std::string suspended_by;
  std::string status = "suspended";
  std::optional<std::string> resumed_by;
  std::optional<std::string> resumed_register;
  std::string created_at;
  std::optional<std::string> resumed_at;
};

/// A closed session and its Z report (the JSON stored, immutable).
struct ClosedSession {
  RegisterSession session;
  std::string z_report;
};

/// What verifying a PIN needs.
struct GiftCardSecret {
  std::int64_t id = 0;
  std::string pin_hash;
};

/// A stock movement asked of inventory for a sale or a return, recorded before the call (ADR 0033).
struct StockIntent {
  std::string inventory_key;  ///< "sale:<key>" / "return:<key>"
  std::string kind;           ///< "sale" | "return"
  std::int64_t location_id = 0;
  std::string cashier_id;
  std::optional<std::int64_t> sale_id;
  std::optional<std::int64_t> return_id;
  std::string lines_json;  ///< [{product_id, quantity}], signed
  std::string state = "moving";
  int attempts = 0;
  std::optional<std::string> last_error;
};

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

  // ---- Gift cards (storage/gift_cards.cpp) ----

  /// Counts a PIN attempt on the card before it is verified, atomically: the card's id and PIN hash, or
  /// nullopt when the code is unknown, the card has no PIN or `max_failures` wrong PINs in a row locked it.
  boost::asio::awaitable<std::optional<GiftCardSecret>> CountPinAttempt(std::string code, int max_failures);
  /// The PIN was right: the attempt counted by CountPinAttempt is forgiven (the run of failures ends).
  boost::asio::awaitable<void> PinAccepted(std::int64_t gift_card_id);
  boost::asio::awaitable<std::optional<GiftCard>> FindGiftCard(std::int64_t id);
  /// A new card (`code` unique: false when taken, draw another).
  boost::asio::awaitable<std::optional<GiftCard>> InsertGiftCard(std::string code, std::string pin_hash,
                                                                 std::int64_t balance_cents, std::string issued_by);
  /// The card of a canonical code (no PIN needed: loading a card is not spending it).
  boost::asio::awaitable<std::optional<GiftCard>> FindGiftCardByCode(std::string code);
  /// Ends a lockout; nullopt when there is no such card.
  boost::asio::awaitable<std::optional<GiftCard>> UnlockGiftCard(std::int64_t id);

  // ---- Stock intents (storage/intents.cpp, ADR 0033) ----

  /// Writes the intent before the stock call; false when the key has one already (see FindIntent).
  boost::asio::awaitable<bool> ClaimIntent(const StockIntent& intent);
  boost::asio::awaitable<bool> ClaimIntent(pg::Transaction& tx, const StockIntent& intent);
  boost::asio::awaitable<std::optional<StockIntent>> FindIntent(std::string inventory_key);
  /// In `tx`: never a second pooled connection while a transaction holds one (and maybe a lock).
  boost::asio::awaitable<std::optional<StockIntent>> FindIntent(pg::Transaction& tx, std::string inventory_key);
  /// Removes a `moving` intent (nothing moved, or the sale/return is recorded in `tx`); false when it is not
  /// `moving` any more (someone is undoing it).
  boost::asio::awaitable<bool> DropMovingIntent(std::string inventory_key);
  boost::asio::awaitable<bool> DropMovingIntent(pg::Transaction& tx, std::string inventory_key);
  /// moving → compensating; false when it was not `moving` (recorded meanwhile, or another actor undoes it).
  boost::asio::awaitable<bool> StartCompensating(std::string inventory_key);
  /// compensating → reversed, in `tx` (with the return it undoes).
  boost::asio::awaitable<void> MarkReversed(pg::Transaction& tx, std::string inventory_key);
  /// A failed attempt to reverse: counted and kept for the next pass.
  boost::asio::awaitable<void> NoteIntentFailure(std::string inventory_key, std::string error);
  /// Intents not reversed and untouched for `stale_ms`: to recover.
  boost::asio::awaitable<std::vector<StockIntent>> StaleIntents(std::int64_t stale_ms, std::int64_t limit);

  /// 422 `sales.invalid_register_session` unless `session_id` names an open session of `location_id`;
  /// the row is share-locked so that the session cannot close before the transaction ends. `allow_closed`
  /// (an offline sale replayed late, ADR 0151): a closed session of that store passes too, answered true.
  boost::asio::awaitable<bool> RequireOpenSession(pg::Transaction& tx, std::int64_t session_id,
                                                  std::int64_t location_id, bool allow_closed = false);

  /// Records a sale: the next receipt number of its store, the sale, its lines and payments, gift card
  /// debits (422 `sales.gift_card_insufficient` / `sales.unknown_gift_card`). Fills id, receipt_number,
  /// created_at. `created_at` (RFC 3339) is for seeded history; nullopt means now.
  boost::asio::awaitable<void> InsertSale(pg::Transaction& tx, Sale& sale, const Settlement& settlement,
                                          std::optional<std::string> idempotency_key, std::string inventory_key,
                                          std::optional<std::string> created_at = std::nullopt);

  boost::asio::awaitable<std::optional<Sale>> FindSale(std::int64_t id);
  /// The sale, locked for update (returns of one sale are reserved one at a time on it).
  boost::asio::awaitable<std::optional<Sale>> LockSale(pg::Transaction& tx, std::int64_t id);
  boost::asio::awaitable<ListPage<Sale>> ListSales(const SaleQuery& query);

  /// Reserves a return (status pending): the return, its lines and tenders, and on the sale the returned
  /// quantities and refunded amounts (per tender, in cash), so that a concurrent return sees them. Fills id
  /// and created_at.
  boost::asio::awaitable<void> ReserveReturn(pg::Transaction& tx, SaleReturn& sale_return, std::string inventory_key);
  /// pending → completed, and the gift card credits of the parts refunded to gift cards. False when the return
  /// is not pending any more.
  boost::asio::awaitable<bool> CompleteReturn(pg::Transaction& tx, const SaleReturn& sale_return);
  /// pending → cancelled, and its quantities and amounts taken off the sale again (ApplyRefund(−1) in SQL).
  boost::asio::awaitable<void> CancelReturn(pg::Transaction& tx, std::int64_t return_id);
  /// The completed returns of a sale, oldest first, with their lines and tenders.
  boost::asio::awaitable<std::vector<SaleReturn>> ListReturns(std::int64_t sale_id);

  /// 409 `sales.session_already_open` when the register already has an open session.
  boost::asio::awaitable<RegisterSession> OpenSession(std::int64_t location_id, std::string register_name,
                                                      std::int64_t opening_float_cents, std::string opened_by);
  boost::asio::awaitable<std::optional<RegisterSession>> FindSession(std::int64_t id);
  // ---- Till operations and reports (storage/till.cpp, ADR 0150) ----

  /// Closes an open session in one transaction: its figures summed, the register's next Z number, the Z
  /// report stored (immutable), expected cash and over/short on the session. 409 `sales.session_closed` when
  /// it is closed already; nullopt when it does not exist.
  boost::asio::awaitable<std::optional<ClosedSession>> CloseSession(std::int64_t id, std::int64_t counted_cash_cents,
                                                                    std::string closed_by);
  /// The figures of a session now (an X report; for a closed one, what happened since is in late_sales).
  boost::asio::awaitable<SessionFigures> LoadFigures(const RegisterSession& session);
  /// The stored Z report of a closed session (JSON), nullopt when it has none.
  boost::asio::awaitable<std::optional<std::string>> FindZReport(std::int64_t session_id);
  /// Records a movement on an open session (share-locked: a close waits for it); fills id and created_at.
  boost::asio::awaitable<void> InsertMovement(pg::Transaction& tx, Movement& movement, std::int64_t location_id,
                                              std::string idempotency_key);
  boost::asio::awaitable<std::vector<Movement>> ListMovements(std::int64_t session_id);

  // ---- Suspended sales (storage/suspended.cpp) ----
  /// Records the basket; the same Idempotency-Key answers the first one.
  boost::asio::awaitable<SuspendedSale> Suspend(SuspendedSale sale, std::string idempotency_key);
  boost::asio::awaitable<std::optional<SuspendedSale>> FindSuspended(std::int64_t id);
  /// Baskets still suspended (of one store, or all), oldest first.
  boost::asio::awaitable<std::vector<SuspendedSale>> ListSuspended(std::optional<std::int64_t> location_id);
  /// suspended → resumed, once: nullopt when it was resumed already (or does not exist).
  boost::asio::awaitable<std::optional<SuspendedSale>> Resume(std::int64_t id, std::string by,
                                                              std::optional<std::string> register_name);
  boost::asio::awaitable<ListPage<RegisterSession>> ListSessions(const SessionQuery& query);

 private:
  pg::Pool& db_;
};

}  // namespace comptoir::sales
