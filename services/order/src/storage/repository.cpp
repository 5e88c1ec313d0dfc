#include "storage/repository.hpp"

#include "comptoir/error.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/service/outbox.hpp"

namespace comptoir::order {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

#define COMPTOIR_CHECKOUT_COLUMNS                                                                                   \
  "id::text, customer_id, idempotency_key, fingerprint, cart_id, step, shipping_address::text, card_last4,"         \
  " coalesce(lines::text, '[]'), coalesce(subtotal_cents, 0), coalesce(shipping_cents, 0), coalesce(gst_cents, 0)," \
  " coalesce(qst_cents, 0), coalesce(total_cents, 0), reservation_key, coalesce(reservation_body, ''),"             \
  " coalesce(reservation_id::text, ''), charge_key, charge_reference, coalesce(charge_id::text, ''),"               \
  " coalesce(order_id::text, ''), coalesce(failure, ''), answer_status, coalesce(answer_body, ''), charge_asked,"   \
  " coalesce(charge_watch_until < now(), false)"

constexpr pg::Statement kInsertCheckout{
    "order.checkouts.insert",
    "INSERT INTO checkouts (id, customer_id, idempotency_key, fingerprint, cart_id, step, shipping_address,"
    " card_last4, reservation_key, charge_key, charge_reference)"
    " VALUES ($1::uuid, $2, $3, $4, $5, 'started', $6::jsonb, $7, $8, $9, $10)"
    " ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING " COMPTOIR_CHECKOUT_COLUMNS};
constexpr pg::Statement kCheckoutByKey{"order.checkouts.by_key",
                                       "SELECT " COMPTOIR_CHECKOUT_COLUMNS
                                       " FROM checkouts WHERE customer_id = $1 AND idempotency_key = $2"};
constexpr pg::Statement kCheckoutById{"order.checkouts.by_id",
                                      "SELECT " COMPTOIR_CHECKOUT_COLUMNS " FROM checkouts WHERE id = $1::uuid"};
// $1 id, $2 from, $3 to, $4 lines, $5..$9 totals, $10 reservation body, $11 reservation id, $12 charge id,
// $13 failure, $14 answer status, $15 answer body, $16 how long to watch for a late charge (ms; NULL: unchanged).
constexpr pg::Statement kAdvance{
    "order.checkouts.advance",
    "UPDATE checkouts SET step = $3, lines = coalesce($4::jsonb, lines),"
    " subtotal_cents = coalesce($5::bigint, subtotal_cents), shipping_cents = coalesce($6::bigint, shipping_cents),"
    " gst_cents = coalesce($7::bigint, gst_cents), qst_cents = coalesce($8::bigint, qst_cents),"
    " total_cents = coalesce($9::bigint, total_cents), reservation_body = coalesce($10, reservation_body),"
    " reservation_id = coalesce($11::uuid, reservation_id), charge_id = coalesce($12::uuid, charge_id),"
    " failure = coalesce($13, failure), answer_status = coalesce($14::int, answer_status),"
    " answer_body = coalesce($15, answer_body), charge_asked = charge_asked OR $3 = 'charging',"
    " charge_watch_until = coalesce(now() + make_interval(secs => $16::bigint / 1000.0), charge_watch_until),"
    " updated_at = now()"
    " WHERE id = $1::uuid AND step = $2"};
constexpr pg::Statement kOpenCheckouts{
    "order.checkouts.open",
    "SELECT " COMPTOIR_CHECKOUT_COLUMNS
    " FROM checkouts WHERE step NOT IN ('completed', 'failed')"
    " AND updated_at < now() - make_interval(secs => $1::bigint / 1000.0) ORDER BY updated_at LIMIT 100"};
constexpr pg::Statement kWatchedCheckouts{
    "order.checkouts.watched",
    "SELECT " COMPTOIR_CHECKOUT_COLUMNS
    " FROM checkouts WHERE charge_watch_until IS NOT NULL AND step = 'failed'"
    " AND (charge_checked_at IS NULL OR charge_checked_at < now() - make_interval(secs => $1::bigint / 1000.0))"
    " ORDER BY charge_checked_at NULLS FIRST LIMIT 100"};
constexpr pg::Statement kChargeChecked{
    "order.checkouts.charge_checked",
    "UPDATE checkouts SET charge_checked_at = now(),"
    " charge_watch_until = CASE WHEN $2::boolean THEN NULL ELSE charge_watch_until END WHERE id = $1::uuid"};
constexpr pg::Statement kCheckoutOrder{"order.checkouts.order_of",
                                       "SELECT id::text FROM orders WHERE checkout_id = $1::uuid"};

constexpr pg::Statement kInsertOrder{
    "order.orders.insert",
    "INSERT INTO orders (id, number, checkout_id, customer_id, status, subtotal_cents, shipping_cents, gst_cents,"
    " qst_cents, total_cents, shipping_address, charge_id, card_last4, reservation_id)"
    " VALUES ($1::uuid, 'C-' || lpad(nextval('order_numbers')::text, 6, '0'), $2::uuid, $3, 'paid', $4::bigint,"
    " $5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::jsonb, $10::uuid, $11, $12::uuid) RETURNING number"};
constexpr pg::Statement kInsertItem{
    "order.items.insert",
    "INSERT INTO order_items (order_id, line_no, product_id, sku, name, unit_price_cents, quantity, line_total_cents,"
    " tax_class, discount_cents)"
    " VALUES ($1::uuid, $2::int, $3::bigint, $4, $5, $6::bigint, $7::int, $8::bigint, $9::text, $10::bigint)"};
constexpr pg::Statement kCheckoutOrderCreated{
    "order.checkouts.order_created",
    "UPDATE checkouts SET step = 'order_created', order_id = $2::uuid, updated_at = now()"
    " WHERE id = $1::uuid AND step = 'charged'"};

#define COMPTOIR_ORDER_COLUMNS                                                                              \
  "o.id::text, o.number, o.checkout_id::text, o.customer_id, o.status, o.subtotal_cents, o.shipping_cents," \
  " o.gst_cents, o.qst_cents, o.total_cents, o.shipping_address::text, o.charge_id::text, o.card_last4,"    \
  " o.reservation_id::text, o.stock, o.refunded, f_rfc3339(o.created_at), f_rfc3339(o.updated_at),"         \
  " (SELECT coalesce(json_agg(json_build_object('product_id', i.product_id, 'sku', i.sku, 'name', i.name,"  \
  " 'unit_price_cents', i.unit_price_cents, 'quantity', i.quantity, 'tax_class', i.tax_class,"              \
  " 'discount_cents', i.discount_cents) ORDER BY i.line_no), '[]')::text"                                     \
  " FROM order_items i WHERE i.order_id = o.id)"

constexpr pg::Statement kOrderById{"order.orders.by_id",
                                   "SELECT " COMPTOIR_ORDER_COLUMNS " FROM orders o WHERE o.id = $1::uuid"};
// $1 customer, $2 status, $3 from date, $4 to date (inclusive), $5 limit, $6 offset.
#define COMPTOIR_ORDER_FILTER                                                               \
  " WHERE ($1::text IS NULL OR o.customer_id = $1) AND ($2::text IS NULL OR o.status = $2)" \
  " AND ($3::date IS NULL OR o.created_at >= $3::date)"                                     \
  " AND ($4::date IS NULL OR o.created_at < $4::date + 1)"
constexpr pg::Statement kListOrders{
    "order.orders.list", "SELECT " COMPTOIR_ORDER_COLUMNS ", count(*) OVER () FROM orders o" COMPTOIR_ORDER_FILTER
                         " ORDER BY o.created_at DESC, o.id LIMIT $5::bigint OFFSET $6::bigint"};
constexpr pg::Statement kCountOrders{"order.orders.count", "SELECT count(*) FROM orders o" COMPTOIR_ORDER_FILTER};
constexpr pg::Statement kChangeStatus{
    "order.orders.change_status",
    "UPDATE orders SET status = $3, updated_at = now() WHERE id = $1::uuid AND status = $2"
    " AND (NOT $4::boolean OR stock = 'committed')"};
constexpr pg::Statement kSetStock{"order.orders.set_stock",
                                  "UPDATE orders SET stock = $2, updated_at = now() WHERE id = $1::uuid"};
constexpr pg::Statement kSetRefunded{"order.orders.set_refunded",
                                     "UPDATE orders SET refunded = true, updated_at = now() WHERE id = $1::uuid"};
constexpr pg::Statement kUnsettled{
    "order.orders.unsettled",
    "SELECT " COMPTOIR_ORDER_COLUMNS
    " FROM orders o WHERE o.status = 'cancelled'"
    " AND (NOT o.refunded OR o.stock IN ('reserved', 'committed'))"
    " AND o.updated_at < now() - make_interval(secs => $1::bigint / 1000.0) ORDER BY o.updated_at LIMIT 100"};

Checkout CheckoutOf(const pg::Row& row) {
  Checkout c;
  c.id = row.Text(0);
  c.customer_id = row.Text(1);
  c.idempotency_key = row.Text(2);
  c.fingerprint = row.Text(3);
  c.cart_id = row.Text(4);
  c.step = ParseStep(row.Text(5)).value_or(Step::kStarted);
  c.shipping_address_json = row.Text(6);
  c.card_last4 = row.Text(7);
  c.lines = LinesFromJson(row.Text(8));
  c.totals = Totals{row.Int(9), row.Int(10), row.Int(11), row.Int(12), row.Int(13)};
  c.reservation_key = row.Text(14);
  c.reservation_body = row.Text(15);
  c.reservation_id = row.Text(16);
  c.charge_key = row.Text(17);
  c.charge_reference = row.Text(18);
  c.charge_id = row.Text(19);
  c.order_id = row.Text(20);
  c.failure = row.Text(21);
  if (auto status = row.OptInt(22)) c.answer_status = static_cast<int>(*status);
  c.answer_body = row.Text(23);
  c.charge_asked = row.Bool(24);
  c.charge_watch_over = row.Bool(25);
  return c;
}

Order OrderOf(const pg::Row& row) {
  Order o;
  o.id = row.Text(0);
  o.number = row.Text(1);
  o.checkout_id = row.Text(2);
  o.customer_id = row.Text(3);
  o.status = ParseStatus(row.Text(4)).value_or(Status::kPaid);
  o.totals = Totals{row.Int(5), row.Int(6), row.Int(7), row.Int(8), row.Int(9)};
  o.shipping_address_json = row.Text(10);
  o.charge_id = row.Text(11);
  o.card_last4 = row.Text(12);
  o.reservation_id = row.Text(13);
  o.stock = row.Text(14);
  o.refunded = row.Bool(15);
  o.created_at = row.Text(16);
  o.updated_at = row.Text(17);
  o.items = LinesFromJson(row.Text(18));
  return o;
}

pg::Params& AddText(pg::Params& params, const std::string& text) {
  return text.empty() ? params.AddNull() : params.Add(text);
}

}  // namespace

