// Integration test: three cart instances (one Redis, the "redis" fixture's), product and inventory, the gateway
// in front, all real processes over real HTTP (testing::Platform). Tokens are minted with the platform's JWT
// secret. Keys of this run are under a prefix of its own, so other tests sharing the Redis never meet them.
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::cart {
namespace {

using auth::Role;
using testing::HttpResult;
namespace json = boost::json;

// Demo catalogue (DESIGN §7) and stock (inventory's seed: 100 of each product at the centre, location 6).
constexpr std::int64_t kTShirt = 5;   // 1999
constexpr std::int64_t kCafe = 9;     // 1299
constexpr std::int64_t kVeste = 7;    // 12999
constexpr std::int64_t kMiel = 12;    // 1599
constexpr std::int64_t kAirPods = 3;  // 25999
constexpr std::int64_t kCentreStock = 100;

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::string Code(const HttpResult& r) {
  auto v = Json(r);
  if (!v.is_object() || !v.as_object().contains("code")) return "";
  return std::string(v.at("code").as_string());
}

std::set<std::string> ErrorFields(const HttpResult& r) {
  std::set<std::string> fields;
  auto v = Json(r);
  if (const auto* errors = v.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) fields.insert(std::string(e.at("field").as_string()));
  }
  return fields;
}

std::string Header(const HttpResult& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

// Quantity of a product in a cart answer (0 when it has no line).
std::int64_t QuantityOf(const HttpResult& r, std::int64_t product_id) {
  json::value body = Json(r);  // kept alive while its lines are read
  for (const auto& line : body.at("items").as_array()) {
    if (line.at("product_id").as_int64() == product_id) return line.at("quantity").as_int64();
  }
  return 0;
}

std::string Item(std::int64_t product_id, std::int64_t quantity) {
  return json::serialize(json::object{{"product_id", product_id}, {"quantity", quantity}});
}

std::string Quantity(std::int64_t quantity) {
  return json::serialize(json::object{{"quantity", quantity}});
}

class CartService : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    prefix_ = "cart_it_" + std::to_string(::getpid()) + ":";
    platform_ = new testing::Platform(testing::PlatformOptions{
        .services = {"product", "inventory", "cart"},
        .name = "cart_it",
        // No price cache: a price change must show in the very next answer (the cache's few seconds would
        // otherwise make the catalogue test wait).
        .env = {{"COMPTOIR_CART_REDIS_PREFIX", prefix_}, {"COMPTOIR_CART_PRICE_CACHE_MS", "0"}},
        .instances = {{"cart", 3}}});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string Token(Role role, std::string subject, std::optional<std::int64_t> location = std::nullopt) {
    return platform_->Auth().Token(role, subject, location);
  }
  static std::string Shopper(std::int64_t id) { return Token(Role::kCustomer, std::to_string(id)); }
  static std::string Manager() { return Token(Role::kManager, "7"); }
  static std::string Logistics() { return Token(Role::kLogistics, "6", 6); }

  // Through the gateway, like a client.
  static HttpResult Call(const std::string& method, const std::string& target, const std::string& body = {},
                         const std::string& token = {}) {
    return platform_->Call(method, target, body, token);
  }

  // Straight to a service (instance 0 unless told).
  static HttpResult Direct(const std::string& service, const std::string& method, const std::string& target,
                           const std::string& body = {}, const std::string& token = {}, int instance = 0,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return testing::Http(static_cast<std::uint16_t>(platform_->Port(service, instance)), method, target, body, headers);
  }

  static std::string NewGuestCart() {
    HttpResult r = Call("POST", "/api/v1/carts");
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(Json(r).at("id").as_string());
  }

  static std::int64_t Available(std::int64_t product_id) {
    HttpResult r =
        Direct("inventory", "GET", "/api/v1/inventory?location_id=6&product_id=" + std::to_string(product_id));
    EXPECT_EQ(r.status, 200) << r.body;
    auto data = Json(r).at("data").as_array();
    return data.empty() ? 0 : data[0].at("available").as_int64();
  }

  static inline testing::Platform* platform_ = nullptr;
  static inline std::string prefix_;
};

TEST_F(CartService, ThirtyRequestsAreAnsweredByAllThreeInstances) {
  std::string session = "0b6f7a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
  std::set<std::string> instances;
  std::set<std::string> ids;
  for (int i = 0; i < 30; ++i) {
    HttpResult r = Call("GET", "/api/v1/cart?session_id=" + session);
    ASSERT_EQ(r.status, 200) << r.body;
    std::string served = Header(r, "x-instance-id");
    EXPECT_EQ(Json(r).at("served_by").as_string(), served);
    instances.insert(served);
    ids.insert(std::string(Json(r).at("id").as_string()));
  }
  EXPECT_EQ(instances, (std::set<std::string>{"cart-1", "cart-2", "cart-3"}));
  EXPECT_EQ(ids, std::set<std::string>{session});  // one cart, whichever instance answers
}

TEST_F(CartService, EachInstanceIsReadyAndHealthy) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Direct("cart", "GET", "/health", {}, {}, i).status, 200);
    EXPECT_EQ(Direct("cart", "GET", "/ready", {}, {}, i).status, 200);
  }
}

