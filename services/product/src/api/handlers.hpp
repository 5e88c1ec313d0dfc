#pragma once
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "cache/freshness.hpp"
#include "cache/response_cache.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "storage/repository.hpp"

namespace comptoir::product {

/// The HTTP face of the catalogue: each handler parses and validates, calls the repository and
/// serialises. Errors are thrown as ApiError and answered as problem+json by libs/http. Reads are public
/// and come from the cache when it has them (ETag, 304); every write (products and categories) needs a
/// manager's or an admin's token, checked here (issue 12), and is acknowledged once published (ADR 0120).
class Handlers {
 public:
  Handlers(Repository& repository, const auth::Verifier& verifier, ResponseCache& cache, Freshness& freshness)
      : repository_(repository), verifier_(verifier), cache_(cache), freshness_(freshness) {}

  boost::asio::awaitable<http::Response> ListProducts(http::Request& request);
  boost::asio::awaitable<http::Response> GetProduct(http::Request& request);
  boost::asio::awaitable<http::Response> GetProductBySku(http::Request& request);
  boost::asio::awaitable<http::Response> GetProductByBarcode(http::Request& request);
  boost::asio::awaitable<http::Response> CreateProduct(http::Request& request);
  boost::asio::awaitable<http::Response> ReplaceProduct(http::Request& request);
  boost::asio::awaitable<http::Response> PatchProduct(http::Request& request);
  boost::asio::awaitable<http::Response> ArchiveProduct(http::Request& request);

  boost::asio::awaitable<http::Response> ListCategories(http::Request& request);
  boost::asio::awaitable<http::Response> GetCategory(http::Request& request);
  boost::asio::awaitable<http::Response> CreateCategory(http::Request& request);
  boost::asio::awaitable<http::Response> ReplaceCategory(http::Request& request);
  boost::asio::awaitable<http::Response> DeleteCategory(http::Request& request);

  /// Promotions (api/promotions.cpp): reads public (in force now); writes manager/admin.
  boost::asio::awaitable<http::Response> ListPromotions(http::Request& request);
  boost::asio::awaitable<http::Response> GetPromotion(http::Request& request);
  boost::asio::awaitable<http::Response> CreatePromotion(http::Request& request);
  boost::asio::awaitable<http::Response> ReplacePromotion(http::Request& request);
  boost::asio::awaitable<http::Response> WithdrawPromotion(http::Request& request);

 private:
  boost::asio::awaitable<http::Response> WriteProduct(http::Request& request, bool patch);
  /// 401 without a valid token, 403 unless the caller is a manager or an admin.
  auth::Principal RequireCatalogueManager(http::Request& request, std::string_view action) const;

  Repository& repository_;
  const auth::Verifier& verifier_;
  ResponseCache& cache_;
  Freshness& freshness_;
};

/// One line of the service's route table.
struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

/// The route table of the product service (the standard /health, /ready, /metrics, /openapi.json and
/// /docs routes are added by libs/service). Used by AddRoutes and by the OpenAPI coverage test.
std::span<const RouteEntry> Routes();

/// Adds every route of Routes() to `router`, bound to `handlers` (which must outlive the router).
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::product
