// Store-to-store transfers (ADR 0171): the restock life cycle between two stores. Each step locks the transfer
// row, checks its status and changes it in the transaction of its movements, so a step moves stock exactly once
// however many callers race for it.
#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/service/outbox.hpp"
#include "storage/ledger.hpp"
#include "storage/repository.hpp"

namespace comptoir::inventory {

namespace {

using boost::asio::awaitable;
using namespace detail;

#define COMPTOIR_TRANSFER_COLUMNS                                                                              \
  "id, from_location_id, to_location_id, status, note, reject_reason, requested_by, approved_by, rejected_by," \
  " shipped_by, received_by, f_rfc3339(created_at), f_rfc3339(updated_at), f_rfc3339(approved_at),"            \
  " f_rfc3339(rejected_at), f_rfc3339(shipped_at), f_rfc3339(received_at), fingerprint"

constexpr pg::Statement kInsertTransfer{
    "inventory.transfers.insert",
    "INSERT INTO transfers (from_location_id, to_location_id, status, note, requested_by, idempotency_key,"
    " fingerprint) VALUES ($1::bigint, $2::bigint, 'requested', $3::text, $4::text, $5::text, $6::text)"
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"};
constexpr pg::Statement kTransferByKey{"inventory.transfers.by_key",
                                       "SELECT id, fingerprint FROM transfers WHERE idempotency_key = $1::text"};
constexpr pg::Statement kInsertTransferLine{
    "inventory.transfers.insert_line",
    "INSERT INTO transfer_lines (transfer_id, product_id, requested_quantity) VALUES ($1::bigint, $2::bigint,"
    " $3::bigint)"};
constexpr pg::Statement kFindTransfer{"inventory.transfers.find",
                                      "SELECT " COMPTOIR_TRANSFER_COLUMNS " FROM transfers WHERE id = $1::bigint"};
constexpr pg::Statement kLockTransfer{
    "inventory.transfers.lock", "SELECT " COMPTOIR_TRANSFER_COLUMNS " FROM transfers WHERE id = $1::bigint FOR UPDATE"};
// $1 either end, $2 status; $3 limit, $4 offset. Newest first.
#define COMPTOIR_TRANSFER_FILTER                                                                \
  " WHERE ($1::bigint IS NULL OR from_location_id = $1::bigint OR to_location_id = $1::bigint)" \
  " AND ($2::text IS NULL OR status = $2::text)"
constexpr pg::Statement kListTransfers{"inventory.transfers.list",
                                       "SELECT " COMPTOIR_TRANSFER_COLUMNS
                                       ", count(*) OVER () FROM transfers" COMPTOIR_TRANSFER_FILTER
                                       " ORDER BY id DESC LIMIT $3::bigint OFFSET $4::bigint"};
constexpr pg::Statement kCountTransfers{"inventory.transfers.count",
                                        "SELECT count(*) FROM transfers" COMPTOIR_TRANSFER_FILTER};
constexpr pg::Statement kTransferLines{
    "inventory.transfers.lines",
    "SELECT transfer_id, product_id, requested_quantity, approved_quantity FROM transfer_lines"
    " WHERE transfer_id = ANY($1::bigint[]) ORDER BY transfer_id, product_id"};
constexpr pg::Statement kApproveTransferLine{
    "inventory.transfers.approve_line",
    "UPDATE transfer_lines SET approved_quantity = $3::bigint WHERE transfer_id = $1::bigint AND product_id ="
    " $2::bigint"};
// $1 id, $2 new status, $3 actor ("role:subject"), $4 reject reason. Stamps who and when for that status.
constexpr pg::Statement kSetTransferStatus{
    "inventory.transfers.set_status",
    "UPDATE transfers SET status = $2::text, updated_at = now(),"
    " approved_by = CASE WHEN $2::text = 'approved' THEN $3::text ELSE approved_by END,"
    " approved_at = CASE WHEN $2::text = 'approved' THEN now() ELSE approved_at END,"
    " rejected_by = CASE WHEN $2::text = 'rejected' THEN $3::text ELSE rejected_by END,"
    " rejected_at = CASE WHEN $2::text = 'rejected' THEN now() ELSE rejected_at END,"
    " reject_reason = CASE WHEN $2::text = 'rejected' THEN $4::text ELSE reject_reason END,"
    " shipped_by = CASE WHEN $2::text = 'shipped' THEN $3::text ELSE shipped_by END,"
    " shipped_at = CASE WHEN $2::text = 'shipped' THEN now() ELSE shipped_at END,"
    " received_by = CASE WHEN $2::text = 'received' THEN $3::text ELSE received_by END,"
    " received_at = CASE WHEN $2::text = 'received' THEN now() ELSE received_at END"
    " WHERE id = $1::bigint"};

Transfer TransferFromRow(const pg::Row& row) {
  Transfer t;
  t.id = row.Int(0);
  t.from_location_id = row.Int(1);
  t.to_location_id = row.Int(2);
  t.status = ParseRestockStatus(row.Text(3)).value_or(RestockStatus::kRequested);
  t.note = row.Text(4);
  t.reject_reason = OptString(row, 5);
  t.requested_by = row.Text(6);
  t.approved_by = OptString(row, 7);
  t.rejected_by = OptString(row, 8);
  t.shipped_by = OptString(row, 9);
  t.received_by = OptString(row, 10);
  t.created_at = row.Text(11);
  t.updated_at = row.Text(12);
  t.approved_at = OptString(row, 13);
  t.rejected_at = OptString(row, 14);
  t.shipped_at = OptString(row, 15);
  t.received_at = OptString(row, 16);
  return t;
}

template <class Executor>
awaitable<void> LoadTransferLines(Executor& db, std::vector<Transfer>& transfers) {
  if (transfers.empty()) co_return;
  std::string ids = "{";
  for (std::size_t i = 0; i < transfers.size(); ++i) ids += (i ? "," : "") + std::to_string(transfers[i].id);
  ids += "}";
  pg::Result rows = co_await db.Execute(kTransferLines, pg::Params().Add(ids));
  for (int i = 0; i < rows.size(); ++i) {
    RestockLine line{rows[i].Int(1), rows[i].Int(2), rows[i].OptInt(3)};
    for (Transfer& t : transfers) {
      if (t.id == rows[i].Int(0)) t.lines.push_back(line);
    }
  }
}

awaitable<std::optional<Transfer>> ReadTransfer(pg::Transaction& tx, std::int64_t id, bool lock) {
  pg::Result rows = co_await tx.Execute(lock ? kLockTransfer : kFindTransfer, pg::Params().Add(id));
  if (rows.empty()) co_return std::nullopt;
  std::vector<Transfer> one{TransferFromRow(rows[0])};
  co_await LoadTransferLines(tx, one);
  co_return std::move(one[0]);
}

awaitable<void> AppendTransferEvent(pg::Transaction& tx, std::string type, const Transfer& t,
                                    const std::string& correlation_id) {
  boost::json::object data;
  data["transfer_id"] = t.id;
  data["from_location_id"] = t.from_location_id;
  data["to_location_id"] = t.to_location_id;
  data["status"] = RestockStatusName(t.status);
  if (t.reject_reason) data["reason"] = *t.reject_reason;
  boost::json::array lines;
  for (const RestockLine& l : t.lines) {
    boost::json::object line{{"product_id", l.product_id}, {"requested_quantity", l.requested_quantity}};
    if (l.approved_quantity) {
      line["approved_quantity"] = *l.approved_quantity;
    } else {
      line["approved_quantity"] = nullptr;
    }
    lines.push_back(std::move(line));
  }
  data["lines"] = std::move(lines);
  service::Event event;
  event.type = std::move(type);
  event.aggregate_type = "transfer";
  event.aggregate_id = std::to_string(t.id);
  event.data_json = boost::json::serialize(data);
  event.correlation_id = correlation_id;
  co_await service::AppendEvent(tx, "inventory", std::move(event));
}

ApiError TransferNotFound(std::int64_t id) {
  return ApiError::NotFound("inventory.transfer_not_found", "no transfer has id " + std::to_string(id));
}

// Locks the transfer, lets `authorize` look at it, checks the step.
awaitable<Transfer> Begin(pg::Transaction& tx, std::int64_t id, RestockStatus to,
                          const std::function<void(const Transfer&)>& authorize) {
  auto transfer = co_await ReadTransfer(tx, id, true);
  if (!transfer) throw TransferNotFound(id);
  authorize(*transfer);
  CheckTransition("transfer", id, transfer->status, to);
  co_return std::move(*transfer);
}

}  // namespace

awaitable<Transfer> Repository::CreateTransfer(const TransferRequest& request, const std::string& key,
                                               const std::string& fingerprint, const Actor& actor,
                                               const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Params params;
  params.Add(request.from_location_id).Add(request.to_location_id).Add(request.note).Add(ActorText(actor));
  if (key.empty()) {
    params.AddNull().AddNull();
  } else {
    params.Add(key).Add(fingerprint);
  }
  pg::Result rows = co_await tx.Execute(kInsertTransfer, std::move(params));
  if (rows.empty()) {
    // The key was used (a concurrent first attempt has committed by now): the same body gets the same transfer.
    pg::Result existing = co_await tx.Execute(kTransferByKey, pg::Params().Add(key));
    if (existing[0].OptText(1).value_or("") != fingerprint) {
      throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                     "this Idempotency-Key was used with another request");
    }
    auto transfer = co_await ReadTransfer(tx, existing[0].Int(0), false);
    co_return std::move(*transfer);
  }
  std::int64_t id = rows[0].Int(0);
  for (const Line& line : SortedByProduct(request.lines)) {
    co_await tx.Execute(kInsertTransferLine, pg::Params().Add(id).Add(line.product_id).Add(line.quantity));
  }
  auto transfer = co_await ReadTransfer(tx, id, false);
  co_await AppendTransferEvent(tx, "TransferRequested", *transfer, correlation_id);
  co_await tx.Commit();
  co_return std::move(*transfer);
}

awaitable<ListPage<Transfer>> Repository::ListTransfers(const TransferQuery& query) {
  std::optional<std::string> status;
  if (query.status) status = std::string(RestockStatusName(*query.status));
  pg::Params params;
  params.Add(query.location_id).Add(status);
  pg::Params count = params;
  params.Add(query.page.per_page).Add(query.page.Offset());
  pg::Transaction tx = co_await db_.Begin();
  pg::Result rows = co_await tx.Execute(kListTransfers, std::move(params));
  auto list = PageOf<Transfer>(rows, 18, TransferFromRow);
  if (rows.empty()) list.total = (co_await tx.Execute(kCountTransfers, std::move(count)))[0].Int(0);
  co_await LoadTransferLines(tx, list.items);
  co_await tx.Commit();
  co_return list;
}

awaitable<std::optional<Transfer>> Repository::FindTransfer(std::int64_t id) {
  pg::Transaction tx = co_await db_.Begin();
  auto transfer = co_await ReadTransfer(tx, id, false);
  co_await tx.Commit();
  co_return transfer;
}

awaitable<Transfer> Repository::ApproveTransfer(std::int64_t id, const std::vector<Line>& approved, const Actor& actor,
                                                const std::string& correlation_id,
                                                const std::function<void(const Transfer&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  Transfer transfer = co_await Begin(tx, id, RestockStatus::kApproved, authorize);
  std::vector<std::int64_t> quantities = ApprovedQuantities(transfer.lines, approved);
  std::vector<Shortage> shortages;
  for (std::size_t i = 0; i < transfer.lines.size(); ++i) {
    if (quantities[i] == 0) continue;
    pg::Result rows =
        co_await tx.Execute(kAvailable, pg::Params().Add(transfer.from_location_id).Add(transfer.lines[i].product_id));
    std::int64_t available = rows.empty() ? 0 : rows[0].Int(0);
    if (available < quantities[i])
      shortages.push_back(Shortage{transfer.lines[i].product_id, quantities[i], available});
  }
  if (!shortages.empty()) throw InsufficientStock(transfer.from_location_id, shortages);
  for (std::size_t i = 0; i < transfer.lines.size(); ++i) {
    co_await tx.Execute(kApproveTransferLine,
                        pg::Params().Add(id).Add(transfer.lines[i].product_id).Add(quantities[i]));
  }
  co_await tx.Execute(kSetTransferStatus, pg::Params().Add(id).Add("approved").Add(ActorText(actor)).AddNull());
  auto changed = co_await ReadTransfer(tx, id, false);
  co_await AppendTransferEvent(tx, "TransferApproved", *changed, correlation_id);
  co_await tx.Commit();
  co_return std::move(*changed);
}

awaitable<Transfer> Repository::RejectTransfer(std::int64_t id, const std::string& reason, const Actor& actor,
                                               const std::string& correlation_id,
                                               const std::function<void(const Transfer&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  co_await Begin(tx, id, RestockStatus::kRejected, authorize);
  co_await tx.Execute(kSetTransferStatus, pg::Params().Add(id).Add("rejected").Add(ActorText(actor)).Add(reason));
  auto changed = co_await ReadTransfer(tx, id, false);
  co_await AppendTransferEvent(tx, "TransferRejected", *changed, correlation_id);
  co_await tx.Commit();
  co_return std::move(*changed);
}

awaitable<Transfer> Repository::MoveTransfer(std::int64_t id, bool ship, const Actor& actor,
                                             const std::string& correlation_id,
                                             const std::function<void(const Transfer&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  Transfer transfer = co_await Begin(tx, id, ship ? RestockStatus::kShipped : RestockStatus::kReceived, authorize);
  std::vector<Line> lines;
  for (const RestockLine& l : transfer.lines) {
    std::int64_t q = l.approved_quantity.value_or(0);
    if (q > 0) lines.push_back(Line{l.product_id, ship ? -q : q});
  }
  std::string reference = "transfer:" + std::to_string(id);
  MovementMeta meta{std::nullopt,
                    reference + (ship ? ":ship" : ":receive"),
                    ship ? transfer.from_location_id : transfer.to_location_id,
                    ship ? "transfer_out" : "transfer_in",
                    reference,
                    "",
                    actor};
  co_await ApplyLines(tx, meta, lines, correlation_id);  // 409 when the source no longer has them; nothing changes
  co_await tx.Execute(kSetTransferStatus,
                      pg::Params().Add(id).Add(ship ? "shipped" : "received").Add(ActorText(actor)).AddNull());
  auto changed = co_await ReadTransfer(tx, id, false);
  co_await AppendTransferEvent(tx, ship ? "TransferShipped" : "TransferReceived", *changed, correlation_id);
  co_await tx.Commit();
  co_return std::move(*changed);
}

}  // namespace comptoir::inventory
