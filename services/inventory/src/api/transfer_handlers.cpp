// Handlers of store-to-store transfers (ADR 0171) and cycle counts (ADR 0172).
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/service/idempotency.hpp"

namespace comptoir::inventory {
namespace {

using auth::Role;
using boost::asio::awaitable;

http::Response JsonResponse(int status, const boost::json::object& body) {
  return http::Response::Json(status, boost::json::serialize(body));
}

Actor ActorOf(const auth::Principal& who) {
  return Actor{who.subject, std::string(auth::RoleName(who.role)), who.on_behalf_of};
}

std::int64_t IdOf(const http::Request& request, std::string_view code, std::string_view what) {
  auto text = request.PathParam("id");
  auto id = ParseId(text);
  if (!id) throw ApiError::NotFound(std::string(code), "no " + std::string(what) + " has id " + std::string(text));
  return *id;
}
std::int64_t TransferId(const http::Request& request) {
  return IdOf(request, "inventory.transfer_not_found", "transfer");
}
std::int64_t CountId(const http::Request& request) {
  return IdOf(request, "inventory.count_not_found", "count sheet");
}

// Staff who may see a transfer: a cashier of either store; logistics, managers and admins.
void RequireTransferReader(const auth::Principal& who, const Transfer& t) {
  auth::RequireRole(who, {Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin}, "read transfers");
  if (who.role == Role::kCashier && who.location_id != t.from_location_id && who.location_id != t.to_location_id) {
    auth::RequireStaffAt(who, t.to_location_id, "read this transfer");
  }
}

// Counts are stock keepers' work, like the adjustments they become (ADR 0009): logistics, managers, admins.
constexpr std::initializer_list<Role> kCounters = {Role::kLogistics, Role::kManager, Role::kAdmin};

}  // namespace

awaitable<http::Response> Handlers::CreateTransfer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  // The store that needs the goods asks, as for a restock: its cashier, a manager, an admin.
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "request a transfer");
  TransferRequest body = ParseTransferBody(json::ParseBody(request.body));
  auth::RequireStaffAt(who, body.to_location_id, "request a transfer to this store");
  for (std::int64_t id : {body.from_location_id, body.to_location_id}) {
    auto location = co_await repository_.FindLocation(id);
    if (!location) {
      throw ApiError(ErrorKind::kUnprocessable, "inventory.unknown_location",
                     "no location has id " + std::to_string(id));
    }
    if (location->type != "store") {
      throw ApiError(ErrorKind::kUnprocessable, "inventory.not_a_store",
                     "transfers are between stores; location " + std::to_string(id) + " is " + location->type +
                         " (the logistics centre sends restocks)");
    }
  }
  std::string key(request.headers.Get("Idempotency-Key").value_or(""));
  if (!key.empty()) key = service::RequireIdempotencyKey(request);  // validates its form
  Transfer created = co_await repository_.CreateTransfer(body, key, service::Fingerprint(request.body), ActorOf(who),
                                                         request.request_id);
  http::Response response = JsonResponse(201, ToJson(created));
  response.headers.Set("Location", "/api/v1/inventory/transfers/" + std::to_string(created.id));
  co_return response;
}

awaitable<http::Response> Handlers::ListTransfers(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin}, "read transfers");
  TransferQuery query = ParseTransferQuery(request.QueryParams());
  if (who.role == Role::kCashier) {  // their store only (either end); another store is 403
    if (query.location_id && query.location_id != who.location_id) {
      auth::RequireStaffAt(who, *query.location_id, "read transfers");
    }
    query.location_id = who.location_id.value_or(-1);
  }
  ListPage<Transfer> list = co_await repository_.ListTransfers(query);
  boost::json::array data;
  for (const Transfer& t : list.items) data.push_back(ToJson(t));
  co_return http::Response::Json(200, ListJson(data, query.page, list.total));
}

awaitable<http::Response> Handlers::GetTransfer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  std::int64_t id = TransferId(request);
  auto found = co_await repository_.FindTransfer(id);
  if (!found) throw ApiError::NotFound("inventory.transfer_not_found", "no transfer has id " + std::to_string(id));
  RequireTransferReader(who, *found);
  co_return JsonResponse(200, ToJson(*found));
}

awaitable<http::Response> Handlers::ApproveTransfer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kAdmin}, "approve a transfer");  // as a restock (ADR 0171)
  std::int64_t id = TransferId(request);
  std::vector<Line> lines = ParseApprovalBody(json::ParseBody(request.body));
  Transfer t =
      co_await repository_.ApproveTransfer(id, lines, ActorOf(who), request.request_id, [](const Transfer&) {});
  co_return JsonResponse(200, ToJson(t));
}