TEST_F(CartService, AnyInstanceServesAnyCart) {
  std::string id = NewGuestCart();
  HttpResult added = Direct("cart", "POST", "/api/v1/carts/" + id + "/items", Item(kTShirt, 2), {}, 0);
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(Header(added, "x-instance-id"), "cart-1");
  for (int i = 1; i < 3; ++i) {
    HttpResult r = Direct("cart", "GET", "/api/v1/carts/" + id, {}, {}, i);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(QuantityOf(r, kTShirt), 2);
    EXPECT_EQ(Json(r).at("served_by").as_string(), "cart-" + std::to_string(i + 1));
  }
}

TEST_F(CartService, FiftyConcurrentAddsThroughTheGatewayGiveFifty) {
  std::string id = NewGuestCart();
  std::atomic<int> ok{0};
  std::vector<std::string> failures(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      try {
        HttpResult r = Call("POST", "/api/v1/carts/" + id + "/items", Item(kCafe, 1));
        if (r.status == 200) {
          ++ok;
        } else {
          failures[i] = std::to_string(r.status) + " " + r.body;
        }
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) EXPECT_TRUE(f.empty()) << f;
  EXPECT_EQ(ok.load(), 50);
  HttpResult r = Call("GET", "/api/v1/carts/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kCafe), 50);
  EXPECT_EQ(Json(r).at("subtotal_cents").as_int64(), 50 * 1299);
}

TEST_F(CartService, TaxesAreExactOnAwkwardAmounts) {
  std::string id = NewGuestCart();
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kVeste, 1)).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kMiel, 1)).status, 200);
  HttpResult r = Call("POST", "/api/v1/carts/" + id + "/items", Item(kVeste, 1));  // quantities sum
  ASSERT_EQ(r.status, 200) << r.body;
  auto cart = Json(r).as_object();
  EXPECT_EQ(QuantityOf(r, kVeste), 2);
  EXPECT_EQ(cart.at("item_count").as_int64(), 3);
  // Miel is a zero-rated basic grocery (ADR 0140): GST and QST on the two jackets (259.98 $) only.
  EXPECT_EQ(cart.at("subtotal_cents").as_int64(), 27597);
  EXPECT_EQ(cart.at("taxable_cents").as_int64(), 25998);
  EXPECT_EQ(cart.at("zero_rated_cents").as_int64(), 1599);
  EXPECT_EQ(cart.at("gst_cents").as_int64(), 1300);
  EXPECT_EQ(cart.at("qst_cents").as_int64(), 2593);
  EXPECT_EQ(cart.at("total_cents").as_int64(), 31490);
  bool found = false;
  for (const auto& line : cart.at("items").as_array()) {
    if (line.at("product_id").as_int64() != kVeste) continue;
    found = true;
    EXPECT_EQ(line.at("unit_price_cents").as_int64(), 12999);
    EXPECT_EQ(line.at("line_total_cents").as_int64(), 25998);
    EXPECT_FALSE(line.at("name").as_string().empty());
    EXPECT_FALSE(line.at("sku").as_string().empty());
  }
  EXPECT_TRUE(found);
}

