#pragma once
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/message.hpp"
#include "comptoir/http/router.hpp"
#include "storage/repository.hpp"
#include "workflow/desk.hpp"
#include "workflow/gift_cards.hpp"
#include "workflow/receipts.hpp"

namespace comptoir::sales {

/// The HTTP face of sales: authenticate, parse, call the desk or the repository, serialise.
class Handlers {
 public:
  Handlers(Repository& repository, Desk& desk, GiftCards& gift_cards, Receipts& receipts,
           const auth::Verifier& verifier)
      : repository_(repository), desk_(desk), gift_cards_(gift_cards), receipts_(receipts), verifier_(verifier) {}

  boost::asio::awaitable<http::Response> CreateSale(http::Request& request);
  boost::asio::awaitable<http::Response> ListSales(http::Request& request);
  boost::asio::awaitable<http::Response> GetSale(http::Request& request);
  boost::asio::awaitable<http::Response> CreateReturn(http::Request& request);
  boost::asio::awaitable<http::Response> ListReturns(http::Request& request);

  boost::asio::awaitable<http::Response> OpenSession(http::Request& request);
  boost::asio::awaitable<http::Response> CloseSession(http::Request& request);
  boost::asio::awaitable<http::Response> ListSessions(http::Request& request);
  boost::asio::awaitable<http::Response> GetSession(http::Request& request);
  // Till operations (api/till_handlers.cpp, ADR 0150).
  boost::asio::awaitable<http::Response> SessionReport(http::Request& request);
  boost::asio::awaitable<http::Response> RecordMovement(http::Request& request);
  boost::asio::awaitable<http::Response> ListMovements(http::Request& request);
  // Suspended sales (api/suspended_handlers.cpp).
  boost::asio::awaitable<http::Response> SuspendSale(http::Request& request);
  boost::asio::awaitable<http::Response> ListSuspendedSales(http::Request& request);
  boost::asio::awaitable<http::Response> ResumeSuspendedSale(http::Request& request);

  boost::asio::awaitable<http::Response> IssueGiftCard(http::Request& request);
  boost::asio::awaitable<http::Response> GiftCardBalance(http::Request& request);
  boost::asio::awaitable<http::Response> UnlockGiftCard(http::Request& request);

  boost::asio::awaitable<http::Response> GetReceipt(http::Request& request);
  boost::asio::awaitable<http::Response> GetReceiptByNumber(http::Request& request);
  boost::asio::awaitable<http::Response> EmailReceipt(http::Request& request);
  boost::asio::awaitable<http::Response> ListReceiptEmails(http::Request& request);

 private:
  Repository& repository_;
  Desk& desk_;
  GiftCards& gift_cards_;
  Receipts& receipts_;
  const auth::Verifier& verifier_;
};

/// One line of the service's route table.
struct RouteEntry {
  http::Method method;
  std::string_view pattern;
  boost::asio::awaitable<http::Response> (Handlers::*handler)(http::Request&);
};

/// The route table of the sales service (the standard routes are added by libs/service). Used by
/// AddRoutes and by the OpenAPI coverage test.
std::span<const RouteEntry> Routes();

/// Adds every route of Routes() to `router`, bound to `handlers` (which must outlive the router).
void AddRoutes(http::Router& router, Handlers& handlers);

}  // namespace comptoir::sales
