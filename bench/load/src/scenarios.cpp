// The scenarios: what one iteration of each does, its checks, its executor and thresholds.
#include "scenarios.hpp"

#include <array>
#include <cstdio>

#include <boost/json.hpp>

namespace comptoir::load {
namespace {

namespace json = boost::json;
using boost::asio::awaitable;
using namespace std::chrono_literals;

constexpr std::array<const char*, 5> kCashiers{"cashier.vieux-montreal@comptoir.local",
                                               "cashier.plateau@comptoir.local", "cashier.spectacles@comptoir.local",
                                               "cashier.mile-end@comptoir.local", "cashier.westmount@comptoir.local"};

std::optional<json::value> ParseJson(const Reply& reply) {
  boost::system::error_code ec;
  auto value = json::parse(reply.body, ec);
  if (ec) return std::nullopt;
  return value;
}

std::int64_t IntField(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (o == nullptr) return -1;
  const auto* f = o->if_contains(key);
  if (f == nullptr || !(f->is_int64() || f->is_uint64())) return -1;
  return f->to_number<std::int64_t>();
}

std::string StringField(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (o == nullptr) return {};
  const auto* f = o->if_contains(key);
  if (f == nullptr) return {};
  if (f->is_string()) return std::string(f->as_string());
  return json::serialize(*f);
}

// Calls are built outside the coroutines: GCC 12 miscompiles aggregate initialisers in coroutine frames.
Call Get(std::string path, std::string name, std::string bearer = {}) {
  Call c;
  c.path = std::move(path);
  c.name = std::move(name);
  c.bearer = std::move(bearer);
  return c;
}

Call Write(http::Method method, std::string path, std::string body, std::string name, std::string bearer, int expect,
           int or_expect = 0, std::string idempotency_key = {}) {
  Call c;
  c.method = method;
  c.path = std::move(path);
  c.body = std::move(body);
  c.name = std::move(name);
  c.bearer = std::move(bearer);
  c.expect.assign(1, expect);
  if (or_expect != 0) c.expect.push_back(or_expect);
  if (!idempotency_key.empty()) c.headers.emplace_back("Idempotency-Key", std::move(idempotency_key));
  return c;
}

// Bodies too: json::object initialiser lists inside a coroutine trip the same GCC 12 bug.
std::string CredentialsBody(const std::string& email, const std::string& password) {
  return json::serialize(json::object{{"email", email}, {"password", password}});
}

std::string RegisterBody(const std::string& email, const std::string& password, int vu) {
  return json::serialize(json::object{
      {"email", email}, {"password", password}, {"first_name", "Charge"}, {"last_name", "Test " + std::to_string(vu)}});
}

json::object Line(std::int64_t product_id, int quantity) {
  return json::object{{"product_id", product_id}, {"quantity", quantity}};
}

std::string SaleBody(int location_id, std::int64_t register_session_id, json::array lines, std::int64_t cash) {
  return json::serialize(
      json::object{{"location_id", location_id},
                   {"register_session_id", register_session_id},
                   {"lines", std::move(lines)},
                   {"payments", json::array{json::object{{"method", "cash"}, {"amount_cents", cash}}}}});
}

std::string CheckoutBody(const std::string& cart_id) {
  return json::serialize(json::object{
      {"cart_id", cart_id},
      {"shipping_address",
       json::object{
           {"line1", "5333 avenue Casgrain"}, {"city", "Montréal"}, {"province", "QC"}, {"postal_code", "H2T 1X3"}}},
      {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}});
}

const ProductRef& AnyProduct(Vu& vu) {
  const auto& products = vu.shared().products;
  return products[vu.rng()() % products.size()];
}

// A list answer: {"data": [...], "meta": {...}}.
bool IsList(const Reply& r) {
  return r.body.find("\"data\":[") != std::string::npos && r.body.find("\"meta\":") != std::string::npos;
}

// Sign-in through the API (the only way a token is obtained); the VU is ready when it worked.
awaitable<void> SignIn(Vu& vu, const std::string& path, const std::string& email, const std::string& password,
                       const std::string& name) {
  Reply r =
      co_await vu.Send(Write(http::Method::kPost, path, CredentialsBody(email, password), name, std::string(), 200));
  if (!r.ok) co_return;
  auto body = ParseJson(r);
  const std::string token = body ? StringField(*body, "access_token") : "";
  const std::int64_t expires = body ? IntField(*body, "expires_in") : -1;
  if (!vu.Check(name + " gives a bearer token", !token.empty() && expires > 0, r.body.substr(0, 200))) co_return;
  vu.state().token = token;
  // Sign in again a minute before the token expires (long full-length profiles).
  vu.state().token_expires = Clock::now() + std::chrono::seconds(std::max<std::int64_t>(expires - 60, 30));
  vu.state().ready = true;
}

// Each VU signs in as a cashier of its own when the data set has enough of them: the customer service counts a
// sign-in before checking its password and refuses more than 5 at once for one account (its lockout), as it
// would refuse a guesser's parallel tries.
awaitable<void> SetupCashier(Vu& vu) {
  const auto index = static_cast<std::size_t>(vu.id()) % kCashiers.size();
  vu.state().location_id = static_cast<int>(index) + 1;  // DESIGN §7: stores 1-5 in this order
  std::string email = kCashiers[index];
  if (const int per_store = vu.shared().cashiers_per_store; per_store > 0) {
    char buffer[80];
    std::snprintf(buffer, sizeof buffer, "caisse%d.%02d@loadtest.comptoir.local", vu.state().location_id,
                  static_cast<int>(vu.id() / static_cast<int>(kCashiers.size())) % per_store + 1);
    email = buffer;
  }
  co_await SignIn(vu, "/api/v1/auth/staff/login", email, vu.shared().password, "auth.staff_login");
}

// A till: the cashier signs in, then opens a register of their own with a float (a store sale needs an open
// register session, ADR 0151): one register per VU and scenario, named so that the store's list of Z
// reports shows it was a load run.
awaitable<void> SetupTill(Vu& vu, std::string_view scenario) {
  co_await SetupCashier(vu);
  if (!vu.state().ready || vu.state().register_session_id != 0) co_return;  // a token refresh keeps the register
  vu.state().ready = false;
  const std::string body = json::serialize(json::object{
      {"location_id", vu.state().location_id},
      {"register", "charge-" + vu.shared().run_id + "-" + std::string(scenario) + "-" + std::to_string(vu.id())},
      {"opening_float_cents", 20000}});
  Reply opened = co_await vu.Send(
      Write(http::Method::kPost, "/api/v1/register-sessions", body, "register_sessions.open", vu.state().token, 201));
  if (!opened.ok) co_return;
  auto session = ParseJson(opened);
  const std::int64_t id = session ? IntField(*session, "id") : -1;
  if (!vu.Check("register_sessions.open gives the session", id > 0, opened.body.substr(0, 200))) co_return;
  vu.state().register_session_id = id;
  vu.state().ready = true;
}

awaitable<void> SetupPosTill(Vu& vu) {
  co_await SetupTill(vu, "pos");
}

awaitable<void> SetupSmokeTill(Vu& vu) {
  co_await SetupTill(vu, "smoke");
}

awaitable<void> SetupManager(Vu& vu) {
  std::string email = "manager@comptoir.local";
  if (const int managers = vu.shared().managers; managers > 0) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "gerance.%02d@loadtest.comptoir.local", vu.id() % managers + 1);
    email = buffer;
  }
  co_await SignIn(vu, "/api/v1/auth/staff/login", email, vu.shared().password, "auth.staff_login");
}