TEST_F(CartService, PricesFollowTheCatalogue) {
  std::string id = NewGuestCart();
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kMiel, 2)).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(17, 1)).status, 200);
  // A new price shows in the next answer: the cart stores quantities, never prices.
  HttpResult patched = Direct("product", "PATCH", "/api/v1/products/17", R"({"price_cents": 1001})", Manager());
  ASSERT_EQ(patched.status, 200) << patched.body;
  HttpResult r = Call("GET", "/api/v1/carts/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("subtotal_cents").as_int64(), 2 * 1599 + 1001);
  // An archived product can no longer be added, and its line leaves the cart.
  HttpResult archived = Direct("product", "DELETE", "/api/v1/products/17", {}, Manager());
  ASSERT_EQ(archived.status, 204) << archived.body;
  r = Call("POST", "/api/v1/carts/" + id + "/items", Item(17, 1));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Code(r), "cart.unknown_product");
  r = Call("GET", "/api/v1/carts/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kMiel), 2);
  EXPECT_EQ(QuantityOf(r, 17), 0);
  EXPECT_EQ(Json(r).at("subtotal_cents").as_int64(), 2 * 1599);
  r = Call("POST", "/api/v1/carts/" + id + "/items", Item(999999, 1));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Code(r), "cart.unknown_product");
}

TEST_F(CartService, AQuantityAboveTheCentresStockIsRefusedAndTheCartIsUnchanged) {
  std::string id = NewGuestCart();
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kAirPods, 2)).status, 200);
  HttpResult before = Call("GET", "/api/v1/carts/" + id);
  std::int64_t available = Available(kAirPods);
  ASSERT_GT(available, 2);

  HttpResult r = Call("POST", "/api/v1/carts/" + id + "/items", Item(kAirPods, available - 1));  // 2 + a - 1 > a
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Code(r), "cart.insufficient_stock");
  r = Call("PUT", "/api/v1/carts/" + id + "/items/" + std::to_string(kAirPods), Quantity(available + 1));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Code(r), "cart.insufficient_stock");
  HttpResult after = Call("GET", "/api/v1/carts/" + id);
  EXPECT_EQ(Json(after).at("items"), Json(before).at("items"));
  EXPECT_EQ(Json(after).at("total_cents"), Json(before).at("total_cents"));

  // The centre's stock drops to 3 (a logistics adjustment): a 4th unit is refused, a 3rd is fine.
  json::object movement{{"location_id", 6},
                        {"reason", "adjustment"},
                        {"adjustment_reason", "count_correction"},
                        {"note", "cart integration test"},
                        {"reference", "test:cart"},
                        {"lines", json::array{json::object{{"product_id", kAirPods}, {"quantity", 3 - available}}}}};
  HttpResult adjusted = Direct("inventory", "POST", "/api/v1/inventory/movements", json::serialize(movement),
                               Logistics(), 0, {{"Idempotency-Key", "cart-it-" + std::to_string(::getpid())}});
  ASSERT_EQ(adjusted.status, 201) << adjusted.body;
  ASSERT_EQ(Available(kAirPods), 3);
  r = Call("POST", "/api/v1/carts/" + id + "/items", Item(kAirPods, 2));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(QuantityOf(Call("GET", "/api/v1/carts/" + id), kAirPods), 2);
  r = Call("POST", "/api/v1/carts/" + id + "/items", Item(kAirPods, 1));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kAirPods), 3);
  // Lowering a quantity is always allowed.
  r = Call("PUT", "/api/v1/carts/" + id + "/items/" + std::to_string(kAirPods), Quantity(1));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kAirPods), 1);
}

