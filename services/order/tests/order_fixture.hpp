// What the order integration tests share: a Platform of product, inventory, cart, payment and order (the gateway in
// front), shoppers with filled carts, checkouts through the gateway, and direct reads of the provider, the stock and
// the databases. Each test executable starts its own Platform (OrderFixture<Suite>: one per suite).
#pragma once
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/testing/eventually.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::order::test {

using auth::Role;
using testing::HttpResult;
namespace json = boost::json;

inline constexpr const char* kSuccessCard = "4242424242424242";
inline constexpr const char* kDeclinedCard = "4000000000000002";
inline constexpr const char* kTimeoutCard = "4000000000000119";
inline constexpr std::int64_t kVeste = 7;  // 129.99 $
inline constexpr std::int64_t kMiel = 12;  // 15.99 $
inline constexpr std::int64_t kCentre = 6;

inline json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

inline std::string Code(const HttpResult& r) {
  auto v = Json(r);
  return v.is_object() && v.as_object().contains("code") ? std::string(v.at("code").as_string()) : "";
}

inline std::string Str(const json::value& v, std::string_view key) {
  return std::string(v.at(key).as_string());
}

using testing::Eventually;

/// Settings every order Platform gets: short timeouts so that the tests wait little.
inline std::vector<std::pair<std::string, std::string>> FastOrderSettings() {
  return {{"COMPTOIR_ORDER_PAYMENT_TIMEOUT_MS", "1000"},
          {"COMPTOIR_PAYMENT_TIMEOUT_CARD_DELAY_MS", "1600"},
          {"COMPTOIR_ORDER_RECOVERY_INTERVAL_MS", "300"},
          {"COMPTOIR_ORDER_RECOVERY_STALE_MS", "3000"},
          {"COMPTOIR_ORDER_CHARGE_WATCH_INTERVAL_MS", "300"}};
}

/// The fixture of one suite (`Suite`: the derived fixture, so that each suite has its own Platform).
template <class Suite>
class OrderFixture : public ::testing::Test {
 protected:
  /// Starts the Platform with FastOrderSettings() and `env` (later entries win).
  static void StartPlatform(const std::string& name, std::vector<std::pair<std::string, std::string>> env = {}) {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    std::vector<std::pair<std::string, std::string>> all = FastOrderSettings();
    for (auto& e : env) all.push_back(std::move(e));
    platform_ =
        // customer issues order's service tokens (inventory, payment, cart; ADR 0008).
        new testing::Platform(testing::PlatformOptions{.services = {"customer", "product", "inventory", "cart",
                                                                    "payment", "order"},
                                                       .name = name,
                                                       .env = std::move(all),
                                                       .instances = {{"cart", 1}}});
    std::random_device random;
    next_customer_ =
        700000 + static_cast<int>(random() % 200000) * 10;  // carts live in a Redis shared with other tests
  }
  static void StopPlatform() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string Token(Role role, std::string subject, std::optional<std::int64_t> location = std::nullopt) {
    return platform_->Auth().Token(role, subject, location);
  }
  static std::string Logistics() { return Token(Role::kLogistics, "6", 6); }
  static std::string Manager() { return Token(Role::kManager, "7"); }

  // The cart service itself (one instance here): carts are filled and read directly, so that kong.yml's cart targets
  // without a test instance (it lists three) play no part; checkout and orders go through the gateway.
  static HttpResult Cart(const std::string& method, const std::string& target, const std::string& token,
                         const std::string& body = {}) {
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("cart")), method, target, body,
                         {{"Authorization", "Bearer " + token}});
  }

  /// A new shopper (token) with `lines` in their cart.
  struct Shopper {
    std::string id;
    std::string token;
    std::string cart_id;
  };
  static Shopper NewShopper(const std::vector<std::pair<std::int64_t, std::int64_t>>& lines) {
    Shopper s;
    s.id = std::to_string(next_customer_++);
    s.token = Token(Role::kCustomer, s.id);
    HttpResult cart = Cart("GET", "/api/v1/cart", s.token);
    EXPECT_EQ(cart.status, 200) << cart.body;
    s.cart_id = Str(Json(cart), "id");
    for (auto [product, quantity] : lines) {
      HttpResult added = Cart("POST", "/api/v1/carts/" + s.cart_id + "/items", s.token,
                              json::serialize(json::object{{"product_id", product}, {"quantity", quantity}}));
      EXPECT_EQ(added.status, 200) << added.body;
    }
    return s;
  }

  static std::string CheckoutBody(const Shopper& s, const std::string& card) {
    return json::serialize(json::object{{"cart_id", s.cart_id},
                                        {"shipping_address", json::object{{"line1", "7250, boulevard des Roseraies"},
                                                                          {"city", "Montréal"},
                                                                          {"province", "QC"},
                                                                          {"postal_code", "H1M 2T6"}}},
                                        {"payment", json::object{{"method", "card"}, {"card_number", card}}}});
  }
  static HttpResult PostCheckout(const Shopper& s, const std::string& card, const std::string& key) {
    return platform_->Call("POST", "/api/v1/checkout", CheckoutBody(s, card), s.token, {{"Idempotency-Key", key}});
  }

  static json::array CartItems(const Shopper& s) {
    HttpResult cart = Cart("GET", "/api/v1/carts/" + s.cart_id, s.token);
    EXPECT_EQ(cart.status, 200) << cart.body;
    return Json(cart).at("items").as_array();
  }
  static json::array OrdersOf(const Shopper& s) {
    HttpResult list = platform_->Call("GET", "/api/v1/orders", "", s.token);
    EXPECT_EQ(list.status, 200) << list.body;
    return Json(list).at("data").as_array();
  }

  static json::object Stock(std::int64_t product) {
    HttpResult r = testing::Http(static_cast<std::uint16_t>(platform_->Port("inventory")), "GET",
                                 "/api/v1/inventory?location_id=6&product_id=" + std::to_string(product), {},
                                 {{"Authorization", "Bearer " + Manager()}});  // staff see on hand and reserved
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).at("data").as_array().at(0).as_object();
  }
  static std::int64_t OnHand(std::int64_t product) { return Stock(product).at("on_hand").as_int64(); }
  static std::int64_t Reserved(std::int64_t product) { return Stock(product).at("reserved").as_int64(); }

  static std::string OrderSql(const std::string& sql) { return testing::QueryValue(platform_->Conninfo("order"), sql); }
  static std::string InventorySql(const std::string& sql) {
    return testing::QueryValue(platform_->Conninfo("inventory"), sql);
  }
  static std::string CheckoutId(const Shopper& s, const std::string& key) {
    return OrderSql("SELECT id FROM checkouts WHERE customer_id = '" + s.id + "' AND idempotency_key = '" + key + "'");
  }
  static json::array Charges(const std::string& checkout_id) {
    // Payment answers only order: read with the token customer issues to order (ADR 0008).
    HttpResult r = testing::Http(static_cast<std::uint16_t>(platform_->Port("payment")), "GET",
                                 "/api/v1/payments/charges?reference=checkout:" + checkout_id, {},
                                 {{"Authorization", "Bearer " + platform_->ObtainServiceToken("order", "payment")}});
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r).at("data").as_array();
  }
  static std::string ActiveReservations(const std::string& checkout_id) {
    return InventorySql("SELECT count(*) FROM reservations WHERE reference = 'order:checkout-" + checkout_id +
                        "' AND status = 'active'");
  }

  static inline testing::Platform* platform_ = nullptr;
  static inline int next_customer_ = 0;
};

}  // namespace comptoir::order::test