std::string LinesJson(const std::vector<Line>& lines) {
  boost::json::array array;
  for (const Line& l : lines) {
    array.push_back(boost::json::object{{"product_id", l.product_id},
                                        {"sku", l.sku},
                                        {"name", l.name},
                                        {"unit_price_cents", l.unit_price_cents},
                                        {"quantity", l.quantity},
                                        {"tax_class", money::TaxClassName(l.tax_class)},
                                        {"discount_cents", l.discount_cents}});
  }
  return boost::json::serialize(array);
}

std::vector<Line> LinesFromJson(std::string_view text) {
  std::vector<Line> lines;
  boost::json::value value = boost::json::parse(text);
  for (const auto& item : value.as_array()) {
    const auto& o = item.as_object();
    Line line{o.at("product_id").to_number<std::int64_t>(), std::string(o.at("sku").as_string()),
              std::string(o.at("name").as_string()), o.at("unit_price_cents").to_number<std::int64_t>(),
              o.at("quantity").to_number<std::int64_t>()};
    // Checkouts and orders recorded before ADR 0140/0141 have neither: taxable, no discount.
    if (const auto* t = o.if_contains("tax_class"); t && t->is_string()) {
      line.tax_class = money::ParseTaxClass(t->as_string()).value_or(money::TaxClass::kTaxable);
    }
    if (const auto* d = o.if_contains("discount_cents"); d && d->is_number()) {
      line.discount_cents = d->to_number<std::int64_t>();
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

awaitable<std::pair<Checkout, bool>> Repository::CreateCheckout(Checkout c) {
  pg::Params params;
  params.Add(c.id).Add(c.customer_id).Add(c.idempotency_key).Add(c.fingerprint).Add(c.cart_id);
  params.Add(c.shipping_address_json)
      .Add(c.card_last4)
      .Add(c.reservation_key)
      .Add(c.charge_key)
      .Add(c.charge_reference);
  pg::Result inserted = co_await db_.Execute(kInsertCheckout, std::move(params));
  if (!inserted.empty()) co_return std::pair{CheckoutOf(inserted[0]), true};
  pg::Result rows = co_await db_.Execute(kCheckoutByKey, pg::Params().Add(c.customer_id).Add(c.idempotency_key));
  if (rows.empty()) throw ApiError::Conflict("order.checkout_in_progress", "retry: the checkout is being recorded");
  co_return std::pair{CheckoutOf(rows[0]), false};
}

awaitable<std::optional<Checkout>> Repository::FindCheckout(std::string id) {
  pg::Result rows = co_await db_.Execute(kCheckoutById, pg::Params().Add(id));
  if (rows.empty()) co_return std::nullopt;
  co_return CheckoutOf(rows[0]);
}

awaitable<bool> Repository::Advance(const std::string& id, Step from, Step to, const StepUpdate& u) {
  if (!CanAdvance(from, to)) {
    throw ApiError::Internal("order.saga_error", "illegal saga transition " + std::string(StepName(from)) + " → " +
                                                     std::string(StepName(to)));
  }
  pg::Params params;
  params.Add(id).Add(StepName(from)).Add(StepName(to));
  if (u.lines) {
    params.Add(LinesJson(*u.lines)).Add(u.totals.subtotal_cents).Add(u.totals.shipping_cents).Add(u.totals.gst_cents);
    params.Add(u.totals.qst_cents).Add(u.totals.total_cents);
  } else {
    params.AddNull().AddNull().AddNull().AddNull().AddNull().AddNull();
  }
  AddText(params, u.reservation_body);
  AddText(params, u.reservation_id);
  AddText(params, u.charge_id);
  AddText(params, u.failure);
  params.Add(u.answer_status);
  AddText(params, u.answer_body);
  params.Add(u.watch_charge_ms);
  pg::Result result = co_await db_.Execute(kAdvance, std::move(params));
  co_return result.AffectedRows() == 1;
}

awaitable<std::vector<Checkout>> Repository::OpenCheckouts(std::int64_t stale_ms) {
  pg::Result rows = co_await db_.Execute(kOpenCheckouts, pg::Params().Add(stale_ms));
  std::vector<Checkout> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(CheckoutOf(rows[i]));
  co_return out;
}

awaitable<std::vector<Checkout>> Repository::WatchedCheckouts(std::int64_t interval_ms) {
  pg::Result rows = co_await db_.Execute(kWatchedCheckouts, pg::Params().Add(interval_ms));
  std::vector<Checkout> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(CheckoutOf(rows[i]));
  co_return out;
}

awaitable<void> Repository::ChargeChecked(const std::string& id, bool ended) {
  co_await db_.Execute(kChargeChecked, pg::Params().Add(id).Add(ended));
}

awaitable<std::string> Repository::CreateOrder(const Checkout& c, const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result existing = co_await tx.Execute(kCheckoutOrder, pg::Params().Add(c.id));
  if (!existing.empty()) co_return std::string(existing[0].Text(0));
  std::string id = http::NewUuid();
  pg::Params params;
  params.Add(id).Add(c.id).Add(c.customer_id).Add(c.totals.subtotal_cents).Add(c.totals.shipping_cents);
  params.Add(c.totals.gst_cents).Add(c.totals.qst_cents).Add(c.totals.total_cents).Add(c.shipping_address_json);
  params.Add(c.charge_id).Add(c.card_last4).Add(c.reservation_id);
  pg::Result inserted = co_await tx.Execute(kInsertOrder, std::move(params));
  std::string number(inserted[0].Text(0));
  boost::json::array items;
  money::ClassAmounts by_class;
  std::int64_t discount = 0;
  int line_no = 0;
  for (const Line& l : c.lines) {
    ++line_no;
    pg::Params item;
    item.Add(id).Add(line_no).Add(l.product_id).Add(l.sku).Add(l.name).Add(l.unit_price_cents).Add(l.quantity);
    item.Add(l.line_total_cents()).Add(std::string(money::TaxClassName(l.tax_class))).Add(l.discount_cents);
    co_await tx.Execute(kInsertItem, std::move(item));
    items.push_back(boost::json::object{{"product_id", l.product_id},
                                        {"sku", l.sku},
                                        {"name", l.name},
                                        {"quantity", l.quantity},
                                        {"unit_price_cents", l.unit_price_cents},
                                        {"tax_class", money::TaxClassName(l.tax_class)},
                                        {"discount_cents", l.discount_cents},
                                        {"line_total_cents", l.line_total_cents()}});
    by_class.Add(l.tax_class, l.line_total_cents());
    discount += l.discount_cents;
  }
  pg::Result moved = co_await tx.Execute(kCheckoutOrderCreated, pg::Params().Add(c.id).Add(id));
  if (moved.AffectedRows() != 1) {
    throw ApiError::Conflict("order.checkout_in_progress", "the checkout moved on while its order was written");
  }
  boost::json::object data{{"order_id", id},
                           {"number", number},
                           {"customer_id", c.customer_id},
                           {"checkout_id", c.id},
                           {"status", "paid"},
                           {"channel", "online"},
                           {"discount_cents", discount},
                           {"taxable_cents", by_class.taxable_cents},
                           {"zero_rated_cents", by_class.zero_rated_cents},
                           {"exempt_cents", by_class.exempt_cents},
                           {"lines", std::move(items)},
                           {"subtotal_cents", c.totals.subtotal_cents},
                           {"shipping_cents", c.totals.shipping_cents},
                           {"gst_cents", c.totals.gst_cents},
                           {"qst_cents", c.totals.qst_cents},
                           {"total_cents", c.totals.total_cents},
                           {"charge_id", c.charge_id}};
  service::Event event{"OrderPlaced", "order", id, boost::json::serialize(data), correlation_id};
  co_await service::AppendEvent(tx, "order", std::move(event));  // a named event: no braced temporary (GCC 12)
  co_await tx.Commit();
  co_return id;
}

awaitable<std::optional<Order>> Repository::FindOrder(std::string id) {
  pg::Result rows = co_await db_.Execute(kOrderById, pg::Params().Add(id));
  if (rows.empty()) co_return std::nullopt;
  co_return OrderOf(rows[0]);
}

awaitable<OrderList> Repository::ListOrders(OrderQuery q) {
  auto filter = [&q](pg::Params& p) -> pg::Params& {
    p.Add(q.customer_id);
    if (q.status) {
      p.Add(StatusName(*q.status));
    } else {
      p.AddNull();
    }
    return p.Add(q.from).Add(q.to);
  };
  pg::Params params;
  filter(params).Add(q.per_page).Add((q.page - 1) * q.per_page);
  pg::Result rows = co_await db_.Execute(kListOrders, std::move(params));
  OrderList list;
  for (int i = 0; i < rows.size(); ++i) list.items.push_back(OrderOf(rows[i]));
  if (!rows.empty()) {
    list.total = rows[0].Int(19);
  } else {
    pg::Params count;
    pg::Result total = co_await db_.Execute(kCountOrders, std::move(filter(count)));
    list.total = total[0].Int(0);
  }
  co_return list;
}

awaitable<bool> Repository::ChangeStatus(const Order& order, Status to, const std::string& actor,
                                         const std::string& reason, const std::string& correlation_id) {
  pg::Transaction tx = co_await db_.Begin();
  pg::Result changed = co_await tx.Execute(
      kChangeStatus,
      pg::Params().Add(order.id).Add(StatusName(order.status)).Add(StatusName(to)).Add(NeedsCommittedStock(to)));
  if (changed.AffectedRows() != 1) co_return false;
  boost::json::object data{{"order_id", order.id},
                           {"number", order.number},
                           {"customer_id", order.customer_id},
                           {"from", StatusName(order.status)},
                           {"to", StatusName(to)},
                           {"actor", actor}};
  std::string type = "OrderStatusChanged";
  if (to == Status::kCancelled) {
    type = "OrderCancelled";
    data["reason"] = reason;
    data["total_cents"] = order.totals.total_cents;
    data["charge_id"] = order.charge_id;
  }
  service::Event event{type, "order", order.id, boost::json::serialize(data), correlation_id};
  co_await service::AppendEvent(tx, "order", std::move(event));
  co_await tx.Commit();
  co_return true;
}

awaitable<void> Repository::SetStock(const std::string& order_id, const std::string& stock) {
  co_await db_.Execute(kSetStock, pg::Params().Add(order_id).Add(stock));
}

awaitable<void> Repository::SetRefunded(const std::string& order_id) {
  co_await db_.Execute(kSetRefunded, pg::Params().Add(order_id));
}

awaitable<std::vector<Order>> Repository::UnsettledCancellations(std::int64_t stale_ms) {
  pg::Result rows = co_await db_.Execute(kUnsettled, pg::Params().Add(stale_ms));
  std::vector<Order> out;
  for (int i = 0; i < rows.size(); ++i) out.push_back(OrderOf(rows[i]));
  co_return out;
}

}  // namespace comptoir::order