TEST_F(CartService, ItemsAreSetRemovedAndTheCartCleared) {
  std::string id = NewGuestCart();
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kTShirt, 1)).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kCafe, 1)).status, 200);
  HttpResult r = Call("PUT", "/api/v1/carts/" + id + "/items/" + std::to_string(kTShirt), Quantity(4));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kTShirt), 4);
  r = Call("PUT", "/api/v1/carts/" + id + "/items/" + std::to_string(kTShirt), Quantity(0));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kTShirt), 0);
  r = Call("DELETE", "/api/v1/carts/" + id + "/items/" + std::to_string(kCafe));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Json(r).at("items").as_array().empty());
  EXPECT_EQ(Json(r).at("total_cents").as_int64(), 0);

  ASSERT_EQ(Call("POST", "/api/v1/carts/" + id + "/items", Item(kCafe, 2)).status, 200);
  r = Call("DELETE", "/api/v1/carts/" + id);
  EXPECT_EQ(r.status, 204) << r.body;
  r = Call("GET", "/api/v1/carts/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Json(r).at("items").as_array().empty());
  EXPECT_EQ(Call("DELETE", "/api/v1/carts/" + id).status, 204);  // idempotent
}

TEST_F(CartService, BadInputIsRefusedWithEveryField) {
  std::string id = NewGuestCart();
  HttpResult r = Call("POST", "/api/v1/carts/" + id + "/items", R"({"product_id": 0, "quantity": 0, "size": "L"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Code(r), "cart.invalid_item");
  EXPECT_EQ(ErrorFields(r), (std::set<std::string>{"product_id", "quantity", "size"}));
  r = Call("POST", "/api/v1/carts/" + id + "/items", "not json");
  EXPECT_EQ(r.status, 400) << r.body;
  r = Call("PUT", "/api/v1/carts/" + id + "/items/5", R"({"quantity": -2})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorFields(r), std::set<std::string>{"quantity"});
  // A session id is 1–128 of [A-Za-z0-9_-] and never a shopper's cart id.
  for (const std::string& bad : std::vector<std::string>{"customer-42", "a%20b", "caf%C3%A9", std::string(129, 'x'), ""}) {
    r = Call("GET", "/api/v1/cart?session_id=" + bad);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(ErrorFields(r), std::set<std::string>{"session_id"}) << bad;
  }
  // The seed README's session id: a guest cart, the same at /carts/{id}.
  r = Call("GET", "/api/v1/cart?session_id=test123");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("id"), "test123");
  EXPECT_EQ(Call("GET", "/api/v1/carts/test123").status, 200);
  r = Call("GET", "/api/v1/cart");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(Json(Call("GET", "/api/v1/carts/" + id)).at("items").as_array().empty());

  r = Call("GET", "/api/v1/carts/8e0c2a7e-0000-4000-8000-000000000000");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(Code(r), "cart.not_found");
  EXPECT_FALSE(Header(r, "x-instance-id").empty());  // errors say who answered too
  r = Call("POST", "/api/v1/carts/8e0c2a7e-0000-4000-8000-000000000000/items", Item(kTShirt, 1));
  EXPECT_EQ(r.status, 404) << r.body;
  r = Call("GET", "/api/v1/carts/nothing-like-a-cart");
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(CartService, AShopperCannotReadAnotherShoppersCart) {
  std::string alice = Shopper(5001);
  std::string bob = Shopper(5002);
  HttpResult mine = Call("GET", "/api/v1/cart", {}, alice);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Json(mine).at("id").as_string(), "customer-5001");
  EXPECT_EQ(Json(mine).at("customer_id").as_int64(), 5001);
  ASSERT_EQ(Call("POST", "/api/v1/carts/customer-5001/items", Item(kTShirt, 1), alice).status, 200);

  HttpResult r = Call("GET", "/api/v1/carts/customer-5001", {}, bob);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Code(r), "cart.forbidden");
  r = Call("POST", "/api/v1/carts/customer-5001/items", Item(kTShirt, 1), bob);
  EXPECT_EQ(r.status, 403) << r.body;
  r = Call("DELETE", "/api/v1/carts/customer-5001", {}, bob);
  EXPECT_EQ(r.status, 403) << r.body;
  r = Call("GET", "/api/v1/carts/customer-5001");
  EXPECT_EQ(r.status, 401) << r.body;
  // A manager or an admin may read (support), never change; a cashier or logistics may not even read (ADR 0051).
  r = Call("GET", "/api/v1/carts/customer-5001", {}, Manager());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kTShirt), 1);
  r = Call("GET", "/api/v1/carts/customer-5001", {}, Token(Role::kAdmin, "8"));
  EXPECT_EQ(r.status, 200) << r.body;
  r = Call("PUT", "/api/v1/carts/customer-5001/items/5", Quantity(3), Manager());
  EXPECT_EQ(r.status, 403) << r.body;
  for (const std::string& staff : {Token(Role::kCashier, "1", 1), Logistics()}) {
    r = Call("GET", "/api/v1/carts/customer-5001", {}, staff);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Code(r), "cart.forbidden");
    EXPECT_EQ(r.body.find("T-shirt"), std::string::npos) << r.body;
  }
  // The owner's cart is what it was.
  r = Call("GET", "/api/v1/cart", {}, alice);
  EXPECT_EQ(QuantityOf(r, kTShirt), 1);
}