awaitable<void> SetupShopper(Vu& vu) {
  const auto& shared = vu.shared();
  std::string email;
  if (shared.shoppers > 0) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "shopper%05d@example.com", vu.id() % shared.shoppers + 1);
    email = buffer;
  } else {
    // No generated shoppers (the demo data): each VU registers its own account once.
    email = "load+" + shared.run_id + "-" + std::to_string(vu.id()) + "@example.com";
    if (vu.state().cart_id.empty()) {
      const std::string body = RegisterBody(email, shared.password, vu.id());
      Reply r = co_await vu.Send(
          Write(http::Method::kPost, "/api/v1/auth/register", body, "auth.register", std::string(), 201, 409));
      if (!r.ok) co_return;
      vu.state().cart_id = "registered";  // marks the account as made; the real cart id comes later
    }
  }
  co_await SignIn(vu, "/api/v1/auth/login", email, shared.password, "auth.login");
}

// --- the seed's two profiles --------------------------------------------------------------------------

awaitable<void> Products(Vu& vu) {
  Reply r = co_await vu.Send(Get("/api/v1/products", "products.list"));
  if (r.ok) vu.Check("products.list is a page of products", IsList(r), r.body.substr(0, 200));
}

awaitable<void> Me(Vu& vu) {
  Reply r = co_await vu.Send(Get("/api/v1/customers/me", "customers.me", vu.state().token));
  if (r.ok)
    vu.Check("customers.me is the signed-in shopper", r.body.find("\"email\"") != std::string::npos,
             r.body.substr(0, 200));
}

