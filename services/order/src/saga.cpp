#include "saga.hpp"

#include "comptoir/money.hpp"
#include "comptoir/pricing_json.hpp"

#include <map>

#include <boost/json.hpp>

#include "comptoir/error.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/json.hpp"
#include "comptoir/log.hpp"
#include "comptoir/service/idempotency.hpp"

namespace comptoir::order {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using http::Method;

std::string Serialize(const boost::json::value& v) {
  return boost::json::serialize(v);
}

// The answer of a failed checkout, stored so that the same key gets it again.
std::string AnswerBody(const ApiError& e) {
  return Serialize(boost::json::object{{"code", e.code()}, {"detail", e.detail()}});
}

ApiError AnswerOf(const order::Checkout& c) {
  boost::system::error_code ec;
  auto body = boost::json::parse(c.answer_body, ec);
  std::string code = "order.checkout_failed";
  std::string detail = "the checkout failed and was undone";
  if (!ec && body.is_object()) {
    if (const auto* v = body.as_object().if_contains("code"); v && v->is_string()) code = v->as_string();
    if (const auto* v = body.as_object().if_contains("detail"); v && v->is_string()) detail = v->as_string();
  }
  return ApiError(KindOfStatus(c.answer_status.value_or(503)), code, detail);
}

ApiError Interrupted() {
  return ApiError::Unavailable("order.checkout_interrupted",
                               "the checkout was interrupted and undone: nothing was charged; try again");
}

std::string CheckoutFingerprint(const CheckoutRequest& r) {
  return service::Fingerprint(
      r.cart_id + "\n" + (r.address_id ? std::to_string(*r.address_id) : "") + "\n" + r.shipping_address.line1 + "\n" +
      r.shipping_address.city + "\n" + r.shipping_address.province + "\n" + r.shipping_address.postal_code + "\n" +
      r.card_number.substr(r.card_number.size() - 4) + "\n" + std::to_string(r.card_number.size()));
}

std::string AddressJson(const Address& a) {
  return Serialize(boost::json::object{
      {"line1", a.line1}, {"city", a.city}, {"province", a.province}, {"postal_code", a.postal_code}});
}

std::string StringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t IntField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && (v->is_int64() || v->is_uint64()) ? v->to_number<std::int64_t>() : 0;
}

http::Headers KeyHeader(const std::string& key) {
  http::Headers headers;
  headers.Set("Idempotency-Key", key);
  return headers;
}

// Named, never a braced temporary in a coroutine call (GCC 12).
const StepUpdate kNoUpdate{};

bool IsClientError(const ApiError& e) {
  return e.status() >= 400 && e.status() < 500;
}

}  // namespace

std::string OrderJson(const Order& o, const OrderView& view) {
  boost::json::array items;
  for (const Line& l : o.items) {
    items.push_back(boost::json::object{{"product_id", l.product_id},
                                        {"sku", l.sku},
                                        {"name", l.name},
                                        {"unit_price_cents", l.unit_price_cents},
                                        {"quantity", l.quantity},
                                        {"tax_class", money::TaxClassName(l.tax_class)},
                                        {"discount_cents", l.discount_cents},
                                        {"line_total_cents", l.line_total_cents()}});
  }
  std::int64_t discount = 0;
  for (const Line& l : o.items) discount += l.discount_cents;
  boost::json::object body{{"id", o.id},
                           {"number", o.number},
                           {"status", StatusName(o.status)},
                           {"items", std::move(items)},
                           {"subtotal_cents", o.totals.subtotal_cents},
                           {"discount_cents", discount},
                           {"shipping_cents", o.totals.shipping_cents},
                           {"gst_cents", o.totals.gst_cents},
                           {"qst_cents", o.totals.qst_cents},
                           {"total_cents", o.totals.total_cents},
                           {"created_at", o.created_at},
                           {"updated_at", o.updated_at}};
  if (view.customer) body["customer_id"] = o.customer_id;
  if (view.address) body["shipping_address"] = boost::json::parse(o.shipping_address_json);
  if (view.payment) {
    body["payment"] =
        boost::json::object{{"charge_id", o.charge_id}, {"card_last4", o.card_last4}, {"refunded", o.refunded}};
  }
  return Serialize(body);
}