// Order's recovery pass empties a shopper's cart long after the shopper's token expired: with order's own service
// token (scope carts:empty), which does nothing else; no other service may (ADR 0008).
TEST_F(CartService, OnlyOrdersServiceTokenEmptiesAShoppersCart) {
  std::string carol = Shopper(5003);
  ASSERT_EQ(Call("POST", "/api/v1/carts/customer-5003/items", Item(kTShirt, 2), carol).status, 200);
  const testing::TestAuth& keys = platform_->Auth();
  const std::string order = keys.ServiceToken("order", "cart", {"carts:empty"});
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {keys.ServiceToken("sales", "cart", {"carts:empty"}), "cart.forbidden"},
           {keys.ServiceToken("order", "cart", {}), "auth.insufficient_scope"},
           {keys.ServiceToken("order", "inventory", {"carts:empty"}), "auth.wrong_audience"},
           {keys.ForgedServiceToken("order", "cart", {"carts:empty"}), "auth.invalid_token"}}) {
    HttpResult r = Direct("cart", "DELETE", "/api/v1/carts/customer-5003", {}, token);
    EXPECT_EQ(Code(r), code) << r.body;
  }
  // Order's token reads nothing and adds nothing.
  EXPECT_EQ(Direct("cart", "GET", "/api/v1/carts/customer-5003", {}, order).status, 403);
  EXPECT_EQ(Direct("cart", "POST", "/api/v1/carts/customer-5003/items", Item(kTShirt, 1), order).status, 403);
  EXPECT_EQ(QuantityOf(Call("GET", "/api/v1/cart", {}, carol), kTShirt), 2);
  EXPECT_EQ(Direct("cart", "DELETE", "/api/v1/carts/customer-5003", {}, order).status, 204);
  EXPECT_EQ(QuantityOf(Call("GET", "/api/v1/cart", {}, carol), kTShirt), 0);
}