// lab5-fair-comparison-15vu-test.js: 6 × (products, customers for the first 3) with 50 ms sleeps, 300 ms;
// 3 × customers with 100 ms, 200 ms; products, 200 ms; 4 × products with 50 ms; 1 s.
awaitable<void> Seed15Iteration(Vu& vu) {
  for (int i = 0; i < 6; ++i) {
    co_await Products(vu);
    if (i < 3) co_await Me(vu);
    co_await vu.Sleep(50ms);
  }
  co_await vu.Sleep(300ms);
  for (int i = 0; i < 3; ++i) {
    co_await Me(vu);
    co_await vu.Sleep(100ms);
  }
  co_await vu.Sleep(200ms);
  co_await Products(vu);
  co_await vu.Sleep(200ms);
  for (int i = 0; i < 4; ++i) {
    co_await Products(vu);
    co_await vu.Sleep(50ms);
  }
  co_await vu.Sleep(1s);
}

// lab5-fair-comparison-100vu-test.js: 8 × (products, customers for the first 4) with 20 ms, 200 ms;
// 5 × customers with 50 ms, 100 ms; 70 %: 3 × products with 30 ms and 6 × products with 20 ms; 200 ms.
awaitable<void> Seed100Iteration(Vu& vu) {
  for (int i = 0; i < 8; ++i) {
    co_await Products(vu);
    if (i < 4) co_await Me(vu);
    co_await vu.Sleep(20ms);
  }
  co_await vu.Sleep(200ms);
  for (int i = 0; i < 5; ++i) {
    co_await Me(vu);
    co_await vu.Sleep(50ms);
  }
  co_await vu.Sleep(100ms);
  if (vu.rng()() % 100 < 70) {
    for (int i = 0; i < 3; ++i) {
      co_await Products(vu);
      co_await vu.Sleep(30ms);
    }
    for (int i = 0; i < 6; ++i) {
      co_await Products(vu);
      co_await vu.Sleep(20ms);
    }
  }
  co_await vu.Sleep(200ms);
}

// --- business flows -----------------------------------------------------------------------------------

// A till: scan 1-3 barcodes (by SKU), then sell them for cash, more than due, and check the receipt.
awaitable<void> PosSaleIteration(Vu& vu) {
  const int count = 1 + static_cast<int>(vu.rng()() % 3);
  json::array lines;
  std::int64_t subtotal = 0;
  for (int i = 0; i < count; ++i) {
    const ProductRef& p = AnyProduct(vu);
    Reply scan = co_await vu.Send(Get("/api/v1/products/by-sku/" + p.sku, "products.by_sku"));
    if (!scan.ok) co_return;
    auto body = ParseJson(scan);
    const std::int64_t price = body ? IntField(*body, "price_cents") : -1;
    if (!vu.Check("products.by_sku is the scanned product", body && StringField(*body, "sku") == p.sku && price >= 0,
                  scan.body.substr(0, 200))) {
      co_return;
    }
    const int quantity = 1 + static_cast<int>(vu.rng()() % 2);
    subtotal += price * quantity;
    lines.push_back(Line(p.id, quantity));
  }
  // Cash above the total (taxes are under 15 %), rounded up to 5 $: the till gives change.
  const std::int64_t paid = (subtotal * 115 / 100 / 500 + 1) * 500;
  const std::string sale = SaleBody(vu.state().location_id, vu.state().register_session_id, std::move(lines), paid);
  Reply sold = co_await vu.Send(
      Write(http::Method::kPost, "/api/v1/sales", sale, "sales.create", vu.state().token, 201, 0, vu.NewKey()));
  if (!sold.ok) co_return;
  auto receipt = ParseJson(sold);
  if (!vu.Check("sales.create answers a receipt", receipt.has_value(), sold.body.substr(0, 200))) co_return;
  const auto& r = *receipt;
  const std::int64_t total = IntField(r, "total_cents");
  vu.Check("sales.create subtotal is the sum of the scanned prices", IntField(r, "subtotal_cents") == subtotal,
           "expected " + std::to_string(subtotal) + ": " + sold.body.substr(0, 300));
  vu.Check("sales.create total is subtotal + GST + QST",
           total == IntField(r, "subtotal_cents") + IntField(r, "gst_cents") + IntField(r, "qst_cents"),
           sold.body.substr(0, 300));
  vu.Check("sales.create gives the change",
           IntField(r, "change_cents") == paid - (total + IntField(r, "cash_rounding_cents")),
           sold.body.substr(0, 300));
  vu.Check("sales.create numbers the receipt", !StringField(r, "receipt_number").empty(), sold.body.substr(0, 200));
}

