// Register movements, session figures, and the Z report written at close (ADR 0150).
#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "storage/repository.hpp"
#include "storage/rows.hpp"

namespace comptoir::sales {
namespace {

constexpr pg::Statement kLockSession{"sales.session_lock", "SELECT " COMPTOIR_SESSION_COLUMNS
                                                           " FROM register_sessions WHERE id = $1::bigint FOR UPDATE"};
constexpr pg::Statement kCloseSession{
    "sales.session_close",
    "UPDATE register_sessions SET status = 'closed', counted_cash_cents = $2::bigint, expected_cash_cents = $3::bigint,"
    " over_short_cents = $2::bigint - $3::bigint, closed_by = $4::text, closed_at = now()"
    " WHERE id = $1::bigint RETURNING " COMPTOIR_SESSION_COLUMNS};
constexpr pg::Statement kNextZ{
    "sales.next_z",
    "INSERT INTO z_counters (location_id, register, last_number) VALUES ($1::bigint, $2::text, 1)"
    " ON CONFLICT (location_id, register) DO UPDATE SET last_number = z_counters.last_number + 1"
    " RETURNING last_number"};
constexpr pg::Statement kInsertZ{"sales.insert_z",
                                 "INSERT INTO z_reports (register_session_id, location_id, register, z_number, report)"
                                 " VALUES ($1::bigint, $2::bigint, $3::text, $4::bigint, $5::jsonb)"};
constexpr pg::Statement kFindZ{"sales.find_z",
                               "SELECT report::text FROM z_reports WHERE register_session_id = $1::bigint"};
constexpr pg::Statement kNow{"sales.now", "SELECT f_rfc3339(now())"};

// Sales of the session ($1) that count in its reports (an offline sale replayed after the close does not).
constexpr pg::Statement kFigureSales{
    "sales.figure_sales",
    "SELECT count(*) FILTER (WHERE NOT after_close), COALESCE(sum(subtotal_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(gst_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(qst_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(total_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(cash_rounding_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(gift_card_cents) FILTER (WHERE NOT after_close), 0),"
    " count(*) FILTER (WHERE NOT after_close AND cash_taken_cents > 0),"
    " COALESCE(sum(cash_taken_cents) FILTER (WHERE NOT after_close), 0),"
    " count(*) FILTER (WHERE after_close), COALESCE(sum(total_cents) FILTER (WHERE after_close), 0),"
    // ADR 0140/0141: the subtotal per tax class and the discounts (the promotions' part from each sale's list).
    " COALESCE(sum(taxable_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(zero_rated_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(exempt_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum(discount_cents) FILTER (WHERE NOT after_close), 0),"
    " COALESCE(sum((SELECT COALESCE(sum((p->>'amount_cents')::bigint), 0) FROM jsonb_array_elements(promotions) p))"
    " FILTER (WHERE NOT after_close), 0)::bigint,"
    " count(*) FILTER (WHERE NOT after_close AND discount_cents > 0)"
    " FROM sales WHERE register_session_id = $1::bigint"};
constexpr pg::Statement kFigureTenders{
    "sales.figure_tenders",
    "SELECT p.method, count(*), sum(p.amount_cents)::bigint FROM sale_payments p JOIN sales s ON s.id = p.sale_id"
    " WHERE s.register_session_id = $1::bigint AND NOT s.after_close AND p.method <> 'cash' GROUP BY p.method"};
constexpr pg::Statement kFigureLoads{
    "sales.figure_loads",
    "SELECT count(*), count(*) FILTER (WHERE l.kind = 'activation') FROM sale_gift_card_loads l"
    " JOIN sales s ON s.id = l.sale_id WHERE s.register_session_id = $1::bigint AND NOT s.after_close"};
constexpr pg::Statement kFigureReturns{
    "sales.figure_returns",
    "SELECT count(*), COALESCE(sum(subtotal_cents), 0), COALESCE(sum(gst_cents), 0), COALESCE(sum(qst_cents), 0),"
    " COALESCE(sum(total_cents), 0), COALESCE(sum(cash_paid_cents), 0) FROM sale_returns"
    " WHERE register_session_id = $1::bigint AND status = 'completed'"};
constexpr pg::Statement kFigureRefundClasses{
    "sales.figure_refund_classes",
    "SELECT l.tax_class, sum(l.line_total_cents)::bigint FROM return_lines l JOIN sale_returns r ON r.id = l.return_id"
    " WHERE r.register_session_id = $1::bigint AND r.status = 'completed' GROUP BY l.tax_class"};
constexpr pg::Statement kFigureRefundTenders{
    "sales.figure_refund_tenders",
    "SELECT t.refunded_as, sum(t.paid_cents)::bigint FROM return_tenders t JOIN sale_returns r ON r.id = t.return_id"
    " WHERE r.register_session_id = $1::bigint AND r.status = 'completed' GROUP BY t.refunded_as"};
constexpr pg::Statement kFigureMovements{
    "sales.figure_movements",
    "SELECT kind, count(*), sum(amount_cents)::bigint FROM register_movements WHERE register_session_id = $1::bigint"
    " GROUP BY kind"};

constexpr pg::Statement kInsertMovement{
    "sales.insert_movement",
    "INSERT INTO register_movements (register_session_id, kind, amount_cents, reason, lines, actor, idempotency_key)"
    " VALUES ($1::bigint, $2::text, $3::bigint, $4::text, $5::jsonb, $6::text, $7::text)"
    " RETURNING id, f_rfc3339(created_at)"};
constexpr pg::Statement kListMovements{
    "sales.list_movements",
    "SELECT id, kind, amount_cents, reason, COALESCE(lines, '[]'::jsonb)::text, actor, f_rfc3339(created_at)"
    " FROM register_movements WHERE register_session_id = $1::bigint ORDER BY id"};

std::string LinesJson(const std::vector<VoidedLine>& lines) {
  boost::json::array out;
  for (const VoidedLine& v : lines) {
    boost::json::object o;
    if (v.product_id) o["product_id"] = *v.product_id;
    if (v.sku) o["sku"] = *v.sku;
    o["quantity"] = v.quantity;
    o["amount_cents"] = v.amount_cents;
    out.push_back(std::move(o));
  }
  return boost::json::serialize(out);
}

template <class Db>
boost::asio::awaitable<SessionFigures> Figures(Db& db, const RegisterSession& session) {
  SessionFigures f;
  f.session = session;
  const std::int64_t id = session.id;
  pg::Result sales = co_await db.Execute(kFigureSales, pg::Params().Add(id));
  const pg::Row s = sales[0];
  f.sales_count = s.Int(0);
  f.sales_subtotal_cents = s.Int(1);
  f.sales_gst_cents = s.Int(2);
  f.sales_qst_cents = s.Int(3);
  f.sales_total_cents = s.Int(4);
  f.cash_rounding_cents = s.Int(5);
  f.gift_card_cents = s.Int(6);
  f.tenders["cash"] = TenderFigures{s.Int(7), s.Int(8)};
  f.late_sales_count = s.Int(9);
  f.late_sales_cents = s.Int(10);
  f.sales_by_class = money::ClassAmounts{s.Int(11), s.Int(12), s.Int(13)};
  f.discounts_cents = s.Int(14);
  f.promotion_discounts_cents = s.Int(15);
  f.discounted_sales_count = s.Int(16);
  pg::Result tenders = co_await db.Execute(kFigureTenders, pg::Params().Add(id));
  for (int i = 0; i < tenders.size(); ++i) {
    f.tenders[std::string(tenders[i].Text(0))] = TenderFigures{tenders[i].Int(1), tenders[i].Int(2)};
  }
  pg::Result loads = co_await db.Execute(kFigureLoads, pg::Params().Add(id));
  f.gift_card_count = loads[0].Int(0);
  f.gift_card_activations = loads[0].Int(1);
  pg::Result returns = co_await db.Execute(kFigureReturns, pg::Params().Add(id));
  f.returns_count = returns[0].Int(0);
  f.refunds_subtotal_cents = returns[0].Int(1);
  f.refunds_gst_cents = returns[0].Int(2);
  f.refunds_qst_cents = returns[0].Int(3);
  f.refunds_total_cents = returns[0].Int(4);
  f.cash_refunded_cents = returns[0].Int(5);
  pg::Result classes = co_await db.Execute(kFigureRefundClasses, pg::Params().Add(id));
  for (int i = 0; i < classes.size(); ++i) {
    const auto tax_class = money::ParseTaxClass(classes[i].Text(0));
    if (tax_class) f.refunds_by_class.Add(*tax_class, classes[i].Int(1));
  }
  pg::Result refunds = co_await db.Execute(kFigureRefundTenders, pg::Params().Add(id));
  for (int i = 0; i < refunds.size(); ++i) f.refunds_by_tender[std::string(refunds[i].Text(0))] = refunds[i].Int(1);
  pg::Result movements = co_await db.Execute(kFigureMovements, pg::Params().Add(id));
  for (int i = 0; i < movements.size(); ++i) {
    const auto kind = ParseMovementKind(movements[i].Text(0));
    const std::int64_t count = movements[i].Int(1);
    const std::int64_t amount = movements[i].Int(2);
    if (!kind) continue;
    switch (*kind) {
      case MovementKind::kNoSale:
        f.no_sale_count = count;
        break;
      case MovementKind::kDrop:
        f.drops_count = count;
        f.drops_cents = amount;
        break;
      case MovementKind::kPayout:
        f.payouts_count = count;
        f.payouts_cents = amount;
        break;
      case MovementKind::kVoidLine:
        f.void_line_count = count;
        f.voids_cents += amount;
        break;
      case MovementKind::kVoidSale:
        f.void_sale_count = count;
        f.voids_cents += amount;
        break;
    }
  }
  co_return f;
}

}  // namespace

boost::asio::awaitable<SessionFigures> Repository::LoadFigures(const RegisterSession& session) {
  return Figures(db_, session);
}

boost::asio::awaitable<std::optional<ClosedSession>> Repository::CloseSession(std::int64_t id,
                                                                              std::int64_t counted_cash_cents,
                                                                              std::string closed_by) {
  // The session's row lock orders the close after every sale, return and movement that share-locked it, and
  // one concurrent close after another: the second finds it closed (409) and takes no Z number.
  pg::Transaction tx = co_await db_.Begin();
  pg::Result locked = co_await tx.Execute(kLockSession, pg::Params().Add(id));
  if (locked.empty()) co_return std::nullopt;
  RegisterSession session = SessionFromRow(locked[0]);
  if (!session.open) {
    throw ApiError::Conflict("sales.session_closed", "register session " + std::to_string(id) + " is already closed");
  }
  SessionFigures figures = co_await Figures(tx, session);
  const std::int64_t expected = ExpectedDrawerCash(figures);
  pg::Result z = co_await tx.Execute(kNextZ, pg::Params().Add(session.location_id).Add(session.register_name));
  const std::int64_t z_number = z[0].Int(0);
  pg::Result now = co_await tx.Execute(kNow, pg::Params());
  pg::Result closed =
      co_await tx.Execute(kCloseSession, pg::Params().Add(id).Add(counted_cash_cents).Add(expected).Add(closed_by));
  ClosedSession out;
  out.session = SessionFromRow(closed[0]);
  figures.session = out.session;
  boost::json::object report = ReportJson(figures, "Z", z_number, counted_cash_cents, now[0].Text(0));
  report["closed_by"] = closed_by;
  report["closed_at"] = out.session.closed_at ? boost::json::value(*out.session.closed_at) : nullptr;
  out.z_report = boost::json::serialize(report);
  co_await tx.Execute(
      kInsertZ,
      pg::Params().Add(id).Add(session.location_id).Add(session.register_name).Add(z_number).Add(out.z_report));
  co_await tx.Commit();
  out.session.z_number = z_number;
  co_return out;
}

boost::asio::awaitable<std::optional<std::string>> Repository::FindZReport(std::int64_t session_id) {
  pg::Result result = co_await db_.Execute(kFindZ, pg::Params().Add(session_id));
  if (result.empty()) co_return std::nullopt;
  co_return std::string(result[0].Text(0));
}

boost::asio::awaitable<void> Repository::InsertMovement(pg::Transaction& tx, Movement& m, std::int64_t location_id,
                                                        std::string idempotency_key) {
  co_await RequireOpenSession(tx, m.register_session_id, location_id);
  std::optional<std::string> lines;
  if (!m.lines.empty()) lines = LinesJson(m.lines);
  pg::Result inserted = co_await tx.Execute(kInsertMovement, pg::Params()
                                                                 .Add(m.register_session_id)
                                                                 .Add(std::string(MovementKindName(m.kind)))
                                                                 .Add(m.amount_cents)
                                                                 .Add(m.reason)
                                                                 .Add(lines)
                                                                 .Add(m.actor)
                                                                 .Add(idempotency_key));
  m.id = inserted[0].Int(0);
  m.created_at = std::string(inserted[0].Text(1));
}

boost::asio::awaitable<std::vector<Movement>> Repository::ListMovements(std::int64_t session_id) {
  pg::Result result = co_await db_.Execute(kListMovements, pg::Params().Add(session_id));
  std::vector<Movement> out;
  for (int i = 0; i < result.size(); ++i) {
    const pg::Row row = result[i];
    Movement m;
    m.id = row.Int(0);
    m.register_session_id = session_id;
    m.kind = ParseMovementKind(row.Text(1)).value_or(MovementKind::kNoSale);
    m.amount_cents = row.Int(2);
    if (auto reason = row.OptText(3)) m.reason = std::string(*reason);
    const boost::json::value lines = boost::json::parse(row.Text(4));
    for (const auto& l : lines.as_array()) {
      const auto& o = l.as_object();
      VoidedLine v;
      if (const auto* p = o.if_contains("product_id")) v.product_id = p->to_number<std::int64_t>();
      if (const auto* sku = o.if_contains("sku")) v.sku = std::string(sku->as_string());
      v.quantity = o.at("quantity").to_number<std::int64_t>();
      v.amount_cents = o.at("amount_cents").to_number<std::int64_t>();
      m.lines.push_back(std::move(v));
    }
    m.actor = std::string(row.Text(5));
    m.created_at = std::string(row.Text(6));
    out.push_back(std::move(m));
  }
  co_return out;
}

}  // namespace comptoir::sales
