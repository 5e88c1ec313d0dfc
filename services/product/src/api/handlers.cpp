#include "api/handlers.hpp"

#include <array>

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/json.hpp"

namespace comptoir::product {
namespace {

using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kGet, "/api/v1/products", &Handlers::ListProducts},
    RouteEntry{Method::kPost, "/api/v1/products", &Handlers::CreateProduct},
    RouteEntry{Method::kGet, "/api/v1/products/by-sku/{sku}", &Handlers::GetProductBySku},
    RouteEntry{Method::kGet, "/api/v1/products/by-barcode/{code}", &Handlers::GetProductByBarcode},
    RouteEntry{Method::kGet, "/api/v1/products/{id}", &Handlers::GetProduct},
    RouteEntry{Method::kPut, "/api/v1/products/{id}", &Handlers::ReplaceProduct},
    RouteEntry{Method::kPatch, "/api/v1/products/{id}", &Handlers::PatchProduct},
    RouteEntry{Method::kDelete, "/api/v1/products/{id}", &Handlers::ArchiveProduct},
    RouteEntry{Method::kGet, "/api/v1/categories", &Handlers::ListCategories},
    RouteEntry{Method::kPost, "/api/v1/categories", &Handlers::CreateCategory},
    RouteEntry{Method::kGet, "/api/v1/categories/{id}", &Handlers::GetCategory},
    RouteEntry{Method::kPut, "/api/v1/categories/{id}", &Handlers::ReplaceCategory},
    RouteEntry{Method::kDelete, "/api/v1/categories/{id}", &Handlers::DeleteCategory},
    RouteEntry{Method::kGet, "/api/v1/promotions", &Handlers::ListPromotions},
    RouteEntry{Method::kPost, "/api/v1/promotions", &Handlers::CreatePromotion},
    RouteEntry{Method::kGet, "/api/v1/promotions/{id}", &Handlers::GetPromotion},
    RouteEntry{Method::kPut, "/api/v1/promotions/{id}", &Handlers::ReplacePromotion},
    RouteEntry{Method::kDelete, "/api/v1/promotions/{id}", &Handlers::WithdrawPromotion},
};

ApiError ProductNotFound(std::string_view id) {
  return ApiError::NotFound("product.not_found", "no product has id " + std::string(id));
}

ApiError CategoryNotFound(std::string_view id) {
  return ApiError::NotFound("category.not_found", "no category has id " + std::string(id));
}

// A non-numeric id cannot name a product: it is answered like an unknown id (404), not 400, since
// the path, not a parameter, is wrong.
std::int64_t ProductId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw ProductNotFound(text);
  return *id;
}

std::int64_t CategoryId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw CategoryNotFound(text);
  return *id;
}

http::Response JsonResponse(int status, const boost::json::object& body) {
  return http::Response::Json(status, boost::json::serialize(body));
}

std::shared_ptr<const CachedBody> Cached(std::string body) {
  auto entry = std::make_shared<CachedBody>();
  entry->etag = EtagOf(body);
  entry->body = std::move(body);
  return entry;
}

// A catalogue answer with its ETag; 304 without a body when the client has it already. no-cache: a client
// may keep it but asks again (with If-None-Match) before using it, so it never shows an old price.
http::Response Answer(const http::Request& request, const CachedBody& entry) {
  auto known = request.headers.Get("If-None-Match");
  http::Response response =
      known && IfNoneMatchHits(*known, entry.etag) ? http::Response::Empty(304) : http::Response::Json(200, entry.body);
  response.headers.Set("ETag", entry.etag);
  response.headers.Set("Cache-Control", "no-cache");
  return response;
}

}  // namespace

std::span<const RouteEntry> Routes() {
  return kRoutes;
}

void AddRoutes(http::Router& router, Handlers& handlers) {
  for (const RouteEntry& route : kRoutes) {
    auto member = route.handler;
    // A plain lambda that returns the member coroutine's awaitable; it is not a coroutine itself.
    router.Add(route.method, std::string(route.pattern),
               [&handlers, member](http::Request& request) { return (handlers.*member)(request); });
  }
}

auth::Principal Handlers::RequireCatalogueManager(http::Request& request, std::string_view action) const {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {auth::Role::kManager, auth::Role::kAdmin}, action);
  return who;
}

boost::asio::awaitable<http::Response> Handlers::ListProducts(http::Request& request) {
  ProductQuery query = ParseProductQuery(request.QueryParams());
  // Pages without a text search (the first page of the shop, a category) are few: they are cached.
  const std::string key = query.q ? std::string() : "list:" + request.query;
  if (!key.empty()) {
    if (auto hit = cache_.Lookup(key)) co_return Answer(request, *hit);
  }
  const auto ticket = cache_.BeginFill();
  ListPage<Product> page = co_await repository_.ListProducts(query);
  boost::json::array data;
  data.reserve(page.items.size());
  for (const Product& p : page.items) data.push_back(ToJson(p));
  auto entry = Cached(ListJson(data, query.page, page.total));
  if (!key.empty()) cache_.Fill(ticket, key, entry);
  co_return Answer(request, *entry);
}

boost::asio::awaitable<http::Response> Handlers::GetProduct(http::Request& request) {
  std::int64_t id = ProductId(request);
  const std::string key = "id:" + std::to_string(id);
  if (auto hit = cache_.Lookup(key)) co_return Answer(request, *hit);
  const auto ticket = cache_.BeginFill();
  auto product = co_await repository_.FindProduct(id);
  if (!product) throw ProductNotFound(std::to_string(id));
  auto entry = Cached(boost::json::serialize(ToJson(*product)));
  cache_.Fill(ticket, key, entry);
  co_return Answer(request, *entry);
}