// The shop: the shopper's cart, two products added, checkout by card; the order is paid.
awaitable<void> CheckoutIteration(Vu& vu) {
  const std::string& token = vu.state().token;
  Reply cart = co_await vu.Send(Get("/api/v1/cart", "cart.get", token));
  if (!cart.ok) co_return;
  auto body = ParseJson(cart);
  const std::string cart_id = body ? StringField(*body, "id") : "";
  if (!vu.Check("cart.get gives the shopper's cart", !cart_id.empty(), cart.body.substr(0, 200))) co_return;
  if (body->as_object().contains("items") && !body->at("items").as_array().empty()) {
    // Left over by an earlier iteration that failed: start from an empty cart.
    Reply emptied = co_await vu.Send(
        Write(http::Method::kDelete, "/api/v1/carts/" + cart_id, std::string(), "cart.clear", token, 200, 204));
    if (!emptied.ok) co_return;
  }
  std::int64_t subtotal = 0;
  for (int i = 0; i < 2; ++i) {
    const ProductRef& p = AnyProduct(vu);
    Reply added = co_await vu.Send(Write(http::Method::kPost, "/api/v1/carts/" + cart_id + "/items",
                                         json::serialize(Line(p.id, 1)), "cart.add", token, 200));
    if (!added.ok) co_return;
    subtotal += p.price_cents;
  }
  Reply placed = co_await vu.Send(Write(http::Method::kPost, "/api/v1/checkout", CheckoutBody(cart_id),
                                        "order.checkout", token, 201, 0, vu.NewKey()));
  if (!placed.ok) co_return;
  auto order = ParseJson(placed);
  if (!vu.Check("order.checkout answers an order", order.has_value(), placed.body.substr(0, 200))) co_return;
  vu.Check("order.checkout order is paid",
           StringField(*order, "status") == "\"paid\"" || StringField(*order, "status") == "paid",
           placed.body.substr(0, 300));
  vu.Check("order.checkout subtotal is the two prices", IntField(*order, "subtotal_cents") == subtotal,
           "expected " + std::to_string(subtotal) + ": " + placed.body.substr(0, 300));
  vu.Check("order.checkout total is subtotal + shipping + GST + QST",
           IntField(*order, "total_cents") == IntField(*order, "subtotal_cents") + IntField(*order, "shipping_cents") +
                                                  IntField(*order, "gst_cents") + IntField(*order, "qst_cents"),
           placed.body.substr(0, 300));
}

awaitable<void> DashboardIteration(Vu& vu) {
  Reply r = co_await vu.Send(Get("/api/v1/dashboard", "reporting.dashboard", vu.state().token));
  if (!r.ok) co_return;
  auto body = ParseJson(r);
  const auto* stores = body && body->is_object() ? body->as_object().if_contains("stores") : nullptr;
  vu.Check("reporting.dashboard shows the five stores",
           stores != nullptr && stores->is_array() && stores->as_array().size() == 5, r.body.substr(0, 200));
}

awaitable<void> SearchIteration(Vu& vu) {
  const auto& terms = vu.shared().search_terms;
  const std::string& term = terms[vu.rng()() % terms.size()];
  Reply r = co_await vu.Send(Get("/api/v1/products?q=" + http::PercentEncode(term), "products.search"));
  if (r.ok) vu.Check("products.search is a page of products", IsList(r), r.body.substr(0, 200));
}

awaitable<void> StockIteration(Vu& vu) {
  const ProductRef& p = AnyProduct(vu);
  Reply r = co_await vu.Send(Get(
      "/api/v1/inventory?location_id=" + std::to_string(vu.state().location_id) + "&product_id=" + std::to_string(p.id),
      "inventory.lookup", vu.state().token));
  if (r.ok) vu.Check("inventory.lookup is the store's stock row", IsList(r), r.body.substr(0, 200));
}

awaitable<void> ProductByIdIteration(Vu& vu) {
  const ProductRef& p = AnyProduct(vu);
  Reply r = co_await vu.Send(Get("/api/v1/products/" + std::to_string(p.id), "products.get"));
  if (r.ok) {
    vu.Check("products.get is the product asked for",
             r.body.find("\"id\":" + std::to_string(p.id) + ",") != std::string::npos, r.body.substr(0, 200));
  }
}

awaitable<void> SmokeIteration(Vu& vu) {
  // One business flow per iteration, in turn: each runs under its own sign-in.
  co_await PosSaleIteration(vu);
  co_await StockIteration(vu);
}

