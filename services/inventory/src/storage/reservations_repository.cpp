#include "storage/repository.hpp"

#include "comptoir/error.hpp"
#include "comptoir/http/server.hpp"
#include "storage/ledger.hpp"

namespace comptoir::inventory {

namespace {

using boost::asio::awaitable;
using namespace detail;

#define COMPTOIR_RESERVATION_COLUMNS                                                                       \
  "id::text, status, location_id, reference, f_rfc3339(expires_at), f_rfc3339(created_at), actor_subject," \
  " actor_role, expires_at < now()"

constexpr pg::Statement kReserveStock{
    "inventory.stock.reserve",
    "UPDATE stock SET reserved = reserved + $3::bigint, updated_at = now()"
    " WHERE location_id = $1::bigint AND product_id = $2::bigint AND on_hand - reserved >= $3::bigint"
    " RETURNING on_hand, reserved, reorder_point"};
constexpr pg::Statement kUnreserveStock{
    "inventory.stock.unreserve",
    "UPDATE stock SET reserved = reserved - $3::bigint, updated_at = now()"
    " WHERE location_id = $1::bigint AND product_id = $2::bigint AND reserved >= $3::bigint"
    " RETURNING on_hand, reserved, reorder_point"};
constexpr pg::Statement kConsumeReserved{
    "inventory.stock.consume_reserved",
    "UPDATE stock SET on_hand = on_hand - $3::bigint, reserved = reserved - $3::bigint, updated_at = now()"
    " WHERE location_id = $1::bigint AND product_id = $2::bigint AND reserved >= $3::bigint"
    " RETURNING on_hand, reserved, reorder_point"};

constexpr pg::Statement kInsertReservation{
    "inventory.reservations.insert",
    "INSERT INTO reservations (id, idempotency_key, fingerprint, location_id, reference, status, actor_subject,"
    " actor_role, expires_at) VALUES ($1::uuid, $2::text, $3::text, $4::bigint, $5::text, 'active', $6::text,"
    " $7::text, now() + make_interval(secs => $8::bigint)) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"};
constexpr pg::Statement kReservationByKey{
    "inventory.reservations.by_key", "SELECT id::text, fingerprint FROM reservations WHERE idempotency_key = $1::text"};
constexpr pg::Statement kInsertReservationLine{
    "inventory.reservations.insert_line",
    "INSERT INTO reservation_lines (reservation_id, product_id, quantity) VALUES ($1::uuid, $2::bigint, $3::bigint)"};
constexpr pg::Statement kFindReservation{
    "inventory.reservations.find", "SELECT " COMPTOIR_RESERVATION_COLUMNS " FROM reservations WHERE id = $1::uuid"};
constexpr pg::Statement kLockReservation{"inventory.reservations.lock",
                                         "SELECT " COMPTOIR_RESERVATION_COLUMNS
                                         " FROM reservations WHERE id = $1::uuid FOR UPDATE"};
constexpr pg::Statement kReservationLines{
    "inventory.reservations.lines",
    "SELECT product_id, quantity FROM reservation_lines WHERE reservation_id = $1::uuid ORDER BY product_id"};
constexpr pg::Statement kSetReservationStatus{
    "inventory.reservations.set_status",
    "UPDATE reservations SET status = $2::text, updated_at = now() WHERE id = $1::uuid"};
constexpr pg::Statement kExpiredReservations{
    "inventory.reservations.expired",
    "SELECT id::text FROM reservations WHERE status = 'active' AND expires_at < now() ORDER BY expires_at LIMIT 100"};

Reservation ReservationFromRow(const pg::Row& row, bool* past_expiry) {
  Reservation r;
  r.id = row.Text(0);
  r.status = row.Text(1);
  r.location_id = row.Int(2);
  r.reference = row.Text(3);
  r.expires_at = row.Text(4);
  r.created_at = row.Text(5);
  r.actor.subject = row.Text(6);
  r.actor.role = row.Text(7);
  if (past_expiry != nullptr) *past_expiry = row.Bool(8);
  return r;
}

awaitable<std::vector<Line>> ReadReservationLines(pg::Transaction& tx, const std::string& id) {
  pg::Result rows = co_await tx.Execute(kReservationLines, pg::Params().Add(id));
  std::vector<Line> lines;
  for (int i = 0; i < rows.size(); ++i) lines.push_back(Line{rows[i].Int(0), rows[i].Int(1)});
  co_return lines;
}

awaitable<std::optional<Reservation>> ReadReservation(pg::Transaction& tx, const std::string& id, bool lock,
                                                      bool* past_expiry) {
  pg::Result rows = co_await tx.Execute(lock ? kLockReservation : kFindReservation, pg::Params().Add(id));
  if (rows.empty()) co_return std::nullopt;
  Reservation r = ReservationFromRow(rows[0], past_expiry);
  r.lines = co_await ReadReservationLines(tx, id);
  co_return r;
}

}  // namespace

awaitable<Reservation> Repository::Reserve(const std::string& key, const std::string& fingerprint,
                                           std::int64_t location_id, const std::string& reference,
                                           const std::vector<Line>& unsorted, const Actor& actor,
                                           std::chrono::seconds ttl, const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  co_await RequireLocation(tx, location_id);
  std::string id = http::NewUuid();
  pg::Params params;
  params.Add(id)
      .Add(key)
      .Add(fingerprint)
      .Add(location_id)
      .Add(reference)
      .Add(actor.subject)
      .Add(actor.role)
      .Add(static_cast<std::int64_t>(ttl.count()));
  pg::Result inserted = co_await tx.Execute(kInsertReservation, std::move(params));
  if (inserted.empty()) {
    pg::Result rows = co_await tx.Execute(kReservationByKey, pg::Params().Add(key));
    if (rows[0].Text(1) != fingerprint) {
      throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                     "this Idempotency-Key was used with another request");
    }
    std::string existing(rows[0].Text(0));
    auto reservation = co_await ReadReservation(tx, existing, false, nullptr);
    co_return std::move(*reservation);
  }
  std::vector<Line> lines = SortedByProduct(unsorted);
  std::vector<Shortage> shortages;
  for (const Line& line : lines) {
    pg::Result rows =
        co_await tx.Execute(kReserveStock, pg::Params().Add(location_id).Add(line.product_id).Add(line.quantity));
    if (rows.empty()) {
      pg::Result available = co_await tx.Execute(kAvailable, pg::Params().Add(location_id).Add(line.product_id));
      shortages.push_back(Shortage{line.product_id, line.quantity, available.empty() ? 0 : available[0].Int(0)});
      continue;
    }
    if (!shortages.empty()) continue;
    co_await tx.Execute(kInsertReservationLine, pg::Params().Add(id).Add(line.product_id).Add(line.quantity));
    co_await AppendStockChanged(tx, 0, location_id, line.product_id, 0, rows[0].Int(0), rows[0].Int(1), rows[0].Int(2),
                                "reservation", reference, correlation_id);
  }
  if (!shortages.empty()) throw InsufficientStock(location_id, shortages);
  auto reservation = co_await ReadReservation(tx, id, false, nullptr);
  co_await tx.Commit();
  co_return std::move(*reservation);
}

