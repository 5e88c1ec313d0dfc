#pragma once
#include "comptoir/receipt/document.hpp"
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

/// Who may read orders at all (ADR 0051): shoppers (their own), logistics, managers and admins; cashiers work in the
/// stores and get 403.
bool MayReadOrders(const auth::Principal& who);
/// Who may read an order: its shopper, logistics, a manager or an admin. Another shopper gets 404 (they must not
/// learn it exists).
bool MayRead(const auth::Principal& who, const Order& order);
/// What `who` sees of `order` (ADR 0051): its shopper, managers and admins everything; logistics what it takes to
/// prepare and ship — lines and totals, but no customer id nor payment, and the shipping address only reading that
/// one order (`single`) while it is paid or preparing (the parcel is still to be labelled).
OrderView ViewFor(const auth::Principal& who, const Order& order, bool single);
/// Who may cancel: its shopper, or logistics, manager, admin.
bool MayCancel(const auth::Principal& who, const Order& order);

/// The HTTP face of the order service: each handler authenticates the caller itself.
class Handlers {
 public:
  Handlers(Repository& repository, Saga& saga, const auth::Verifier& verifier, receipt::Issuer issuer)
      : repository_(repository), saga_(saga), verifier_(verifier), issuer_(std::move(issuer)) {}

  boost::asio::awaitable<http::Response> Checkout(http::Request& request);
  boost::asio::awaitable<http::Response> ListOrders(http::Request& request);
  boost::asio::awaitable<http::Response> GetOrder(http::Request& request);
  boost::asio::awaitable<http::Response> CancelOrder(http::Request& request);
  boost::asio::awaitable<http::Response> ChangeStatus(http::Request& request);
  /// GET /orders/{id}/receipt?format=text40|text48|html|escpos&reprint=: the order's receipt (ADR 0160), for whoever
  /// may read the order (its shopper, logistics, managers, admins).
  boost::asio::awaitable<http::Response> GetReceipt(http::Request& request);

 private:
  boost::asio::awaitable<Order> Visible(const http::Request& request, const auth::Principal& who);

  Repository& repository_;
  Saga& saga_;
  const auth::Verifier& verifier_;
  receipt::Issuer issuer_;
};

struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

std::span<const RouteEntry> Routes();
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::order
