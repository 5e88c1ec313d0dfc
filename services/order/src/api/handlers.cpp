#include "api/handlers.hpp"

#include "comptoir/receipt/render.hpp"

#include <array>
#include <cctype>

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/json.hpp"

namespace comptoir::order {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using auth::Role;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kPost, "/api/v1/checkout", &Handlers::Checkout},
    RouteEntry{Method::kGet, "/api/v1/orders", &Handlers::ListOrders},
    RouteEntry{Method::kGet, "/api/v1/orders/{id}", &Handlers::GetOrder},
    RouteEntry{Method::kPost, "/api/v1/orders/{id}/cancel", &Handlers::CancelOrder},
    RouteEntry{Method::kPost, "/api/v1/orders/{id}/status", &Handlers::ChangeStatus},
    RouteEntry{Method::kGet, "/api/v1/orders/{id}/receipt", &Handlers::GetReceipt},
};

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  int month = std::stoi(std::string(text.substr(5, 2)));
  int day = std::stoi(std::string(text.substr(8, 2)));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

ApiError OrderNotFound(std::string_view id) {
  return ApiError::NotFound("order.not_found", "no order has id " + std::string(id));
}

ApiError StockNotCommitted(const Order& order) {
  return ApiError::Conflict("order.stock_not_committed",
                            "order " + order.number + " cannot be prepared or shipped yet: its stock is " +
                                order.stock +
                                " at the centre, not committed (the recovery pass commits it; try again shortly)");
}

std::string ActorOf(const auth::Principal& who) {
  return std::string(auth::RoleName(who.role)) + ":" + who.subject;
}

}  // namespace

OrderQuery ParseOrderQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  OrderQuery q;
  std::vector<FieldError> errors;
  auto integer = [&errors](const std::string& name, const std::string& text, std::int64_t min, std::int64_t max) {
    try {
      std::size_t used = 0;
      long long v = std::stoll(text, &used);
      if (used == text.size() && v >= min && v <= max) return static_cast<std::int64_t>(v);
    } catch (const std::exception&) {
    }
    errors.push_back({name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
    return min;
  };
  for (const auto& [name, value] : params) {
    if (name == "status") {
      q.status = ParseStatus(value);
      if (!q.status) errors.push_back({name, "must be paid, preparing, shipped, delivered or cancelled"});
    } else if (name == "customer_id") {
      if (value.empty() || value.size() > 64) errors.push_back({name, "must have 1 to 64 characters"});
      q.customer_id = value;
    } else if (name == "from" || name == "to") {
      if (!IsDate(value)) errors.push_back({name, "must be a date YYYY-MM-DD"});
      (name == "from" ? q.from : q.to) = value;
    } else if (name == "page") {
      q.page = integer(name, value, 1, 1'000'000);
    } else if (name == "per_page") {
      q.per_page = integer(name, value, 1, 100);
    } else {
      errors.push_back({name, "is not a known filter"});
    }
  }
  if (!errors.empty()) throw ApiError::Validation("request.validation_failed", "invalid query", std::move(errors));
  return q;
}

bool MayReadOrders(const auth::Principal& who) {
  return who.role == Role::kCustomer || who.role == Role::kLogistics || auth::SeesEverything(who);
}

bool MayRead(const auth::Principal& who, const Order& order) {
  if (who.role == Role::kCustomer) return who.subject == order.customer_id;
  return MayReadOrders(who);
}

OrderView ViewFor(const auth::Principal& who, const Order& order, bool single) {
  if (who.role != Role::kLogistics) return OrderView{};  // the shopper (own order), a manager, an admin
  bool to_ship = order.status == Status::kPaid || order.status == Status::kPreparing;
  return OrderView{.customer = false, .payment = false, .address = single && to_ship};
}

bool MayCancel(const auth::Principal& who, const Order& order) {
  if (who.role == Role::kCustomer) return who.subject == order.customer_id;
  return who.role == Role::kLogistics || who.role == Role::kManager || who.role == Role::kAdmin;
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

awaitable<http::Response> Handlers::Checkout(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  co_return co_await saga_.Checkout(request, who);
}

awaitable<http::Response> Handlers::ListOrders(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  if (!MayReadOrders(who))
    throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "cashiers do not read online orders");
  OrderQuery query = ParseOrderQuery(request.QueryParams());
  if (who.role == Role::kCustomer) query.customer_id = who.subject;  // a shopper sees their own orders only
  if (who.role == Role::kLogistics && query.customer_id) {
    throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "logistics does not look orders up by customer");
  }
  OrderList list = co_await repository_.ListOrders(query);
  boost::json::array data;
  for (const Order& o : list.items) data.push_back(boost::json::parse(OrderJson(o, ViewFor(who, o, false))));
  boost::json::object body{
      {"data", std::move(data)},
      {"meta", boost::json::object{{"page", query.page}, {"per_page", query.per_page}, {"total", list.total}}}};
  co_return http::Response::Json(200, boost::json::serialize(body));
}

