#include "api/handlers.hpp"

#include <array>

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/auth/service_policy.hpp"
#include "comptoir/json.hpp"
#include "comptoir/service/idempotency.hpp"

namespace comptoir::inventory {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using auth::Role;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kGet, "/api/v1/locations", &Handlers::ListLocations},
    RouteEntry{Method::kGet, "/api/v1/locations/{id}", &Handlers::GetLocation},
    RouteEntry{Method::kGet, "/api/v1/inventory", &Handlers::ListStock},
    RouteEntry{Method::kGet, "/api/v1/inventory/alerts", &Handlers::ListAlerts},
    RouteEntry{Method::kPut, "/api/v1/inventory/reorder-points", &Handlers::SetReorderPoint},
    RouteEntry{Method::kPost, "/api/v1/inventory/movements", &Handlers::PostMovements},
    RouteEntry{Method::kGet, "/api/v1/inventory/movements", &Handlers::ListMovements},
    RouteEntry{Method::kPost, "/api/v1/inventory/movements/{key}/reverse", &Handlers::ReverseMovements},
    RouteEntry{Method::kGet, "/api/v1/inventory/adjustments", &Handlers::ListAdjustments},
    RouteEntry{Method::kPost, "/api/v1/inventory/reservations", &Handlers::CreateReservation},
    RouteEntry{Method::kGet, "/api/v1/inventory/reservations/{id}", &Handlers::GetReservation},
    RouteEntry{Method::kDelete, "/api/v1/inventory/reservations/{id}", &Handlers::ReleaseReservation},
    RouteEntry{Method::kPost, "/api/v1/inventory/reservations/{id}/commit", &Handlers::CommitReservation},
    RouteEntry{Method::kPost, "/api/v1/restock-requests", &Handlers::CreateRestock},
    RouteEntry{Method::kGet, "/api/v1/restock-requests", &Handlers::ListRestock},
    RouteEntry{Method::kGet, "/api/v1/restock-requests/{id}", &Handlers::GetRestock},
    RouteEntry{Method::kPost, "/api/v1/restock-requests/{id}/approve", &Handlers::ApproveRestock},
    RouteEntry{Method::kPost, "/api/v1/restock-requests/{id}/reject", &Handlers::RejectRestock},
    RouteEntry{Method::kPost, "/api/v1/restock-requests/{id}/ship", &Handlers::ShipRestock},
    RouteEntry{Method::kPost, "/api/v1/restock-requests/{id}/receive", &Handlers::ReceiveRestock},
    RouteEntry{Method::kPost, "/api/v1/inventory/transfers", &Handlers::CreateTransfer},
    RouteEntry{Method::kGet, "/api/v1/inventory/transfers", &Handlers::ListTransfers},
    RouteEntry{Method::kGet, "/api/v1/inventory/transfers/{id}", &Handlers::GetTransfer},
    RouteEntry{Method::kPost, "/api/v1/inventory/transfers/{id}/approve", &Handlers::ApproveTransfer},
    RouteEntry{Method::kPost, "/api/v1/inventory/transfers/{id}/reject", &Handlers::RejectTransfer},
    RouteEntry{Method::kPost, "/api/v1/inventory/transfers/{id}/ship", &Handlers::ShipTransfer},
    RouteEntry{Method::kPost, "/api/v1/inventory/transfers/{id}/receive", &Handlers::ReceiveTransfer},
    RouteEntry{Method::kPost, "/api/v1/inventory/counts", &Handlers::OpenCount},
    RouteEntry{Method::kGet, "/api/v1/inventory/counts", &Handlers::ListCounts},
    RouteEntry{Method::kGet, "/api/v1/inventory/counts/{id}", &Handlers::GetCount},
    RouteEntry{Method::kPut, "/api/v1/inventory/counts/{id}/lines", &Handlers::RecordCounts},
    RouteEntry{Method::kPost, "/api/v1/inventory/counts/{id}/post", &Handlers::PostCount},
    RouteEntry{Method::kPost, "/api/v1/inventory/counts/{id}/cancel", &Handlers::CancelCount},
    RouteEntry{Method::kGet, "/api/v1/inventory/counts/{id}/variance", &Handlers::GetVariance},
};

constexpr std::initializer_list<Role> kStaff = {Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin};

http::Response JsonResponse(int status, const boost::json::object& body) {
  return http::Response::Json(status, boost::json::serialize(body));
}

Actor ActorOf(const auth::Principal& who) {
  return Actor{who.subject, std::string(auth::RoleName(who.role)), who.on_behalf_of};
}

