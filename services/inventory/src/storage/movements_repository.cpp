#include "storage/repository.hpp"

#include "comptoir/error.hpp"
#include "storage/ledger.hpp"

namespace comptoir::inventory {

namespace {

using boost::asio::awaitable;
using namespace detail;

// $1 location, $2 product, $3 reason, $4 reference; $5 limit, $6 offset. Newest first.
#define COMPTOIR_MOVEMENT_FILTER                            \
  " WHERE ($1::bigint IS NULL OR location_id = $1::bigint)" \
  " AND ($2::bigint IS NULL OR product_id = $2::bigint)"    \
  " AND ($3::text IS NULL OR reason = $3::text)"            \
  " AND ($4::text IS NULL OR reference = $4::text)"
constexpr pg::Statement kListMovements{"inventory.movements.list",
                                       "SELECT " COMPTOIR_MOVEMENT_COLUMNS
                                       ", count(*) OVER () FROM movements" COMPTOIR_MOVEMENT_FILTER
                                       " ORDER BY id DESC LIMIT $5::bigint OFFSET $6::bigint"};
constexpr pg::Statement kCountMovements{"inventory.movements.count",
                                        "SELECT count(*) FROM movements" COMPTOIR_MOVEMENT_FILTER};
constexpr pg::Statement kToday{"inventory.today", "SELECT ((now() AT TIME ZONE $1::text)::date)::text"};
// $1 first day, $2 last day (both included, business days in the time zone $5), $3 location, $4 adjustment reason.
// A reversal is counted when it happens (its movements belong to the adjustment's group).
constexpr pg::Statement kAdjustments{
    "inventory.movements.adjustments",
    "SELECT m.location_id, g.adjustment_reason, count(*) FILTER (WHERE m.reason = 'adjustment'),"
    " count(*) FILTER (WHERE m.reason = 'reversal'), COALESCE(sum(m.quantity) FILTER (WHERE m.quantity > 0), 0),"
    " COALESCE(-sum(m.quantity) FILTER (WHERE m.quantity < 0), 0)"
    " FROM movements m JOIN movement_groups g ON g.key = m.group_key"
    " WHERE g.reason = 'adjustment'"
    " AND m.created_at >= ($1::date::timestamp AT TIME ZONE $5::text)"
    " AND m.created_at < (($2::date + 1)::timestamp AT TIME ZONE $5::text)"
    " AND ($3::bigint IS NULL OR m.location_id = $3::bigint)"
    " AND ($4::text IS NULL OR g.adjustment_reason = $4::text)"
    " GROUP BY m.location_id, g.adjustment_reason ORDER BY m.location_id, g.adjustment_reason"};
// $2: the reversal movements (true) or the original ones (false).
constexpr pg::Statement kGroupMovements{"inventory.movements.of_group",
                                        "SELECT " COMPTOIR_MOVEMENT_COLUMNS
                                        " FROM movements WHERE group_key = $1::text"
                                        " AND (reason = 'reversal') = $2::boolean ORDER BY id"};

// A concurrent insert of the same key waits for the first transaction, then inserts nothing.
constexpr pg::Statement kInsertGroup{
    "inventory.groups.insert",
    "INSERT INTO movement_groups (key, kind, location_id, reason, reference, fingerprint, actor_subject, actor_role,"
    " on_behalf_of, adjustment_reason) VALUES ($1::text, 'applied', $2::bigint, $3::text, $4::text, $5::text,"
    " $6::text, $7::text, $8::text, $9::text) ON CONFLICT (key) DO NOTHING RETURNING key"};
constexpr pg::Statement kInsertTombstone{
    "inventory.groups.tombstone",
    "INSERT INTO movement_groups (key, kind, actor_subject, actor_role) VALUES ($1::text, 'tombstone', $2::text,"
    " $3::text) ON CONFLICT (key) DO NOTHING RETURNING key"};
#define COMPTOIR_GROUP_SELECT \
  "SELECT key, kind = 'tombstone', location_id, reason, reference, fingerprint, reversed FROM movement_groups"
constexpr pg::Statement kFindGroup{"inventory.groups.find", COMPTOIR_GROUP_SELECT " WHERE key = $1::text"};
constexpr pg::Statement kLockGroup{"inventory.groups.lock", COMPTOIR_GROUP_SELECT " WHERE key = $1::text FOR UPDATE"};
constexpr pg::Statement kMarkReversed{
    "inventory.groups.reversed",
    "UPDATE movement_groups SET reversed = true, reversed_at = now() WHERE key = $1::text"};

GroupHead GroupFromRow(const pg::Row& row, std::string* fingerprint) {
  GroupHead g;
  g.key = row.Text(0);
  g.tombstone = row.Bool(1);
  g.location_id = row.OptInt(2).value_or(0);
  g.reason = row.OptText(3).value_or("");
  g.reference = row.OptText(4).value_or("");
  if (fingerprint != nullptr) *fingerprint = row.OptText(5).value_or("");
  g.reversed = row.Bool(6);
  return g;
}

awaitable<std::vector<Movement>> GroupMovements(pg::Transaction& tx, const std::string& key, bool reversal) {
  pg::Result rows = co_await tx.Execute(kGroupMovements, pg::Params().Add(key).Add(reversal));
  std::vector<Movement> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(MovementFromRow(rows[i]));
  co_return out;
}

}  // namespace

awaitable<MovementGroup> Repository::ApplyMovements(const std::string& key, const std::string& fingerprint,
                                                    const MovementRequest& request, const Actor& actor,
                                                    const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  std::string reason(ReasonName(request.reason));
  pg::Params params;
  params.Add(key)
      .Add(request.location_id)
      .Add(reason)
      .Add(request.reference)
      .Add(fingerprint)
      .Add(actor.subject)
      .Add(actor.role)
      .Add(actor.on_behalf_of)
      .Add(request.adjustment_reason);
  co_await RequireLocation(tx, request.location_id);
  pg::Result inserted = co_await tx.Execute(kInsertGroup, std::move(params));
  MovementGroup group;
  group.key = key;
  if (inserted.empty()) {
    // The key exists (a concurrent first attempt has committed by now): answer what it answered.
    pg::Result rows = co_await tx.Execute(kFindGroup, pg::Params().Add(key));
    std::string stored_fingerprint;
    GroupHead head = GroupFromRow(rows[0], &stored_fingerprint);
    if (head.tombstone) {
      throw ApiError::Conflict("inventory.movement_reversed",
                               "the movement with this Idempotency-Key was reversed before it arrived; nothing "
                               "was changed");
    }
    if (stored_fingerprint != fingerprint) {
      throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                     "this Idempotency-Key was used with another request");
    }
    group.location_id = head.location_id;
    group.reason = head.reason;
    group.reference = head.reference;
    group.reversed = head.reversed;
    group.movements = co_await GroupMovements(tx, key, false);
    co_return group;
  }
  MovementMeta meta{key,          key,   request.location_id,      reason, request.reference,
                    request.note, actor, request.adjustment_reason};
  group.location_id = request.location_id;
  group.reason = reason;
  group.reference = request.reference;
  group.movements = co_await ApplyLines(tx, meta, request.lines, correlation_id);
  co_await tx.Commit();
  co_return group;
}

