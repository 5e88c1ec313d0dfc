#include "api/handlers.hpp"

#include <algorithm>
#include <array>

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/json.hpp"

namespace comptoir::sales {
namespace {

using auth::Role;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kPost, "/api/v1/sales", &Handlers::CreateSale},
    RouteEntry{Method::kGet, "/api/v1/sales", &Handlers::ListSales},
    RouteEntry{Method::kGet, "/api/v1/sales/{id}", &Handlers::GetSale},
    RouteEntry{Method::kPost, "/api/v1/sales/{id}/returns", &Handlers::CreateReturn},
    RouteEntry{Method::kGet, "/api/v1/sales/{id}/returns", &Handlers::ListReturns},
    RouteEntry{Method::kPost, "/api/v1/register-sessions", &Handlers::OpenSession},
    RouteEntry{Method::kGet, "/api/v1/register-sessions", &Handlers::ListSessions},
    RouteEntry{Method::kGet, "/api/v1/register-sessions/{id}", &Handlers::GetSession},
    RouteEntry{Method::kPost, "/api/v1/register-sessions/{id}/close", &Handlers::CloseSession},
    RouteEntry{Method::kGet, "/api/v1/register-sessions/{id}/report", &Handlers::SessionReport},
    RouteEntry{Method::kPost, "/api/v1/register-sessions/{id}/movements", &Handlers::RecordMovement},
    RouteEntry{Method::kGet, "/api/v1/register-sessions/{id}/movements", &Handlers::ListMovements},
    RouteEntry{Method::kPost, "/api/v1/suspended-sales", &Handlers::SuspendSale},
    RouteEntry{Method::kGet, "/api/v1/suspended-sales", &Handlers::ListSuspendedSales},
    RouteEntry{Method::kPost, "/api/v1/suspended-sales/{id}/resume", &Handlers::ResumeSuspendedSale},
    RouteEntry{Method::kPost, "/api/v1/gift-cards", &Handlers::IssueGiftCard},
    RouteEntry{Method::kPost, "/api/v1/gift-cards/balance", &Handlers::GiftCardBalance},
    RouteEntry{Method::kPost, "/api/v1/gift-cards/{id}/unlock", &Handlers::UnlockGiftCard},
    RouteEntry{Method::kGet, "/api/v1/sales/{id}/receipt", &Handlers::GetReceipt},
    RouteEntry{Method::kPost, "/api/v1/sales/{id}/receipt/email", &Handlers::EmailReceipt},
    RouteEntry{Method::kGet, "/api/v1/sales/{id}/receipt/emails", &Handlers::ListReceiptEmails},
    RouteEntry{Method::kGet, "/api/v1/receipts/{number}", &Handlers::GetReceiptByNumber},
};

ApiError SaleNotFound(std::string_view id) {
  return ApiError::NotFound("sales.not_found", "no sale has id " + std::string(id));
}

ApiError GiftCardNotFound(std::string_view id) {
  return ApiError::NotFound("sales.gift_card_not_found", "no gift card has id " + std::string(id));
}

ApiError SessionNotFound(std::string_view id) {
  return ApiError::NotFound("register_session.not_found", "no register session has id " + std::string(id));
}

std::int64_t PathId(const http::Request& request, ApiError (*not_found)(std::string_view)) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw not_found(text);
  return *id;
}

void RequireReader(const auth::Principal& who, std::string_view action) {
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, action);
}

// A cashier's lists are their store's: no location means theirs, another store is refused.
std::optional<std::int64_t> VisibleLocation(const auth::Principal& who, std::optional<std::int64_t> asked) {
  if (auth::SeesEverything(who)) return asked;
  if (asked && *asked != who.location_id) {
    throw ApiError(ErrorKind::kForbidden, "auth.wrong_location", "a cashier sees only their own store");
  }
  return who.location_id;
}

// Sessions follow the visibility of sales: another store's session is unknown to a cashier.
void RequireSessionVisible(const auth::Principal& who, const RegisterSession& session) {
  if (!auth::SeesEverything(who) && who.location_id != session.location_id) {
    throw SessionNotFound(std::to_string(session.id));
  }
}

http::Response JsonResponse(int status, const boost::json::object& body) {
  return http::Response::Json(status, boost::json::serialize(body));
}

}  // namespace

std::span<const RouteEntry> Routes() {
  return kRoutes;
}

void AddRoutes(http::Router& router, Handlers& handlers) {
  for (const RouteEntry& route : kRoutes) {
    auto member = route.handler;
    router.Add(route.method, std::string(route.pattern),
               [&handlers, member](http::Request& request) { return (handlers.*member)(request); });
  }
}