ApiError LocationNotFound(std::string_view id) {
  return ApiError::NotFound("inventory.location_not_found", "no location has id " + std::string(id));
}
ApiError ReservationNotFound(std::string_view id) {
  return ApiError::NotFound("inventory.reservation_not_found", "no reservation has id " + std::string(id));
}
ApiError RestockNotFound(std::string_view id) {
  return ApiError::NotFound("inventory.restock_not_found", "no restock request has id " + std::string(id));
}

std::int64_t RestockId(const http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw RestockNotFound(text);
  return *id;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string ReservationId(const http::Request& request) {
  std::string id(request.PathParam("id"));
  if (!IsUuid(id)) throw ReservationNotFound(id);
  return id;
}

constexpr std::initializer_list<Role> kStockKeepers = {Role::kLogistics, Role::kManager, Role::kAdmin};

// The caller may act on a reservation: at the centre only the order service changes one (staff of the centre
// may read it); elsewhere whoever made it, or staff of its location.
void AuthorizeOnReservation(const auth::Principal& who, const Reservation& reservation, bool change) {
  if (reservation.location_id == kCentreLocationId) {
    if (!change && who.IsStaff()) {
      auth::RequireStaffAt(who, reservation.location_id, "reading a reservation at the logistics centre");
      return;
    }
    auth::RequireService(who, "order", auth::scope::kCentreReservations, "a reservation at the logistics centre");
    return;
  }
  if (who.subject == reservation.actor.subject && auth::RoleName(who.role) == reservation.actor.role) return;
  if (!who.IsStaff()) throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "this reservation is not yours");
  auth::RequireStaffAt(who, reservation.location_id, "act on a reservation at this location");
}

// Reversing the movement group `head` (nullopt or a tombstone: the key is unknown, a tombstone will be left).
void AuthorizeReverse(const auth::Principal& who, const std::optional<GroupHead>& head) {
  if (head && !head->tombstone) {
    AuthorizeMovement(who, head->reason, head->location_id);
    return;
  }
  // A sale's compensation reverses before its movement may have arrived; staff who keep stock may too.
  if (auth::IsServiceClient(who, "sales")) {
    auth::RequireService(who, "sales", auth::scope::kSaleMovements, "reversing a sale's stock movement");
    return;
  }
  auth::RequireRole(who, kStockKeepers, "reversing a stock movement");
}

// A cashier sees only their store: the filter is forced (another store is 403).
std::optional<std::int64_t> ScopeToCaller(const auth::Principal& who, std::optional<std::int64_t> location_id,
                                          std::string_view action) {
  auth::RequireRole(who, kStaff, action);
  if (who.role == Role::kCashier) {
    std::int64_t own = who.location_id.value_or(-1);
    if (location_id && *location_id != own) auth::RequireStaffAt(who, *location_id, action);
    return own;
  }
  return location_id;
}

}  // namespace

void AuthorizeMovement(const auth::Principal& who, std::string_view reason, std::int64_t location_id) {
  if (reason == "sale" || reason == "return") {
    // Only through a sale or a return recorded by sales (which checks the cashier's store): never a bare movement.
    auth::RequireService(who, "sales", auth::scope::kSaleMovements, "moving stock for a sale or a return");
  } else if (reason == "order_return") {
    auth::RequireService(who, "order", auth::scope::kOrderReturns, "putting a cancelled order's stock back");
    if (location_id != kCentreLocationId) {
      throw ApiError(ErrorKind::kUnprocessable, "inventory.not_the_centre",
                     "online orders' stock comes back to the logistics centre (location " +
                         std::to_string(kCentreLocationId) + ")");
    }
  } else {
    auth::RequireRole(who, kStockKeepers, "adjusting stock");
  }
}

void AuthorizeReservation(const auth::Principal& who, std::int64_t location_id) {
  if (location_id == kCentreLocationId) {
    auth::RequireService(who, "order", auth::scope::kCentreReservations, "reserving stock at the logistics centre");
    return;
  }
  auth::RequireStaffAt(who, location_id, "reserve stock at this location");
}

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

awaitable<http::Response> Handlers::ListLocations(http::Request& request) {
  Page page = ParsePage(request.QueryParams());
  ListPage<Location> list = co_await repository_.ListLocations(page);
  boost::json::array data;
  for (const Location& l : list.items) data.push_back(ToJson(l));
  co_return http::Response::Json(200, ListJson(data, page, list.total));
}

awaitable<http::Response> Handlers::GetLocation(http::Request& request) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw LocationNotFound(text);
  auto location = co_await repository_.FindLocation(*id);
  if (!location) throw LocationNotFound(text);
  co_return JsonResponse(200, ToJson(*location));
}

