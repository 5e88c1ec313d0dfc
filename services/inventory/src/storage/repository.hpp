#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/adjustments.hpp"
#include "domain/stock.hpp"

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
  /// Sets the reorder point (creates the row with on_hand 0 when the product was never stocked there).
  boost::asio::awaitable<StockLevel> SetReorderPoint(std::int64_t location_id, std::int64_t product_id,
                                                     std::int64_t reorder_point);

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

 private:
  pg::Pool& db_;
};

/// Inserts the demo data of DESIGN §7 (sql/seed/demo.sql); never duplicates, never destroys.
boost::asio::awaitable<void> SeedDemo(pg::Pool& db);

}  // namespace comptoir::inventory
