#pragma once
// Internal to the inventory storage: what every repository file shares — the columns and statements of
// locations, stock and movements, the row mappers, and ApplyLines (the one way on_hand changes).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "domain/stock.hpp"

#define COMPTOIR_LOCATION_COLUMNS "id, code, name, type, address, city"
#define COMPTOIR_STOCK_COLUMNS "location_id, product_id, on_hand, reserved, reorder_point"
#define COMPTOIR_MOVEMENT_COLUMNS                                                                               \
  "id, idempotency_key, location_id, product_id, quantity, reason, reference, note, actor_subject, actor_role," \
  " on_hand_after, f_rfc3339(created_at), on_behalf_of, adjustment_reason"

namespace comptoir::inventory::detail {

inline constexpr pg::Statement kFindLocation{
    "inventory.locations.find", "SELECT " COMPTOIR_LOCATION_COLUMNS " FROM locations WHERE id = $1::bigint"};
// Takes |$3| units (a negative $3) only if as many are available; no row means short (or never stocked).
inline constexpr pg::Statement kTakeStock{
    "inventory.stock.take",
    "UPDATE stock SET on_hand = on_hand + $3::bigint, updated_at = now()"
    " WHERE location_id = $1::bigint AND product_id = $2::bigint AND on_hand - reserved + $3::bigint >= 0"
    " RETURNING on_hand, reserved, reorder_point"};
// Adds $3 units, creating the row for a product never stocked here.
inline constexpr pg::Statement kPutStock{
    "inventory.stock.put",
    "INSERT INTO stock (location_id, product_id, on_hand) VALUES ($1::bigint, $2::bigint, $3::bigint)"
    " ON CONFLICT (location_id, product_id) DO UPDATE SET on_hand = stock.on_hand + EXCLUDED.on_hand,"
    " updated_at = now() RETURNING on_hand, reserved, reorder_point"};
inline constexpr pg::Statement kAvailable{
    "inventory.stock.available",
    "SELECT on_hand - reserved FROM stock WHERE location_id = $1::bigint AND product_id = $2::bigint"};
inline constexpr pg::Statement kInsertMovement{
    "inventory.movements.insert",
    "INSERT INTO movements (group_key, idempotency_key, location_id, product_id, quantity, reason, reference, note,"
    " actor_subject, actor_role, on_hand_after, on_behalf_of, adjustment_reason) VALUES ($1::text, $2::text,"
    " $3::bigint, $4::bigint, $5::bigint, $6::text, $7::text, $8::text, $9::text, $10::text, $11::bigint, $12::text,"
    " $13::text) RETURNING id, f_rfc3339(created_at)"};

std::string ActorText(const Actor& actor);
Location LocationFromRow(const pg::Row& row);
StockLevel StockFromRow(const pg::Row& row);
Movement MovementFromRow(const pg::Row& row);
std::optional<std::string> OptString(const pg::Row& row, int column);

/// Appends a StockChanged event (movement_id 0: a reservation's or a reorder point's, not a movement's). It carries
/// the row's reorder point, so that read models (reporting's low-stock alerts) follow inventory's.
boost::asio::awaitable<void> AppendStockChanged(pg::Transaction& tx, std::int64_t movement_id, std::int64_t location_id,
                                                std::int64_t product_id, std::int64_t quantity, std::int64_t on_hand,
                                                std::int64_t reserved, std::int64_t reorder_point,
                                                std::string_view reason, std::string_view reference,
                                                const std::string& correlation_id);

/// What ApplyLines writes on each movement row.
struct MovementMeta {
  std::optional<std::string> group_key;
  std::string idempotency_key;
  std::int64_t location_id = 0;
  std::string reason;
  std::string reference;
  std::string note;
  Actor actor;
  std::optional<std::string> adjustment_reason;
};

/// Changes on_hand by each line (sorted by product: the lock order), records a movement and a StockChanged
/// event per line. Every line is tried so that the 409 names every short product; the caller's transaction
/// is then abandoned (rolled back), so nothing is changed.
boost::asio::awaitable<std::vector<Movement>> ApplyLines(pg::Transaction& tx, const MovementMeta& meta,
                                                         const std::vector<Line>& unsorted,
                                                         const std::string& correlation_id);

/// 422 inventory.unknown_location unless the location exists.
boost::asio::awaitable<void> RequireLocation(pg::Transaction& tx, std::int64_t location_id);

template <class T, class Row>
ListPage<T> PageOf(const pg::Result& rows, int count_column, Row map) {
  ListPage<T> page;
  for (int i = 0; i < rows.size(); ++i) page.items.push_back(map(rows[i]));
  if (!rows.empty()) page.total = rows[0].Int(count_column);
  return page;
}

}  // namespace comptoir::inventory::detail
