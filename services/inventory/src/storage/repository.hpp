#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/adjustments.hpp"
#include "domain/stock.hpp"
#include "domain/transfers.hpp"

namespace comptoir::inventory {

/// Head of a movement group, what authorization of a reverse looks at.
struct GroupHead {
  std::string key;
  bool tombstone = false;
  std::int64_t location_id = 0;
  std::string reason;
  std::string reference;
  bool reversed = false;
};

/// The inventory tables. Every write is one transaction that also inserts its outbox events. Stock rows
/// are locked in product-id order and changed by conditional UPDATEs (on_hand - reserved never below 0),
/// so concurrent requests on the same products are correct and cannot deadlock.
class Repository {
 public:
  explicit Repository(pg::Pool& db) : db_(db) {}

  boost::asio::awaitable<ListPage<Location>> ListLocations(const Page& page);
  boost::asio::awaitable<std::optional<Location>> FindLocation(std::int64_t id);

  boost::asio::awaitable<ListPage<StockLevel>> ListStock(const StockQuery& query);
  /// Sets the reorder point (creates the row with on_hand 0 when the product was never stocked there), with the
  /// StockChanged (quantity 0, reason "reorder_point") that tells the read models.
  boost::asio::awaitable<StockLevel> SetReorderPoint(std::int64_t location_id, std::int64_t product_id,
                                                     std::int64_t reorder_point, const std::string& correlation_id);

  /// Applies every line of `request` or none (409 inventory.insufficient_stock), once per `key`: a replay
  /// with the same fingerprint returns the first answer; another fingerprint is 422
  /// request.idempotency_key_reused; a key reversed before it arrived is 409 inventory.movement_reversed.
  boost::asio::awaitable<MovementGroup> ApplyMovements(const std::string& key, const std::string& fingerprint,
                                                       const MovementRequest& request, const Actor& actor,
                                                       const std::string& correlation_id);
  /// Reverses the group `key` (once), or leaves a tombstone when there is none. `authorize` is called
  /// with the group (locked) before anything changes, or with nullopt before a tombstone is written.
  boost::asio::awaitable<MovementGroup> ReverseMovements(
      const std::string& key, const Actor& actor, const std::string& correlation_id,
      const std::function<void(const std::optional<GroupHead>&)>& authorize);
  boost::asio::awaitable<ListPage<Movement>> ListMovements(const MovementQuery& query);
  /// Today's date (YYYY-MM-DD) in `time_zone`.
  boost::asio::awaitable<std::string> Today(const std::string& time_zone);
  /// Adjustment groups' movements (the adjustments and their reversals) made in the query's business days in
  /// `time_zone`, summed per (location, adjustment reason), ordered by location then reason.
  boost::asio::awaitable<std::vector<AdjustmentTotals>> Adjustments(const AdjustmentQuery& query,
                                                                    const std::string& time_zone);

  /// Reserves every line or none at `location_id`; idempotent by `key` like ApplyMovements.
  boost::asio::awaitable<Reservation> Reserve(const std::string& key, const std::string& fingerprint,
                                              std::int64_t location_id, const std::string& reference,
                                              const std::vector<Line>& lines, const Actor& actor,
                                              std::chrono::seconds ttl, const std::string& correlation_id);
  boost::asio::awaitable<std::optional<Reservation>> FindReservation(const std::string& id);
  /// Stock leaves (movement reason "order"); committing twice answers the same. nullopt: no such reservation.
  boost::asio::awaitable<std::optional<Reservation>> CommitReservation(
      const std::string& id, const Actor& actor, const std::string& correlation_id,
      const std::function<void(const Reservation&)>& authorize);
  /// Gives the reserved units back; releasing twice (or after expiry) answers the same.
  boost::asio::awaitable<std::optional<Reservation>> ReleaseReservation(
      const std::string& id, const std::string& correlation_id,
      const std::function<void(const Reservation&)>& authorize);
  /// Releases active reservations past their expiry (status "expired"); returns how many.
  boost::asio::awaitable<int> ExpireReservations(const std::string& correlation_id);

