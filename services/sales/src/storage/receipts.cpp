// Receipt lookups and the receipt e-mail queue (ADR 0161).
#include "storage/receipts.hpp"

namespace comptoir::sales {
namespace {

#define COMPTOIR_EMAIL_COLUMNS                                                                                   \
  "id, sale_id, recipient, copy, status, attempts, last_error, f_rfc3339(next_attempt_at), f_rfc3339(sent_at)," \
  " requested_by, message_id, f_rfc3339(created_at)"

constexpr pg::Statement kSaleIdByNumber{"sales.receipt_sale_by_number",
                                        "SELECT id FROM sales WHERE receipt_number = $1::text"};
// The Message-ID is made once, from the row's own id, so that every attempt carries the same one.
constexpr pg::Statement kEnqueue{
    "sales.receipt_email_enqueue",
    "INSERT INTO receipt_emails (sale_id, recipient, copy, requested_by, idempotency_key, message_id)"
    " VALUES ($1::bigint, $2::text, $3::boolean, $4::text, $5::text,"
    " '<receipt-' || gen_random_uuid()::text || '@comptoir.local>')"
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING " COMPTOIR_EMAIL_COLUMNS};
constexpr pg::Statement kByKey{"sales.receipt_email_by_key",
                               "SELECT " COMPTOIR_EMAIL_COLUMNS " FROM receipt_emails WHERE idempotency_key = $1::text"};
constexpr pg::Statement kList{"sales.receipt_email_list", "SELECT " COMPTOIR_EMAIL_COLUMNS
                                                          " FROM receipt_emails WHERE sale_id = $1::bigint ORDER BY id"};
constexpr pg::Statement kClaim{
    "sales.receipt_email_claim",
    "UPDATE receipt_emails SET attempts = attempts + 1, locked_until = now() + $2::bigint * interval '1 millisecond'"
    " WHERE id IN (SELECT id FROM receipt_emails WHERE status = 'queued' AND next_attempt_at <= now()"
    " AND (locked_until IS NULL OR locked_until <= now()) ORDER BY next_attempt_at, id LIMIT $1::int"
    " FOR UPDATE SKIP LOCKED) RETURNING " COMPTOIR_EMAIL_COLUMNS};
constexpr pg::Statement kSent{"sales.receipt_email_sent",
                              "UPDATE receipt_emails SET status = 'sent', sent_at = now(), last_error = NULL,"
                              " locked_until = NULL WHERE id = $1::bigint"};
constexpr pg::Statement kFailed{
    "sales.receipt_email_failed",
    "UPDATE receipt_emails SET last_error = left($2::text, 500), locked_until = NULL,"
    " status = CASE WHEN $4::boolean THEN 'failed' ELSE 'queued' END,"
    " next_attempt_at = now() + $3::bigint * interval '1 millisecond' WHERE id = $1::bigint"};

ReceiptEmail EmailFromRow(const pg::Row& row) {
  ReceiptEmail e;
  e.id = row.Int(0);
  e.sale_id = row.Int(1);
  e.recipient = std::string(row.Text(2));
  e.copy = row.Bool(3);
  e.status = std::string(row.Text(4));
  e.attempts = static_cast<int>(row.Int(5));
  if (auto v = row.OptText(6)) e.last_error = std::string(*v);
  e.next_attempt_at = std::string(row.Text(7));
  if (auto v = row.OptText(8)) e.sent_at = std::string(*v);
  e.requested_by = std::string(row.Text(9));
  e.message_id = std::string(row.Text(10));
  e.created_at = std::string(row.Text(11));
  return e;
}

std::vector<ReceiptEmail> Emails(const pg::Result& result) {
  std::vector<ReceiptEmail> out;
  for (int i = 0; i < result.size(); ++i) out.push_back(EmailFromRow(result[i]));
  return out;
}

}  // namespace

boost::asio::awaitable<std::optional<std::int64_t>> ReceiptStore::SaleIdByNumber(std::string receipt_number) {
  pg::Result result = co_await db_.Execute(kSaleIdByNumber, pg::Params().Add(receipt_number));
  if (result.empty()) co_return std::nullopt;
  co_return result[0].Int(0);
}

boost::asio::awaitable<ReceiptStore::Queued> ReceiptStore::Enqueue(std::int64_t sale_id, std::string recipient,
                                                                   bool copy, std::string requested_by,
                                                                   std::optional<std::string> idempotency_key) {
  pg::Result result = co_await db_.Execute(
      kEnqueue, pg::Params().Add(sale_id).Add(recipient).Add(copy).Add(requested_by).Add(idempotency_key));
  if (!result.empty()) co_return Queued{EmailFromRow(result[0]), true};
  // The key was used: the first request's e-mail (a retry of the same request queues nothing more).
  pg::Result first = co_await db_.Execute(kByKey, pg::Params().Add(idempotency_key));
  if (first.empty()) throw ApiError::Conflict("request.idempotency_key_in_use", "the key is being used");
  ReceiptEmail email = EmailFromRow(first[0]);
  if (email.sale_id != sale_id || email.recipient != recipient || email.copy != copy) {
    throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                   "this Idempotency-Key was used for another e-mail");
  }
  co_return Queued{std::move(email), false};
}

boost::asio::awaitable<std::vector<ReceiptEmail>> ReceiptStore::ListEmails(std::int64_t sale_id) {
  co_return Emails(co_await db_.Execute(kList, pg::Params().Add(sale_id)));
}

boost::asio::awaitable<std::vector<ReceiptEmail>> ReceiptStore::ClaimDue(int limit, std::int64_t lease_ms) {
  co_return Emails(co_await db_.Execute(kClaim, pg::Params().Add(limit).Add(lease_ms)));
}

boost::asio::awaitable<void> ReceiptStore::MarkSent(std::int64_t id) {
  co_await db_.Execute(kSent, pg::Params().Add(id));
}

boost::asio::awaitable<void> ReceiptStore::MarkFailed(std::int64_t id, std::string error, std::int64_t retry_in_ms,
                                                      bool give_up) {
  co_await db_.Execute(kFailed, pg::Params().Add(id).Add(error).Add(retry_in_ms).Add(give_up));
}

}  // namespace comptoir::sales