TEST_F(CartService, AGuestCartMergesIntoTheShoppersCart) {
  std::string shopper = Shopper(6001);
  std::string guest = NewGuestCart();
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + guest + "/items", Item(kTShirt, 2)).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + guest + "/items", Item(kMiel, 1)).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/carts/customer-6001/items", Item(kTShirt, 1), shopper).status, 200);

  HttpResult r = Call("POST", "/api/v1/carts/" + guest + "/merge");
  EXPECT_EQ(r.status, 401) << r.body;
  r = Call("POST", "/api/v1/carts/" + guest + "/merge", {}, Manager());
  EXPECT_EQ(r.status, 403) << r.body;

  r = Call("POST", "/api/v1/carts/" + guest + "/merge", {}, shopper);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r).at("id").as_string(), "customer-6001");
  EXPECT_EQ(QuantityOf(r, kTShirt), 3);
  EXPECT_EQ(QuantityOf(r, kMiel), 1);
  EXPECT_EQ(Json(r).at("subtotal_cents").as_int64(), 3 * 1999 + 1599);
  // The guest cart is gone; merging it again finds nothing.
  EXPECT_EQ(Call("GET", "/api/v1/carts/" + guest).status, 404);
  r = Call("POST", "/api/v1/carts/" + guest + "/merge", {}, shopper);
  EXPECT_EQ(r.status, 404) << r.body;
  r = Call("POST", "/api/v1/carts/customer-6001/merge", {}, shopper);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Code(r), "cart.not_a_guest_cart");
}