awaitable<http::Response> Handlers::RejectTransfer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kAdmin}, "reject a transfer");
  std::int64_t id = TransferId(request);
  std::string reason = ParseRejectBody(json::ParseBody(request.body));
  Transfer t =
      co_await repository_.RejectTransfer(id, reason, ActorOf(who), request.request_id, [](const Transfer&) {});
  co_return JsonResponse(200, ToJson(t));
}

awaitable<http::Response> Handlers::ShipTransfer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  // Whoever ships from the source: as logistics ships a restock from the centre, the source store's staff (its
  // cashier), logistics, a manager, an admin.
  auth::RequireRole(who, {Role::kCashier, Role::kLogistics, Role::kManager, Role::kAdmin}, "ship a transfer");
  std::int64_t id = TransferId(request);
  Transfer t = co_await repository_.MoveTransfer(id, true, ActorOf(who), request.request_id, [&who](const Transfer& x) {
    auth::RequireStaffAt(who, x.from_location_id, "ship a transfer from this store");
  });
  co_return JsonResponse(200, ToJson(t));
}

awaitable<http::Response> Handlers::ReceiveTransfer(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  // As a restock delivery: the destination store's cashier, a manager, an admin.
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, "receive a transfer");
  std::int64_t id = TransferId(request);
  Transfer t = co_await repository_.MoveTransfer(
      id, false, ActorOf(who), request.request_id,
      [&who](const Transfer& x) { auth::RequireStaffAt(who, x.to_location_id, "receive a transfer for this store"); });
  co_return JsonResponse(200, ToJson(t));
}

awaitable<http::Response> Handlers::OpenCount(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "open a count sheet");
  CountOpenBody body = ParseCountOpenBody(json::ParseBody(request.body));
  CountSheet sheet = co_await repository_.OpenCount(body.location_id, body.products, body.note, ActorOf(who));
  http::Response response = JsonResponse(201, ToJson(sheet));
  response.headers.Set("Location", "/api/v1/inventory/counts/" + std::to_string(sheet.id));
  co_return response;
}

awaitable<http::Response> Handlers::ListCounts(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "read count sheets");
  CountQuery query = ParseCountQuery(request.QueryParams());
  ListPage<CountSheet> list = co_await repository_.ListCounts(query);
  boost::json::array data;
  for (const CountSheet& s : list.items) data.push_back(ToJson(s));
  co_return http::Response::Json(200, ListJson(data, query.page, list.total));
}

awaitable<http::Response> Handlers::GetCount(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "read count sheets");
  std::int64_t id = CountId(request);
  auto sheet = co_await repository_.FindCount(id);
  if (!sheet) throw ApiError::NotFound("inventory.count_not_found", "no count sheet has id " + std::to_string(id));
  co_return JsonResponse(200, ToJson(*sheet));
}

awaitable<http::Response> Handlers::RecordCounts(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "count stock");
  std::int64_t id = CountId(request);
  std::vector<Line> lines = ParseCountLinesBody(json::ParseBody(request.body));
  CountSheet sheet = co_await repository_.RecordCounts(id, lines, ActorOf(who), [](const CountSheet&) {});
  co_return JsonResponse(200, ToJson(sheet));
}

awaitable<http::Response> Handlers::PostCount(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "post a count sheet");
  std::int64_t id = CountId(request);
  auto current = co_await repository_.FindCount(id);
  if (!current) throw ApiError::NotFound("inventory.count_not_found", "no count sheet has id " + std::to_string(id));
  std::map<std::int64_t, std::int64_t> prices;
  if (current->status == CountStatus::kOpen) {
    std::vector<std::int64_t> counted;
    for (const CountLine& l : current->lines) {
      if (l.counted) counted.push_back(l.product_id);
    }
    prices = co_await catalogue_.Prices(request, counted);  // before the transaction: no lock held while calling
  }
  CountSheet sheet =
      co_await repository_.PostCount(id, prices, ActorOf(who), request.request_id, [](const CountSheet&) {});
  boost::json::object body = ToJson(sheet);
  body["variance"] = ToJson(VarianceOf(sheet), sheet);
  co_return JsonResponse(200, body);
}

awaitable<http::Response> Handlers::CancelCount(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "cancel a count sheet");
  std::int64_t id = CountId(request);
  CountSheet sheet = co_await repository_.CancelCount(id, ActorOf(who), [](const CountSheet&) {});
  co_return JsonResponse(200, ToJson(sheet));
}

awaitable<http::Response> Handlers::GetVariance(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, kCounters, "read a variance report");
  std::int64_t id = CountId(request);
  auto sheet = co_await repository_.FindCount(id);
  if (!sheet) throw ApiError::NotFound("inventory.count_not_found", "no count sheet has id " + std::to_string(id));
  co_return JsonResponse(200, ToJson(VarianceOf(*sheet), *sheet));
}

}  // namespace comptoir::inventory
