#include "storage/store.hpp"

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/log.hpp"

namespace comptoir::reporting {
namespace {
using boost::asio::awaitable;

// ---- Projections ---------------------------------------------------------------------------------------

// $1 channel, $2 ref, $3 location_id, $4 receipt_number, $5 occurred_at, $6 subtotal, $7 gst, $8 qst, $9 total,
// $10 status, $11 lines (normalised JSON), $12 cash rounding. A receipt already known is left as it is.
constexpr pg::Statement kInsertReceipt{
    "reporting.receipt.insert",
    "WITH r AS (INSERT INTO receipts (channel, ref, location_id, receipt_number, occurred_at, subtotal_cents,"
    " gst_cents, qst_cents, total_cents, status, cash_rounding_cents, zero_rated_cents, exempt_cents)"
    " VALUES ($1::text, $2::text, $3::bigint, $4::text, $5::timestamptz, $6::bigint, $7::bigint, $8::bigint,"
    " $9::bigint, $10::text, $12::bigint, $13::bigint, $14::bigint) ON CONFLICT (channel, ref) DO NOTHING RETURNING "
    "channel, ref)"
    " INSERT INTO receipt_lines (channel, ref, line_no, product_id, name, quantity, line_total_cents)"
    " SELECT r.channel, r.ref, l.n::int, (l.v->>'product_id')::bigint, l.v->>'name', (l.v->>'quantity')::bigint,"
    " (l.v->>'line_total_cents')::bigint FROM r CROSS JOIN jsonb_array_elements($11::jsonb) WITH ORDINALITY AS l(v, "
    "n)"};

// $1 channel, $2 ref, $3 receipt_ref, $4 location_id, $5 occurred_at, $6..$9 amounts, $10 reason, $11 lines,
// $12 cash rounding.
constexpr pg::Statement kInsertRefund{
    "reporting.refund.insert",
    "WITH r AS (INSERT INTO refunds (channel, ref, receipt_ref, location_id, occurred_at, subtotal_cents, gst_cents,"
    " qst_cents, total_cents, reason, cash_rounding_cents, zero_rated_cents, exempt_cents)"
    " VALUES ($1::text, $2::text, $3::text, $4::bigint, $5::timestamptz, $6::bigint, $7::bigint, $8::bigint,"
    " $9::bigint, $10::text, $12::bigint, $13::bigint, $14::bigint) ON CONFLICT (channel, ref) DO NOTHING RETURNING "
    "channel, ref)"
    " INSERT INTO refund_lines (channel, ref, line_no, product_id, name, quantity, line_total_cents)"
    " SELECT r.channel, r.ref, l.n::int, (l.v->>'product_id')::bigint, l.v->>'name', (l.v->>'quantity')::bigint,"
    " (l.v->>'line_total_cents')::bigint FROM r CROSS JOIN jsonb_array_elements($11::jsonb) WITH ORDINALITY AS l(v, "
    "n)"};

// A cancelled order: its status, and a refund of the whole order (same amounts and lines), once.
// $1 order ref, $2 occurred_at, $3 reason.
constexpr pg::Statement kCancelOrder{
    "reporting.order.cancel",
    "WITH o AS (UPDATE receipts SET status = 'cancelled' WHERE channel = 'online' AND ref = $1::text"
    " RETURNING ref, subtotal_cents, gst_cents, qst_cents, total_cents, zero_rated_cents, exempt_cents),"
    " f AS (INSERT INTO refunds (channel, ref, receipt_ref, location_id, occurred_at, subtotal_cents, gst_cents,"
    " qst_cents, total_cents, reason, zero_rated_cents, exempt_cents)"
    " SELECT 'online', o.ref, o.ref, NULL, $2::timestamptz, o.subtotal_cents, o.gst_cents, o.qst_cents, o.total_cents,"
    " $3::text, o.zero_rated_cents, o.exempt_cents FROM o ON CONFLICT (channel, ref) DO NOTHING RETURNING ref)"
    " INSERT INTO refund_lines (channel, ref, line_no, product_id, name, quantity, line_total_cents)"
    " SELECT 'online', f.ref, l.line_no, l.product_id, l.name, l.quantity, l.line_total_cents"
    " FROM f JOIN receipt_lines l ON l.channel = 'online' AND l.ref = f.ref"};

constexpr pg::Statement kOrderStatus{
    "reporting.order.status",
    "UPDATE receipts SET status = $2::text WHERE channel = 'online' AND ref = $1::text AND status <> 'cancelled'"};

// $1 location, $2 product, $3 on_hand, $4 reserved, $5 available, $6 reorder_point, $7/$8 stream position,
// $9 occurred_at. An older event (by stream position) never overwrites a newer level.
constexpr pg::Statement kUpsertStock{
    "reporting.stock.upsert",
    "INSERT INTO stock_levels (location_id, product_id, on_hand, reserved, available, reorder_point, stream_ms,"
    " stream_seq, updated_at) VALUES ($1::bigint, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6::bigint,"
    " $7::bigint, $8::bigint, $9::timestamptz)"
    " ON CONFLICT (location_id, product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved,"
    " available = EXCLUDED.available, reorder_point = COALESCE(EXCLUDED.reorder_point, stock_levels.reorder_point),"
    " stream_ms = EXCLUDED.stream_ms, stream_seq = EXCLUDED.stream_seq, updated_at = EXCLUDED.updated_at"
    " WHERE (stock_levels.stream_ms, stock_levels.stream_seq) < (EXCLUDED.stream_ms, EXCLUDED.stream_seq)"};

constexpr pg::Statement kUpsertRestock{
    "reporting.restock.upsert",
    "INSERT INTO restock_requests (id, location_id, status, requested_quantity, stream_ms, stream_seq, updated_at)"
    " VALUES ($1::bigint, $2::bigint, $3::text, $4::bigint, $5::bigint, $6::bigint, $7::timestamptz)"
    " ON CONFLICT (id) DO UPDATE SET location_id = EXCLUDED.location_id, status = EXCLUDED.status,"
    " requested_quantity = EXCLUDED.requested_quantity, stream_ms = EXCLUDED.stream_ms,"
    " stream_seq = EXCLUDED.stream_seq, updated_at = EXCLUDED.updated_at"
    " WHERE (restock_requests.stream_ms, restock_requests.stream_seq) < (EXCLUDED.stream_ms, EXCLUDED.stream_seq)"};

constexpr pg::Statement kUpsertProduct{
    "reporting.product.upsert",
    "INSERT INTO products (id, sku, name, category_id, active) VALUES ($1::bigint, $2::text, $3::text, $4::bigint,"
    " $5::boolean) ON CONFLICT (id) DO UPDATE SET sku = EXCLUDED.sku, name = EXCLUDED.name,"
    " category_id = EXCLUDED.category_id, active = EXCLUDED.active"};

// The first stream position ever applied is kept once (ADR 0062): a rebuild compares the stream with it.
constexpr pg::Statement kRecordFirst{
    "reporting.history.record",
    "INSERT INTO stream_history (first_stream_id, first_ms, first_seq) VALUES ($1::text, $2::bigint, $3::bigint)"
    " ON CONFLICT DO NOTHING"};
constexpr pg::Statement kFirstApplied{"reporting.history.first",
                                      "SELECT first_ms, first_seq FROM stream_history WHERE singleton"};
constexpr pg::Statement kForgetHistory{"reporting.history.forget", "DELETE FROM stream_history"};

constexpr pg::Statement kClear{
    "reporting.clear",
    "TRUNCATE receipt_lines, receipts, refund_lines, refunds, stock_levels, restock_requests, processed_events"};

const boost::json::object& Object(const boost::json::value& data, std::string_view type) {
  if (const auto* o = data.if_object()) return *o;
  throw ApiError::Validation("events.invalid_data", std::string(type) + " data must be an object");
}

std::optional<std::int64_t> IntOf(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

std::optional<std::string> TextOf(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_string()) return std::string(v->as_string());
  return std::nullopt;
}

std::int64_t RequireInt(const boost::json::object& o, std::string_view key, std::string_view type) {
  if (auto v = IntOf(o, key)) return *v;
  throw ApiError::Validation("events.invalid_data", std::string(type) + " data has no integer " + std::string(key),
                             {{std::string(key), "must be an integer"}});
}

std::string OccurredAt(const events::StreamEvent& e) {
  return e.occurred_at.empty() ? std::string("now") : e.occurred_at;
}

awaitable<void> InsertReceipt(pg::Transaction& tx, std::string_view channel, const Fact& f) {
  co_await tx.Execute(kInsertReceipt, pg::Params()
                                          .Add(channel)
                                          .Add(f.ref)
                                          .Add(f.location_id)
                                          .Add(f.receipt_number)
                                          .Add(f.occurred_at)
                                          .Add(f.subtotal_cents)
                                          .Add(f.gst_cents)
                                          .Add(f.qst_cents)
                                          .Add(f.total_cents)
                                          .Add(f.status)
                                          .Add(f.lines_json)
                                          .Add(f.cash_rounding_cents)
                                          .Add(f.zero_rated_cents)
                                          .Add(f.exempt_cents));
}

}  // namespace

awaitable<void> ApplyEvent(pg::Transaction& tx, const events::StreamEvent& e) {
  const auto [ms, seq] = events::StreamPosition(e.stream_id);
  co_await tx.Execute(kRecordFirst, pg::Params().Add(e.stream_id).Add(ms).Add(seq));
  if (e.type == "SaleCompleted") {
    co_await InsertReceipt(tx, "store", SaleFact(e.data));
  } else if (e.type == "SaleReturned") {
    const Fact f = ReturnFact(e.data);
    co_await tx.Execute(kInsertRefund, pg::Params()
                                           .Add("store")
                                           .Add(f.ref)
                                           .Add(*f.receipt_ref)
                                           .Add(f.location_id)
                                           .Add(f.occurred_at)
                                           .Add(f.subtotal_cents)
                                           .Add(f.gst_cents)
                                           .Add(f.qst_cents)
                                           .Add(f.total_cents)
                                           .Add(f.reason)
                                           .Add(f.lines_json)
                                           .Add(f.cash_rounding_cents)
                                           .Add(f.zero_rated_cents)
                                           .Add(f.exempt_cents));
  } else if (e.type == "OrderPlaced") {
    co_await InsertReceipt(tx, "online", OrderFact(e.data, OccurredAt(e)));
  } else if (e.type == "OrderCancelled") {
    const auto& o = Object(e.data, e.type);
    const std::string when = TextOf(o, "cancelled_at").value_or(TextOf(o, "updated_at").value_or(OccurredAt(e)));
    co_await tx.Execute(kCancelOrder,
                        pg::Params().Add(OrderRef(e.data)).Add(when).Add(TextOf(o, "reason").value_or("cancelled")));
  } else if (e.type == "OrderStatusChanged") {
    const auto& o = Object(e.data, e.type);
    auto status = TextOf(o, "status");
    if (!status) status = TextOf(o, "to");
    if (!status) {
      throw ApiError::Validation("events.invalid_data", "OrderStatusChanged data has no status",
                                 {{"status", "must be a string"}});
    }
    co_await tx.Execute(kOrderStatus, pg::Params().Add(OrderRef(e.data)).Add(*status));
  } else if (e.type == "StockChanged") {
    const auto& o = Object(e.data, e.type);
    const std::int64_t on_hand = RequireInt(o, "on_hand", e.type);
    const std::int64_t reserved = IntOf(o, "reserved").value_or(0);
    co_await tx.Execute(kUpsertStock, pg::Params()
                                          .Add(RequireInt(o, "location_id", e.type))
                                          .Add(RequireInt(o, "product_id", e.type))
                                          .Add(on_hand)
                                          .Add(reserved)
                                          .Add(IntOf(o, "available").value_or(on_hand - reserved))
                                          .Add(IntOf(o, "reorder_point"))
                                          .Add(ms)
                                          .Add(seq)
                                          .Add(OccurredAt(e)));
  } else if (e.type.starts_with("Restock")) {
    const auto& o = Object(e.data, e.type);
    std::int64_t requested = 0;
    if (const auto* lines = o.if_contains("lines"); lines && lines->is_array()) {
      for (const auto& line : lines->as_array()) {
        if (const auto* l = line.if_object()) requested += IntOf(*l, "requested_quantity").value_or(0);
      }
    }
    auto status = TextOf(o, "status");
    if (!status) {
      throw ApiError::Validation("events.invalid_data", e.type + " data has no status",
                                 {{"status", "must be a string"}});
    }
    co_await tx.Execute(kUpsertRestock, pg::Params()
                                            .Add(RequireInt(o, "request_id", e.type))
                                            .Add(RequireInt(o, "location_id", e.type))
                                            .Add(*status)
                                            .Add(requested)
                                            .Add(ms)
                                            .Add(seq)
                                            .Add(OccurredAt(e)));
  } else if (e.type == "ProductChanged") {
    const auto& o = Object(e.data, e.type);
    const auto* active = o.if_contains("active");
    co_await tx.Execute(kUpsertProduct, pg::Params()
                                            .Add(RequireInt(o, "id", e.type))
                                            .Add(TextOf(o, "sku"))
                                            .Add(TextOf(o, "name").value_or(""))
                                            .Add(IntOf(o, "category_id"))
                                            .Add(active && active->is_bool() ? active->as_bool() : true));
  }
  // Other types (customer, cart, payment events...) do not feed reporting.
}

awaitable<void> ClearReadModels(pg::Pool& db) {
  co_await db.Execute(kClear);
}

awaitable<std::optional<StreamPos>> FirstApplied(pg::Pool& db) {
  pg::Result r = co_await db.Execute(kFirstApplied);
  if (r.empty()) co_return std::nullopt;
  co_return StreamPos{r[0].Int(0), r[0].Int(1)};
}

awaitable<void> ForgetHistory(pg::Pool& db) {
  co_await db.Execute(kForgetHistory);
}

// ---- Queries -------------------------------------------------------------------------------------------

namespace {

// Period filter on a table with occurred_at, location_id and channel: $1 from, $2 to (dates, included),
// $3 time zone, $4 location (NULL: all, online included), $5 channel (NULL: both).
#define COMPTOIR_PERIOD                                                  \
  " occurred_at >= ($1::date::timestamp AT TIME ZONE $3::text)"          \
  " AND occurred_at < (($2::date + 1)::timestamp AT TIME ZONE $3::text)" \
  " AND ($4::bigint IS NULL OR location_id = $4::bigint) AND ($5::text IS NULL OR channel = $5::text)"

// Receipts count positively, refunds (returns, cancelled orders) negatively in the net columns; the cash
// rounding of a refund is what the drawer paid out beyond the exact amount, so it counts against the store.
#define COMPTOIR_MONEY_FACTS                                                                                \
  "WITH facts AS ("                                                                                         \
  " SELECT channel, location_id, (occurred_at AT TIME ZONE $3::text)::date AS day, 1 AS receipts,"          \
  " subtotal_cents, gst_cents, qst_cents, total_cents, 0 AS refunds, 0::bigint AS refunds_cents,"           \
  " 0::bigint AS refunds_subtotal, 0::bigint AS refunds_gst, 0::bigint AS refunds_qst,"                     \
  " cash_rounding_cents AS rounding, zero_rated_cents AS zero_rated, exempt_cents AS exempt"                \
  " FROM receipts WHERE" COMPTOIR_PERIOD                                                                    \
  " UNION ALL"                                                                                              \
  " SELECT channel, location_id, (occurred_at AT TIME ZONE $3::text)::date, 0, 0, 0, 0, 0, 1, total_cents," \
  " subtotal_cents, gst_cents, qst_cents, -cash_rounding_cents, -zero_rated_cents, -exempt_cents"           \
  " FROM refunds WHERE" COMPTOIR_PERIOD ")"

#define COMPTOIR_MONEY_SUMS                                                                 \
  " COALESCE(sum(f.receipts), 0)::bigint, COALESCE(sum(f.subtotal_cents), 0)::bigint,"      \
  " COALESCE(sum(f.gst_cents), 0)::bigint, COALESCE(sum(f.qst_cents), 0)::bigint,"          \
  " COALESCE(sum(f.total_cents), 0)::bigint, COALESCE(sum(f.refunds), 0)::bigint,"          \
  " COALESCE(sum(f.refunds_cents), 0)::bigint,"                                             \
  " (COALESCE(sum(f.total_cents), 0) - COALESCE(sum(f.refunds_cents), 0))::bigint,"         \
  " COALESCE(sum(f.refunds_subtotal), 0)::bigint, COALESCE(sum(f.refunds_gst), 0)::bigint," \
  " COALESCE(sum(f.refunds_qst), 0)::bigint,"                                               \
  " (COALESCE(sum(f.subtotal_cents), 0) - COALESCE(sum(f.refunds_subtotal), 0))::bigint,"   \
  " (COALESCE(sum(f.gst_cents), 0) - COALESCE(sum(f.refunds_gst), 0))::bigint,"             \
  " (COALESCE(sum(f.qst_cents), 0) - COALESCE(sum(f.refunds_qst), 0))::bigint,"             \
  " COALESCE(sum(f.rounding), 0)::bigint"

constexpr pg::Statement kSalesByLocation{"reporting.sales.location", COMPTOIR_MONEY_FACTS
                                         " SELECT f.location_id, COALESCE(l.name, 'Online')," COMPTOIR_MONEY_SUMS
                                         " FROM facts f LEFT JOIN locations l ON l.id = f.location_id"
                                         " GROUP BY f.location_id, l.name ORDER BY f.location_id NULLS LAST"};
constexpr pg::Statement kSalesByDay{"reporting.sales.day", COMPTOIR_MONEY_FACTS
                                    " SELECT to_char(d.day, 'YYYY-MM-DD')," COMPTOIR_MONEY_SUMS
                                    " FROM generate_series($1::date, $2::date, interval '1 day') AS d(day)"
                                    " LEFT JOIN facts f ON f.day = d.day::date GROUP BY d.day ORDER BY d.day"};
// The remittance view: per day, month or quarter ($6) of the period, GST and QST collected, refunded and net,
// and the cash rounding. $1..$5 as COMPTOIR_PERIOD.
constexpr pg::Statement kTaxes{
    "reporting.taxes", COMPTOIR_MONEY_FACTS
    ", periods AS (SELECT DISTINCT date_trunc($6::text, d)::date AS start"
    " FROM generate_series($1::date, $2::date, interval '1 day') AS d)"
    " SELECT CASE $6::text WHEN 'day' THEN to_char(p.start, 'YYYY-MM-DD')"
    " WHEN 'month' THEN to_char(p.start, 'YYYY-MM') ELSE to_char(p.start, 'YYYY-\"Q\"Q') END,"
    " to_char(GREATEST(p.start, $1::date), 'YYYY-MM-DD'),"
    " to_char(LEAST(CASE $6::text WHEN 'day' THEN p.start"
    " WHEN 'month' THEN (p.start + interval '1 month' - interval '1 day')::date"
    " ELSE (p.start + interval '3 months' - interval '1 day')::date END, $2::date), 'YYYY-MM-DD'),"
    " COALESCE(sum(f.subtotal_cents), 0)::bigint, COALESCE(sum(f.gst_cents), 0)::bigint,"
    " COALESCE(sum(f.qst_cents), 0)::bigint, COALESCE(sum(f.refunds_subtotal), 0)::bigint,"
    " COALESCE(sum(f.refunds_gst), 0)::bigint, COALESCE(sum(f.refunds_qst), 0)::bigint,"
    " (COALESCE(sum(f.gst_cents), 0) - COALESCE(sum(f.refunds_gst), 0))::bigint,"
    " (COALESCE(sum(f.qst_cents), 0) - COALESCE(sum(f.refunds_qst), 0))::bigint,"
    " COALESCE(sum(f.rounding), 0)::bigint, COALESCE(sum(f.zero_rated), 0)::bigint, COALESCE(sum(f.exempt), 0)::bigint"
    " FROM periods p LEFT JOIN facts f ON date_trunc($6::text, f.day)::date = p.start"
    " GROUP BY p.start ORDER BY p.start"};

constexpr pg::Statement kSalesByChannel{"reporting.sales.channel",
                                        COMPTOIR_MONEY_FACTS " SELECT f.channel," COMPTOIR_MONEY_SUMS
                                                             " FROM facts f GROUP BY f.channel ORDER BY f.channel"};

#define COMPTOIR_LINE_FACTS                                                                                      \
  "WITH facts AS ("                                                                                              \
  " SELECT l.product_id, l.name, l.quantity, l.line_total_cents AS sales_cents, 0::bigint AS returned_quantity," \
  " 0::bigint AS returns_cents FROM receipt_lines l JOIN receipts USING (channel, ref) WHERE" COMPTOIR_PERIOD    \
  " UNION ALL"                                                                                                   \
  " SELECT l.product_id, l.name, 0, 0, l.quantity, l.line_total_cents"                                           \
  " FROM refund_lines l JOIN refunds USING (channel, ref) WHERE" COMPTOIR_PERIOD ")"

#define COMPTOIR_LINE_SUMS                                                                  \
  " sum(f.quantity)::bigint, sum(f.sales_cents)::bigint, sum(f.returned_quantity)::bigint," \
  " sum(f.returns_cents)::bigint, (sum(f.sales_cents) - sum(f.returns_cents))::bigint"

constexpr pg::Statement kSalesByProduct{
    "reporting.sales.product",
    COMPTOIR_LINE_FACTS " SELECT f.product_id, COALESCE(p.name, max(f.name)), p.category_id," COMPTOIR_LINE_SUMS
                        " FROM facts f LEFT JOIN products p ON p.id = f.product_id"
                        " GROUP BY f.product_id, p.name, p.category_id ORDER BY f.product_id"};
constexpr pg::Statement kSalesByCategory{"reporting.sales.category", COMPTOIR_LINE_FACTS
                                         " SELECT p.category_id, COALESCE(c.name, 'Uncategorised')," COMPTOIR_LINE_SUMS
                                         " FROM facts f LEFT JOIN products p ON p.id = f.product_id"
                                         " LEFT JOIN categories c ON c.id = p.category_id"
                                         " GROUP BY p.category_id, c.name ORDER BY p.category_id NULLS LAST"};

// $6 limit, $7 order by quantity.
constexpr pg::Statement kTopProducts{
    "reporting.top_products",
    "SELECT l.product_id, COALESCE(p.name, max(l.name)), p.category_id, c.name, sum(l.quantity)::bigint,"
    " sum(l.line_total_cents)::bigint"
    " FROM receipt_lines l JOIN receipts USING (channel, ref)"
    " LEFT JOIN products p ON p.id = l.product_id LEFT JOIN categories c ON c.id = p.category_id"
    " WHERE" COMPTOIR_PERIOD
    " AND status <> 'cancelled'"
    " GROUP BY l.product_id, p.name, p.category_id, c.name"
    " ORDER BY CASE WHEN $7::boolean THEN sum(l.quantity) ELSE sum(l.line_total_cents) END DESC, l.product_id"
    " LIMIT $6::bigint"};

constexpr pg::Statement kReturns{"reporting.returns",
                                 "SELECT r.channel, r.ref, r.receipt_ref, r.location_id, COALESCE(l.name, 'Online'),"
                                 " to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
                                 " r.subtotal_cents, r.gst_cents, r.qst_cents, r.total_cents, r.reason"
                                 " FROM refunds r LEFT JOIN locations l ON l.id = r.location_id WHERE" COMPTOIR_PERIOD
                                 " ORDER BY r.occurred_at, r.channel, r.ref"};

// $1 location, $2 product, $3 low only, $4 store reorder point, $5 logistics reorder point.
constexpr pg::Statement kStock{
    "reporting.stock",
    "SELECT * FROM (SELECT s.location_id, COALESCE(l.name, ''), s.product_id, COALESCE(p.name, ''), s.on_hand,"
    " s.reserved, s.available,"
    " COALESCE(s.reorder_point, CASE WHEN l.type = 'logistics' THEN $5::bigint ELSE $4::bigint END) AS rp,"
    " to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM stock_levels s LEFT JOIN locations l ON l.id = s.location_id LEFT JOIN products p ON p.id = s.product_id"
    " WHERE ($1::bigint IS NULL OR s.location_id = $1::bigint) AND ($2::bigint IS NULL OR s.product_id = $2::bigint)"
    ") x WHERE NOT $3::boolean OR available <= rp ORDER BY location_id, product_id"};

// $1 store default reorder point, $2 logistics default. The dashboard's alerts, counted per location from the two
// partial indexes of migration 0181 (the rows low by their own reorder point; the others by their available
// quantity) rather than by reading every stock level (30,000 with the load-test catalogue): the same rows as
// kStock's `available <= rp`, for locations that reporting knows.
constexpr pg::Statement kLowStockCounts{
    "reporting.low_stock_counts",
    "SELECT l.id, (SELECT count(*) FROM stock_levels s WHERE s.location_id = l.id AND s.reorder_point IS NOT NULL"
    " AND s.available <= s.reorder_point)"
    " + (SELECT count(*) FROM stock_levels s WHERE s.location_id = l.id AND s.reorder_point IS NULL"
    " AND s.available <= CASE WHEN l.type = 'logistics' THEN $2::bigint ELSE $1::bigint END) AS low"
    " FROM locations l"};

// $1 location, $2 status ("pending", "all" or a status).
constexpr pg::Statement kRestock{
    "reporting.restock",
    "SELECT r.id, r.location_id, COALESCE(l.name, ''), r.status, r.requested_quantity,"
    " to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " FROM restock_requests r LEFT JOIN locations l ON l.id = r.location_id"
    " WHERE ($1::bigint IS NULL OR r.location_id = $1::bigint)"
    " AND ($2::text = 'all' OR ($2::text = 'pending' AND r.status IN ('requested', 'approved', 'shipped'))"
    " OR r.status = $2::text) ORDER BY r.id"};

constexpr pg::Statement kPendingRestockCounts{
    "reporting.pending_restock_counts",
    "SELECT location_id, count(*) FROM restock_requests WHERE status IN ('requested', 'approved', 'shipped')"
    " GROUP BY location_id"};

constexpr pg::Statement kToday{"reporting.today",
                               "SELECT to_char((now() AT TIME ZONE $1::text)::date, 'YYYY-MM-DD'),"
                               " to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"};

constexpr pg::Statement kStores{
    "reporting.stores",
    "SELECT id, name FROM locations WHERE type = 'store' AND ($1::bigint IS NULL OR id = $1::bigint) ORDER BY id"};

// $1 time zone, $2 location. Today, the 7 days ending today, and the 7 before, in the chain's time zone.
constexpr pg::Statement kDashboardFigures{
    "reporting.dashboard",
    "WITH t AS (SELECT (now() AT TIME ZONE $1::text)::date AS today),"
    " facts AS ("
    " SELECT channel, location_id, (occurred_at AT TIME ZONE $1::text)::date AS day, total_cents AS amount,"
    " 1 AS receipts, total_cents AS gross FROM receipts, t"
    " WHERE occurred_at >= ((t.today - 13)::timestamp AT TIME ZONE $1::text)"
    " UNION ALL"
    " SELECT channel, location_id, (occurred_at AT TIME ZONE $1::text)::date, -total_cents, 0, 0 FROM refunds, t"
    " WHERE occurred_at >= ((t.today - 13)::timestamp AT TIME ZONE $1::text))"
    " SELECT f.channel, f.location_id,"
    " COALESCE(sum(f.amount) FILTER (WHERE f.day = t.today), 0)::bigint,"
    " COALESCE(sum(f.amount) FILTER (WHERE f.day > t.today - 7 AND f.day <= t.today), 0)::bigint,"
    " COALESCE(sum(f.amount) FILTER (WHERE f.day > t.today - 14 AND f.day <= t.today - 7), 0)::bigint,"
    " COALESCE(sum(f.receipts) FILTER (WHERE f.day = t.today), 0)::bigint,"
    " COALESCE(sum(f.gross) FILTER (WHERE f.day = t.today), 0)::bigint"
    " FROM facts f, t WHERE $2::bigint IS NULL OR f.location_id = $2::bigint GROUP BY f.channel, f.location_id"};

constexpr pg::Statement kOpenOrders{
    "reporting.open_orders",
    "SELECT count(*) FROM receipts WHERE channel = 'online' AND status IN ('paid', 'preparing')"};

pg::Params PeriodParams(const ReportFilter& f, const ReportSettings& s) {
  pg::Params p;
  p.Add(FormatDate(f.period.from)).Add(FormatDate(f.period.to)).Add(s.time_zone).Add(f.location_id).Add(f.channel);
  return p;
}

Cell OptIntCell(const pg::Row& row, int column) {
  if (auto v = row.OptInt(column)) return *v;
  return std::monostate{};
}

}  // namespace

awaitable<std::chrono::sys_days> Reports::Today() {
  pg::Result r = co_await db_.Execute(kToday, pg::Params().Add(settings_.time_zone));
  auto day = ParseDate(r[0].Text(0));
  if (!day) throw ApiError::Internal("reporting.bad_date", "the database gave no date for today");
  co_return *day;
}

awaitable<Table> Reports::Sales(const ReportFilter& filter, GroupBy group_by) {
  Table t;
  const std::vector<std::string> money{"transactions",      "subtotal_cents",    "gst_cents",
                                       "qst_cents",         "total_cents",       "refunds",
                                       "refunds_cents",     "net_cents",         "refunds_subtotal_cents",
                                       "refunds_gst_cents", "refunds_qst_cents", "net_subtotal_cents",
                                       "net_gst_cents",     "net_qst_cents",     "cash_rounding_cents"};
  const std::vector<std::string> lines{"quantity", "sales_cents", "returned_quantity", "returns_cents", "net_cents"};
  pg::Result rows;
  int keys = 0;
  switch (group_by) {
    case GroupBy::kLocation:
      t.columns = {"location_id", "name"};
      rows = co_await db_.Execute(kSalesByLocation, PeriodParams(filter, settings_));
      keys = 2;
      break;
    case GroupBy::kDay:
      t.columns = {"day"};
      rows = co_await db_.Execute(kSalesByDay, PeriodParams(filter, settings_));
      keys = 1;
      break;
    case GroupBy::kChannel:
      t.columns = {"channel"};
      rows = co_await db_.Execute(kSalesByChannel, PeriodParams(filter, settings_));
      keys = 1;
      break;
    case GroupBy::kProduct:
      t.columns = {"product_id", "name", "category_id"};
      rows = co_await db_.Execute(kSalesByProduct, PeriodParams(filter, settings_));
      keys = 3;
      break;
    case GroupBy::kCategory:
      t.columns = {"category_id", "name"};
      rows = co_await db_.Execute(kSalesByCategory, PeriodParams(filter, settings_));
      keys = 2;
      break;
  }
  const bool by_line = group_by == GroupBy::kProduct || group_by == GroupBy::kCategory;
  const auto& values = by_line ? lines : money;
  t.columns.insert(t.columns.end(), values.begin(), values.end());
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    std::vector<Cell> cells;
    for (int c = 0; c < keys; ++c) {
      const std::string& name = t.columns[static_cast<std::size_t>(c)];
      if (name == "name" || name == "day" || name == "channel") {
        cells.emplace_back(std::string(row.Text(c)));
      } else {
        cells.push_back(OptIntCell(row, c));
      }
    }
    for (std::size_t c = 0; c < values.size(); ++c) cells.emplace_back(row.Int(keys + static_cast<int>(c)));
    t.rows.push_back(std::move(cells));
  }
  co_return t;
}