namespace {

// The origin of calls made outside a request (the recovery pass) or after it (a cancellation's side effects): no
// token of anyone (order calls inventory, payment and cart with its own service token), only the person the
// calls act for, for the peers' audit.
http::Request BackgroundOrigin(const std::string& request_id, std::string on_behalf_of) {
  http::Request origin;
  origin.request_id = request_id;
  origin.on_behalf_of = std::move(on_behalf_of);
  return origin;
}

}  // namespace

// Records the step (before the next action, or after one succeeded); the test-only crash hook fires here.
awaitable<void> Saga::Move(order::Checkout& c, Step to, const StepUpdate& update, bool in_request) {
  bool moved = co_await repository_.Advance(c.id, c.step, to, update);
  if (!moved) {
    throw ApiError::Conflict("order.checkout_in_progress", "the checkout is being completed by another process");
  }
  if (to == Step::kCharging) c.charge_asked = true;
  c.step = to;
  if (update.lines) {
    c.lines = *update.lines;
    c.totals = update.totals;
  }
  if (!update.reservation_body.empty()) c.reservation_body = update.reservation_body;
  if (!update.reservation_id.empty()) c.reservation_id = update.reservation_id;
  if (!update.charge_id.empty()) c.charge_id = update.charge_id;
  if (update.answer_status) {
    c.answer_status = update.answer_status;
    c.answer_body = update.answer_body;
  }
  if (in_request) settings_.crash.After(to, c.idempotency_key, c.id);
}

awaitable<void> Saga::StartCompensation(order::Checkout& c, const ApiError& answer, std::string failure,
                                        bool watch_charge) {
  StepUpdate update;
  update.failure = std::move(failure);
  if (watch_charge) update.watch_charge_ms = settings_.charge_watch.count();
  update.answer_status = answer.status();
  update.answer_body = AnswerBody(answer);
  co_await Move(c, Step::kCompensating, update);
}

awaitable<http::Response> Saga::Checkout(http::Request& request, const auth::Principal& who) {
  auth::RequireRole(who, {auth::Role::kCustomer}, "check out");
  std::string key = service::RequireIdempotencyKey(request);
  CheckoutRequest body = ParseCheckoutBody(json::ParseBody(request.body));
  if (body.address_id) {
    // A saved address of this shopper (customer checks the token: another shopper's id is a 404 there).
    auto saved = co_await peers_.customer.CallJson(
        request, http::Method::kGet, "/api/v1/customers/me/addresses/" + std::to_string(*body.address_id));
    body.shipping_address = AddressFromCustomer(saved);
  }

  order::Checkout fresh;
  fresh.id = http::NewUuid();
  fresh.customer_id = who.subject;
  fresh.idempotency_key = key;
  fresh.fingerprint = CheckoutFingerprint(body);
  fresh.cart_id = body.cart_id;
  fresh.shipping_address_json = AddressJson(body.shipping_address);
  fresh.card_last4 = body.card_number.substr(body.card_number.size() - 4);
  // Keys and references at inventory and payment derive from the checkout (itself one per shopper and key).
  fresh.reservation_key = "checkout-" + fresh.id + "-reserve";
  fresh.charge_key = "checkout-" + fresh.id + "-charge";
  fresh.charge_reference = "checkout:" + fresh.id;
  auto [c, created] = co_await repository_.CreateCheckout(fresh);

  if (!created) {  // the same key again
    if (c.fingerprint != fresh.fingerprint) {
      throw ApiError(ErrorKind::kUnprocessable, "request.idempotency_key_reused",
                     "this Idempotency-Key was used with another checkout");
    }
    if (!c.order_id.empty()) {
      auto order = co_await repository_.FindOrder(c.order_id);
      if (order) co_return http::Response::Json(201, OrderJson(*order));
    }
    if (c.answer_status) throw AnswerOf(c);
    throw ApiError::Conflict("order.checkout_in_progress",
                             "a checkout with this Idempotency-Key is in progress; retry in a moment");
  }
  log::Info("checkout started",
            {{"checkout_id", c.id}, {"customer_id", c.customer_id}, {"request_id", request.request_id}});
  co_return co_await metrics_.Observe(Forward(c, request, body.card_number));
}