ExecutorConfig Arrival(double rate, Seconds duration, int pre, int max) {
  ExecutorConfig c;
  c.type = ExecutorType::kConstantArrivalRate;
  c.rate = rate;
  c.duration = duration;
  c.pre_allocated_vus = pre;
  c.max_vus = max;
  c.graceful_stop = 10s;
  return c;
}

ExecutorConfig RampingVus(std::vector<Stage> stages) {
  ExecutorConfig c;
  c.type = ExecutorType::kRampingVus;
  c.stages = std::move(stages);
  c.graceful_ramp_down = 30s;
  c.graceful_stop = 30s;
  return c;
}

ExecutorConfig ConstantVus(int vus, Seconds duration) {
  ExecutorConfig c;
  c.type = ExecutorType::kConstantVus;
  c.vus = vus;
  c.duration = duration;
  c.graceful_stop = 10s;
  return c;
}

std::vector<Scenario> Build() {
  const std::vector<std::string> clean{"checks: rate==1", "http_req_failed: rate==0", "dropped_iterations: count==0"};
  auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), clean.begin(), clean.end());
    return more;
  };
  std::vector<Scenario> all;
  all.push_back({"seed-15vu",
                 "the seed's 15-VU profile: 30 s to 15 VUs, 5 min, 30 s to 0; products and the shopper's account",
                 RampingVus({{30s, 15}, {5min, 15}, {30s, 0}}), with({"http_req_latency: p(95)<5"}), &SetupShopper,
                 &Seed15Iteration});
  all.push_back(
      {"seed-100vu",
       "the seed's 100-VU profile: 1 min to 50, 1 min to 100, 7 min, 1 min to 0; products and the shopper's account",
       RampingVus({{1min, 50}, {1min, 100}, {7min, 100}, {1min, 0}}), with({"http_req_latency: p(95)<5"}),
       &SetupShopper, &Seed100Iteration});
  all.push_back({"pos-sale", "a cashier scans 1-3 barcodes and sells them for cash, 50 sales/s",
                 Arrival(50, 3min, 20, 200), with({"http_req_latency{name:sales.create}: p(95)<15"}), &SetupPosTill,
                 &PosSaleIteration});
  all.push_back({"online-checkout", "a shopper adds two products to the cart and checks out by card, 20 orders/s",
                 Arrival(20, 3min, 20, 200), with({"http_req_latency{name:order.checkout}: p(95)<25"}), &SetupShopper,
                 &CheckoutIteration});
  all.push_back({"dashboard", "the head-office dashboard, 100/s", Arrival(100, 1min, 10, 100),
                 with({"http_req_latency{name:reporting.dashboard}: p(95)<10"}), &SetupManager, &DashboardIteration});
  all.push_back({"product-search", "full-text searches of the catalogue, 100/s", Arrival(100, 1min, 10, 100), with({}),
                 nullptr, &SearchIteration});
  all.push_back({"stock-lookup", "a cashier looks up a product's stock in the store, 100/s",
                 Arrival(100, 1min, 10, 100), with({}), &SetupCashier, &StockIteration});
  const std::vector<std::string> ceiling{"checks: rate==1", "http_req_failed: rate==0"};
  all.push_back({"max-products.get", "throughput ceiling of GET /products/{id}: 32 VUs, no think time",
                 ConstantVus(32, 1min), ceiling, nullptr, &ProductByIdIteration});
  all.push_back({"max-products.list", "throughput ceiling of the first page of GET /products: 32 VUs",
                 ConstantVus(32, 1min), ceiling, nullptr, &Products});
  all.push_back({"max-products.search", "throughput ceiling of GET /products?q=: 32 VUs", ConstantVus(32, 1min),
                 ceiling, nullptr, &SearchIteration});
  all.push_back({"max-inventory.lookup", "throughput ceiling of GET /inventory (a cashier): 32 VUs",
                 ConstantVus(32, 1min), ceiling, &SetupCashier, &StockIteration});
  all.push_back({"max-dashboard", "throughput ceiling of GET /dashboard (the manager): 32 VUs", ConstantVus(32, 1min),
                 ceiling, &SetupManager, &DashboardIteration});
  all.push_back({"smoke", "a cashier's sale and stock lookup, 4/s (the CTest smoke run)", Arrival(4, 20s, 2, 4), clean,
                 &SetupSmokeTill, &SmokeIteration});
  return all;
}

}  // namespace

const std::vector<Scenario>& Catalogue() {
  static const std::vector<Scenario> all = Build();
  return all;
}

const Scenario* FindScenario(std::string_view name) {
  for (const auto& s : Catalogue()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace comptoir::load