boost::asio::awaitable<http::Response> Handlers::GetProductBySku(http::Request& request) {
  std::string sku(request.PathParam("sku"));
  // An SKU that breaks the rules cannot exist; no need to ask the database.
  if (SkuProblem(sku)) throw ApiError::NotFound("product.not_found", "no product has SKU " + sku);
  const std::string key = "sku:" + sku;
  if (auto hit = cache_.Lookup(key)) co_return Answer(request, *hit);
  const auto ticket = cache_.BeginFill();
  std::optional<Product> product = co_await repository_.FindProductBySku(sku);
  if (!product) throw ApiError::NotFound("product.not_found", "no product has SKU " + sku);
  auto entry = Cached(boost::json::serialize(ToJson(*product)));
  cache_.Fill(ticket, key, entry);
  co_return Answer(request, *entry);
}

// A scan at the till (ADR 0170): a GTIN names its product; a price-embedded code (02, 20–29) names the product with
// its item code and carries the price to charge. A wrong check digit or price verifier is 400, never a lookup.
boost::asio::awaitable<http::Response> Handlers::GetProductByBarcode(http::Request& request) {
  Scan scan = ReadScan(request.PathParam("code"));
  const std::string key = "barcode:" + scan.gtin;
  if (auto hit = cache_.Lookup(key)) co_return Answer(request, *hit);
  const auto ticket = cache_.BeginFill();
  // Not a conditional expression of two co_awaits: GCC 12 destroys its temporaries too early.
  std::optional<Product> product;
  if (scan.price_embedded) {
    product = co_await repository_.FindProductByScaleCode(scan.item_code);
  } else {
    product = co_await repository_.FindProductByBarcode(scan.gtin);
  }
  if (!product) {
    throw ApiError::NotFound("product.not_found", scan.price_embedded
                                                      ? "no product has the scale item code " + scan.item_code
                                                      : "no product has the barcode " + scan.gtin);
  }
  auto entry = Cached(boost::json::serialize(ScanJson(scan, *product)));
  cache_.Fill(ticket, key, entry);
  co_return Answer(request, *entry);
}

boost::asio::awaitable<http::Response> Handlers::CreateProduct(http::Request& request) {
  RequireCatalogueManager(request, "creating a product");
  ProductChange change = ParseProductBody(json::ParseBody(request.body), ProductBodyMode::kCreate);
  Product product = co_await repository_.CreateProduct(change, request.request_id);
  co_await freshness_.AwaitPublished();
  http::Response response = JsonResponse(201, ToJson(product));
  response.headers.Set("Location", "/api/v1/products/" + std::to_string(product.id));
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::ReplaceProduct(http::Request& request) {
  return WriteProduct(request, false);
}

boost::asio::awaitable<http::Response> Handlers::PatchProduct(http::Request& request) {
  return WriteProduct(request, true);
}

boost::asio::awaitable<http::Response> Handlers::WriteProduct(http::Request& request, bool patch) {
  RequireCatalogueManager(request, "changing a product");
  std::int64_t id = ProductId(request);
  ProductChange change =
      ParseProductBody(json::ParseBody(request.body), patch ? ProductBodyMode::kPatch : ProductBodyMode::kReplace);
  auto product = co_await repository_.UpdateProduct(id, change, request.request_id);
  if (!product) throw ProductNotFound(std::to_string(id));
  co_await freshness_.AwaitPublished();  // no instance answers the old version once this is acknowledged
  co_return JsonResponse(200, ToJson(*product));
}

boost::asio::awaitable<http::Response> Handlers::ArchiveProduct(http::Request& request) {
  RequireCatalogueManager(request, "archiving a product");
  std::int64_t id = ProductId(request);
  if (!co_await repository_.ArchiveProduct(id, request.request_id)) throw ProductNotFound(std::to_string(id));
  co_await freshness_.AwaitPublished();
  co_return http::Response::Empty(204);
}

boost::asio::awaitable<http::Response> Handlers::ListCategories(http::Request& request) {
  Page page = ParsePage(request.QueryParams(), "category.invalid_query");
  ListPage<Category> list = co_await repository_.ListCategories(page);
  boost::json::array data;
  for (const Category& c : list.items) data.push_back(ToJson(c));
  co_return http::Response::Json(200, ListJson(data, page, list.total));
}

boost::asio::awaitable<http::Response> Handlers::GetCategory(http::Request& request) {
  std::int64_t id = CategoryId(request);
  auto category = co_await repository_.FindCategory(id);
  if (!category) throw CategoryNotFound(std::to_string(id));
  co_return JsonResponse(200, ToJson(*category));
}

boost::asio::awaitable<http::Response> Handlers::CreateCategory(http::Request& request) {
  RequireCatalogueManager(request, "creating a category");
  CategoryInput input = ParseCategoryBody(json::ParseBody(request.body));
  Category category = co_await repository_.CreateCategory(input);
  http::Response response = JsonResponse(201, ToJson(category));
  response.headers.Set("Location", "/api/v1/categories/" + std::to_string(category.id));
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::ReplaceCategory(http::Request& request) {
  RequireCatalogueManager(request, "changing a category");
  std::int64_t id = CategoryId(request);
  CategoryInput input = ParseCategoryBody(json::ParseBody(request.body));
  auto category = co_await repository_.UpdateCategory(id, input);
  if (!category) throw CategoryNotFound(std::to_string(id));
  co_return JsonResponse(200, ToJson(*category));
}

boost::asio::awaitable<http::Response> Handlers::DeleteCategory(http::Request& request) {
  RequireCatalogueManager(request, "deleting a category");
  std::int64_t id = CategoryId(request);
  if (!co_await repository_.DeleteCategory(id)) throw CategoryNotFound(std::to_string(id));
  co_return http::Response::Empty(204);
}

}  // namespace comptoir::product