awaitable<http::Response> Saga::Forward(order::Checkout& c, const http::Request& origin, const std::string& card) {
  // 1. The cart (with the shopper's token), re-priced from product.
  std::vector<Line> lines;
  std::optional<ApiError> refused;
  try {
    boost::json::value cart =
        co_await peers_.cart.CallJson(origin, Method::kGet, "/api/v1/carts/" + http::PercentEncode(c.cart_id));
    std::map<std::int64_t, std::int64_t> quantities;  // product → quantity (lines merged)
    if (!cart.is_object()) throw ApiError::Unavailable("cart.unavailable", "cart sent an answer that is not a cart");
    if (const auto* items = cart.as_object().if_contains("items"); items != nullptr && items->is_array()) {
      for (const auto& item : items->as_array()) {
        std::int64_t product = IntField(item.as_object(), "product_id");
        std::int64_t quantity = IntField(item.as_object(), "quantity");
        if (product > 0 && quantity > 0) quantities[product] += quantity;
      }
    }
    if (quantities.empty()) throw ApiError(ErrorKind::kUnprocessable, "order.cart_empty", "the cart is empty");
    for (auto [product_id, quantity] : quantities) {
      boost::json::value product;
      try {
        product =
            co_await peers_.product.CallJson(origin, Method::kGet, "/api/v1/products/" + std::to_string(product_id));
      } catch (const ApiError& e) {
        if (e.status() != 404) throw;
      }
      const auto* p = product.if_object();
      const auto* active = p != nullptr ? p->if_contains("active") : nullptr;
      if (p == nullptr || (active != nullptr && active->is_bool() && !active->as_bool())) {
        throw ApiError(ErrorKind::kUnprocessable, "order.unknown_product",
                       "product " + std::to_string(product_id) + " of the cart is no longer sold");
      }
      Line line{product_id, StringField(*p, "sku"), StringField(*p, "name"), IntField(*p, "price_cents"), quantity};
      if (const auto* t = p->if_contains("tax_class"); t && t->is_string()) {
        auto tax_class = money::ParseTaxClass(t->as_string());
        if (!tax_class) throw ApiError::Unavailable("product.unavailable", "product sent an unknown tax class");
        line.tax_class = *tax_class;
      }
      if (const auto* c = p->if_contains("category_id"); c && c->is_int64()) line.category_id = c->as_int64();
      lines.push_back(std::move(line));
    }
    // The same engine and the same online promotions as the cart (ADR 0141): the shopper pays what the cart showed.
    boost::json::value promotions =
        co_await peers_.product.CallJson(origin, Method::kGet, "/api/v1/promotions?channel=online&per_page=100");
    try {
      ApplyPromotions(lines, pricing::PromotionsFromList(promotions));
    } catch (const std::exception&) {
      throw ApiError::Unavailable("product.unavailable", "product sent an unreadable promotion list");
    }
  } catch (const ApiError& e) {
    refused = e;
  }
  if (refused) {  // nothing was done elsewhere
    StepUpdate update;
    update.failure = "cart or prices refused: " + refused->code();
    update.answer_status = refused->status();
    update.answer_body = AnswerBody(*refused);
    co_await Move(c, Step::kFailed, update);
    throw *refused;
  }

  // 2. Reserve at the centre. Recorded first, with the exact body, so that recovery can learn the id by replaying it.
  Totals totals = ComputeTotals(lines);
  boost::json::array reservation_lines;
  for (const Line& l : lines) {
    reservation_lines.push_back(boost::json::object{{"product_id", l.product_id}, {"quantity", l.quantity}});
  }
  StepUpdate reserving;
  reserving.lines = lines;
  reserving.totals = totals;
  reserving.reservation_body = Serialize(boost::json::object{
      {"location_id", kCentreLocationId}, {"reference", "order:checkout-" + c.id}, {"lines", reservation_lines}});
  co_await Move(c, Step::kReserving, reserving, true);
  std::optional<ApiError> failed;
  std::string reservation_id;
  try {
    boost::json::value reservation = co_await peers_.inventory.CallJson(
        origin, Method::kPost, "/api/v1/inventory/reservations", c.reservation_body, KeyHeader(c.reservation_key));
    reservation_id = StringField(reservation.as_object(), "id");
  } catch (const ApiError& e) {
    failed = e;
  }
  if (failed) {
    if (IsClientError(*failed)) {  // refused as a whole (e.g. 409 inventory.insufficient_stock): nothing reserved
      StepUpdate update;
      update.failure = "reservation refused: " + failed->code();
      update.answer_status = failed->status();
      update.answer_body = AnswerBody(*failed);
      co_await Move(c, Step::kFailed, update);
      throw *failed;
    }
    co_await StartCompensation(c, *failed, "reservation outcome unknown: " + failed->code());
    std::optional<std::string> compensation_error;
    try {
      co_await Compensate(c, origin);
    } catch (const std::exception& e) {
      compensation_error = e.what();  // inventory still down: the recovery pass finishes it
    }
    if (compensation_error) {
      log::Warn("compensation not finished; left to the recovery pass",
                {{"checkout_id", c.id}, {"error", *compensation_error}});
    }
    throw *failed;
  }
  StepUpdate reserved;
  reserved.reservation_id = reservation_id;
  co_await Move(c, Step::kReserved, reserved, true);

  // 3. Charge. Recorded first: from here on, compensation asks payment what exists under the reference.
  co_await Move(c, Step::kCharging, kNoUpdate, true);
  std::string charge_id;
  try {
    std::string charge_body = Serialize(boost::json::object{{"amount_cents", c.totals.total_cents},
                                                            {"currency", "CAD"},
                                                            {"card_number", card},
                                                            {"reference", c.charge_reference}});
    boost::json::value charge = co_await peers_.payment.CallJson(origin, Method::kPost, "/api/v1/payments/charges",
                                                                 std::move(charge_body), KeyHeader(c.charge_key));
    charge_id = StringField(charge.as_object(), "id");
  } catch (const ApiError& e) {
    failed = e;
  }
  if (failed) {
    ApiError answer = *failed;
    if (failed->status() == 504 || failed->code() == "payment.charge_pending") {
      answer = ApiError::Timeout("order.payment_timeout",
                                 "the payment provider did not answer in time; any charge it makes is refunded");
    } else if (failed->status() >= 500) {
      answer = ApiError::Unavailable("order.payment_unavailable", "the payment provider cannot be reached");
    }
    // Only a refusal the provider recorded (declined, invalid card) settles the key; after a timeout or an outage a
    // charge may still appear under it, so the undone checkout is watched for a while (ADR 0052).
    bool settled = IsClientError(*failed) && failed->code() != "payment.charge_pending";
    co_await StartCompensation(c, answer, "charge failed: " + failed->code(), !settled);
    std::optional<std::string> compensation_error;
    try {
      co_await Compensate(c, origin);
    } catch (const std::exception& e) {
      compensation_error = e.what();  // the recovery pass finishes it; the shopper gets the reason of the failure
    }
    if (compensation_error) {
      log::Warn("compensation not finished; left to the recovery pass",
                {{"checkout_id", c.id}, {"error", *compensation_error}});
    }
    throw answer;
  }
  StepUpdate charged;
  charged.charge_id = charge_id;
  co_await Move(c, Step::kCharged, charged, true);

  // 4. The order, then commit the reservation and empty the cart.
  co_await CompleteForward(c, origin, true);
  auto order = co_await repository_.FindOrder(c.order_id);
  if (!order) throw ApiError::Internal("order.not_recorded", "the order was written but cannot be read");
  log::Info(
      "checkout completed",
      {{"checkout_id", c.id}, {"order_id", order->id}, {"number", order->number}, {"request_id", origin.request_id}});
  co_return http::Response::Json(201, OrderJson(*order));
}