boost::asio::awaitable<http::Response> Handlers::CreateSale(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::optional<std::string> email = Receipts::TakeSaleEmail(request);  // ADR 0161: queued after the sale
  http::Response response = co_await desk_.Sell(request, who);
  if (email && response.status == 201) co_await receipts_.QueueAfterSale(request, who, response, std::move(*email));
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::ListSales(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see sales");
  SaleQuery query = ParseSaleQuery(request.QueryParams());
  query.location_id = VisibleLocation(who, query.location_id);
  ListPage<Sale> page = co_await repository_.ListSales(query);
  boost::json::array data;
  for (const Sale& sale : page.items) data.push_back(ToJson(sale));
  co_return http::Response::Json(200, ListJson(data, query.page, page.total));
}

boost::asio::awaitable<http::Response> Handlers::GetSale(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see sales");
  std::int64_t id = PathId(request, SaleNotFound);
  auto sale = co_await repository_.FindSale(id);
  if (!sale) throw SaleNotFound(std::to_string(id));
  RequireVisible(who, sale->location_id, id);
  co_return JsonResponse(200, ToJson(*sale));
}

boost::asio::awaitable<http::Response> Handlers::CreateReturn(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::int64_t id = PathId(request, SaleNotFound);
  co_return co_await desk_.Return(request, who, id);
}

boost::asio::awaitable<http::Response> Handlers::ListReturns(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see sales");
  std::int64_t id = PathId(request, SaleNotFound);
  auto sale = co_await repository_.FindSale(id);
  if (!sale) throw SaleNotFound(std::to_string(id));
  RequireVisible(who, sale->location_id, id);
  std::vector<SaleReturn> returns = co_await repository_.ListReturns(id);
  boost::json::array data;
  for (const SaleReturn& r : returns) data.push_back(ToJson(r));
  Page page{1, static_cast<std::int64_t>(std::max<std::size_t>(returns.size(), 1))};
  co_return http::Response::Json(200, ListJson(data, page, static_cast<std::int64_t>(returns.size())));
}

boost::asio::awaitable<http::Response> Handlers::OpenSession(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  OpenSessionRequest input = ParseOpenSessionBody(json::ParseBody(request.body));
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "open a register");
  auth::RequireStaffAt(who, input.location_id, "open a register at this store");
  RegisterSession session =
      co_await repository_.OpenSession(input.location_id, input.register_name, input.opening_float_cents, who.subject);
  http::Response response = JsonResponse(201, ToJson(session));
  response.headers.Set("Location", "/api/v1/register-sessions/" + std::to_string(session.id));
  co_return response;
}

boost::asio::awaitable<http::Response> Handlers::ListSessions(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see register sessions");
  SessionQuery query = ParseSessionQuery(request.QueryParams());
  query.location_id = VisibleLocation(who, query.location_id);
  ListPage<RegisterSession> page = co_await repository_.ListSessions(query);
  boost::json::array data;
  for (const RegisterSession& s : page.items) data.push_back(ToJson(s));
  co_return http::Response::Json(200, ListJson(data, query.page, page.total));
}

boost::asio::awaitable<http::Response> Handlers::GetSession(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see register sessions");
  std::int64_t id = PathId(request, SessionNotFound);
  auto session = co_await repository_.FindSession(id);
  if (!session) throw SessionNotFound(std::to_string(id));
  RequireSessionVisible(who, *session);
  co_return JsonResponse(200, ToJson(*session));
}

boost::asio::awaitable<http::Response> Handlers::IssueGiftCard(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  co_return co_await gift_cards_.Issue(request, who);
}

boost::asio::awaitable<http::Response> Handlers::GiftCardBalance(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  co_return co_await gift_cards_.Balance(request, who);
}

boost::asio::awaitable<http::Response> Handlers::UnlockGiftCard(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::int64_t id = PathId(request, GiftCardNotFound);
  co_return co_await gift_cards_.Unlock(who, id);
}

boost::asio::awaitable<http::Response> Handlers::GetReceipt(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see receipts");
  std::int64_t id = PathId(request, SaleNotFound);
  co_return co_await receipts_.ById(request, who, id);
}

boost::asio::awaitable<http::Response> Handlers::GetReceiptByNumber(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see receipts");
  co_return co_await receipts_.ByNumber(request, who, std::string(request.PathParam("number")));
}

boost::asio::awaitable<http::Response> Handlers::EmailReceipt(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "send receipts");
  std::int64_t id = PathId(request, SaleNotFound);
  co_return co_await receipts_.Email(request, who, id);
}

boost::asio::awaitable<http::Response> Handlers::ListReceiptEmails(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireReader(who, "see receipt e-mails");
  std::int64_t id = PathId(request, SaleNotFound);
  co_return co_await receipts_.Emails(request, who, id);
}

}  // namespace comptoir::sales
