// Promotions (ADR 0141): the table and its statements.
#include <boost/json.hpp>

#include "comptoir/pricing_json.hpp"
#include "storage/repository.hpp"

namespace comptoir::product {
namespace {

#define COMPTOIR_PROMOTION_COLUMNS                                                                      \
  "id, rule::text, f_rfc3339(starts_at), f_rfc3339(ends_at), location_ids::text, online, active,"     \
  " f_rfc3339(created_at), f_rfc3339(updated_at)"

// $1 all (status=all), $2 location_id, $3 online, $4 limit, $5 offset. In force: active, started, not ended.
#define COMPTOIR_PROMOTION_FILTER                                                                        \
  " WHERE ($1::boolean OR (active AND starts_at <= now() AND (ends_at IS NULL OR ends_at > now())))"    \
  " AND ($2::bigint IS NULL OR location_ids @> to_jsonb($2::bigint))"                                   \
  " AND ($3::boolean IS NULL OR ($3::boolean AND online) OR (NOT $3::boolean AND location_ids <> '[]'))"

constexpr pg::Statement kListPromotions{
    "promotion.list", "SELECT " COMPTOIR_PROMOTION_COLUMNS ", count(*) OVER () FROM promotions" COMPTOIR_PROMOTION_FILTER
                      " ORDER BY id LIMIT $4::bigint OFFSET $5::bigint"};

constexpr pg::Statement kFindPromotion{"promotion.find",
                                       "SELECT " COMPTOIR_PROMOTION_COLUMNS " FROM promotions WHERE id = $1::bigint"};

// $1 name, $2 kind, $3 rule, $4 starts_at, $5 ends_at, $6 location_ids, $7 online, $8 created_by.
constexpr pg::Statement kCreatePromotion{
    "promotion.create",
    "INSERT INTO promotions (name, kind, rule, starts_at, ends_at, location_ids, online, created_by)"
    " VALUES ($1::text, $2::text, $3::jsonb, $4::timestamptz, $5::timestamptz, $6::jsonb, $7::boolean, $8::text)"
    " RETURNING " COMPTOIR_PROMOTION_COLUMNS};

// $1 id, then as create (without created_by). A withdrawn promotion can be replaced and comes back.
constexpr pg::Statement kUpdatePromotion{
    "promotion.update",
    "UPDATE promotions SET name = $2::text, kind = $3::text, rule = $4::jsonb, starts_at = $5::timestamptz,"
    " ends_at = $6::timestamptz, location_ids = $7::jsonb, online = $8::boolean, active = true, updated_at = now()"
    " WHERE id = $1::bigint RETURNING " COMPTOIR_PROMOTION_COLUMNS};

constexpr pg::Statement kWithdrawPromotion{
    "promotion.withdraw",
    "UPDATE promotions SET active = false, updated_at = now() WHERE id = $1::bigint RETURNING id"};

std::string RuleJson(const pricing::Promotion& rule) {
  boost::json::object o;
  o["id"] = 0;
  o["name"] = rule.name;
  o["kind"] = pricing::PromotionKindName(rule.kind);
  boost::json::array ids;
  for (auto id : rule.product_ids) ids.push_back(id);
  o["product_ids"] = std::move(ids);
  if (rule.category_id) {
    o["category_id"] = *rule.category_id;
  } else {
    o["category_id"] = nullptr;
  }
  o["percent"] = rule.percent;
  o["buy_quantity"] = rule.buy_quantity;
  o["get_quantity"] = rule.get_quantity;
  boost::json::array bundle;
  for (const auto& b : rule.bundle) bundle.push_back({{"product_id", b.product_id}, {"quantity", b.quantity}});
  o["bundle"] = std::move(bundle);
  o["bundle_price_cents"] = rule.bundle_price_cents;
  return boost::json::serialize(o);
}

std::string IdsJson(const std::vector<std::int64_t>& ids) {
  boost::json::array a;
  for (auto id : ids) a.push_back(id);
  return boost::json::serialize(a);
}

PromotionRecord PromotionFromRow(const pg::Row& row) {
  PromotionRecord p;
  p.rule = pricing::PromotionFromJson(boost::json::parse(row.Text(1)));
  p.rule.id = row.Int(0);
  p.starts_at = std::string(row.Text(2));
  if (auto ends = row.OptText(3)) p.ends_at = std::string(*ends);
  const boost::json::value locations = boost::json::parse(row.Text(4));
  for (const auto& id : locations.as_array()) p.location_ids.push_back(id.to_number<std::int64_t>());
  p.online = row.Bool(5);
  p.active = row.Bool(6);
  p.created_at = std::string(row.Text(7));
  p.updated_at = std::string(row.Text(8));
  return p;
}

void AddBody(pg::Params& params, const PromotionRecord& p) {
  params.Add(p.rule.name).Add(std::string(pricing::PromotionKindName(p.rule.kind))).Add(RuleJson(p.rule));
  params.Add(p.starts_at);
  if (p.ends_at) {
    params.Add(*p.ends_at);
  } else {
    params.AddNull();
  }
  params.Add(IdsJson(p.location_ids)).Add(p.online);
}

}  // namespace

boost::asio::awaitable<ListPage<PromotionRecord>> Repository::ListPromotions(const PromotionQuery& query) {
  pg::Params params;
  params.Add(query.all).Add(query.location_id).Add(query.online).Add(query.page.per_page).Add(query.page.Offset());
  pg::Result result = co_await db_.Execute(kListPromotions, std::move(params));
  ListPage<PromotionRecord> page;
  for (int i = 0; i < result.size(); ++i) page.items.push_back(PromotionFromRow(result[i]));
  if (!result.empty()) page.total = result[0].Int(9);
  co_return page;
}

boost::asio::awaitable<std::optional<PromotionRecord>> Repository::FindPromotion(std::int64_t id) {
  pg::Result result = co_await db_.Execute(kFindPromotion, pg::Params().Add(id));
  if (result.empty()) co_return std::nullopt;
  co_return PromotionFromRow(result[0]);
}

boost::asio::awaitable<PromotionRecord> Repository::CreatePromotion(const PromotionRecord& promotion,
                                                                    const std::string& created_by) {
  pg::Params params;
  AddBody(params, promotion);
  params.Add(created_by);
  pg::Result result = co_await db_.Execute(kCreatePromotion, std::move(params));
  co_return PromotionFromRow(result[0]);
}

boost::asio::awaitable<std::optional<PromotionRecord>> Repository::UpdatePromotion(std::int64_t id,
                                                                                   const PromotionRecord& promotion) {
  pg::Params params;
  params.Add(id);
  AddBody(params, promotion);
  pg::Result result = co_await db_.Execute(kUpdatePromotion, std::move(params));
  if (result.empty()) co_return std::nullopt;
  co_return PromotionFromRow(result[0]);
}

boost::asio::awaitable<bool> Repository::WithdrawPromotion(std::int64_t id) {
  pg::Result result = co_await db_.Execute(kWithdrawPromotion, pg::Params().Add(id));
  co_return !result.empty();
}

}  // namespace comptoir::product
