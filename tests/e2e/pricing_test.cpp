// Issue 15's "done when" (ADR 0141): Buy 2 get 1 on T-shirts gives the same total at the till (sales), in
// the cart and at checkout (order), through the gateway, because all three price with libs/pricing and the
// promotions product answers.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
using testing::HttpResult;

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::int64_t Int(const json::value& v, std::string_view key) { return v.at(key).to_number<std::int64_t>(); }

TEST(Pricing, BuyTwoGetOneIsTheSameAtTheTillInTheCartAndAtCheckout) {
  testing::Platform platform({.services = {"customer", "product", "inventory", "sales", "cart", "payment", "order"},
                              .gateway = true,
                              .name = "e2e_pricing"});
  const auto token = [&](auth::Role role, const std::string& sub, std::optional<std::int64_t> location) {
    return auth::IssueToken(platform.Jwt(), auth::Principal{sub, role, location, 0}, auth::NowSeconds());
  };
  const std::string manager = token(auth::Role::kManager, "7", std::nullopt);
  const std::string cashier = token(auth::Role::kCashier, "4", 4);
  const std::string shopper = token(auth::Role::kCustomer, "901", std::nullopt);

  // A shopper or a cashier cannot create it; a manager can.
  const std::string promotion =
      R"({"name": "T-shirts : 2 achetés, 1 offert", "kind": "buy_x_get_y", "product_ids": [5], "buy_quantity": 2,)"
      R"( "get_quantity": 1, "starts_at": "2026-01-01T00:00:00Z", "location_ids": [4], "online": true})";
  EXPECT_EQ(platform.Call("POST", "/api/v1/promotions", promotion, shopper).status, 403);
  EXPECT_EQ(platform.Call("POST", "/api/v1/promotions", promotion, cashier).status, 403);
  ASSERT_EQ(platform.Call("POST", "/api/v1/promotions", promotion, manager).status, 201);
  // Anyone reads those in force.
  auto listed = platform.Call("GET", "/api/v1/promotions?channel=online");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(Json(listed).at("data").as_array().size(), 1u);

  // 3 × 19.99 − 19.99 = 39.98; GST 1.999 → 2.00; QST 3.988005 → 3.99; total 45.97 (ADR 0141's example).
  constexpr std::int64_t kSubtotal = 3998, kDiscount = 1999, kGst = 200, kQst = 399, kTotal = 4597;

  auto sale = platform.Call(
      "POST", "/api/v1/sales",
      R"({"location_id": 4, "lines": [{"product_id": 5, "quantity": 3}], "payments": [{"method": "card", "amount_cents": 4597}]})",
      cashier, {{"Idempotency-Key", http::NewUuid()}});
  ASSERT_EQ(sale.status, 201) << sale.body;
  const auto till = Json(sale);
  EXPECT_EQ(Int(till, "subtotal_cents"), kSubtotal);
  EXPECT_EQ(Int(till, "discount_cents"), kDiscount);
  EXPECT_EQ(Int(till, "gst_cents"), kGst);
  EXPECT_EQ(Int(till, "qst_cents"), kQst);
  EXPECT_EQ(Int(till, "total_cents"), kTotal);

  const std::string cart_id = "customer-901";
  auto added = platform.Call("POST", "/api/v1/carts/" + cart_id + "/items", R"({"product_id": 5, "quantity": 3})",
                             shopper);
  ASSERT_EQ(added.status, 200) << added.body;
  const auto cart = Json(added);
  EXPECT_EQ(Int(cart, "subtotal_cents"), kSubtotal);
  EXPECT_EQ(Int(cart, "discount_cents"), kDiscount);
  EXPECT_EQ(Int(cart, "gst_cents"), kGst);
  EXPECT_EQ(Int(cart, "qst_cents"), kQst);
  EXPECT_EQ(Int(cart, "total_cents"), kTotal);
  ASSERT_EQ(cart.at("promotions").as_array().size(), 1u);
  EXPECT_EQ(Int(cart.at("items").at(0), "line_total_cents"), kSubtotal);

  json::object checkout{{"cart_id", cart_id},
                        {"shipping_address", json::object{{"line1", "5333 avenue Casgrain"},
                                                          {"city", "Montréal"},
                                                          {"province", "QC"},
                                                          {"postal_code", "H2T 1X3"}}},
                        {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}};
  auto placed = platform.Call("POST", "/api/v1/checkout", json::serialize(checkout), shopper,
                              {{"Idempotency-Key", http::NewUuid()}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const auto order = Json(placed);
  // The goods cost what the cart and the till said; shipping (9.99 $ under 100 $) is taxed with them.
  EXPECT_EQ(Int(order, "subtotal_cents"), kSubtotal);
  EXPECT_EQ(Int(order, "discount_cents"), kDiscount);
  EXPECT_EQ(Int(order, "shipping_cents"), 999);
  EXPECT_EQ(Int(order, "gst_cents"), 250);  // 5 % × 49.97 = 2.4985
  EXPECT_EQ(Int(order, "qst_cents"), 498);  // 9.975 % × 49.97 = 4.9845075
  EXPECT_EQ(Int(order, "total_cents"), kTotal + 999 + (250 - kGst) + (498 - kQst));
}

}  // namespace
}  // namespace comptoir
