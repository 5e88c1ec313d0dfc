// Suspended sales (ADR 0150): POST /suspended-sales puts a till's basket aside, GET lists the store's, POST
// /suspended-sales/{id}/resume hands it to a till of the same store, once.
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/service/idempotency.hpp"

namespace comptoir::sales {
namespace {

using auth::Role;

constexpr std::size_t kMaxBasketBytes = 32 * 1024;

ApiError SuspendedNotFound(std::string_view id) {
  return ApiError::NotFound("sales.suspended_sale_not_found", "no suspended sale has id " + std::string(id));
}

void RequireSellerRole(const auth::Principal& who, std::string_view action) {
  auth::RequireRole(who, {Role::kCashier, Role::kManager, Role::kAdmin}, action);
}

boost::json::object ToJson(const SuspendedSale& s) {
  boost::json::object o;
  o["id"] = s.id;
  o["location_id"] = s.location_id;
  o["register"] = s.register_name ? boost::json::value(*s.register_name) : nullptr;
  o["label"] = s.label ? boost::json::value(*s.label) : nullptr;
  o["basket"] = boost::json::parse(s.basket);
  o["line_count"] = s.line_count;
  o["suspended_by"] = s.suspended_by;
  o["status"] = s.status;
  o["resumed_by"] = s.resumed_by ? boost::json::value(*s.resumed_by) : nullptr;
  o["resumed_register"] = s.resumed_register ? boost::json::value(*s.resumed_register) : nullptr;
  o["created_at"] = s.created_at;
  o["resumed_at"] = s.resumed_at ? boost::json::value(*s.resumed_at) : nullptr;
  return o;
}

}  // namespace

boost::asio::awaitable<http::Response> Handlers::SuspendSale(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  const std::string key = service::RequireIdempotencyKey(request);
  const boost::json::value body = json::ParseBody(request.body);
  json::ObjectReader reader(body);
  reader.RejectUnknown({"location_id", "register", "label", "basket"});
  SuspendedSale sale;
  sale.location_id = reader.Int("location_id", true, 1).value_or(0);
  sale.register_name = reader.String("register", false, 1, kMaxRegisterLength);
  sale.label = reader.String("label", false, 1, 100);
  const auto* basket = body.is_object() ? body.as_object().if_contains("basket") : nullptr;
  if (!basket || !basket->is_object()) {
    reader.Fail("basket", "is required: the till's basket, an object with its lines");
  } else {
    const auto* lines = basket->as_object().if_contains("lines");
    if (!lines || !lines->is_array() || lines->as_array().empty()) {
      reader.Fail("basket.lines", "must be a non-empty array");
    } else if (lines->as_array().size() > kMaxLines) {
      reader.Fail("basket.lines", "must have at most " + std::to_string(kMaxLines) + " items");
    } else {
      for (const auto& line : lines->as_array()) {
        if (!line.is_object()) {
          reader.Fail("basket.lines", "every line is an object");
          break;
        }
      }
      sale.line_count = static_cast<std::int64_t>(lines->as_array().size());
    }
    sale.basket = boost::json::serialize(*basket);
    if (sale.basket.size() > kMaxBasketBytes) reader.Fail("basket", "is larger than 32 KiB");
  }
  reader.ThrowIfErrors();
  RequireSellerRole(who, "suspend sales");
  auth::RequireStaffAt(who, sale.location_id, "suspend sales at this store");
  sale.suspended_by = who.subject;
  SuspendedSale saved = co_await repository_.Suspend(std::move(sale), key);
  log::Info("sale suspended", {{"suspended_sale_id", saved.id}, {"location_id", saved.location_id}});
  co_return http::Response::Json(201, boost::json::serialize(ToJson(saved)));
}

boost::asio::awaitable<http::Response> Handlers::ListSuspendedSales(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  RequireSellerRole(who, "see suspended sales");
  std::optional<std::int64_t> location;
  for (const auto& [name, value] : request.QueryParams()) {
    if (name != "location_id") continue;
    location = ParseId(value);
    if (!location) {
      throw ApiError::Validation("sales.invalid_query", "location_id must be a store id",
                                 {{"location_id", "must be a positive integer"}});
    }
  }
  if (!auth::SeesEverything(who)) {
    if (location && *location != who.location_id) {
      throw ApiError(ErrorKind::kForbidden, "auth.wrong_location", "a cashier sees only their own store");
    }
    location = who.location_id;
  }
  std::vector<SuspendedSale> sales = co_await repository_.ListSuspended(location);
  boost::json::array data;
  for (const SuspendedSale& s : sales) data.push_back(ToJson(s));
  Page page{1, static_cast<std::int64_t>(std::max<std::size_t>(sales.size(), 1))};
  co_return http::Response::Json(200, ListJson(data, page, static_cast<std::int64_t>(sales.size())));
}

boost::asio::awaitable<http::Response> Handlers::ResumeSuspendedSale(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  const auto text = request.PathParam("id");
  const auto id = ParseId(text);
  if (!id) throw SuspendedNotFound(text);
  const boost::json::value body = request.body.empty() ? boost::json::object{} : json::ParseBody(request.body);
  json::ObjectReader reader(body);
  reader.RejectUnknown({"register"});
  auto register_name = reader.String("register", false, 1, kMaxRegisterLength);
  reader.ThrowIfErrors();
  RequireSellerRole(who, "resume suspended sales");
  auto found = co_await repository_.FindSuspended(*id);
  // Another store's basket is unknown to its cashiers (ADR 0030's rule for sales).
  if (!found || (!auth::SeesEverything(who) && who.location_id != found->location_id)) throw SuspendedNotFound(text);
  auth::RequireStaffAt(who, found->location_id, "resume sales at this store");
  auto resumed = co_await repository_.Resume(*id, who.subject, register_name);
  if (!resumed) {
    throw ApiError::Conflict("sales.suspended_sale_resumed",
                             "suspended sale " + std::string(text) + " was resumed already");
  }
  co_return http::Response::Json(200, boost::json::serialize(ToJson(*resumed)));
}

}  // namespace comptoir::sales