awaitable<Table> Reports::Taxes(const ReportFilter& filter, TaxPeriod period) {
  pg::Params params = PeriodParams(filter, settings_);
  params.Add(TaxPeriodName(period));
  pg::Result rows = co_await db_.Execute(kTaxes, std::move(params));
  Table t;
  t.columns = {"period",
               "from",
               "to",
               "sales_cents",
               "gst_collected_cents",
               "qst_collected_cents",
               "refunded_sales_cents",
               "gst_refunded_cents",
               "qst_refunded_cents",
               "gst_net_cents",
               "qst_net_cents",
               "cash_rounding_cents",
               "zero_rated_net_cents",
               "exempt_net_cents"};
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    std::vector<Cell> cells{std::string(row.Text(0)), std::string(row.Text(1)), std::string(row.Text(2))};
    for (int c = 3; c < 14; ++c) cells.emplace_back(row.Int(c));
    t.rows.push_back(std::move(cells));
  }
  co_return t;
}

awaitable<Table> Reports::TopProducts(const ReportFilter& filter, bool by_quantity, std::int64_t limit) {
  pg::Params params = PeriodParams(filter, settings_);
  params.Add(limit).Add(by_quantity);
  pg::Result rows = co_await db_.Execute(kTopProducts, std::move(params));
  Table t;
  t.columns = {"rank", "product_id", "name", "category_id", "category", "quantity", "sales_cents"};
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    Cell category = std::monostate{};
    if (auto c = row.OptText(3)) category = std::string(*c);
    t.rows.push_back({std::int64_t{i + 1}, row.Int(0), std::string(row.Text(1)), OptIntCell(row, 2), category,
                      row.Int(4), row.Int(5)});
  }
  co_return t;
}