awaitable<http::Response> Handlers::ListStock(http::Request& request) {
  // Staff see the rows, and so does sales with its service token (it decides what a sale is short of, also
  // for an offline sale replayed later, ADR 0090); shoppers and anonymous callers (the shop, the cart's stock
  // cap) see availability only.
  std::optional<auth::Principal> who = verifier_.Optional(request);
  bool staff = who && (who->IsStaff() || (who->IsService() && who->HasScope(auth::scope::kSaleMovements)));
  StockQuery query = ParseStockQuery(request.QueryParams());
  if (!staff && query.low_stock) {
    throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "low_stock compares with reorder points: staff only");
  }
  ListPage<StockLevel> list = co_await repository_.ListStock(query);
  boost::json::array data;
  for (const StockLevel& s : list.items) {
    data.push_back(staff ? ToJson(s) : ToPublicJson(s, settings_.public_stock));
  }
  co_return http::Response::Json(200, ListJson(data, query.page, list.total));
}

awaitable<http::Response> Handlers::ListAlerts(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kStaff, "read stock alerts");
  StockQuery query = ParseStockQuery(request.QueryParams());
  query.low_stock = true;
  ListPage<StockLevel> list = co_await repository_.ListStock(query);
  boost::json::array data;
  for (const StockLevel& s : list.items) data.push_back(ToJson(s));
  co_return http::Response::Json(200, ListJson(data, query.page, list.total));
}

awaitable<http::Response> Handlers::SetReorderPoint(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kManager, Role::kAdmin}, "set a reorder point");
  ReorderBody body = ParseReorderBody(json::ParseBody(request.body));
  StockLevel level =
      co_await repository_.SetReorderPoint(body.location_id, body.product_id, body.reorder_point, request.request_id);
  co_return JsonResponse(200, ToJson(level));
}

awaitable<http::Response> Handlers::PostMovements(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::string key = service::RequireIdempotencyKey(request);
  MovementRequest movement = ParseMovementBody(json::ParseBody(request.body));
  AuthorizeMovement(who, ReasonName(movement.reason), movement.location_id);
  MovementGroup group = co_await metrics_.Refusals(
      movement.location_id, "movement",
      repository_.ApplyMovements(key, service::Fingerprint(request.body), movement, ActorOf(who), request.request_id));
  co_return JsonResponse(201, ToJson(group));
}

awaitable<http::Response> Handlers::ReverseMovements(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::string key(request.PathParam("key"));
  bool valid = !key.empty() && key.size() <= 255;
  for (char c : key) valid = valid && c > 0x20 && c < 0x7f;
  if (!valid) {
    throw ApiError::Validation("request.invalid_idempotency_key", "the key must have 1 to 255 visible ASCII characters",
                               {{"key", "must have 1 to 255 visible ASCII characters"}});
  }
  auto authorize = [&who](const std::optional<GroupHead>& head) { AuthorizeReverse(who, head); };
  MovementGroup group = co_await repository_.ReverseMovements(key, ActorOf(who), request.request_id, authorize);
  co_return JsonResponse(200, ToJson(group));
}

awaitable<http::Response> Handlers::ListMovements(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  MovementQuery query = ParseMovementQuery(request.QueryParams());
  query.location_id = ScopeToCaller(who, query.location_id, "read the stock ledger");
  ListPage<Movement> list = co_await repository_.ListMovements(query);
  boost::json::array data;
  for (const Movement& m : list.items) data.push_back(ToJson(m));
  co_return http::Response::Json(200, ListJson(data, query.page, list.total));
}

awaitable<http::Response> Handlers::ListAdjustments(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kStockKeepers, "reading the adjustments report");
  AdjustmentQuery query = ParseAdjustmentQuery(request.QueryParams(), co_await repository_.Today(settings_.time_zone));
  AdjustmentSummary summary = Summarize(co_await repository_.Adjustments(query, settings_.time_zone));
  co_return JsonResponse(200, ToJson(summary, query, settings_.time_zone));
}

awaitable<http::Response> Handlers::CreateReservation(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::string key = service::RequireIdempotencyKey(request);
  ReservationBody body = ParseReservationBody(json::ParseBody(request.body));
  AuthorizeReservation(who, body.location_id);
  Reservation reservation = co_await metrics_.Refusals(
      body.location_id, "reservation",
      repository_.Reserve(key, service::Fingerprint(request.body), body.location_id, body.reference, body.lines,
                          ActorOf(who), settings_.reservation_ttl, request.request_id));
  http::Response response = JsonResponse(201, ToJson(reservation));
  response.headers.Set("Location", "/api/v1/inventory/reservations/" + reservation.id);
  co_return response;
}

