#include "storage/repository.hpp"

#include <algorithm>
#include <map>

#include "comptoir/error.hpp"
#include <boost/json.hpp>

#include "comptoir/money.hpp"
#include "comptoir/pricing_json.hpp"
#include "domain/gift_card.hpp"
#include "storage/rows.hpp"

namespace comptoir::sales {
namespace {

#define COMPTOIR_SALE_COLUMNS                                                                              \
  "id, receipt_number, location_id, cashier_id, customer_id, register_session_id, subtotal_cents,"         \
  " gst_cents, qst_cents, total_cents, cash_rounding_cents, change_cents, returned_subtotal_cents,"        \
  " f_rfc3339(created_at), cash_taken_cents, refunded_gst_cents, refunded_qst_cents, cash_refunded_cents," \
  " cash_paid_out_cents, offline, after_close, gift_card_cents, discount_cents, taxable_cents, zero_rated_cents,"  \
  " exempt_cents, promotions::text, discount_approved_by"

#define COMPTOIR_RETURN_COLUMNS                                                                       \
  "id, sale_id, location_id, cashier_id, register_session_id, reason, refund_method, subtotal_cents," \
  " gst_cents, qst_cents, total_cents, cash_rounding_cents, f_rfc3339(created_at), approved_by, cash_paid_cents"

constexpr pg::Statement kDebitGiftCard{
    "sales.gift_card_debit",
    "UPDATE gift_cards SET balance_cents = balance_cents - $2::bigint, updated_at = now()"
    " WHERE id = $1::bigint AND balance_cents >= $2::bigint RETURNING balance_cents"};
constexpr pg::Statement kCreditGiftCard{
    "sales.gift_card_credit",
    "UPDATE gift_cards SET balance_cents = balance_cents + $2::bigint, updated_at = now() WHERE id = $1::bigint"};

// A load: the card's balance after it, and whether it was the activation of an inactive card. The card row
// is locked first (FOR UPDATE in the subquery), so concurrent top-ups queue on it: none is lost.
constexpr pg::Statement kLoadGiftCard{
    "sales.gift_card_load",
    "UPDATE gift_cards g SET balance_cents = g.balance_cents + $2::bigint, active = true,"
    " activated_at = COALESCE(g.activated_at, now()), updated_at = now()"
    " FROM (SELECT id, active FROM gift_cards WHERE id = $1::bigint FOR UPDATE) old"
    " WHERE g.id = old.id AND g.balance_cents + $2::bigint <= $3::bigint"
    " RETURNING g.balance_cents, NOT old.active"};
constexpr pg::Statement kInsertGiftCardLoad{
    "sales.insert_gift_card_load",
    "INSERT INTO sale_gift_card_loads (sale_id, line_no, gift_card_id, gift_card_code, kind, amount_cents,"
    " balance_cents) VALUES ($1::bigint, $2::int, $3::bigint, $4::text, $5::text, $6::bigint, $7::bigint)"};
constexpr pg::Statement kSaleGiftCardLoads{
    "sales.gift_card_loads",
    "SELECT sale_id, gift_card_id, gift_card_code, kind, amount_cents, balance_cents FROM sale_gift_card_loads"
    " WHERE sale_id = ANY($1::bigint[]) ORDER BY sale_id, line_no"};

constexpr pg::Statement kSessionForUse{
    "sales.session_for_use",
    "SELECT location_id, status = 'open' FROM register_sessions WHERE id = $1::bigint FOR SHARE"};

constexpr pg::Statement kNextReceipt{
    "sales.next_receipt",
    "INSERT INTO receipt_counters (location_id, last_number) VALUES ($1::bigint, 1)"
    " ON CONFLICT (location_id) DO UPDATE SET last_number = receipt_counters.last_number + 1 RETURNING last_number"};

constexpr pg::Statement kInsertSale{
    "sales.insert",
    "INSERT INTO sales (receipt_number, location_id, cashier_id, customer_id, register_session_id, subtotal_cents,"
    " gst_cents, qst_cents, total_cents, cash_rounding_cents, cash_taken_cents, change_cents, idempotency_key,"
    " inventory_key, created_at, offline, stock_short, after_close, gift_card_cents, discount_cents, taxable_cents,"
    " zero_rated_cents, exempt_cents, promotions, discount_approved_by)"
    " VALUES ($1::text, $2::bigint, $3::text, $4::bigint, $5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::bigint,"
    " $10::bigint, $11::bigint, $12::bigint, $13::text, $14::text, COALESCE($15::timestamptz, now()), $16::boolean,"
    " $17::boolean, $18::boolean, $19::bigint, $20::bigint, $21::bigint, $22::bigint, $23::bigint, $24::jsonb,"
    " $25::text)"
    " RETURNING id, f_rfc3339(created_at)"};

constexpr pg::Statement kInsertSaleLine{
    "sales.insert_line",
    "INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name, unit_price_cents, quantity, line_total_cents,"
    " short_quantity, tax_class, gross_cents, discount_cents, adjustments, line_discount)"
    " VALUES ($1::bigint, $2::int, $3::bigint, $4::text, $5::text, $6::bigint, $7::int, $8::bigint, $9::int,"
    " $10::text, $11::bigint, $12::bigint, $13::jsonb, $14::jsonb)"};

constexpr pg::Statement kInsertPayment{
    "sales.insert_payment",
    "INSERT INTO sale_payments (sale_id, line_no, method, amount_cents, gift_card_code, gift_card_id)"
    " VALUES ($1::bigint, $2::int, $3::text, $4::bigint, $5::text, $6::bigint)"};

constexpr pg::Statement kFindSale{"sales.find", "SELECT " COMPTOIR_SALE_COLUMNS " FROM sales WHERE id = $1::bigint"};
constexpr pg::Statement kLockSale{"sales.lock",
                                  "SELECT " COMPTOIR_SALE_COLUMNS " FROM sales WHERE id = $1::bigint FOR UPDATE"};

// $1 location, $2 cashier, $3 from (inclusive), $4 to (inclusive), $5 to (exclusive), $6 only short stock,
// $7 limit, $8 offset.
#define COMPTOIR_SALE_FILTER                                        \
  " WHERE ($1::bigint IS NULL OR location_id = $1::bigint)"         \
  " AND ($2::text IS NULL OR cashier_id = $2::text)"                \
  " AND ($3::timestamptz IS NULL OR created_at >= $3::timestamptz)" \
  " AND ($4::timestamptz IS NULL OR created_at <= $4::timestamptz)" \
  " AND ($5::timestamptz IS NULL OR created_at < $5::timestamptz)"  \
  " AND (NOT $6::boolean OR stock_short)"
constexpr pg::Statement kListSales{"sales.list",
                                   "SELECT " COMPTOIR_SALE_COLUMNS ", count(*) OVER () FROM sales" COMPTOIR_SALE_FILTER
                                   " ORDER BY created_at DESC, id DESC LIMIT $7::bigint OFFSET $8::bigint"};
constexpr pg::Statement kCountSales{"sales.count", "SELECT count(*) FROM sales" COMPTOIR_SALE_FILTER};

constexpr pg::Statement kSaleLines{
    "sales.lines",
    "SELECT sale_id, product_id, sku, name, unit_price_cents, quantity, line_total_cents, returned_quantity,"
    " short_quantity, tax_class, gross_cents, discount_cents, adjustments::text, line_discount::text"
    " FROM sale_lines WHERE sale_id = ANY($1::bigint[]) ORDER BY sale_id, line_no"};
constexpr pg::Statement kSalePayments{
    "sales.payments",
    "SELECT sale_id, method, amount_cents, gift_card_code, gift_card_id, refunded_cents FROM sale_payments"
    " WHERE sale_id = ANY($1::bigint[]) ORDER BY sale_id, line_no"};

// The CHECK constraints (returned ≤ sold, refunded ≤ paid per tender, cash paid out ≤ cash taken) back the
// domain's arithmetic: a bug there fails the transaction instead of paying out money that was never taken.
constexpr pg::Statement kAddReturned{"sales.add_returned",
                                     "UPDATE sale_lines SET returned_quantity = returned_quantity + $3::int"
                                     " WHERE sale_id = $1::bigint AND product_id = $2::bigint"};
constexpr pg::Statement kAddRefundedToSale{
    "sales.add_refunded",
    "UPDATE sales SET returned_subtotal_cents = returned_subtotal_cents + $2::bigint,"
    " refunded_gst_cents = refunded_gst_cents + $3::bigint, refunded_qst_cents = refunded_qst_cents + $4::bigint,"
    " cash_refunded_cents = cash_refunded_cents + $5::bigint, cash_paid_out_cents = cash_paid_out_cents + $6::bigint"
    " WHERE id = $1::bigint"};
constexpr pg::Statement kAddRefundedToPayment{"sales.add_refunded_payment",
                                              "UPDATE sale_payments SET refunded_cents = refunded_cents + $3::bigint"
                                              " WHERE sale_id = $1::bigint AND line_no = $2::int"};
constexpr pg::Statement kInsertReturn{
    "sales.insert_return",
    "INSERT INTO sale_returns (sale_id, location_id, cashier_id, register_session_id, reason, refund_method,"
    " subtotal_cents, gst_cents, qst_cents, total_cents, cash_rounding_cents, inventory_key, status, approved_by,"
    " cash_paid_cents)"
    " VALUES ($1::bigint, $2::bigint, $3::text, $4::bigint, $5::text, $6::text, $7::bigint, $8::bigint, $9::bigint,"
    " $10::bigint, $11::bigint, $12::text, 'pending', $13::text, $14::bigint) RETURNING id, f_rfc3339(created_at)"};
constexpr pg::Statement kInsertReturnTender{
    "sales.insert_return_tender",
    "INSERT INTO return_tenders (return_id, line_no, payment_line_no, method, refunded_as, amount_cents, paid_cents,"
    " gift_card_id) VALUES ($1::bigint, $2::int, $3::int, $4::text, $5::text, $6::bigint, $7::bigint, $8::bigint)"};
constexpr pg::Statement kCompleteReturn{
    "sales.complete_return",
    "UPDATE sale_returns SET status = 'completed' WHERE id = $1::bigint AND status = 'pending' RETURNING id"};
constexpr pg::Statement kCancelReturn{
    "sales.cancel_return",
    "UPDATE sale_returns SET status = 'cancelled' WHERE id = $1::bigint AND status = 'pending'"
    " RETURNING sale_id, subtotal_cents, gst_cents, qst_cents"};
constexpr pg::Statement kLockSaleRow{"sales.lock_row", "SELECT id FROM sales WHERE id = $1::bigint FOR UPDATE"};
// $1 return, $2 sale: what ReserveReturn added, taken away again.
constexpr pg::Statement kUnreturnLines{
    "sales.unreturn_lines",
    "UPDATE sale_lines l SET returned_quantity = l.returned_quantity - r.quantity FROM return_lines r"
    " WHERE r.return_id = $1::bigint AND l.sale_id = $2::bigint AND l.product_id = r.product_id"};
constexpr pg::Statement kUnrefundPayments{
    "sales.unrefund_payments",
    "UPDATE sale_payments p SET refunded_cents = p.refunded_cents - t.amount_cents FROM return_tenders t"
    " WHERE t.return_id = $1::bigint AND t.method <> 'cash' AND p.sale_id = $2::bigint"
    " AND p.line_no = t.payment_line_no"};
constexpr pg::Statement kUnrefundSale{
    "sales.unrefund_sale",
    "UPDATE sales SET returned_subtotal_cents = returned_subtotal_cents - $3::bigint,"
    " refunded_gst_cents = refunded_gst_cents - $4::bigint, refunded_qst_cents = refunded_qst_cents - $5::bigint,"
    " cash_refunded_cents = cash_refunded_cents - (SELECT COALESCE(sum(amount_cents), 0) FROM return_tenders"
    "  WHERE return_id = $1::bigint AND method = 'cash'),"
    " cash_paid_out_cents = cash_paid_out_cents - (SELECT COALESCE(sum(paid_cents), 0) FROM return_tenders"
    "  WHERE return_id = $1::bigint AND method = 'cash')"
    " WHERE id = $2::bigint"};
constexpr pg::Statement kReturnGiftCredits{
    "sales.return_gift_credits",
    "SELECT gift_card_id, sum(paid_cents)::bigint FROM return_tenders WHERE return_id = $1::bigint"
    " AND refunded_as = 'gift_card' AND gift_card_id IS NOT NULL GROUP BY gift_card_id ORDER BY gift_card_id"};
constexpr pg::Statement kInsertReturnLine{
    "sales.insert_return_line",
    "INSERT INTO return_lines (return_id, line_no, product_id, sku, name, unit_price_cents, quantity,"
    " line_total_cents, tax_class) VALUES ($1::bigint, $2::int, $3::bigint, $4::text, $5::text, $6::bigint, $7::int,"
    " $8::bigint, $9::text)"};
constexpr pg::Statement kListReturns{
    "sales.list_returns", "SELECT " COMPTOIR_RETURN_COLUMNS
                          " FROM sale_returns WHERE sale_id = $1::bigint AND status = 'completed' ORDER BY id"};
constexpr pg::Statement kReturnLines{
    "sales.return_lines",
    "SELECT l.return_id, l.product_id, l.sku, l.name, l.unit_price_cents, l.quantity, l.line_total_cents, l.tax_class"
    " FROM return_lines l JOIN sale_returns r ON r.id = l.return_id WHERE r.sale_id = $1::bigint"
    " AND r.status = 'completed' ORDER BY l.return_id, l.line_no"};
constexpr pg::Statement kReturnTenders{
    "sales.return_tenders",
    "SELECT t.return_id, t.payment_line_no, t.method, t.refunded_as, t.amount_cents, t.paid_cents, t.gift_card_id,"
    " p.gift_card_code FROM return_tenders t JOIN sale_returns r ON r.id = t.return_id"
    " LEFT JOIN sale_payments p ON p.sale_id = r.sale_id AND p.line_no = t.payment_line_no"
    " WHERE r.sale_id = $1::bigint AND r.status = 'completed' ORDER BY t.return_id, t.line_no"};

constexpr pg::Statement kOpenSession{
    "sales.session_open",
    "INSERT INTO register_sessions (location_id, register, opening_float_cents, opened_by)"
    " VALUES ($1::bigint, $2::text, $3::bigint, $4::text) RETURNING " COMPTOIR_SESSION_COLUMNS};
constexpr pg::Statement kFindSession{
    "sales.session_find", "SELECT " COMPTOIR_SESSION_COLUMNS " FROM register_sessions WHERE id = $1::bigint"};
constexpr pg::Statement kLockSession{"sales.session_lock", "SELECT " COMPTOIR_SESSION_COLUMNS
                                                           " FROM register_sessions WHERE id = $1::bigint FOR UPDATE"};
#define COMPTOIR_SESSION_FILTER                             \
  " WHERE ($1::bigint IS NULL OR location_id = $1::bigint)" \
  " AND ($2::boolean IS NULL OR (status = 'open') = $2::boolean)"
constexpr pg::Statement kListSessions{"sales.session_list",
                                      "SELECT " COMPTOIR_SESSION_COLUMNS
                                      ", count(*) OVER () FROM register_sessions" COMPTOIR_SESSION_FILTER
                                      " ORDER BY opened_at DESC, id DESC LIMIT $3::bigint OFFSET $4::bigint"};
constexpr pg::Statement kCountSessions{"sales.session_count",
                                       "SELECT count(*) FROM register_sessions" COMPTOIR_SESSION_FILTER};

constexpr std::string_view kOneOpenConstraint = "register_sessions_one_open";

std::optional<std::string> OptString(const pg::Row& row, int column) {
  auto text = row.OptText(column);
  if (!text) return std::nullopt;
  return std::string(*text);
}

std::string PromotionsText(const std::vector<pricing::AppliedPromotion>& promotions) {
  pricing::Quote quote;
  quote.promotions = promotions;
  return boost::json::serialize(pricing::AppliedJson(quote));
}

std::string AdjustmentsText(const SaleLine& line) {
  pricing::PricedLine priced;
  priced.adjustments = line.adjustments;
  return boost::json::serialize(pricing::AdjustmentsJson(priced));
}

Sale SaleFromRow(const pg::Row& row) {
  Sale sale;
  sale.id = row.Int(0);
  sale.receipt_number = std::string(row.Text(1));
  sale.location_id = row.Int(2);
  sale.cashier_id = std::string(row.Text(3));
  sale.customer_id = row.OptInt(4);
  sale.register_session_id = row.OptInt(5);
  sale.totals = Totals{row.Int(6), row.Int(7), row.Int(8), row.Int(9)};
  sale.cash_rounding_cents = row.Int(10);
  sale.change_cents = row.Int(11);
  sale.created_at = std::string(row.Text(13));
  sale.cash_taken_cents = row.Int(14);
  sale.refunded = Totals{row.Int(12), row.Int(15), row.Int(16), row.Int(12) + row.Int(15) + row.Int(16)};
  sale.cash_refunded_cents = row.Int(17);
  sale.cash_paid_out_cents = row.Int(18);
  sale.offline = row.Bool(19);
  sale.after_close = row.Bool(20);
  sale.gift_card_cents = row.Int(21);
  sale.totals.discount_cents = row.Int(22);
  sale.totals.by_class = money::ClassAmounts{row.Int(23), row.Int(24), row.Int(25)};
  const boost::json::value promotions = boost::json::parse(row.Text(26));
  for (const auto& p : promotions.as_array()) {
    const auto& o = p.as_object();
    sale.promotions.push_back(pricing::AppliedPromotion{
        o.at("id").to_number<std::int64_t>(), std::string(o.at("name").as_string()),
        pricing::ParsePromotionKind(o.at("kind").as_string()).value_or(pricing::PromotionKind::kPercentOff),
        o.at("amount_cents").to_number<std::int64_t>()});
  }
  sale.discount_approved_by = OptString(row, 27);
  return sale;
}

SaleReturn ReturnFromRow(const pg::Row& row) {
  SaleReturn r;
  r.id = row.Int(0);
  r.sale_id = row.Int(1);
  r.location_id = row.Int(2);
  r.cashier_id = std::string(row.Text(3));
  r.register_session_id = row.OptInt(4);
  r.reason = std::string(row.Text(5));
  r.refund_method = std::string(row.Text(6));
  r.refund.totals = Totals{row.Int(7), row.Int(8), row.Int(9), row.Int(10)};
  r.refund.cash_rounding_cents = row.Int(11);
  r.created_at = std::string(row.Text(12));
  r.approved_by = OptString(row, 13);
  r.refund.cash_paid_cents = row.Int(14);
  return r;
}

std::string IdArray(const std::vector<Sale>& sales) {
  std::string text = "{";
  for (std::size_t i = 0; i < sales.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(sales[i].id);
  }
  return text + "}";
}

// Lines and payments of `sales`, in one query each whatever the number of sales.
template <class Db>
boost::asio::awaitable<void> LoadDetails(Db& db, std::vector<Sale>& sales) {
  if (sales.empty()) co_return;
  std::map<std::int64_t, Sale*> by_id;
  for (Sale& s : sales) by_id[s.id] = &s;
  const std::string ids = IdArray(sales);
  pg::Result lines = co_await db.Execute(kSaleLines, pg::Params().Add(ids));
  for (int i = 0; i < lines.size(); ++i) {
    pg::Row row = lines[i];
    SaleLine line{
        row.Int(1), std::string(row.Text(2)), std::string(row.Text(3)), row.Int(4), row.Int(5), row.Int(6), row.Int(7),
        row.Int(8)};
    line.tax_class = money::ParseTaxClass(row.Text(9)).value_or(money::TaxClass::kTaxable);
    line.gross_cents = row.Int(10);
    line.discount_cents = row.Int(11);
    const boost::json::value adjustments = boost::json::parse(row.Text(12));
    for (const auto& a : adjustments.as_array()) {
      const auto& o = a.as_object();
      std::optional<std::int64_t> promotion;
      if (!o.at("promotion_id").is_null()) promotion = o.at("promotion_id").to_number<std::int64_t>();
      line.adjustments.push_back(
          pricing::Adjustment{promotion, std::string(o.at("label").as_string()), o.at("amount_cents").to_number<std::int64_t>()});
    }
    if (auto d = row.OptText(13)) {
      std::string problem;
      line.line_discount = pricing::LineDiscountFromJson(boost::json::parse(*d), problem);
    }
    by_id.at(row.Int(0))->lines.push_back(std::move(line));
  }
  pg::Result payments = co_await db.Execute(kSalePayments, pg::Params().Add(ids));
  for (int i = 0; i < payments.size(); ++i) {
    pg::Row row = payments[i];
    Payment p;
    p.method = ParseTender(row.Text(1)).value_or(Tender::kCash);
    p.amount_cents = row.Int(2);
    if (auto code = row.OptText(3)) p.gift_card_code = MaskGiftCardCode(*code);
    p.gift_card_id = row.OptInt(4);
    p.refunded_cents = row.Int(5);
    by_id.at(row.Int(0))->payments.push_back(std::move(p));
  }
  pg::Result loads = co_await db.Execute(kSaleGiftCardLoads, pg::Params().Add(ids));
  for (int i = 0; i < loads.size(); ++i) {
    pg::Row row = loads[i];
    GiftCardLoad load;
    load.gift_card_id = row.Int(1);
    load.gift_card_code = std::string(row.Text(2));
    load.kind = std::string(row.Text(3));
    load.amount_cents = row.Int(4);
    load.balance_cents = row.Int(5);
    by_id.at(row.Int(0))->gift_card_loads.push_back(std::move(load));
  }
}

template <class Db>
boost::asio::awaitable<std::optional<Sale>> LoadSale(Db& db, const pg::Statement& statement, std::int64_t id) {
  pg::Result result = co_await db.Execute(statement, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  std::vector<Sale> sales;
  sales.push_back(SaleFromRow(result[0]));
  co_await LoadDetails(db, sales);
  co_return std::move(sales.front());
}

}  // namespace

RegisterSession SessionFromRow(const pg::Row& row) {
  RegisterSession s;
  s.id = row.Int(0);
  s.location_id = row.Int(1);
  s.register_name = std::string(row.Text(2));
  s.open = row.Bool(3);
  s.opening_float_cents = row.Int(4);
  s.opened_by = std::string(row.Text(5));
  s.opened_at = std::string(row.Text(6));
  s.counted_cash_cents = row.OptInt(7);
  s.expected_cash_cents = row.OptInt(8);
  s.over_short_cents = row.OptInt(9);
  s.closed_by = OptString(row, 10);
  s.closed_at = OptString(row, 11);
  s.z_number = row.OptInt(12);
  return s;
}

boost::asio::awaitable<bool> Repository::RequireOpenSession(pg::Transaction& tx, std::int64_t session_id,
                                                            std::int64_t location_id, bool allow_closed) {
  pg::Result result = co_await tx.Execute(kSessionForUse, pg::Params().Add(session_id));
  if (!result.empty() && result[0].Int(0) == location_id && !result[0].Bool(1) && allow_closed) co_return true;
  if (result.empty() || result[0].Int(0) != location_id || !result[0].Bool(1)) {
    throw ApiError(ErrorKind::kUnprocessable, "sales.invalid_register_session",
                   "register session " + std::to_string(session_id) + " is not an open session of location " +
                       std::to_string(location_id),
                   {{"register_session_id", "must name an open register session of this location"}});
  }
  co_return false;
}

boost::asio::awaitable<void> Repository::InsertSale(pg::Transaction& tx, Sale& sale, const Settlement& settlement,
                                                    std::optional<std::string> idempotency_key,
                                                    std::string inventory_key, std::optional<std::string> created_at) {
  pg::Result counter = co_await tx.Execute(kNextReceipt, pg::Params().Add(sale.location_id));
  sale.receipt_number = ReceiptNumber(sale.location_id, counter[0].Int(0));
  const std::string promotions_text = PromotionsText(sale.promotions);
  pg::Params params;
  params.Add(sale.receipt_number)
      .Add(sale.location_id)
      .Add(sale.cashier_id)
      .Add(sale.customer_id)
      .Add(sale.register_session_id)
      .Add(sale.totals.subtotal_cents)
      .Add(sale.totals.gst_cents)
      .Add(sale.totals.qst_cents)
      .Add(sale.totals.total_cents)
      .Add(sale.cash_rounding_cents)
      .Add(settlement.cash_taken_cents())
      .Add(sale.change_cents)
      .Add(idempotency_key)
      .Add(inventory_key)
      .Add(created_at)
      .Add(sale.offline)
      .Add(std::any_of(sale.lines.begin(), sale.lines.end(), [](const SaleLine& l) { return l.short_quantity > 0; }))
      .Add(sale.after_close)
      .Add(sale.gift_card_cents)
      .Add(sale.totals.discount_cents)
      .Add(sale.totals.by_class.taxable_cents)
      .Add(sale.totals.by_class.zero_rated_cents)
      .Add(sale.totals.by_class.exempt_cents)
      .Add(promotions_text)
      .Add(sale.discount_approved_by);
  pg::Result inserted = co_await tx.Execute(kInsertSale, std::move(params));
  sale.id = inserted[0].Int(0);
  sale.created_at = std::string(inserted[0].Text(1));
  for (std::size_t i = 0; i < sale.lines.size(); ++i) {
    const SaleLine& l = sale.lines[i];
    // Built before the co_await: GCC 12 mishandles some temporaries inside a co_await expression.
    std::optional<std::string> line_discount;
    if (l.line_discount) line_discount = boost::json::serialize(pricing::LineDiscountJson(*l.line_discount));
    const std::string adjustments = AdjustmentsText(l);
    const std::string tax_class(money::TaxClassName(l.tax_class));
    co_await tx.Execute(kInsertSaleLine, pg::Params()
                                             .Add(sale.id)
                                             .Add(static_cast<std::int64_t>(i + 1))
                                             .Add(l.product_id)
                                             .Add(l.sku)
                                             .Add(l.name)
                                             .Add(l.unit_price_cents)
                                             .Add(l.quantity)
                                             .Add(l.line_total_cents)
                                             .Add(l.short_quantity)
                                             .Add(tax_class)
                                             .Add(l.gross_cents)
                                             .Add(l.discount_cents)
                                             .Add(adjustments)
                                             .Add(line_discount));
  }
  // Gift cards are debited once per card, loaded, and all in id order, so that two sales touching the same
  // cards cannot lock them in opposite orders. Only the masked code is kept with the payment.
  struct CardWork {
    std::int64_t debit = 0;
    std::size_t payment_index = 0;
    std::vector<std::size_t> loads;
  };
  std::map<std::int64_t, CardWork> cards;
  for (std::size_t i = 0; i < sale.payments.size(); ++i) {
    Payment& p = sale.payments[i];
    if (p.gift_card_code) p.gift_card_code = MaskGiftCardCode(*p.gift_card_code);
    p.gift_card_pin.reset();
    co_await tx.Execute(kInsertPayment, pg::Params()
                                            .Add(sale.id)
                                            .Add(static_cast<std::int64_t>(i + 1))
                                            .Add(std::string(TenderName(p.method)))
                                            .Add(p.amount_cents)
                                            .Add(p.gift_card_code)
                                            .Add(p.gift_card_id));
    if (p.method == Tender::kGiftCard && p.gift_card_id) {
      auto [it, inserted] = cards.try_emplace(*p.gift_card_id, CardWork{0, i, {}});
      it->second.debit += p.amount_cents;
    }
  }
  for (std::size_t i = 0; i < sale.gift_card_loads.size(); ++i) {
    cards[*sale.gift_card_loads[i].gift_card_id].loads.push_back(i);
  }
  for (const auto& [card, work] : cards) {
    if (work.debit > 0) {
      pg::Result debited = co_await tx.Execute(kDebitGiftCard, pg::Params().Add(card).Add(work.debit));
      if (debited.empty()) throw GiftCardInsufficient(work.payment_index);
    }
    for (std::size_t index : work.loads) {
      GiftCardLoad& load = sale.gift_card_loads[index];
      pg::Result loaded =
          co_await tx.Execute(kLoadGiftCard, pg::Params().Add(card).Add(load.amount_cents).Add(kMaxGiftCardBalanceCents));
      if (loaded.empty()) throw GiftCardBalanceLimit(load.line_index);
      load.balance_cents = loaded[0].Int(0);
      load.kind = loaded[0].Bool(1) ? "activation" : "top_up";
    }
  }
  for (std::size_t i = 0; i < sale.gift_card_loads.size(); ++i) {
    GiftCardLoad& load = sale.gift_card_loads[i];
    load.gift_card_code = MaskGiftCardCode(load.gift_card_code);
    co_await tx.Execute(kInsertGiftCardLoad, pg::Params()
                                                 .Add(sale.id)
                                                 .Add(static_cast<std::int64_t>(i + 1))
                                                 .Add(*load.gift_card_id)
                                                 .Add(load.gift_card_code)
                                                 .Add(load.kind)
                                                 .Add(load.amount_cents)
                                                 .Add(load.balance_cents));
  }
}

boost::asio::awaitable<std::optional<Sale>> Repository::FindSale(std::int64_t id) {
  return LoadSale(db_, kFindSale, id);
}

boost::asio::awaitable<std::optional<Sale>> Repository::LockSale(pg::Transaction& tx, std::int64_t id) {
  return LoadSale(tx, kLockSale, id);
}

boost::asio::awaitable<ListPage<Sale>> Repository::ListSales(const SaleQuery& query) {
  auto params = [&query](bool paged) {
    pg::Params p;
    p.Add(query.location_id).Add(query.cashier_id).Add(query.from_at).Add(query.to_at).Add(query.to_before);
    p.Add(query.short_stock);
    if (paged) p.Add(query.page.per_page).Add(query.page.Offset());
    return p;
  };
  pg::Result result = co_await db_.Execute(kListSales, params(true));
  ListPage<Sale> page;
  for (int i = 0; i < result.size(); ++i) page.items.push_back(SaleFromRow(result[i]));
  if (!result.empty()) {
    page.total = result[0].Int(28);
  } else {
    pg::Result count = co_await db_.Execute(kCountSales, params(false));
    page.total = count[0].Int(0);
  }
  co_await LoadDetails(db_, page.items);
  co_return page;
}

boost::asio::awaitable<void> Repository::ReserveReturn(pg::Transaction& tx, SaleReturn& r, std::string inventory_key) {
  pg::Params params;
  params.Add(r.sale_id)
      .Add(r.location_id)
      .Add(r.cashier_id)
      .Add(r.register_session_id)
      .Add(r.reason)
      .Add(r.refund_method)
      .Add(r.refund.totals.subtotal_cents)
      .Add(r.refund.totals.gst_cents)
      .Add(r.refund.totals.qst_cents)
      .Add(r.refund.totals.total_cents)
      .Add(r.refund.cash_rounding_cents)
      .Add(inventory_key)
      .Add(r.approved_by)
      .Add(r.refund.cash_paid_cents);
  pg::Result inserted = co_await tx.Execute(kInsertReturn, std::move(params));
  r.id = inserted[0].Int(0);
  r.created_at = std::string(inserted[0].Text(1));
  for (std::size_t i = 0; i < r.refund.lines.size(); ++i) {
    const SaleLine& l = r.refund.lines[i];
    const std::string return_class(money::TaxClassName(l.tax_class));
    co_await tx.Execute(kInsertReturnLine, pg::Params()
                                               .Add(r.id)
                                               .Add(static_cast<std::int64_t>(i + 1))
                                               .Add(l.product_id)
                                               .Add(l.sku)
                                               .Add(l.name)
                                               .Add(l.unit_price_cents)
                                               .Add(l.quantity)
                                               .Add(l.line_total_cents)
                                               .Add(return_class));
    co_await tx.Execute(kAddReturned, pg::Params().Add(r.sale_id).Add(l.product_id).Add(l.quantity));
  }
  std::int64_t cash_exact = 0;
  std::int64_t cash_paid = 0;
  for (std::size_t i = 0; i < r.refund.tenders.size(); ++i) {
    const TenderRefund& t = r.refund.tenders[i];
    co_await tx.Execute(kInsertReturnTender, pg::Params()
                                                 .Add(r.id)
                                                 .Add(static_cast<std::int64_t>(i + 1))
                                                 .Add(static_cast<std::int64_t>(t.payment_line_no))
                                                 .Add(std::string(TenderName(t.method)))
                                                 .Add(std::string(TenderName(t.refunded_as)))
                                                 .Add(t.amount_cents)
                                                 .Add(t.paid_cents)
                                                 .Add(t.gift_card_id));
    if (t.method == Tender::kCash) {
      cash_exact += t.amount_cents;
      cash_paid += t.paid_cents;
    } else {
      co_await tx.Execute(
          kAddRefundedToPayment,
          pg::Params().Add(r.sale_id).Add(static_cast<std::int64_t>(t.payment_line_no)).Add(t.amount_cents));
    }
  }
  co_await tx.Execute(kAddRefundedToSale, pg::Params()
                                              .Add(r.sale_id)
                                              .Add(r.refund.totals.subtotal_cents)
                                              .Add(r.refund.totals.gst_cents)
                                              .Add(r.refund.totals.qst_cents)
                                              .Add(cash_exact)
                                              .Add(cash_paid));
}

boost::asio::awaitable<bool> Repository::CompleteReturn(pg::Transaction& tx, const SaleReturn& r) {
  pg::Result done = co_await tx.Execute(kCompleteReturn, pg::Params().Add(r.id));
  if (done.empty()) co_return false;
  pg::Result credits = co_await tx.Execute(kReturnGiftCredits, pg::Params().Add(r.id));
  for (int i = 0; i < credits.size(); ++i) {
    co_await tx.Execute(kCreditGiftCard, pg::Params().Add(credits[i].Int(0)).Add(credits[i].Int(1)));
  }
  co_return true;
}

boost::asio::awaitable<void> Repository::CancelReturn(pg::Transaction& tx, std::int64_t return_id) {
  pg::Result cancelled = co_await tx.Execute(kCancelReturn, pg::Params().Add(return_id));
  if (cancelled.empty()) co_return;  // completed or cancelled already
  const std::int64_t sale_id = cancelled[0].Int(0);
  // The sale row first, as ReserveReturn takes it (FOR UPDATE), then its lines and payments.
  co_await tx.Execute(kLockSaleRow, pg::Params().Add(sale_id));
  co_await tx.Execute(kUnreturnLines, pg::Params().Add(return_id).Add(sale_id));
  co_await tx.Execute(kUnrefundPayments, pg::Params().Add(return_id).Add(sale_id));
  co_await tx.Execute(kUnrefundSale, pg::Params()
                                         .Add(return_id)
                                         .Add(sale_id)
                                         .Add(cancelled[0].Int(1))
                                         .Add(cancelled[0].Int(2))
                                         .Add(cancelled[0].Int(3)));
}

boost::asio::awaitable<std::vector<SaleReturn>> Repository::ListReturns(std::int64_t sale_id) {
  pg::Result result = co_await db_.Execute(kListReturns, pg::Params().Add(sale_id));
  std::vector<SaleReturn> returns;
  std::map<std::int64_t, std::size_t> index;
  for (int i = 0; i < result.size(); ++i) {
    returns.push_back(ReturnFromRow(result[i]));
    index[returns.back().id] = returns.size() - 1;
  }
  pg::Result lines = co_await db_.Execute(kReturnLines, pg::Params().Add(sale_id));
  for (int i = 0; i < lines.size(); ++i) {
    pg::Row row = lines[i];
    SaleLine line{row.Int(1), std::string(row.Text(2)), std::string(row.Text(3)), row.Int(4), row.Int(5), row.Int(6),
                  0};
    line.tax_class = money::ParseTaxClass(row.Text(7)).value_or(money::TaxClass::kTaxable);
    line.gross_cents = line.unit_price_cents * line.quantity;
    line.discount_cents = std::max<std::int64_t>(0, line.gross_cents - line.line_total_cents);
    SaleReturn& ret = returns[index.at(row.Int(0))];
    ret.refund.totals.by_class.Add(line.tax_class, line.line_total_cents);
    ret.refund.totals.discount_cents += line.discount_cents;
    ret.refund.lines.push_back(std::move(line));
  }
  pg::Result tenders = co_await db_.Execute(kReturnTenders, pg::Params().Add(sale_id));
  for (int i = 0; i < tenders.size(); ++i) {
    pg::Row row = tenders[i];
    TenderRefund t;
    t.payment_line_no = static_cast<int>(row.OptInt(1).value_or(0));
    t.method = ParseTender(row.Text(2)).value_or(Tender::kCash);
    t.refunded_as = ParseTender(row.Text(3)).value_or(Tender::kCash);
    t.amount_cents = row.Int(4);
    t.paid_cents = row.Int(5);
    t.gift_card_id = row.OptInt(6);
    if (auto code = row.OptText(7)) t.gift_card_code = MaskGiftCardCode(*code);
    returns[index.at(row.Int(0))].refund.tenders.push_back(std::move(t));
  }
  co_return returns;
}

boost::asio::awaitable<RegisterSession> Repository::OpenSession(std::int64_t location_id, std::string register_name,
                                                                std::int64_t opening_float_cents,
                                                                std::string opened_by) {
  try {
    pg::Result result = co_await db_.Execute(
        kOpenSession, pg::Params().Add(location_id).Add(register_name).Add(opening_float_cents).Add(opened_by));
    co_return SessionFromRow(result[0]);
  } catch (const pg::PgError& e) {
    if (!e.IsUniqueViolation() || e.constraint() != kOneOpenConstraint) throw;
  }
  throw ApiError::Conflict(
      "sales.session_already_open",
      "register " + register_name + " of location " + std::to_string(location_id) + " already has an open session");
}

boost::asio::awaitable<std::optional<RegisterSession>> Repository::FindSession(std::int64_t id) {
  pg::Result result = co_await db_.Execute(kFindSession, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return SessionFromRow(result[0]);
}

boost::asio::awaitable<ListPage<RegisterSession>> Repository::ListSessions(const SessionQuery& query) {
  pg::Result result = co_await db_.Execute(
      kListSessions,
      pg::Params().Add(query.location_id).Add(query.open).Add(query.page.per_page).Add(query.page.Offset()));
  ListPage<RegisterSession> page;
  for (int i = 0; i < result.size(); ++i) page.items.push_back(SessionFromRow(result[i]));
  if (!result.empty()) {
    page.total = result[0].Int(13);
  } else {
    pg::Result count = co_await db_.Execute(kCountSessions, pg::Params().Add(query.location_id).Add(query.open));
    page.total = count[0].Int(0);
  }
  co_return page;
}

}  // namespace comptoir::sales
