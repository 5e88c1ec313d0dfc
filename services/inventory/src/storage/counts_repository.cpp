// Cycle counts (ADR 0172): a sheet per location, its lines counted (each with the on_hand of that moment, the
// "expected"), then posted as one adjustment group `count:<id>` (count_correction) whose deltas apply to the live
// on_hand, so that sales rung while counting are neither lost nor taken for shrinkage.
#include <map>

#include "comptoir/error.hpp"
#include "storage/ledger.hpp"
#include "storage/repository.hpp"

namespace comptoir::inventory {

namespace {

using boost::asio::awaitable;
using namespace detail;

#define COMPTOIR_COUNT_COLUMNS                                                                \
  "id, location_id, status, note, opened_by, posted_by, movement_key, f_rfc3339(created_at)," \
  " f_rfc3339(updated_at), f_rfc3339(posted_at)"

// At most one open sheet per location (partial unique index): a second open finds nothing inserted.
constexpr pg::Statement kInsertCount{
    "inventory.counts.insert",
    "INSERT INTO count_sheets (location_id, status, note, opened_by) VALUES ($1::bigint, 'open', $2::text, $3::text)"
    " ON CONFLICT (location_id) WHERE status = 'open' DO NOTHING RETURNING id"};
// $1 sheet, $2 location, $3 products (NULL: every product stocked there).
constexpr pg::Statement kInsertCountLines{
    "inventory.counts.insert_lines",
    "INSERT INTO count_lines (sheet_id, product_id, on_hand_at_open)"
    " SELECT $1::bigint, p.id, COALESCE(s.on_hand, 0)"
    " FROM (SELECT DISTINCT unnest($3::bigint[]) AS id UNION SELECT product_id FROM stock"
    "       WHERE location_id = $2::bigint AND $3::bigint[] IS NULL) p"
    " LEFT JOIN stock s ON s.location_id = $2::bigint AND s.product_id = p.id"};
constexpr pg::Statement kFindCount{"inventory.counts.find",
                                   "SELECT " COMPTOIR_COUNT_COLUMNS " FROM count_sheets WHERE id = $1::bigint"};
constexpr pg::Statement kLockCount{
    "inventory.counts.lock", "SELECT " COMPTOIR_COUNT_COLUMNS " FROM count_sheets WHERE id = $1::bigint FOR UPDATE"};
#define COMPTOIR_COUNT_FILTER                               \
  " WHERE ($1::bigint IS NULL OR location_id = $1::bigint)" \
  " AND ($2::text IS NULL OR status = $2::text)"
constexpr pg::Statement kListCounts{"inventory.counts.list",
                                    "SELECT " COMPTOIR_COUNT_COLUMNS
                                    ", count(*) OVER () FROM count_sheets" COMPTOIR_COUNT_FILTER
                                    " ORDER BY id DESC LIMIT $3::bigint OFFSET $4::bigint"};
constexpr pg::Statement kCountCounts{"inventory.counts.count",
                                     "SELECT count(*) FROM count_sheets" COMPTOIR_COUNT_FILTER};
constexpr pg::Statement kCountLines{
    "inventory.counts.lines",
    "SELECT sheet_id, product_id, on_hand_at_open, counted_quantity, expected_quantity, f_rfc3339(counted_at),"
    " unit_price_cents FROM count_lines WHERE sheet_id = ANY($1::bigint[]) ORDER BY sheet_id, product_id"};
constexpr pg::Statement kOnHand{"inventory.counts.on_hand",
                                "SELECT on_hand FROM stock WHERE location_id = $1::bigint AND product_id = $2::bigint"};
// $1 sheet, $2 product, $3 counted, $4 expected (on_hand now), $5 who. A product not on the sheet is added.
constexpr pg::Statement kRecordCount{
    "inventory.counts.record",
    "INSERT INTO count_lines (sheet_id, product_id, on_hand_at_open, counted_quantity, expected_quantity, counted_at,"
    " counted_by) VALUES ($1::bigint, $2::bigint, $4::bigint, $3::bigint, $4::bigint, now(), $5::text)"
    " ON CONFLICT (sheet_id, product_id) DO UPDATE SET counted_quantity = EXCLUDED.counted_quantity,"
    " expected_quantity = EXCLUDED.expected_quantity, counted_at = now(), counted_by = EXCLUDED.counted_by"};
constexpr pg::Statement kTouchCount{"inventory.counts.touch",
                                    "UPDATE count_sheets SET updated_at = now() WHERE id = $1::bigint"};
constexpr pg::Statement kPriceCountLine{
    "inventory.counts.price_line",
    "UPDATE count_lines SET unit_price_cents = $3::bigint WHERE sheet_id = $1::bigint AND product_id = $2::bigint"};
constexpr pg::Statement kSetCountStatus{"inventory.counts.set_status",
                                        "UPDATE count_sheets SET status = $2::text, updated_at = now(),"
                                        " posted_by = CASE WHEN $2::text = 'posted' THEN $3::text ELSE posted_by END,"
                                        " posted_at = CASE WHEN $2::text = 'posted' THEN now() ELSE posted_at END,"
                                        " movement_key = $4::text WHERE id = $1::bigint"};
// The posting's movement group: an adjustment like any other (ADR 0009), in the adjustments report.
constexpr pg::Statement kInsertCountGroup{
    "inventory.counts.insert_group",
    "INSERT INTO movement_groups (key, kind, location_id, reason, reference, fingerprint, actor_subject, actor_role,"
    " on_behalf_of, adjustment_reason) VALUES ($1::text, 'applied', $2::bigint, 'adjustment', $1::text, '',"
    " $3::text, $4::text, $5::text, 'count_correction')"};

CountSheet CountFromRow(const pg::Row& row) {
  CountSheet s;
  s.id = row.Int(0);
  s.location_id = row.Int(1);
  s.status = ParseCountStatus(row.Text(2)).value_or(CountStatus::kOpen);
  s.note = row.Text(3);
  s.opened_by = row.Text(4);
  s.posted_by = OptString(row, 5);
  s.movement_key = OptString(row, 6);
  s.created_at = row.Text(7);
  s.updated_at = row.Text(8);
  s.posted_at = OptString(row, 9);
  return s;
}

template <class Executor>
awaitable<void> LoadCountLines(Executor& db, std::vector<CountSheet>& sheets) {
  if (sheets.empty()) co_return;
  std::string ids = "{";
  for (std::size_t i = 0; i < sheets.size(); ++i) ids += (i ? "," : "") + std::to_string(sheets[i].id);
  ids += "}";
  pg::Result rows = co_await db.Execute(kCountLines, pg::Params().Add(ids));
  for (int i = 0; i < rows.size(); ++i) {
    CountLine line;
    line.product_id = rows[i].Int(1);
    line.on_hand_at_open = rows[i].Int(2);
    line.counted = rows[i].OptInt(3);
    line.expected = rows[i].OptInt(4);
    line.counted_at = OptString(rows[i], 5);
    line.unit_price_cents = rows[i].OptInt(6);
    for (CountSheet& s : sheets) {
      if (s.id == rows[i].Int(0)) s.lines.push_back(line);
    }
  }
}

awaitable<std::optional<CountSheet>> ReadCount(pg::Transaction& tx, std::int64_t id, bool lock) {
  pg::Result rows = co_await tx.Execute(lock ? kLockCount : kFindCount, pg::Params().Add(id));
  if (rows.empty()) co_return std::nullopt;
  std::vector<CountSheet> one{CountFromRow(rows[0])};
  co_await LoadCountLines(tx, one);
  co_return std::move(one[0]);
}

ApiError CountNotFound(std::int64_t id) {
  return ApiError::NotFound("inventory.count_not_found", "no count sheet has id " + std::to_string(id));
}

awaitable<CountSheet> LockCount(pg::Transaction& tx, std::int64_t id,
                                const std::function<void(const CountSheet&)>& authorize) {
  auto sheet = co_await ReadCount(tx, id, true);
  if (!sheet) throw CountNotFound(id);
  authorize(*sheet);
  co_return std::move(*sheet);
}

}  // namespace

awaitable<CountSheet> Repository::OpenCount(std::int64_t location_id,
                                            const std::optional<std::vector<std::int64_t>>& products,
                                            const std::string& note, const Actor& actor) {
  pg::Transaction tx = co_await db_.Begin();
  co_await RequireLocation(tx, location_id);
  pg::Result rows = co_await tx.Execute(kInsertCount, pg::Params().Add(location_id).Add(note).Add(ActorText(actor)));
  if (rows.empty()) {
    throw ApiError::Conflict("inventory.count_already_open",
                             "location " + std::to_string(location_id) +
                                 " already has an open count sheet: post or cancel it first; nothing was changed");
  }
  std::int64_t id = rows[0].Int(0);
  pg::Params lines;
  lines.Add(id).Add(location_id);
  if (products) {
    std::string ids = "{";
    for (std::size_t i = 0; i < products->size(); ++i) ids += (i ? "," : "") + std::to_string((*products)[i]);
    lines.Add(ids + "}");
  } else {
    lines.AddNull();
  }
  co_await tx.Execute(kInsertCountLines, std::move(lines));
  auto sheet = co_await ReadCount(tx, id, false);
  co_await tx.Commit();
  co_return std::move(*sheet);
}

awaitable<ListPage<CountSheet>> Repository::ListCounts(const CountQuery& query) {
  std::optional<std::string> status;
  if (query.status) status = std::string(CountStatusName(*query.status));
  pg::Params params;
  params.Add(query.location_id).Add(status);
  pg::Params count = params;
  params.Add(query.page.per_page).Add(query.page.Offset());
  pg::Transaction tx = co_await db_.Begin();
  pg::Result rows = co_await tx.Execute(kListCounts, std::move(params));
  auto list = PageOf<CountSheet>(rows, 10, CountFromRow);
  if (rows.empty()) list.total = (co_await tx.Execute(kCountCounts, std::move(count)))[0].Int(0);
  co_await LoadCountLines(tx, list.items);
  co_await tx.Commit();
  co_return list;
}

awaitable<std::optional<CountSheet>> Repository::FindCount(std::int64_t id) {
  pg::Transaction tx = co_await db_.Begin();
  auto sheet = co_await ReadCount(tx, id, false);
  co_await tx.Commit();
  co_return sheet;
}

awaitable<CountSheet> Repository::RecordCounts(std::int64_t id, const std::vector<Line>& counted, const Actor& actor,
                                               const std::function<void(const CountSheet&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  CountSheet sheet = co_await LockCount(tx, id, authorize);
  RequireOpen(sheet);
  for (const Line& line : SortedByProduct(counted)) {
    // "Expected" is on_hand now, when this shelf's count is entered (ADR 0172).
    pg::Result on_hand = co_await tx.Execute(kOnHand, pg::Params().Add(sheet.location_id).Add(line.product_id));
    std::int64_t expected = on_hand.empty() ? 0 : on_hand[0].Int(0);
    co_await tx.Execute(
        kRecordCount, pg::Params().Add(id).Add(line.product_id).Add(line.quantity).Add(expected).Add(ActorText(actor)));
  }
  co_await tx.Execute(kTouchCount, pg::Params().Add(id));
  auto changed = co_await ReadCount(tx, id, false);
  co_await tx.Commit();
  co_return std::move(*changed);
}

awaitable<CountSheet> Repository::PostCount(std::int64_t id, const std::map<std::int64_t, std::int64_t>& prices,
                                            const Actor& actor, const std::string& correlation_id,
                                            const std::function<void(const CountSheet&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  CountSheet sheet = co_await LockCount(tx, id, authorize);
  if (sheet.status == CountStatus::kPosted) co_return sheet;  // posted once: the same answer, nothing moves again
  RequireOpen(sheet);
  std::string key = "count:" + std::to_string(id);
  co_await tx.Execute(
      kInsertCountGroup,
      pg::Params().Add(key).Add(sheet.location_id).Add(actor.subject).Add(actor.role).Add(actor.on_behalf_of));
  MovementMeta meta{key,
                    key,
                    sheet.location_id,
                    "adjustment",
                    key,
                    "inventaire tournant n° " + std::to_string(id),
                    actor,
                    "count_correction"};
  co_await ApplyLines(tx, meta, CountAdjustments(sheet), correlation_id);
  for (const CountLine& line : sheet.lines) {
    auto price = prices.find(line.product_id);
    if (line.counted && price != prices.end()) {
      co_await tx.Execute(kPriceCountLine, pg::Params().Add(id).Add(line.product_id).Add(price->second));
    }
  }
  co_await tx.Execute(kSetCountStatus, pg::Params().Add(id).Add("posted").Add(ActorText(actor)).Add(key));
  auto changed = co_await ReadCount(tx, id, false);
  co_await tx.Commit();
  co_return std::move(*changed);
}

awaitable<CountSheet> Repository::CancelCount(std::int64_t id, const Actor& actor,
                                              const std::function<void(const CountSheet&)>& authorize) {
  pg::Transaction tx = co_await db_.Begin();
  CountSheet sheet = co_await LockCount(tx, id, authorize);
  if (sheet.status == CountStatus::kCancelled) co_return sheet;
  RequireOpen(sheet);
  co_await tx.Execute(kSetCountStatus, pg::Params().Add(id).Add("cancelled").Add(ActorText(actor)).AddNull());
  auto changed = co_await ReadCount(tx, id, false);
  co_await tx.Commit();
  co_return std::move(*changed);
}

}  // namespace comptoir::inventory
