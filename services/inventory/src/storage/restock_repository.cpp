#include "storage/repository.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/service/outbox.hpp"
#include "storage/ledger.hpp"

namespace comptoir::inventory {

namespace {

using boost::asio::awaitable;
using namespace detail;

#define COMPTOIR_RESTOCK_COLUMNS                                                                                \
  "id, location_id, status, note, reject_reason, requested_by, approved_by, rejected_by, shipped_by,"           \
  " received_by, f_rfc3339(created_at), f_rfc3339(updated_at), f_rfc3339(approved_at), f_rfc3339(rejected_at)," \
  " f_rfc3339(shipped_at), f_rfc3339(received_at)"

constexpr pg::Statement kInsertRestock{
    "inventory.restock.insert",
    "INSERT INTO restock_requests (location_id, status, note, requested_by) VALUES ($1::bigint, 'requested',"
    " $2::text, $3::text) RETURNING id"};
constexpr pg::Statement kInsertRestockLine{
    "inventory.restock.insert_line",
    "INSERT INTO restock_lines (request_id, product_id, requested_quantity) VALUES ($1::bigint, $2::bigint,"
    " $3::bigint)"};
constexpr pg::Statement kFindRestock{"inventory.restock.find",
                                     "SELECT " COMPTOIR_RESTOCK_COLUMNS " FROM restock_requests WHERE id = $1::bigint"};
constexpr pg::Statement kLockRestock{"inventory.restock.lock",
                                     "SELECT " COMPTOIR_RESTOCK_COLUMNS
                                     " FROM restock_requests WHERE id = $1::bigint FOR UPDATE"};
#define COMPTOIR_RESTOCK_FILTER                             \
  " WHERE ($1::bigint IS NULL OR location_id = $1::bigint)" \
  " AND ($2::text IS NULL OR status = $2::text)"
constexpr pg::Statement kListRestock{"inventory.restock.list",
                                     "SELECT " COMPTOIR_RESTOCK_COLUMNS
                                     ", count(*) OVER () FROM restock_requests" COMPTOIR_RESTOCK_FILTER
                                     " ORDER BY id DESC LIMIT $3::bigint OFFSET $4::bigint"};
constexpr pg::Statement kCountRestock{"inventory.restock.count",
                                      "SELECT count(*) FROM restock_requests" COMPTOIR_RESTOCK_FILTER};
constexpr pg::Statement kRestockLines{
    "inventory.restock.lines",
    "SELECT request_id, product_id, requested_quantity, approved_quantity FROM restock_lines"
    " WHERE request_id = ANY($1::bigint[]) ORDER BY request_id, product_id"};
constexpr pg::Statement kApproveRestockLine{"inventory.restock.approve_line",
                                            "UPDATE restock_lines SET approved_quantity = $3::bigint WHERE request_id "
                                            "= $1::bigint AND product_id = $2::bigint"};
// $1 id, $2 new status, $3 actor ("role:subject"), $4 reject reason. Stamps who and when for that status.
constexpr pg::Statement kSetRestockStatus{
    "inventory.restock.set_status",
    "UPDATE restock_requests SET status = $2::text, updated_at = now(),"
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

RestockRequest RestockFromRow(const pg::Row& row) {
  RestockRequest r;
  r.id = row.Int(0);
  r.location_id = row.Int(1);
  r.status = ParseRestockStatus(row.Text(2)).value_or(RestockStatus::kRequested);
  r.note = row.Text(3);
  r.reject_reason = OptString(row, 4);
  r.requested_by = row.Text(5);
  r.approved_by = OptString(row, 6);
  r.rejected_by = OptString(row, 7);
  r.shipped_by = OptString(row, 8);
  r.received_by = OptString(row, 9);
  r.created_at = row.Text(10);
  r.updated_at = row.Text(11);
  r.approved_at = OptString(row, 12);
  r.rejected_at = OptString(row, 13);
  r.shipped_at = OptString(row, 14);
  r.received_at = OptString(row, 15);
  return r;
}

// Fills the lines of `requests` with one query.
template <class Executor>
awaitable<void> LoadRestockLines(Executor& db, std::vector<RestockRequest>& requests) {
  if (requests.empty()) co_return;
  std::string ids = "{";
  for (std::size_t i = 0; i < requests.size(); ++i) ids += (i ? "," : "") + std::to_string(requests[i].id);
  ids += "}";
  pg::Result rows = co_await db.Execute(kRestockLines, pg::Params().Add(ids));
  for (int i = 0; i < rows.size(); ++i) {
    std::int64_t request_id = rows[i].Int(0);
    RestockLine line;
    line.product_id = rows[i].Int(1);
    line.requested_quantity = rows[i].Int(2);
    line.approved_quantity = rows[i].OptInt(3);
    for (RestockRequest& r : requests) {
      if (r.id == request_id) r.lines.push_back(line);
    }
  }
}

awaitable<std::optional<RestockRequest>> ReadRestock(pg::Transaction& tx, std::int64_t id, bool lock) {
  pg::Result rows = co_await tx.Execute(lock ? kLockRestock : kFindRestock, pg::Params().Add(id));
  if (rows.empty()) co_return std::nullopt;
  std::vector<RestockRequest> one{RestockFromRow(rows[0])};
  co_await LoadRestockLines(tx, one);
  co_return std::move(one[0]);
}

awaitable<void> AppendRestockEvent(pg::Transaction& tx, std::string type, const RestockRequest& r,
                                   const std::string& correlation_id) {
  boost::json::object data;
  data["request_id"] = r.id;
  data["location_id"] = r.location_id;
  data["status"] = RestockStatusName(r.status);
  if (r.reject_reason) data["reason"] = *r.reject_reason;
  boost::json::array lines;
  for (const RestockLine& l : r.lines) {
    boost::json::object line;
    line["product_id"] = l.product_id;
    line["requested_quantity"] = l.requested_quantity;
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
  event.aggregate_type = "restock_request";
  event.aggregate_id = std::to_string(r.id);
  event.data_json = boost::json::serialize(data);
  event.correlation_id = correlation_id;
  co_await service::AppendEvent(tx, "inventory", std::move(event));
}

ApiError RestockNotFound(std::int64_t id) {
  return ApiError::NotFound("inventory.restock_not_found", "no restock request has id " + std::to_string(id));
}

}  // namespace

awaitable<RestockRequest> Repository::CreateRestock(std::int64_t location_id, const std::vector<Line>& lines,
                                                    const std::string& note, const Actor& actor,
                                                    const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result rows = co_await tx.Execute(kInsertRestock, pg::Params().Add(location_id).Add(note).Add(ActorText(actor)));
  std::int64_t id = rows[0].Int(0);
  for (const Line& line : SortedByProduct(lines)) {
    co_await tx.Execute(kInsertRestockLine, pg::Params().Add(id).Add(line.product_id).Add(line.quantity));
  }
  auto request = co_await ReadRestock(tx, id, false);
  co_await AppendRestockEvent(tx, "RestockRequested", *request, correlation_id);
  co_await tx.Commit();
  co_return std::move(*request);
}

awaitable<ListPage<RestockRequest>> Repository::ListRestock(const RestockQuery& query) {
  std::optional<std::string> status;
  if (query.status) status = std::string(RestockStatusName(*query.status));
  pg::Params params;
  params.Add(query.location_id).Add(status);
  pg::Params count = params;
  params.Add(query.page.per_page).Add(query.page.Offset());
  pg::Transaction tx = co_await db_.Begin();
  pg::Result rows = co_await tx.Execute(kListRestock, std::move(params));
  auto list = PageOf<RestockRequest>(rows, 16, RestockFromRow);
  if (rows.empty()) list.total = (co_await tx.Execute(kCountRestock, std::move(count)))[0].Int(0);
  co_await LoadRestockLines(tx, list.items);
  co_await tx.Commit();
  co_return list;
}

awaitable<std::optional<RestockRequest>> Repository::FindRestock(std::int64_t id) {
  pg::Transaction tx = co_await db_.Begin();
  auto request = co_await ReadRestock(tx, id, false);
  co_await tx.Commit();
  co_return request;
}

awaitable<RestockRequest> Repository::ApproveRestock(std::int64_t id, const std::vector<Line>& approved,
                                                     const Actor& actor, const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  auto request = co_await ReadRestock(tx, id, true);
  if (!request) throw RestockNotFound(id);
  CheckTransition(id, request->status, RestockStatus::kApproved);
  std::vector<std::int64_t> quantities = ApprovedQuantities(request->lines, approved);
  std::vector<Shortage> shortages;
  for (std::size_t i = 0; i < request->lines.size(); ++i) {
    if (quantities[i] == 0) continue;
    pg::Result rows =
        co_await tx.Execute(kAvailable, pg::Params().Add(kCentreLocationId).Add(request->lines[i].product_id));
    std::int64_t available = rows.empty() ? 0 : rows[0].Int(0);
    if (available < quantities[i])
      shortages.push_back(Shortage{request->lines[i].product_id, quantities[i], available});
  }
  if (!shortages.empty()) throw InsufficientStock(kCentreLocationId, shortages);
  for (std::size_t i = 0; i < request->lines.size(); ++i) {
    co_await tx.Execute(kApproveRestockLine, pg::Params().Add(id).Add(request->lines[i].product_id).Add(quantities[i]));
  }
  co_await tx.Execute(kSetRestockStatus, pg::Params().Add(id).Add("approved").Add(ActorText(actor)).AddNull());
  request = co_await ReadRestock(tx, id, false);
  co_await AppendRestockEvent(tx, "RestockApproved", *request, correlation_id);
  co_await tx.Commit();
  co_return std::move(*request);
}

awaitable<RestockRequest> Repository::RejectRestock(std::int64_t id, const std::string& reason, const Actor& actor,
                                                    const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  auto request = co_await ReadRestock(tx, id, true);
  if (!request) throw RestockNotFound(id);
  CheckTransition(id, request->status, RestockStatus::kRejected);
  co_await tx.Execute(kSetRestockStatus, pg::Params().Add(id).Add("rejected").Add(ActorText(actor)).Add(reason));
  request = co_await ReadRestock(tx, id, false);
  co_await AppendRestockEvent(tx, "RestockRejected", *request, correlation_id);
  co_await tx.Commit();
  co_return std::move(*request);
}

awaitable<RestockRequest> Repository::ShipRestock(std::int64_t id, const Actor& actor,
                                                  const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  auto request = co_await ReadRestock(tx, id, true);
  if (!request) throw RestockNotFound(id);
  CheckTransition(id, request->status, RestockStatus::kShipped);
  std::vector<Line> lines;
  for (const RestockLine& l : request->lines) {
    if (l.approved_quantity.value_or(0) > 0) lines.push_back(Line{l.product_id, -*l.approved_quantity});
  }
  std::string reference = "restock:" + std::to_string(id);
  MovementMeta meta{std::nullopt, reference + ":ship", kCentreLocationId, "transfer_out", reference, "", actor};
  co_await ApplyLines(tx, meta, lines, correlation_id);
  co_await tx.Execute(kSetRestockStatus, pg::Params().Add(id).Add("shipped").Add(ActorText(actor)).AddNull());
  request = co_await ReadRestock(tx, id, false);
  co_await AppendRestockEvent(tx, "RestockShipped", *request, correlation_id);
  co_await tx.Commit();
  co_return std::move(*request);
}

awaitable<RestockRequest> Repository::ReceiveRestock(std::int64_t id, const Actor& actor,
                                                     const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  auto request = co_await ReadRestock(tx, id, true);
  if (!request) throw RestockNotFound(id);
  CheckTransition(id, request->status, RestockStatus::kReceived);
  std::vector<Line> lines;
  for (const RestockLine& l : request->lines) {
    if (l.approved_quantity.value_or(0) > 0) lines.push_back(Line{l.product_id, *l.approved_quantity});
  }
  std::string reference = "restock:" + std::to_string(id);
  MovementMeta meta{std::nullopt, reference + ":receive", request->location_id, "transfer_in", reference, "", actor};
  co_await ApplyLines(tx, meta, lines, correlation_id);
  co_await tx.Execute(kSetRestockStatus, pg::Params().Add(id).Add("received").Add(ActorText(actor)).AddNull());
  request = co_await ReadRestock(tx, id, false);
  co_await AppendRestockEvent(tx, "RestockReceived", *request, correlation_id);
  co_await tx.Commit();
  co_return std::move(*request);
}

}  // namespace comptoir::inventory
