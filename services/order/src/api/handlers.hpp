#pragma once
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "saga.hpp"
#include "storage/repository.hpp"

namespace comptoir::order {

/// Parses the query of GET /orders (status, customer_id, from, to as YYYY-MM-DD, page, per_page); every problem
/// at once (400 `request.validation_failed`).
OrderQuery ParseOrderQuery(const std::vector<std::pair<std::string, std::string>>& params);

/// Who may read an order: its shopper, or any staff. Others get 404 (they must not learn it exists).
bool MayRead(const auth::Principal& who, const Order& order);
/// Who may cancel: its shopper, or logistics, manager, admin.
bool MayCancel(const auth::Principal& who, const Order& order);

/// The HTTP face of the order service: each handler authenticates the caller itself.
class Handlers {
 public:
  Handlers(Repository& repository, Saga& saga, const auth::Verifier& verifier)
      : repository_(repository), saga_(saga), verifier_(verifier) {}

  boost::asio::awaitable<http::Response> Checkout(http::Request& request);
  boost::asio::awaitable<http::Response> ListOrders(http::Request& request);
  boost::asio::awaitable<http::Response> GetOrder(http::Request& request);
  boost::asio::awaitable<http::Response> CancelOrder(http::Request& request);
  boost::asio::awaitable<http::Response> ChangeStatus(http::Request& request);

 private:
  boost::asio::awaitable<Order> Visible(const http::Request& request, const auth::Principal& who);

  Repository& repository_;
  Saga& saga_;
  const auth::Verifier& verifier_;
};

struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

std::span<const RouteEntry> Routes();
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::order
