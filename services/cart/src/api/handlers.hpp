#pragma once
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "storage/cart_store.hpp"
#include "storage/peers.hpp"

namespace comptoir::cart {

/// The HTTP face of the carts: parse and validate, check who may touch the cart, change it in Redis with
/// one atomic script, answer the cart re-priced from the product service.
class Handlers {
 public:
  Handlers(CartStore& store, Catalogue& catalogue, OnlineStock& stock, const auth::Verifier& verifier,
           std::string instance_id)
      : store_(store),
        catalogue_(catalogue),
        stock_(stock),
        verifier_(verifier),
        instance_id_(std::move(instance_id)) {}

  boost::asio::awaitable<http::Response> GetCurrentCart(http::Request& request);
  boost::asio::awaitable<http::Response> CreateCart(http::Request& request);
  boost::asio::awaitable<http::Response> GetCart(http::Request& request);
  boost::asio::awaitable<http::Response> ClearCart(http::Request& request);
  boost::asio::awaitable<http::Response> AddItem(http::Request& request);
  boost::asio::awaitable<http::Response> SetItem(http::Request& request);
  boost::asio::awaitable<http::Response> RemoveItem(http::Request& request);
  boost::asio::awaitable<http::Response> MergeCart(http::Request& request);

  /// `served_by` and X-Instance-Id of every answer.
  [[nodiscard]] const std::string& instance_id() const noexcept { return instance_id_; }

 private:
  /// kEmpty: clearing the whole cart (also allowed to order's recovery pass, scope carts:empty).
  enum class Access { kRead, kWrite, kEmpty };
  /// The cart named by the path, after checking that the caller may read or write it.
  CartIdentity Authorize(http::Request& request, Access access) const;
  /// The cart as it is now, re-priced: lines of archived or unknown products are dropped from it.
  boost::asio::awaitable<http::Response> Answer(const http::Request& request, const CartIdentity& cart, int status);
  /// 422 `cart.unknown_product` unless the product exists and is active.
  boost::asio::awaitable<void> RequireProduct(const http::Request& request, std::int64_t product_id);

  CartStore& store_;
  Catalogue& catalogue_;
  OnlineStock& stock_;
  const auth::Verifier& verifier_;
  std::string instance_id_;
};

using Handler = boost::asio::awaitable<http::Response> (Handlers::*)(http::Request&);

/// One line of the service's route table.
struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  Handler handler;
};

/// The route table of the cart service (standard routes are added by libs/service). Used by AddRoutes and by
/// the OpenAPI coverage test.
std::span<const RouteEntry> Routes();

/// Adds every route of Routes() to `router`, bound to `handlers` (which must outlive the router).
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::cart