  boost::asio::awaitable<RestockRequest> CreateRestock(std::int64_t location_id, const std::vector<Line>& lines,
                                                       const std::string& note, const Actor& actor,
                                                       const std::string& correlation_id);
  boost::asio::awaitable<ListPage<RestockRequest>> ListRestock(const RestockQuery& query);
  boost::asio::awaitable<std::optional<RestockRequest>> FindRestock(std::int64_t id);
  /// The transitions; each throws 404 inventory.restock_not_found, 409 inventory.illegal_transition.
  boost::asio::awaitable<RestockRequest> ApproveRestock(std::int64_t id, const std::vector<Line>& lines,
                                                        const Actor& actor, const std::string& correlation_id);
  boost::asio::awaitable<RestockRequest> RejectRestock(std::int64_t id, const std::string& reason, const Actor& actor,
                                                       const std::string& correlation_id);
  boost::asio::awaitable<RestockRequest> ShipRestock(std::int64_t id, const Actor& actor,
                                                     const std::string& correlation_id);
  boost::asio::awaitable<RestockRequest> ReceiveRestock(std::int64_t id, const Actor& actor,
                                                        const std::string& correlation_id);

  /// Store-to-store transfers (ADR 0171, storage/transfers_repository.cpp). A non-empty `key` makes the creation
  /// idempotent (same key and fingerprint: the same transfer; another fingerprint: 422). Each step locks the
  /// transfer, calls `authorize` with it, then checks the step (404 inventory.transfer_not_found, 409
  /// inventory.illegal_transition); ship and receive move the approved quantities exactly once.
  boost::asio::awaitable<Transfer> CreateTransfer(const TransferRequest& request, const std::string& key,
                                                  const std::string& fingerprint, const Actor& actor,
                                                  const std::string& correlation_id);
  boost::asio::awaitable<ListPage<Transfer>> ListTransfers(const TransferQuery& query);
  boost::asio::awaitable<std::optional<Transfer>> FindTransfer(std::int64_t id);
  boost::asio::awaitable<Transfer> ApproveTransfer(std::int64_t id, const std::vector<Line>& lines, const Actor& actor,
                                                   const std::string& correlation_id,
                                                   const std::function<void(const Transfer&)>& authorize);
  boost::asio::awaitable<Transfer> RejectTransfer(std::int64_t id, const std::string& reason, const Actor& actor,
                                                  const std::string& correlation_id,
                                                  const std::function<void(const Transfer&)>& authorize);
  /// Ship (`ship`: transfer_out at the source, 409 when short) or receive (transfer_in at the destination).
  boost::asio::awaitable<Transfer> MoveTransfer(std::int64_t id, bool ship, const Actor& actor,
                                                const std::string& correlation_id,
                                                const std::function<void(const Transfer&)>& authorize);

  /// Cycle counts (ADR 0172, storage/counts_repository.cpp). Opening snapshots on_hand of `products` (all the
  /// products stocked there when nullopt); 409 inventory.count_already_open when the location has an open sheet.
  boost::asio::awaitable<CountSheet> OpenCount(std::int64_t location_id,
                                               const std::optional<std::vector<std::int64_t>>& products,
                                               const std::string& note, const Actor& actor);
  boost::asio::awaitable<ListPage<CountSheet>> ListCounts(const CountQuery& query);
  boost::asio::awaitable<std::optional<CountSheet>> FindCount(std::int64_t id);
  /// Records counted quantities (lines' quantity ≥ 0), each with on_hand at this moment as its expected quantity.
  boost::asio::awaitable<CountSheet> RecordCounts(std::int64_t id, const std::vector<Line>& counted, const Actor& actor,
                                                  const std::function<void(const CountSheet&)>& authorize);
  /// Posts the sheet: one adjustment group `count:<id>` (count_correction) of counted − expected per line, applied
  /// to the live on_hand; `prices` value the variance. Posting again answers the posted sheet, moving nothing.
  boost::asio::awaitable<CountSheet> PostCount(std::int64_t id, const std::map<std::int64_t, std::int64_t>& prices,
                                               const Actor& actor, const std::string& correlation_id,
                                               const std::function<void(const CountSheet&)>& authorize);
  boost::asio::awaitable<CountSheet> CancelCount(std::int64_t id, const Actor& actor,
                                                 const std::function<void(const CountSheet&)>& authorize);

 private:
  pg::Pool& db_;
};

/// Inserts the demo data of DESIGN §7 (sql/seed/demo.sql); never duplicates, never destroys.
boost::asio::awaitable<void> SeedDemo(pg::Pool& db);

}  // namespace comptoir::inventory
