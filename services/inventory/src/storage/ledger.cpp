#include "storage/ledger.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/service/outbox.hpp"

namespace comptoir::inventory::detail {

using boost::asio::awaitable;

std::string ActorText(const Actor& actor) {
  return actor.role + ":" + actor.subject;
}

Location LocationFromRow(const pg::Row& row) {
  Location l;
  l.id = row.Int(0);
  l.code = row.Text(1);
  l.name = row.Text(2);
  l.type = row.Text(3);
  l.address = row.Text(4);
  l.city = row.Text(5);
  return l;
}

StockLevel StockFromRow(const pg::Row& row) {
  StockLevel s;
  s.location_id = row.Int(0);
  s.product_id = row.Int(1);
  s.on_hand = row.Int(2);
  s.reserved = row.Int(3);
  s.reorder_point = row.Int(4);
  return s;
}

Movement MovementFromRow(const pg::Row& row) {
  Movement m;
  m.id = row.Int(0);
  m.idempotency_key = row.Text(1);
  m.location_id = row.Int(2);
  m.product_id = row.Int(3);
  m.quantity = row.Int(4);
  m.reason = row.Text(5);
  m.reference = row.Text(6);
  m.note = row.Text(7);
  m.actor.subject = row.Text(8);
  m.actor.role = row.Text(9);
  m.on_hand_after = row.Int(10);
  m.created_at = row.Text(11);
  m.actor.on_behalf_of = row.Text(12);
  m.adjustment_reason = row.OptText(13);
  return m;
}

std::optional<std::string> OptString(const pg::Row& row, int column) {
  auto text = row.OptText(column);
  if (!text) return std::nullopt;
  return std::string(*text);
}

awaitable<void> AppendStockChanged(pg::Transaction& tx, std::int64_t movement_id, std::int64_t location_id,
                                   std::int64_t product_id, std::int64_t quantity, std::int64_t on_hand,
                                   std::int64_t reserved, std::int64_t reorder_point, std::string_view reason,
                                   std::string_view reference, const std::string& correlation_id) {
  boost::json::object data;
  if (movement_id > 0) data["movement_id"] = movement_id;
  data["location_id"] = location_id;
  data["product_id"] = product_id;
  data["quantity"] = quantity;
  data["on_hand"] = on_hand;
  data["reserved"] = reserved;
  data["available"] = on_hand - reserved;
  data["reorder_point"] = reorder_point;
  data["reason"] = reason;
  data["reference"] = reference;
  service::Event event;
  event.type = "StockChanged";
  event.aggregate_type = "stock";
  event.aggregate_id = std::to_string(location_id) + ":" + std::to_string(product_id);
  event.data_json = boost::json::serialize(data);
  event.correlation_id = correlation_id;
  co_await service::AppendEvent(tx, "inventory", std::move(event));
}

awaitable<std::vector<Movement>> ApplyLines(pg::Transaction& tx, const MovementMeta& meta,
                                            const std::vector<Line>& unsorted, const std::string& correlation_id) {
  std::vector<Line> lines = SortedByProduct(unsorted);
  std::vector<Shortage> shortages;
  std::vector<Movement> movements;
  for (const Line& line : lines) {
    pg::Params params;
    params.Add(meta.location_id).Add(line.product_id).Add(line.quantity);
    pg::Result rows = co_await tx.Execute(line.quantity < 0 ? kTakeStock : kPutStock, std::move(params));
    if (rows.empty()) {
      pg::Result available = co_await tx.Execute(kAvailable, pg::Params().Add(meta.location_id).Add(line.product_id));
      std::int64_t now_available = available.empty() ? 0 : available[0].Int(0);
      shortages.push_back(Shortage{line.product_id, -line.quantity, now_available});
      continue;
    }
    if (!shortages.empty()) continue;
    std::int64_t on_hand = rows[0].Int(0);
    std::int64_t reserved = rows[0].Int(1);
    std::int64_t reorder_point = rows[0].Int(2);
    pg::Params insert;
    insert.Add(meta.group_key)
        .Add(meta.idempotency_key)
        .Add(meta.location_id)
        .Add(line.product_id)
        .Add(line.quantity)
        .Add(meta.reason)
        .Add(meta.reference)
        .Add(meta.note)
        .Add(meta.actor.subject)
        .Add(meta.actor.role)
        .Add(on_hand)
        .Add(meta.actor.on_behalf_of)
        .Add(meta.adjustment_reason);
    pg::Result inserted = co_await tx.Execute(kInsertMovement, std::move(insert));
    Movement m;
    m.id = inserted[0].Int(0);
    m.created_at = inserted[0].Text(1);
    m.idempotency_key = meta.idempotency_key;
    m.location_id = meta.location_id;
    m.product_id = line.product_id;
    m.quantity = line.quantity;
    m.reason = meta.reason;
    m.reference = meta.reference;
    m.note = meta.note;
    m.actor = meta.actor;
    m.adjustment_reason = meta.adjustment_reason;
    m.on_hand_after = on_hand;
    co_await AppendStockChanged(tx, m.id, m.location_id, m.product_id, m.quantity, on_hand, reserved, reorder_point,
                                m.reason, m.reference, correlation_id);
    movements.push_back(std::move(m));
  }
  if (!shortages.empty()) throw InsufficientStock(meta.location_id, shortages);
  co_return movements;
}

awaitable<void> RequireLocation(pg::Transaction& tx, std::int64_t location_id) {
  pg::Result rows = co_await tx.Execute(kFindLocation, pg::Params().Add(location_id));
  if (rows.empty()) {
    throw ApiError(ErrorKind::kUnprocessable, "inventory.unknown_location",
                   "no location has id " + std::to_string(location_id));
  }
}

}  // namespace comptoir::inventory::detail