awaitable<void> Saga::CompleteForward(order::Checkout& c, const http::Request& origin, bool in_request) {
  if (c.step == Step::kCharged) {
    std::optional<ApiError> not_written;
    try {
      c.order_id = co_await repository_.CreateOrder(c, origin.request_id);
    } catch (const ApiError& e) {
      not_written = e;
    }
    if (not_written) {
      log::Error("order not written; refunding and releasing",
                 {{"checkout_id", c.id}, {"error", not_written->detail()}});
      ApiError answer =
          ApiError::Unavailable("order.not_recorded", "the order could not be recorded; the payment was refunded");
      // Undo first (the database may be what failed), then record the compensation as far as possible.
      co_await Compensate(c, origin);  // lists and refunds the charge, releases the reservation
      throw answer;
    }
    c.step = Step::kOrderCreated;
    if (in_request) settings_.crash.After(Step::kOrderCreated, c.idempotency_key, c.id);
  }
  if (c.step == Step::kOrderCreated) {
    std::optional<ApiError> commit_error;
    try {
      co_await peers_.inventory.CallJson(origin, Method::kPost,
                                         "/api/v1/inventory/reservations/" + c.reservation_id + "/commit");
    } catch (const ApiError& e) {
      commit_error = e;
    }
    if (commit_error && !IsClientError(*commit_error)) {
      if (in_request) co_return;  // paid and recorded: the recovery pass commits later
      throw *commit_error;
    }
    auto order = co_await repository_.FindOrder(c.order_id);
    if (commit_error) {
      // The reservation expired or was released before the commit: the stock is not held for this order.
      log::Error("reservation lost before commit; cancelling the order",
                 {{"checkout_id", c.id}, {"order_id", c.order_id}, {"error", commit_error->code()}});
      if (order && order->status == Status::kPaid) {
        co_await repository_.SetStock(order->id, "released");
        co_await repository_.ChangeStatus(*order, Status::kCancelled, "order", "reservation_lost", origin.request_id);
        auto cancelled = co_await repository_.FindOrder(c.order_id);
        co_await Settle(*cancelled, origin);
      }
      co_await Move(c, Step::kCompleted, kNoUpdate);
      co_return;
    }
    if (order) co_await repository_.SetStock(order->id, "committed");
    co_await Move(c, Step::kCommitted, kNoUpdate, in_request);
  }
  if (c.step == Step::kCommitted) {
    std::optional<ApiError> cart_error;
    try {
      // The shopper's token during the checkout; order's own afterwards (the recovery pass).
      const service::Peer& cart = in_request ? peers_.cart : peers_.cart_as_order;
      co_await cart.Call(origin, Method::kDelete, "/api/v1/carts/" + http::PercentEncode(c.cart_id));
    } catch (const ApiError& e) {
      cart_error = e;
    }
    if (cart_error) {
      if (in_request) co_return;  // the recovery pass empties it later
      throw *cart_error;
    }
    co_await Move(c, Step::kCompleted, kNoUpdate);
  }
}