awaitable<http::Response> Handlers::GetReservation(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::string id = ReservationId(request);
  auto reservation = co_await repository_.FindReservation(id);
  if (!reservation) throw ReservationNotFound(id);
  AuthorizeOnReservation(who, *reservation, false);
  co_return JsonResponse(200, ToJson(*reservation));
}

awaitable<http::Response> Handlers::CommitReservation(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::string id = ReservationId(request);
  auto reservation = co_await repository_.CommitReservation(
      id, ActorOf(who), request.request_id, [&who](const Reservation& r) { AuthorizeOnReservation(who, r, true); });
  if (!reservation) throw ReservationNotFound(id);
  co_return JsonResponse(200, ToJson(*reservation));
}

awaitable<http::Response> Handlers::ReleaseReservation(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::string id = ReservationId(request);
  auto reservation = co_await repository_.ReleaseReservation(
      id, request.request_id, [&who](const Reservation& r) { AuthorizeOnReservation(who, r, true); });
  if (!reservation) throw ReservationNotFound(id);
  co_return JsonResponse(200, ToJson(*reservation));
}

awaitable<http::Response> Handlers::CreateRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "request a restock");
  RestockBody body = ParseRestockBody(json::ParseBody(request.body));
  auth::RequireStaffAt(who, body.location_id, "request a restock for this store");
  auto location = co_await repository_.FindLocation(body.location_id);
  if (!location) {
    throw ApiError(ErrorKind::kUnprocessable, "inventory.unknown_location",
                   "no location has id " + std::to_string(body.location_id));
  }
  if (location->type != "store") {
    throw ApiError(
        ErrorKind::kUnprocessable, "inventory.not_a_store",
        "restock requests are for stores; location " + std::to_string(body.location_id) + " is " + location->type);
  }
  RestockRequest created =
      co_await repository_.CreateRestock(body.location_id, body.lines, body.note, ActorOf(who), request.request_id);
  http::Response response = JsonResponse(201, ToJson(created));
  response.headers.Set("Location", "/api/v1/restock-requests/" + std::to_string(created.id));
  co_return response;
}

awaitable<http::Response> Handlers::ListRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RestockQuery query = ParseRestockQuery(request.QueryParams());
  query.location_id = ScopeToCaller(who, query.location_id, "read restock requests");
  ListPage<RestockRequest> list = co_await repository_.ListRestock(query);
  boost::json::array data;
  for (const RestockRequest& r : list.items) data.push_back(ToJson(r));
  co_return http::Response::Json(200, ListJson(data, query.page, list.total));
}

awaitable<http::Response> Handlers::GetRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::int64_t id = RestockId(request);
  auth::RequireRole(who, kStaff, "read restock requests");
  auto found = co_await repository_.FindRestock(id);
  if (!found) throw RestockNotFound(std::to_string(id));
  auth::RequireStaffAt(who, found->location_id, "read this store's restock requests");
  co_return JsonResponse(200, ToJson(*found));
}

awaitable<http::Response> Handlers::ApproveRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kAdmin}, "approve a restock request");
  std::int64_t id = RestockId(request);
  std::vector<Line> lines = ParseApprovalBody(json::ParseBody(request.body));
  RestockRequest r = co_await repository_.ApproveRestock(id, lines, ActorOf(who), request.request_id);
  co_return JsonResponse(200, ToJson(r));
}

awaitable<http::Response> Handlers::RejectRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kAdmin}, "reject a restock request");
  std::int64_t id = RestockId(request);
  std::string reason = ParseRejectBody(json::ParseBody(request.body));
  RestockRequest r = co_await repository_.RejectRestock(id, reason, ActorOf(who), request.request_id);
  co_return JsonResponse(200, ToJson(r));
}

awaitable<http::Response> Handlers::ShipRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kAdmin}, "ship a restock request");
  std::int64_t id = RestockId(request);
  RestockRequest r = co_await repository_.ShipRestock(id, ActorOf(who), request.request_id);
  co_return JsonResponse(200, ToJson(r));
}

awaitable<http::Response> Handlers::ReceiveRestock(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "receive a restock delivery");
  std::int64_t id = RestockId(request);
  auto found = co_await repository_.FindRestock(id);
  if (!found) throw RestockNotFound(std::to_string(id));
  auth::RequireStaffAt(who, found->location_id, "receive a delivery for this store");
  RestockRequest r = co_await repository_.ReceiveRestock(id, ActorOf(who), request.request_id);
  co_return JsonResponse(200, ToJson(r));
}

}  // namespace comptoir::inventory
