// Stock intents in PostgreSQL (ADR 0033): written before inventory is called, removed when the sale or
// return is recorded, reversed by the request that failed or by the recovery pass. Every state change is
// conditional, so that the request, a duplicate and the recovery pass never both act on one movement.
#include "storage/repository.hpp"

namespace comptoir::sales {
namespace {

#define COMPTOIR_INTENT_COLUMNS \
  "inventory_key, kind, location_id, cashier_id, sale_id, return_id, lines::text, state, attempts, last_error"

constexpr pg::Statement kClaimIntent{
    "sales.intent_claim",
    "INSERT INTO stock_intents (inventory_key, kind, location_id, cashier_id, sale_id, return_id, lines, state)"
    " VALUES ($1::text, $2::text, $3::bigint, $4::text, $5::bigint, $6::bigint, $7::jsonb, 'moving')"
    " ON CONFLICT (inventory_key) DO NOTHING RETURNING inventory_key"};
constexpr pg::Statement kFindIntent{
    "sales.intent_find", "SELECT " COMPTOIR_INTENT_COLUMNS " FROM stock_intents WHERE inventory_key = $1::text"};
constexpr pg::Statement kDropMoving{
    "sales.intent_drop",
    "DELETE FROM stock_intents WHERE inventory_key = $1::text AND state = 'moving' RETURNING inventory_key"};
constexpr pg::Statement kStartCompensating{
    "sales.intent_compensate",
    "UPDATE stock_intents SET state = 'compensating', updated_at = now()"
    " WHERE inventory_key = $1::text AND state = 'moving' RETURNING inventory_key"};
constexpr pg::Statement kMarkReversed{
    "sales.intent_reversed",
    "UPDATE stock_intents SET state = 'reversed', last_error = NULL, updated_at = now()"
    " WHERE inventory_key = $1::text"};
constexpr pg::Statement kNoteFailure{
    "sales.intent_failure",
    "UPDATE stock_intents SET attempts = attempts + 1, last_error = left($2::text, 500), updated_at = now()"
    " WHERE inventory_key = $1::text AND state <> 'reversed'"};
constexpr pg::Statement kStaleIntents{
    "sales.intent_stale",
    "SELECT " COMPTOIR_INTENT_COLUMNS
    " FROM stock_intents WHERE state <> 'reversed'"
    " AND updated_at < now() - make_interval(secs => $1::bigint / 1000.0) ORDER BY updated_at LIMIT $2::bigint"};

StockIntent IntentFromRow(const pg::Row& row) {
  StockIntent i;
  i.inventory_key = std::string(row.Text(0));
  i.kind = std::string(row.Text(1));
  i.location_id = row.Int(2);
  i.cashier_id = std::string(row.Text(3));
  i.sale_id = row.OptInt(4);
  i.return_id = row.OptInt(5);
  i.lines_json = std::string(row.Text(6));
  i.state = std::string(row.Text(7));
  i.attempts = static_cast<int>(row.Int(8));
  if (auto e = row.OptText(9)) i.last_error = std::string(*e);
  return i;
}

pg::Params ClaimParams(const StockIntent& i) {
  pg::Params p;
  p.Add(i.inventory_key)
      .Add(i.kind)
      .Add(i.location_id)
      .Add(i.cashier_id)
      .Add(i.sale_id)
      .Add(i.return_id)
      .Add(i.lines_json);
  return p;
}

}  // namespace

boost::asio::awaitable<bool> Repository::ClaimIntent(const StockIntent& intent) {
  co_return !(co_await db_.Execute(kClaimIntent, ClaimParams(intent))).empty();
}

boost::asio::awaitable<bool> Repository::ClaimIntent(pg::Transaction& tx, const StockIntent& intent) {
  co_return !(co_await tx.Execute(kClaimIntent, ClaimParams(intent))).empty();
}

boost::asio::awaitable<std::optional<StockIntent>> Repository::FindIntent(std::string inventory_key) {
  pg::Result result = co_await db_.Execute(kFindIntent, pg::Params().Add(inventory_key));
  if (result.empty()) co_return std::nullopt;
  co_return IntentFromRow(result[0]);
}

boost::asio::awaitable<std::optional<StockIntent>> Repository::FindIntent(pg::Transaction& tx,
                                                                          std::string inventory_key) {
  pg::Result result = co_await tx.Execute(kFindIntent, pg::Params().Add(inventory_key));
  if (result.empty()) co_return std::nullopt;
  co_return IntentFromRow(result[0]);
}

boost::asio::awaitable<bool> Repository::DropMovingIntent(std::string inventory_key) {
  co_return !(co_await db_.Execute(kDropMoving, pg::Params().Add(inventory_key))).empty();
}

boost::asio::awaitable<bool> Repository::DropMovingIntent(pg::Transaction& tx, std::string inventory_key) {
  co_return !(co_await tx.Execute(kDropMoving, pg::Params().Add(inventory_key))).empty();
}

boost::asio::awaitable<bool> Repository::StartCompensating(std::string inventory_key) {
  co_return !(co_await db_.Execute(kStartCompensating, pg::Params().Add(inventory_key))).empty();
}

boost::asio::awaitable<void> Repository::MarkReversed(pg::Transaction& tx, std::string inventory_key) {
  co_await tx.Execute(kMarkReversed, pg::Params().Add(inventory_key));
}

boost::asio::awaitable<void> Repository::NoteIntentFailure(std::string inventory_key, std::string error) {
  co_await db_.Execute(kNoteFailure, pg::Params().Add(inventory_key).Add(error));
}

boost::asio::awaitable<std::vector<StockIntent>> Repository::StaleIntents(std::int64_t stale_ms, std::int64_t limit) {
  pg::Result result = co_await db_.Execute(kStaleIntents, pg::Params().Add(stale_ms).Add(limit));
  std::vector<StockIntent> out;
  for (int i = 0; i < result.size(); ++i) out.push_back(IntentFromRow(result[i]));
  co_return out;
}

}  // namespace comptoir::sales