awaitable<void> Saga::Compensate(order::Checkout& c, const http::Request& origin) {
  // Reservation: learn its id if the answer was lost (replaying the same key and body answers the same
  // reservation, or makes one that is released at once), then release it.
  if (c.reservation_id.empty() && !c.reservation_body.empty()) {
    std::optional<ApiError> error;
    try {
      boost::json::value reservation = co_await peers_.inventory.CallJson(
          origin, Method::kPost, "/api/v1/inventory/reservations", c.reservation_body, KeyHeader(c.reservation_key));
      c.reservation_id = StringField(reservation.as_object(), "id");
    } catch (const ApiError& e) {
      error = e;
    }
    if (error && !IsClientError(*error)) throw *error;  // refused: nothing is reserved under this key
  }
  if (!c.reservation_id.empty()) {
    http::Response released =
        co_await peers_.inventory.Call(origin, Method::kDelete, "/api/v1/inventory/reservations/" + c.reservation_id);
    if (released.status >= 500) throw ApiError::Unavailable("inventory.unavailable", "inventory failed to release");
    if (released.status != 200 && released.status != 404) {
      log::Error("reservation not released",
                 {{"checkout_id", c.id}, {"status", released.status}, {"body", released.body}});
    }
  }
  // Charges: whatever exists under the reference is refunded (a pending one ends refunded when it completes).
  if (c.charge_asked) co_await RefundCharges(c, origin);
  if (c.step == Step::kCompensating) {
    bool recorded = co_await repository_.Advance(c.id, Step::kCompensating, Step::kFailed, kNoUpdate);
    if (recorded) c.step = Step::kFailed;
  } else {
    // Called after a failed order write: record the outcome if the database lets us (recovery checks the charge).
    StepUpdate update;
    ApiError answer =
        ApiError::Unavailable("order.not_recorded", "the order could not be recorded; the payment was refunded");
    update.failure = "order not written";
    update.answer_status = answer.status();
    update.answer_body = AnswerBody(answer);
    try {
      if (co_await repository_.Advance(c.id, Step::kCharged, Step::kCompensating, update)) {
        co_await repository_.Advance(c.id, Step::kCompensating, Step::kFailed, kNoUpdate);
      }
    } catch (const std::exception& e) {
      log::Warn("failed checkout not recorded; recovery will find the charge refunded", {{"checkout_id", c.id}});
    }
  }
  log::Info("checkout undone", {{"checkout_id", c.id}, {"request_id", origin.request_id}});
}