awaitable<Table> Reports::Returns(const ReportFilter& filter) {
  pg::Result rows = co_await db_.Execute(kReturns, PeriodParams(filter, settings_));
  Table t;
  t.columns = {"channel",        "id",        "receipt_ref", "location_id", "location", "occurred_at",
               "subtotal_cents", "gst_cents", "qst_cents",   "total_cents", "reason"};
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    t.rows.push_back({std::string(row.Text(0)), std::string(row.Text(1)), std::string(row.Text(2)), OptIntCell(row, 3),
                      std::string(row.Text(4)), std::string(row.Text(5)), row.Int(6), row.Int(7), row.Int(8),
                      row.Int(9), std::string(row.Text(10))});
  }
  co_return t;
}

awaitable<Table> Reports::Stock(std::optional<std::int64_t> location_id, std::optional<std::int64_t> product_id,
                                bool low_stock_only) {
  pg::Params params;
  params.Add(location_id)
      .Add(product_id)
      .Add(low_stock_only)
      .Add(settings_.reorder_point_store)
      .Add(settings_.reorder_point_logistics);
  pg::Result rows = co_await db_.Execute(kStock, std::move(params));
  Table t;
  t.columns = {"location_id", "location",  "product_id",    "product",   "on_hand",
               "reserved",    "available", "reorder_point", "low_stock", "updated_at"};
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    const std::int64_t available = row.Int(6);
    const std::int64_t reorder_point = row.Int(7);
    t.rows.push_back({row.Int(0), std::string(row.Text(1)), row.Int(2), std::string(row.Text(3)), row.Int(4),
                      row.Int(5), available, reorder_point, IsLowStock(available, reorder_point),
                      std::string(row.Text(8))});
  }
  co_return t;
}