awaitable<Order> Handlers::Visible(const http::Request& request, const auth::Principal& who) {
  if (!MayReadOrders(who))
    throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "cashiers do not read online orders");
  std::string id(request.PathParam("id"));
  if (!IsUuid(id)) throw OrderNotFound(id);
  auto order = co_await repository_.FindOrder(id);
  if (!order || !MayRead(who, *order)) throw OrderNotFound(id);
  co_return std::move(*order);
}

awaitable<http::Response> Handlers::GetOrder(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  Order order = co_await Visible(request, who);
  co_return http::Response::Json(200, OrderJson(order, ViewFor(who, order, true)));
}

awaitable<http::Response> Handlers::GetReceipt(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  receipt::Format format = receipt::Format::kText40;
  bool copy = false;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : request.QueryParams()) {
    if (key == "format" && receipt::ParseFormat(value)) {
      format = *receipt::ParseFormat(value);
    } else if (key == "reprint" && (value == "true" || value == "false")) {
      copy = value == "true";
    } else {
      errors.push_back({key, key == "format" ? "must be text40, text48, html or escpos"
                                             : key == "reprint" ? "must be true or false" : "unknown parameter"});
    }
  }
  if (!errors.empty()) throw ApiError::Validation("order.invalid_query", "invalid query parameters", std::move(errors));
  Order order = co_await Visible(request, who);
  boost::json::object record = boost::json::parse(OrderJson(order, ViewFor(who, order, true))).as_object();
  // Online: the shop is the store; the tender is the card charged.
  receipt::Document doc = receipt::FromJson(record, issuer_, {"Boutique en ligne", "", ""});
  doc.online = true;
  doc.copy = copy;
  doc.tenders = {{"Carte de crédit", order.totals.total_cents,
                  order.card_last4.empty() ? std::string() : "**** **** **** " + order.card_last4}};
  http::Response response =
      http::Response::Text(200, receipt::Render(doc, format), receipt::ContentType(format));
  response.headers.Set("Cache-Control", "no-store");
  response.headers.Set("X-Receipt-Number", doc.receipt_number);
  co_return response;
}

awaitable<http::Response> Handlers::CancelOrder(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  Order order = co_await Visible(request, who);
  if (!MayCancel(who, order)) {
    throw ApiError(ErrorKind::kForbidden, "auth.forbidden", "only the shopper, logistics or a manager may cancel");
  }
  Order cancelled = co_await saga_.Cancel(order, request, ActorOf(who));
  co_return http::Response::Json(200, OrderJson(cancelled, ViewFor(who, cancelled, true)));
}

awaitable<http::Response> Handlers::ChangeStatus(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  auth::RequireRole(who, {Role::kLogistics, Role::kManager, Role::kAdmin}, "change the status of an order");
  boost::json::value body = json::ParseBody(request.body);
  json::ObjectReader reader(body);
  auto text = reader.String("status", true, 1, 20);
  std::optional<Status> to;
  if (text) {
    to = ParseStatus(*text);
    if (!to) reader.Fail("status", "must be preparing, shipped or delivered");
  }
  reader.RejectUnknown({"status"});
  reader.ThrowIfErrors();
  Order order = co_await Visible(request, who);
  if (*to == Status::kCancelled) {
    throw ApiError::Conflict("order.illegal_transition", "cancel an order with POST /api/v1/orders/{id}/cancel");
  }
  if (!CanChangeStatus(order.status, *to)) {
    throw ApiError::Conflict(
        "order.illegal_transition",
        "an order cannot go from " + std::string(StatusName(order.status)) + " to " + std::string(StatusName(*to)));
  }
  if (NeedsCommittedStock(*to) && order.stock != "committed") {
    throw StockNotCommitted(order);
  }
  bool changed = co_await repository_.ChangeStatus(order, *to, ActorOf(who), "", request.request_id);
  if (!changed) {
    auto now = co_await repository_.FindOrder(order.id);
    if (now && now->status == order.status && NeedsCommittedStock(*to) && now->stock != "committed") {
      throw StockNotCommitted(*now);
    }
    throw ApiError::Conflict("order.illegal_transition", "the order changed meanwhile; read it again");
  }
  auto updated = co_await repository_.FindOrder(order.id);
  co_return http::Response::Json(200, OrderJson(*updated, ViewFor(who, *updated, true)));
}

}  // namespace comptoir::order