awaitable<std::pair<bool, int>> Saga::RefundCharges(const order::Checkout& c, const http::Request& origin) {
  boost::json::value list = co_await peers_.payment.CallJson(
      origin, Method::kGet,
      "/api/v1/payments/charges?per_page=100&reference=" + http::PercentEncode(c.charge_reference));
  const auto& charges = list.at("data").as_array();
  int refunded = 0;
  for (const auto& charge : charges) {
    std::string status = StringField(charge.as_object(), "status");
    if (status != "succeeded" && status != "pending") continue;
    std::string id = StringField(charge.as_object(), "id");
    co_await peers_.payment.CallJson(origin, Method::kPost, "/api/v1/payments/charges/" + id + "/refund");
    ++refunded;
    log::Info("charge refunded by compensation", {{"checkout_id", c.id}, {"charge_id", id}, {"was", status}});
  }
  co_return std::pair{!charges.empty(), refunded};
}

awaitable<void> Saga::WatchCharge(order::Checkout c) {
  http::Request origin = BackgroundOrigin("recovery-" + c.id, "customer:" + c.customer_id);
  auto [exists, refunded] = co_await RefundCharges(c, origin);
  if (refunded > 0) {
    if (late_refunds_ != nullptr) late_refunds_->Inc(refunded);
    log::Warn("late charge found after the checkout was undone; refunded",
              {{"checkout_id", c.id}, {"refunded", refunded}});
  }
  // One key makes at most one charge: once the provider has one (whatever its status), nothing more can come.
  bool ended = exists || c.charge_watch_over;
  if (!exists && c.charge_watch_over) {
    log::Info("no late charge within the watch; watch ended", {{"checkout_id", c.id}});
  }
  co_await repository_.ChargeChecked(c.id, ended);
}

awaitable<void> Saga::Recover(order::Checkout c) {
  http::Request origin = BackgroundOrigin("recovery-" + c.id, "customer:" + c.customer_id);
  Recovery what = RecoveryFor(c.step);
  if (what == Recovery::kComplete && c.step == Step::kCharged) {
    // The order was never written: only carry on if the charge still stands (it may have been refunded by a
    // compensation whose outcome could not be recorded).
    boost::json::value charge =
        co_await peers_.payment.CallJson(origin, Method::kGet, "/api/v1/payments/charges/" + c.charge_id);
    if (StringField(charge.as_object(), "status") != "succeeded") what = Recovery::kCompensate;
  }
  if (what == Recovery::kComplete) {
    log::Info("recovery: completing checkout", {{"checkout_id", c.id}, {"step", std::string(StepName(c.step))}});
    co_await CompleteForward(c, origin, false);
    co_return;
  }
  if (what == Recovery::kCompensate) {
    log::Info("recovery: undoing checkout", {{"checkout_id", c.id}, {"step", std::string(StepName(c.step))}});
    if (c.step != Step::kCompensating) {
      // Interrupted after the charge was sent but before its answer was recorded: its outcome is unknown.
      bool unknown_charge = c.charge_asked && c.charge_id.empty();
      co_await StartCompensation(c, Interrupted(), "interrupted at " + std::string(StepName(c.step)), unknown_charge);
    }
    co_await Compensate(c, origin);
  }
}

