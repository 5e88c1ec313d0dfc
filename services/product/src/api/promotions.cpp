// Promotion handlers (ADR 0141). Anyone reads the promotions in force (the till, the cart and the checkout
// price with them; the shop shows them); `status=all` (past and withdrawn ones) and every write need a
// manager's or an admin's token.
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/json.hpp"

namespace comptoir::product {
namespace {

ApiError PromotionNotFound(std::string_view id) {
  return ApiError::NotFound("promotion.not_found", "no promotion has id " + std::string(id));
}

std::int64_t PromotionId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw PromotionNotFound(text);
  return *id;
}

}  // namespace

boost::asio::awaitable<http::Response> Handlers::ListPromotions(http::Request& request) {
  PromotionQuery query = ParsePromotionQuery(request.QueryParams());
  if (query.all) RequireCatalogueManager(request, "listing past and withdrawn promotions");
  ListPage<PromotionRecord> page = co_await repository_.ListPromotions(query);
  boost::json::array data;
  for (const PromotionRecord& p : page.items) data.push_back(ToJson(p));
  co_return http::Response::Json(200, ListJson(data, query.page, page.total));
}

boost::asio::awaitable<http::Response> Handlers::GetPromotion(http::Request& request) {
  std::int64_t id = PromotionId(request);
  auto promotion = co_await repository_.FindPromotion(id);
  // A withdrawn promotion is staff business: the public sees it as unknown.
  if (promotion && !promotion->active) {
    auto who = verifier_.Optional(request);
    if (!who || !auth::SeesEverything(*who)) promotion.reset();
  }
  if (!promotion) throw PromotionNotFound(std::to_string(id));
  co_return http::Response::Json(200, boost::json::serialize(ToJson(*promotion)));
}

boost::asio::awaitable<http::Response> Handlers::CreatePromotion(http::Request& request) {
  auth::Principal who = RequireCatalogueManager(request, "creating a promotion");
  PromotionRecord input = ParsePromotionBody(json::ParseBody(request.body));
  PromotionRecord created = co_await repository_.CreatePromotion(input, who.subject);
  http::Response response = http::Response::Json(201, boost::json::serialize(ToJson(created)));
  response.headers.Set("Location", "/api/v1/promotions/" + std::to_string(created.rule.id));
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::ReplacePromotion(http::Request& request) {
  RequireCatalogueManager(request, "changing a promotion");
  std::int64_t id = PromotionId(request);
  PromotionRecord input = ParsePromotionBody(json::ParseBody(request.body));
  auto updated = co_await repository_.UpdatePromotion(id, input);
  if (!updated) throw PromotionNotFound(std::to_string(id));
  co_return http::Response::Json(200, boost::json::serialize(ToJson(*updated)));
}

boost::asio::awaitable<http::Response> Handlers::WithdrawPromotion(http::Request& request) {
  RequireCatalogueManager(request, "withdrawing a promotion");
  std::int64_t id = PromotionId(request);
  if (!co_await repository_.WithdrawPromotion(id)) throw PromotionNotFound(std::to_string(id));
  co_return http::Response::Empty(204);
}

}  // namespace comptoir::product
