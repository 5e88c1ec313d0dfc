// Suspended sales: a till's basket put aside and resumed once, at any till of the store (ADR 0150).
#include "comptoir/error.hpp"
#include "storage/repository.hpp"

namespace comptoir::sales {
namespace {

#define COMPTOIR_SUSPENDED_COLUMNS                                                                \
  "id, location_id, register, label, basket::text, line_count, suspended_by, status, resumed_by," \
  " resumed_register, f_rfc3339(created_at), f_rfc3339(resumed_at)"

constexpr pg::Statement kInsert{
    "sales.suspend",
    "INSERT INTO suspended_sales (location_id, register, label, basket, line_count, suspended_by, idempotency_key)"
    " VALUES ($1::bigint, $2::text, $3::text, $4::jsonb, $5::int, $6::text, $7::text)"
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING " COMPTOIR_SUSPENDED_COLUMNS};
constexpr pg::Statement kByKey{"sales.suspended_by_key", "SELECT " COMPTOIR_SUSPENDED_COLUMNS
                                                         " FROM suspended_sales WHERE idempotency_key = $1::text"};
constexpr pg::Statement kFind{"sales.suspended_find",
                              "SELECT " COMPTOIR_SUSPENDED_COLUMNS " FROM suspended_sales WHERE id = $1::bigint"};
constexpr pg::Statement kList{"sales.suspended_list",
                              "SELECT " COMPTOIR_SUSPENDED_COLUMNS
                              " FROM suspended_sales WHERE status = 'suspended'"
                              " AND ($1::bigint IS NULL OR location_id = $1::bigint) ORDER BY id LIMIT 200"};
constexpr pg::Statement kResume{
    "sales.resume",
    "UPDATE suspended_sales SET status = 'resumed', resumed_by = $2::text, resumed_register = $3::text,"
    " resumed_at = now() WHERE id = $1::bigint AND status = 'suspended' RETURNING " COMPTOIR_SUSPENDED_COLUMNS};

std::optional<std::string> Opt(const pg::Row& row, int column) {
  auto text = row.OptText(column);
  if (!text) return std::nullopt;
  return std::string(*text);
}

SuspendedSale FromRow(const pg::Row& row) {
  SuspendedSale s;
  s.id = row.Int(0);
  s.location_id = row.Int(1);
  s.register_name = Opt(row, 2);
  s.label = Opt(row, 3);
  s.basket = std::string(row.Text(4));
  s.line_count = row.Int(5);
  s.suspended_by = std::string(row.Text(6));
  s.status = std::string(row.Text(7));
  s.resumed_by = Opt(row, 8);
  s.resumed_register = Opt(row, 9);
  s.created_at = std::string(row.Text(10));
  s.resumed_at = Opt(row, 11);
  return s;
}

}  // namespace

boost::asio::awaitable<SuspendedSale> Repository::Suspend(SuspendedSale sale, std::string idempotency_key) {
  pg::Result inserted = co_await db_.Execute(kInsert, pg::Params()
                                                          .Add(sale.location_id)
                                                          .Add(sale.register_name)
                                                          .Add(sale.label)
                                                          .Add(sale.basket)
                                                          .Add(sale.line_count)
                                                          .Add(sale.suspended_by)
                                                          .Add(idempotency_key));
  if (!inserted.empty()) co_return FromRow(inserted[0]);
  // The same key again: the basket it suspended (the same store and body, or it is a reused key).
  pg::Result existing = co_await db_.Execute(kByKey, pg::Params().Add(idempotency_key));
  SuspendedSale first = FromRow(existing[0]);
  if (first.location_id != sale.location_id || first.suspended_by != sale.suspended_by) {
    throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                   "this Idempotency-Key was used for another request");
  }
  co_return first;
}

boost::asio::awaitable<std::optional<SuspendedSale>> Repository::FindSuspended(std::int64_t id) {
  pg::Result result = co_await db_.Execute(kFind, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return FromRow(result[0]);
}

boost::asio::awaitable<std::vector<SuspendedSale>> Repository::ListSuspended(std::optional<std::int64_t> location_id) {
  pg::Result result = co_await db_.Execute(kList, pg::Params().Add(location_id));
  std::vector<SuspendedSale> out;
  for (int i = 0; i < result.size(); ++i) out.push_back(FromRow(result[i]));
  co_return out;
}

boost::asio::awaitable<std::optional<SuspendedSale>> Repository::Resume(std::int64_t id, std::string by,
                                                                        std::optional<std::string> register_name) {
  pg::Result result = co_await db_.Execute(kResume, pg::Params().Add(id).Add(by).Add(register_name));
  if (result.empty()) co_return std::nullopt;
  co_return FromRow(result[0]);
}

}  // namespace comptoir::sales