awaitable<void> Saga::RecoverOnce() {
  std::vector<order::Checkout> open = co_await repository_.OpenCheckouts(settings_.recovery_stale.count());
  for (order::Checkout& c : open) {
    std::string id = c.id;
    try {
      co_await Recover(std::move(c));
    } catch (const std::exception& e) {
      log::Warn("recovery of a checkout failed; retried at the next pass", {{"checkout_id", id}, {"error", e.what()}});
    }
  }
  std::vector<Order> unsettled = co_await repository_.UnsettledCancellations(settings_.recovery_stale.count());
  for (const Order& order : unsettled) {
    try {
      co_await Settle(order, BackgroundOrigin("recovery-" + order.id, "customer:" + order.customer_id));
    } catch (const std::exception& e) {
      log::Warn("cancellation not settled; retried at the next pass", {{"order_id", order.id}, {"error", e.what()}});
    }
  }
  std::vector<order::Checkout> watched = co_await repository_.WatchedCheckouts(settings_.charge_watch_interval.count());
  for (order::Checkout& c : watched) {
    std::string id = c.id;
    try {
      co_await WatchCharge(std::move(c));
    } catch (const std::exception& e) {
      log::Warn("late-charge check failed; retried at the next pass", {{"checkout_id", id}, {"error", e.what()}});
    }
  }
}

awaitable<Order> Saga::Cancel(const Order& order, const http::Request& request, const std::string& actor) {
  if (!CanCancel(order.status)) {
    throw ApiError::Conflict("order.illegal_transition",
                             "an order " + std::string(StatusName(order.status)) + " cannot be cancelled any more");
  }
  bool changed = co_await repository_.ChangeStatus(order, Status::kCancelled, actor, "cancelled", request.request_id);
  if (!changed) throw ApiError::Conflict("order.illegal_transition", "the order changed meanwhile; read it again");
  auto cancelled = co_await repository_.FindOrder(order.id);
  std::optional<std::string> error;
  try {
    co_await Settle(*cancelled, request);
  } catch (const std::exception& e) {
    error = e.what();
  }
  if (error) log::Warn("cancellation settled later by the recovery pass", {{"order_id", order.id}, {"error", *error}});
  co_return *(co_await repository_.FindOrder(order.id));
}

// Refund and stock back of a cancelled order; every call is idempotent, so a retry after a failure is safe.
awaitable<void> Saga::Settle(const Order& order, const http::Request& origin) {
  if (!order.refunded) {
    http::Response refund =
        co_await peers_.payment.Call(origin, Method::kPost, "/api/v1/payments/charges/" + order.charge_id + "/refund");
    if (refund.status >= 500) throw ApiError::Unavailable("payment.unavailable", "payment failed to refund");
    co_await repository_.SetRefunded(order.id);
  }
  std::string stock = order.stock;
  if (stock == "reserved") {
    http::Response released = co_await peers_.inventory.Call(origin, Method::kDelete,
                                                             "/api/v1/inventory/reservations/" + order.reservation_id);
    if (released.status >= 500) throw ApiError::Unavailable("inventory.unavailable", "inventory failed to release");
    if (released.status == 409) {
      stock = "committed";  // committed meanwhile: put it back instead
    } else {
      co_await repository_.SetStock(order.id, "released");
    }
  }
  if (stock == "committed") {
    boost::json::array lines;
    for (const Line& l : order.items) {
      lines.push_back(boost::json::object{{"product_id", l.product_id}, {"quantity", l.quantity}});
    }
    std::string body = Serialize(boost::json::object{{"location_id", kCentreLocationId},
                                                     {"reason", "order_return"},
                                                     {"reference", "order:" + order.number},
                                                     {"note", "cancelled online order " + order.number},
                                                     {"lines", std::move(lines)}});
    co_await peers_.inventory.CallJson(origin, Method::kPost, "/api/v1/inventory/movements", std::move(body),
                                       KeyHeader("order-" + order.id + "-return"));
    co_await repository_.SetStock(order.id, "returned");
  }
}

}  // namespace comptoir::order