awaitable<Table> Reports::Restock(std::optional<std::int64_t> location_id, std::optional<std::string> status) {
  pg::Result rows = co_await db_.Execute(kRestock, pg::Params().Add(location_id).Add(status.value_or("pending")));
  Table t;
  t.columns = {"id", "location_id", "location", "status", "requested_quantity", "updated_at"};
  for (int i = 0; i < rows.size(); ++i) {
    pg::Row row = rows[i];
    t.rows.push_back({row.Int(0), row.Int(1), std::string(row.Text(2)), std::string(row.Text(3)), row.Int(4),
                      std::string(row.Text(5))});
  }
  co_return t;
}

awaitable<DashboardInput> Reports::Dashboard(std::optional<std::int64_t> location_id) {
  DashboardInput in;
  in.time_zone = settings_.time_zone;
  pg::Result today = co_await db_.Execute(kToday, pg::Params().Add(settings_.time_zone));
  in.business_day = std::string(today[0].Text(0));
  in.as_of = std::string(today[0].Text(1));
  pg::Result stores = co_await db_.Execute(kStores, pg::Params().Add(location_id));
  for (int i = 0; i < stores.size(); ++i) in.stores.push_back({stores[i].Int(0), std::string(stores[i].Text(1))});
  pg::Result figures = co_await db_.Execute(kDashboardFigures, pg::Params().Add(settings_.time_zone).Add(location_id));
  if (!location_id) in.online = Figures{};
  for (int i = 0; i < figures.size(); ++i) {
    pg::Row row = figures[i];
    Figures f;
    f.revenue_today = row.Int(2);
    f.revenue_7d = row.Int(3);
    f.revenue_previous_7d = row.Int(4);
    f.transactions_today = row.Int(5);
    f.gross_today = row.Int(6);
    if (row.Text(0) == "online") {
      if (in.online) {
        f.open_orders = in.online->open_orders;
        in.online = f;
      }
    } else if (auto id = row.OptInt(1)) {
      in.store_figures[*id] = f;
    }
  }
  if (in.online) {
    pg::Result open = co_await db_.Execute(kOpenOrders);
    in.online->open_orders = open[0].Int(0);
  }
  pg::Result low = co_await db_.Execute(
      kLowStockCounts, pg::Params().Add(settings_.reorder_point_store).Add(settings_.reorder_point_logistics));
  for (int i = 0; i < low.size(); ++i) {
    if (!location_id || low[i].Int(0) == *location_id) in.low_stock[low[i].Int(0)] = low[i].Int(1);
  }
  pg::Result pending = co_await db_.Execute(kPendingRestockCounts);
  for (int i = 0; i < pending.size(); ++i) {
    if (!location_id || pending[i].Int(0) == *location_id) in.pending_restock[pending[i].Int(0)] = pending[i].Int(1);
  }
  co_return in;
}

}  // namespace comptoir::reporting