awaitable<std::optional<Reservation>> Repository::FindReservation(const std::string& id) {
  pg::Transaction tx = co_await db_.Begin();
  auto reservation = co_await ReadReservation(tx, id, false, nullptr);
  co_await tx.Commit();
  co_return reservation;
}

awaitable<std::optional<Reservation>> Repository::CommitReservation(
    const std::string& id, const Actor& actor, const std::string& correlation_id,
    const std::function<void(const Reservation&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  bool past_expiry = false;
  auto reservation = co_await ReadReservation(tx, id, true, &past_expiry);
  if (!reservation) co_return std::nullopt;
  authorize(*reservation);
  if (reservation->status == "committed") co_return reservation;
  if (reservation->status != "active") {
    throw ApiError::Conflict("inventory.reservation_not_active",
                             "reservation " + id + " is " + reservation->status + "; it cannot be committed");
  }
  if (past_expiry) {
    throw ApiError::Conflict("inventory.reservation_expired",
                             "reservation " + id + " expired at " + reservation->expires_at + "; nothing was changed");
  }
  for (const Line& line : reservation->lines) {
    pg::Result rows = co_await tx.Execute(
        kConsumeReserved, pg::Params().Add(reservation->location_id).Add(line.product_id).Add(line.quantity));
    if (rows.empty()) throw ApiError::Internal("inventory.reservation_inconsistent", "reserved stock is missing");
    std::int64_t on_hand = rows[0].Int(0);
    pg::Params insert;
    insert.AddNull()
        .Add("reservation:" + id)
        .Add(reservation->location_id)
        .Add(line.product_id)
        .Add(-line.quantity)
        .Add("order")
        .Add(reservation->reference)
        .Add("")
        .Add(actor.subject)
        .Add(actor.role)
        .Add(on_hand)
        .Add(actor.on_behalf_of)
        .AddNull();
    pg::Result inserted = co_await tx.Execute(kInsertMovement, std::move(insert));
    co_await AppendStockChanged(tx, inserted[0].Int(0), reservation->location_id, line.product_id, -line.quantity,
                                on_hand, rows[0].Int(1), rows[0].Int(2), "order", reservation->reference,
                                correlation_id);
  }
  co_await tx.Execute(kSetReservationStatus, pg::Params().Add(id).Add("committed"));
  co_await tx.Commit();
  reservation->status = "committed";
  co_return reservation;
}

namespace {

// Gives back the reserved units of a locked, active reservation and sets its final status.
awaitable<void> ReleaseLocked(pg::Transaction& tx, Reservation& reservation, const std::string& status,
                              const std::string& correlation_id) {
  for (const Line& line : reservation.lines) {
    pg::Result rows = co_await tx.Execute(
        kUnreserveStock, pg::Params().Add(reservation.location_id).Add(line.product_id).Add(line.quantity));
    if (rows.empty()) throw ApiError::Internal("inventory.reservation_inconsistent", "reserved stock is missing");
    co_await AppendStockChanged(tx, 0, reservation.location_id, line.product_id, 0, rows[0].Int(0), rows[0].Int(1),
                                rows[0].Int(2), "reservation_released", reservation.reference, correlation_id);
  }
  co_await tx.Execute(kSetReservationStatus, pg::Params().Add(reservation.id).Add(status));
  reservation.status = status;
}

}  // namespace

awaitable<std::optional<Reservation>> Repository::ReleaseReservation(
    const std::string& id, const std::string& correlation_id,
    const std::function<void(const Reservation&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  auto reservation = co_await ReadReservation(tx, id, true, nullptr);
  if (!reservation) co_return std::nullopt;
  authorize(*reservation);
  if (reservation->status == "released" || reservation->status == "expired") co_return reservation;
  if (reservation->status == "committed") {
    throw ApiError::Conflict("inventory.reservation_committed",
                             "reservation " + id + " was committed; its stock has left (cancel the order instead)");
  }
  co_await ReleaseLocked(tx, *reservation, "released", correlation_id);
  co_await tx.Commit();
  co_return reservation;
}

awaitable<int> Repository::ExpireReservations(const std::string& correlation_id) {
  pg::Result due = co_await db_.Execute(kExpiredReservations);
  int released = 0;
  for (int i = 0; i < due.size(); ++i) {
    std::string id(due[i].Text(0));
    pg::Transaction tx = co_await db_.Begin();
    bool past_expiry = false;
    auto reservation = co_await ReadReservation(tx, id, true, &past_expiry);
    // A commit or a release may have won the lock meanwhile: then there is nothing to do.
    if (!reservation || reservation->status != "active" || !past_expiry) continue;
    co_await ReleaseLocked(tx, *reservation, "expired", correlation_id);
    co_await tx.Commit();
    ++released;
  }
  co_return released;
}

}  // namespace comptoir::inventory