awaitable<MovementGroup> Repository::ReverseMovements(
    const std::string& key, const Actor& actor, const std::string& correlation_id,
    const std::function<void(const std::optional<GroupHead>&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  MovementGroup group;
  group.key = key;
  pg::Result rows = co_await tx.Execute(kLockGroup, pg::Params().Add(key));
  if (rows.empty()) {
    authorize(std::nullopt);
    pg::Result inserted =
        co_await tx.Execute(kInsertTombstone, pg::Params().Add(key).Add(actor.subject).Add(actor.role));
    if (!inserted.empty()) {
      co_await tx.Commit();
      co_return group;  // reversed: false, no movements: the late movement will be refused
    }
    rows = co_await tx.Execute(kLockGroup, pg::Params().Add(key));  // created meanwhile
  }
  GroupHead head = GroupFromRow(rows[0], nullptr);
  authorize(head);
  group.location_id = head.location_id;
  group.reason = head.reason;
  group.reference = head.reference;
  if (head.tombstone) co_return group;
  group.reversed = true;
  if (head.reversed) {
    group.movements = co_await GroupMovements(tx, key, true);
    co_return group;
  }
  std::vector<Movement> originals = co_await GroupMovements(tx, key, false);
  std::vector<Line> lines;
  for (const Movement& m : originals) lines.push_back(Line{m.product_id, -m.quantity});
  MovementMeta meta{key, "reversal:" + key, head.location_id, "reversal", "reversal:" + key, "", actor};
  group.movements = co_await ApplyLines(tx, meta, lines, correlation_id);
  co_await tx.Execute(kMarkReversed, pg::Params().Add(key));
  co_await tx.Commit();
  co_return group;
}

awaitable<ListPage<Movement>> Repository::ListMovements(const MovementQuery& query) {
  pg::Params params;
  params.Add(query.location_id).Add(query.product_id).Add(query.reason).Add(query.reference);
  pg::Params count = params;
  params.Add(query.page.per_page).Add(query.page.Offset());
  pg::Result rows = co_await db_.Execute(kListMovements, std::move(params));
  auto list = PageOf<Movement>(rows, 14, MovementFromRow);
  if (rows.empty()) list.total = (co_await db_.Execute(kCountMovements, std::move(count)))[0].Int(0);
  co_return list;
}

awaitable<std::string> Repository::Today(const std::string& time_zone) {
  pg::Result rows = co_await db_.Execute(kToday, pg::Params().Add(time_zone));
  co_return std::string(rows[0].Text(0));
}

awaitable<std::vector<AdjustmentTotals>> Repository::Adjustments(const AdjustmentQuery& query,
                                                                 const std::string& time_zone) {
  pg::Params params;
  params.Add(query.from).Add(query.to).Add(query.location_id).Add(query.adjustment_reason).Add(time_zone);
  pg::Result rows = co_await db_.Execute(kAdjustments, std::move(params));
  std::vector<AdjustmentTotals> out;
  for (int i = 0; i < rows.size(); ++i) {
    AdjustmentTotals t;
    t.location_id = rows[i].Int(0);
    t.adjustment_reason = std::string(rows[i].OptText(1).value_or("unspecified"));
    t.lines = rows[i].Int(2);
    t.reversals = rows[i].Int(3);
    t.units_in = rows[i].Int(4);
    t.units_out = rows[i].Int(5);
    out.push_back(std::move(t));
  }
  co_return out;
}

}  // namespace comptoir::inventory
