#include "api/handlers.hpp"

#include <array>
#include <map>

#include <boost/json.hpp>

#include "api/json.hpp"
#include "comptoir/auth/service_policy.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/json.hpp"

namespace comptoir::cart {
namespace {

using boost::asio::awaitable;
using http::Method;

constexpr std::array kRoutes{
    RouteEntry{Method::kGet, "/api/v1/cart", &Handlers::GetCurrentCart},
    RouteEntry{Method::kPost, "/api/v1/carts", &Handlers::CreateCart},
    RouteEntry{Method::kGet, "/api/v1/carts/{id}", &Handlers::GetCart},
    RouteEntry{Method::kDelete, "/api/v1/carts/{id}", &Handlers::ClearCart},
    RouteEntry{Method::kPost, "/api/v1/carts/{id}/items", &Handlers::AddItem},
    RouteEntry{Method::kPut, "/api/v1/carts/{id}/items/{product_id}", &Handlers::SetItem},
    RouteEntry{Method::kDelete, "/api/v1/carts/{id}/items/{product_id}", &Handlers::RemoveItem},
    RouteEntry{Method::kPost, "/api/v1/carts/{id}/merge", &Handlers::MergeCart},
};

// A merge reads the guest cart's products to learn their caps, then merges in one script; a line added to
// the guest cart in between makes the script refuse, and the merge starts again.
constexpr int kMergeAttempts = 3;

ApiError CartNotFound(std::string_view id) {
  return ApiError::NotFound("cart.not_found", "no cart has id " + std::string(id) + " (it may have expired)");
}

ApiError Forbidden(std::string detail) {
  return ApiError(ErrorKind::kForbidden, "cart.forbidden", std::move(detail));
}

ApiError UnknownProduct(std::int64_t product_id) {
  return ApiError(ErrorKind::kUnprocessable, "cart.unknown_product",
                  "product " + std::to_string(product_id) + " does not exist or is no longer sold");
}

ApiError InsufficientStock(std::int64_t product_id, std::int64_t available, std::int64_t in_cart) {
  return ApiError::Conflict("cart.insufficient_stock", "only " + std::to_string(available) + " of product " +
                                                           std::to_string(product_id) +
                                                           " available online; the cart holds " +
                                                           std::to_string(in_cart) + "; the cart is unchanged");
}

std::int64_t PathProductId(const http::Request& request) {
  auto text = request.PathParam("product_id");
  auto id = ParseProductId(text);
  if (!id) throw ApiError::NotFound("cart.item_not_found", "no product has id " + std::string(text));
  return *id;
}

}  // namespace

std::span<const RouteEntry> Routes() {
  return kRoutes;
}

namespace {

// Every answer, errors included, names the instance that served it (X-Instance-Id), so that a client (and
// the tests) can see the balancing; libs/http would otherwise write the problem+json without it.
awaitable<http::Response> Serve(Handlers& handlers, Handler member, http::Request& request) {
  std::optional<ApiError> failure;
  http::Response response;
  try {
    response = co_await (handlers.*member)(request);
  } catch (const ApiError& e) {
    failure = e;
  }
  if (failure) {
    response =
        http::Response::Text(failure->status(), ProblemJson(*failure, request.request_id), "application/problem+json");
  }
  response.headers.Set("X-Instance-Id", handlers.instance_id());
  co_return response;
}

}  // namespace

void AddRoutes(http::Router& router, Handlers& handlers) {
  for (const RouteEntry& route : kRoutes) {
    auto member = route.handler;
    // A plain lambda returning the coroutine's awaitable; it is not a coroutine itself.
    router.Add(route.method, std::string(route.pattern),
               [&handlers, member](http::Request& request) { return Serve(handlers, member, request); });
  }
}

CartIdentity Handlers::Authorize(http::Request& request, Access access) const {
  auto id = request.PathParam("id");
  auto cart = ParseCartId(id);
  if (!cart) throw CartNotFound(id);
  if (cart->IsGuest()) return *cart;  // whoever knows a guest cart's random id may use it
  auth::Principal who = verifier_.Authenticate(request);
  if (who.role == auth::Role::kCustomer && who.subject == *cart->customer_id) return *cart;
  // A manager or an admin may look (support), never change; cashiers and logistics have no business in a
  // shopper's cart (ADR 0051).
  if (auth::SeesEverything(who) && access == Access::kRead) return *cart;
  // A checkout that completes after a crash empties the cart without the shopper's token (ADR 0008).
  if (access == Access::kEmpty && auth::IsServiceClient(who, "order")) {
    auth::RequireService(who, "order", auth::scope::kEmptyCarts, "emptying a shopper's cart");
    return *cart;
  }
  throw Forbidden("cart " + cart->id + " belongs to another shopper");
}

awaitable<void> Handlers::RequireProduct(const http::Request& request, std::int64_t product_id) {
  auto product = co_await catalogue_.Find(request, product_id);
  if (!product || !product->active) throw UnknownProduct(product_id);
}

awaitable<http::Response> Handlers::Answer(const http::Request& request, const CartIdentity& cart, int status) {
  auto stored = co_await store_.Load(cart);
  if (!stored) throw CartNotFound(cart.id);
  std::vector<Line> lines;
  std::vector<std::int64_t> gone;
  for (const auto& [product_id, quantity] : stored->items) {
    auto product = co_await catalogue_.Find(request, product_id);
    if (!product || !product->active) {
      gone.push_back(product_id);
      continue;
    }
    Line line;
    line.product_id = product_id;
    line.sku = product->sku;
    line.name = product->name;
    line.unit_price_cents = product->price_cents;
    line.quantity = quantity;
    line.category_id = product->category_id;
    line.tax_class = product->tax_class;
    lines.push_back(std::move(line));
  }
  // An empty cart needs nothing of product (nor does it show promotions).
  std::vector<pricing::Promotion> promotions;
  if (!lines.empty()) promotions = co_await catalogue_.OnlinePromotions(request);
  // A product archived (or deleted) since it was added can no longer be bought: its line goes.
  for (std::int64_t product_id : gone) co_await store_.Set(cart, product_id, 0, 0);
  co_return http::Response::Json(status, boost::json::serialize(CartJson(*stored, lines, promotions, instance_id_)));
}

awaitable<http::Response> Handlers::GetCurrentCart(http::Request& request) {
  auto session_id = request.Query("session_id");
  CartIdentity cart;
  if (session_id) {
    if (!IsSessionId(*session_id)) {
      throw ApiError::Validation(
          "cart.invalid_query", "session_id must be 1 to 128 letters, digits, '_' or '-' (a UUID is best)",
          {FieldError{"session_id",
                      "must be 1 to 128 characters of A-Z, a-z, 0-9, '_', '-', not starting with customer-"}});
    }
    cart = *ParseCartId(*session_id);
  } else {
    auto who = verifier_.Optional(request);
    if (!who) {
      throw ApiError::Validation("cart.invalid_query", "give a session_id, or sign in to get your own cart",
                                 {FieldError{"session_id", "is required without a bearer token"}});
    }
    if (who->role != auth::Role::kCustomer) throw Forbidden("staff accounts have no cart; use a session_id");
    cart = CartIdentity{CustomerCartId(who->subject), who->subject};
  }
  co_await store_.Touch(cart);  // get-or-create
  co_return co_await Answer(request, cart, 200);
}

awaitable<http::Response> Handlers::CreateCart(http::Request& request) {
  CartIdentity cart{http::NewUuid(), std::nullopt};
  co_await store_.Touch(cart);
  http::Response response = co_await Answer(request, cart, 201);
  response.headers.Set("Location", "/api/v1/carts/" + cart.id);
  co_return response;
}

awaitable<http::Response> Handlers::GetCart(http::Request& request) {
  CartIdentity cart = Authorize(request, Access::kRead);
  // A shopper's cart always exists for its owner (created on first use).
  if (!cart.IsGuest() && !verifier_.Authenticate(request).IsStaff()) co_await store_.Touch(cart);
  co_return co_await Answer(request, cart, 200);
}

awaitable<http::Response> Handlers::ClearCart(http::Request& request) {
  CartIdentity cart = Authorize(request, Access::kEmpty);
  co_await store_.Clear(cart);  // clearing a cart that no longer exists is a success (idempotent)
  co_return http::Response::Empty(204);
}

awaitable<http::Response> Handlers::AddItem(http::Request& request) {
  cart::AddItem item = ParseAddItemBody(json::ParseBody(request.body));
  CartIdentity cart = Authorize(request, Access::kWrite);
  co_await RequireProduct(request, item.product_id);
  std::int64_t available = co_await stock_.Available(request, item.product_id);
  ChangeResult result = co_await store_.Add(cart, item.product_id, item.quantity, available);
  if (result.outcome == ChangeOutcome::kCartNotFound) throw CartNotFound(cart.id);
  if (result.outcome == ChangeOutcome::kOverCap) throw InsufficientStock(item.product_id, available, result.quantity);
  co_return co_await Answer(request, cart, 200);
}

awaitable<http::Response> Handlers::SetItem(http::Request& request) {
  std::int64_t product_id = PathProductId(request);
  std::int64_t quantity = ParseQuantityBody(json::ParseBody(request.body), product_id);
  CartIdentity cart = Authorize(request, Access::kWrite);
  std::int64_t available = 0;
  if (quantity > 0) {
    co_await RequireProduct(request, product_id);
    available = co_await stock_.Available(request, product_id);
  }
  ChangeResult result = co_await store_.Set(cart, product_id, quantity, available);
  if (result.outcome == ChangeOutcome::kCartNotFound) throw CartNotFound(cart.id);
  if (result.outcome == ChangeOutcome::kOverCap) throw InsufficientStock(product_id, available, result.quantity);
  co_return co_await Answer(request, cart, 200);
}

awaitable<http::Response> Handlers::RemoveItem(http::Request& request) {
  std::int64_t product_id = PathProductId(request);
  CartIdentity cart = Authorize(request, Access::kWrite);
  ChangeResult result = co_await store_.Set(cart, product_id, 0, 0);
  if (result.outcome == ChangeOutcome::kCartNotFound) throw CartNotFound(cart.id);
  co_return co_await Answer(request, cart, 200);
}

awaitable<http::Response> Handlers::MergeCart(http::Request& request) {
  auth::Principal who = verifier_.Authenticate(request);
  if (who.role != auth::Role::kCustomer) throw Forbidden("only a signed-in shopper can take over a guest cart");
  auto id = request.PathParam("id");
  auto guest = ParseCartId(id);
  if (!guest) throw CartNotFound(id);
  if (!guest->IsGuest()) {
    throw ApiError::Conflict("cart.not_a_guest_cart", "cart " + guest->id + " is a shopper's cart, not a guest cart");
  }
  CartIdentity own{CustomerCartId(who.subject), who.subject};
  for (int attempt = 0; attempt < kMergeAttempts; ++attempt) {
    std::vector<std::int64_t> product_ids = co_await store_.ProductIds(*guest);
    std::map<std::int64_t, std::int64_t> caps;
    for (std::int64_t product_id : product_ids) {
      auto product = co_await catalogue_.Find(request, product_id);
      // A product no longer sold is left behind (cap 0); the rest is capped by the stock online.
      std::int64_t cap = 0;
      if (product && product->active) cap = co_await stock_.Available(request, product_id);
      caps[product_id] = cap;
    }
    MergeOutcome outcome = co_await store_.Merge(*guest, own, caps);
    if (outcome == MergeOutcome::kGuestNotFound) throw CartNotFound(guest->id);
    if (outcome == MergeOutcome::kMerged) co_return co_await Answer(request, own, 200);
  }
  throw ApiError(ErrorKind::kConflict, "cart.busy", "the guest cart kept changing during the merge; try again");
}

}  // namespace comptoir::cart