TEST_F(CartService, AMergeStaysWithinTheStock) {
  std::string shopper = Shopper(6002);
  std::int64_t available = Available(kVeste);
  ASSERT_GE(available, 4);
  std::int64_t own = available / 2 + 1;
  std::int64_t theirs = available - own + 2;  // together 2 above the stock
  std::string guest = NewGuestCart();
  ASSERT_EQ(Call("POST", "/api/v1/carts/" + guest + "/items", Item(kVeste, theirs)).status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/carts/customer-6002/items", Item(kVeste, own), shopper).status, 200);
  HttpResult r = Call("POST", "/api/v1/carts/" + guest + "/merge", {}, shopper);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(QuantityOf(r, kVeste), available);
}

TEST_F(CartService, KillingAnInstanceLosesNoCartAndNoAnsweredWrite) {
  std::vector<std::string> carts;
  for (int i = 0; i < 6; ++i) {
    carts.push_back(NewGuestCart());
    ASSERT_EQ(Call("POST", "/api/v1/carts/" + carts.back() + "/items", Item(kCafe, i + 1)).status, 200);
  }
  std::string target = NewGuestCart();
  std::atomic<int> started{0};
  int answered = 0;
  int failed = 0;
  std::thread writer([&] {
    for (int i = 0; i < 40; ++i) {
      try {
        HttpResult r = Call("POST", "/api/v1/carts/" + target + "/items", Item(kTShirt, 1));
        (r.status == 200 ? answered : failed) += 1;
      } catch (const std::exception&) {
        ++failed;
      }
      ++started;
    }
  });
  while (started.load() < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  platform_->StopService("cart", true, 1);  // SIGKILL cart-2 while writes go on
  writer.join();
  // A write in flight on the killed instance may be lost (or applied without an answer); nothing else is.
  EXPECT_LE(failed, 1);
  HttpResult r = Call("GET", "/api/v1/carts/" + target);
  ASSERT_EQ(r.status, 200) << r.body;
  std::int64_t quantity = QuantityOf(r, kTShirt);
  EXPECT_GE(quantity, answered);
  EXPECT_LE(quantity, answered + failed);

  std::set<std::string> served;
  for (int i = 0; i < 6; ++i) {
    HttpResult c = Call("GET", "/api/v1/carts/" + carts[static_cast<std::size_t>(i)]);
    ASSERT_EQ(c.status, 200) << c.body;
    EXPECT_EQ(QuantityOf(c, kCafe), i + 1);
    served.insert(Header(c, "x-instance-id"));
  }
  for (int i = 0; i < 20; ++i) {
    HttpResult c = Call("GET", "/api/v1/carts/" + target);
    ASSERT_EQ(c.status, 200) << c.body;
    served.insert(Header(c, "x-instance-id"));
  }
  EXPECT_FALSE(served.contains("cart-2"));
  platform_->StartService("cart", 1);
}

TEST(CartReadiness, ReadyFailsWhenRedisIsUnreachable) {
  ASSERT_FALSE(testing::ComptoirBin().empty());
  int port = testing::FreePort();
  int dead_redis = testing::FreePort();  // nothing listens there
  testing::ProcessOptions o;
  o.path = testing::ComptoirBin();
  o.args = {"serve", "--service", "cart"};
  o.env = {{"COMPTOIR_CART_HTTP_PORT", std::to_string(port)},
           {"COMPTOIR_REDIS_URL", "redis://127.0.0.1:" + std::to_string(dead_redis)},
           {"COMPTOIR_AUTH_JWT_PUBLIC_KEY", testing::TestAuth().PublicKeyPem()},
           {"COMPTOIR_CART_INSTANCE_ID", "cart-lonely"},
           {"COMPTOIR_HTTP_THREADS", "1"}};
  testing::ChildProcess cart(o);
  ASSERT_TRUE(testing::WaitForHttp(port, "/health", std::chrono::seconds(30)));
  HttpResult ready = testing::Http(static_cast<std::uint16_t>(port), "GET", "/ready");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(Code(ready), "service.not_ready");
  HttpResult r = testing::Http(static_cast<std::uint16_t>(port), "POST", "/api/v1/carts");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(Code(r), "redis.unavailable");
  EXPECT_EQ(Header(r, "x-instance-id"), "cart-lonely");
}

// A lone instance on the fixture's Redis with a 3-second expiry: a write refreshes it, inactivity ends the cart.
// (Creating and clearing a cart need neither product nor inventory.)
TEST(CartExpiry, ACartExpiresAfterInactivityAndEveryWriteRefreshesIt) {
  ASSERT_FALSE(testing::ComptoirBin().empty());
  int port = testing::FreePort();
  testing::ProcessOptions o;
  o.path = testing::ComptoirBin();
  o.args = {"serve", "--service", "cart"};
  o.env = {{"COMPTOIR_CART_HTTP_PORT", std::to_string(port)},
           {"COMPTOIR_REDIS_URL", "redis://127.0.0.1:" + std::to_string(testing::RedisPort())},
           {"COMPTOIR_CART_REDIS_PREFIX", "cart_expiry_" + std::to_string(::getpid()) + ":"},
           {"COMPTOIR_CART_TTL_S", "3"},
           {"COMPTOIR_AUTH_JWT_PUBLIC_KEY", testing::TestAuth().PublicKeyPem()},
           {"COMPTOIR_HTTP_THREADS", "1"}};
  testing::ChildProcess cart(o);
  ASSERT_TRUE(testing::WaitForHttp(port, "/ready", std::chrono::seconds(30)));
  auto http = [port](const std::string& method, const std::string& target) {
    return testing::Http(static_cast<std::uint16_t>(port), method, target);
  };
  HttpResult created = http("POST", "/api/v1/carts");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id(Json(created).at("id").as_string());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ASSERT_EQ(http("DELETE", "/api/v1/carts/" + id).status, 204);  // a write: expiry pushed back 3 s
  std::this_thread::sleep_for(std::chrono::seconds(2));
  // 4 s after creation: alive only because the write refreshed it.
  EXPECT_EQ(http("GET", "/api/v1/carts/" + id).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  // More than 3 s after the last write (reads do not count): gone.
  HttpResult gone = http("GET", "/api/v1/carts/" + id);
  EXPECT_EQ(gone.status, 404) << gone.body;
  EXPECT_EQ(Code(gone), "cart.not_found");
}

}  // namespace
}  // namespace comptoir::cart
