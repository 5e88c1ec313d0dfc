// Issue 5's "done when", end to end through the gateway: a shopper registers with customer, fills the
// cart (three cart instances behind the gateway), checks out with the success test card through order
// and the simulated payment provider; inventory's logistics centre gives up exactly what was ordered, and
// the head-office dashboard shows the order (issue 6).
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

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

std::int64_t Int(const json::value& v, std::string_view key) {
  return v.at(key).to_number<std::int64_t>();
}

// What the shopper sees of the centre's stock: its availability and the quantity it can sell, never on hand.
std::int64_t CentreAvailable(const testing::Platform& platform, const std::string& token, int product) {
  auto r = platform.Call("GET", "/api/v1/inventory?location_id=6&product_id=" + std::to_string(product), {}, token);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto body = Json(r);
  const auto& rows = body.at("data").as_array();
  if (rows.empty()) return 0;
  EXPECT_FALSE(rows.at(0).as_object().contains("on_hand")) << r.body;
  return Int(rows.at(0), "available");
}

TEST(OnlineShop, ShopperRegistersFillsTheCartAndChecksOut) {
  testing::Platform platform({.services = {"product", "inventory", "customer", "cart", "payment", "order", "reporting"},
                              .gateway = true,
                              .name = "e2e_shop",
                              .instances = {{"cart", 3}}});

  // 30 cart requests through the gateway are answered by all three instances.
  std::set<std::string> instances;
  for (int i = 0; i < 30; ++i) {
    auto r = platform.Call("GET", "/api/v1/cart?session_id=" + http::NewUuid());
    ASSERT_EQ(r.status, 200) << r.body;
    instances.insert(r.headers["x-instance-id"]);
  }
  EXPECT_EQ(instances, (std::set<std::string>{"cart-1", "cart-2", "cart-3"}));

  // deploy/kong.yml's cart upstream: its three targets' health on the Admin API (active checks on
  // /health), and the requests counted per service, route, status and consumer in /metrics.
  const auto admin = static_cast<std::uint16_t>(platform.GatewayAdminPort());
  int healthy = 0;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       healthy != 3 && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(200))) {
    auto health = testing::Http(admin, "GET", "/upstreams/cart-upstream/health", {},
                                {{"Kong-Admin-Token", platform.GatewayAdminToken()}});
    ASSERT_EQ(health.status, 200) << health.body;
    healthy = 0;
    const auto targets = Json(health);
    for (const auto& target : targets.at("data").as_array()) {
      if (target.at("health") == json::value("HEALTHY")) ++healthy;
    }
  }
  EXPECT_EQ(healthy, 3);
  const auto metrics =
      testing::Http(admin, "GET", "/metrics", {}, {{"Kong-Admin-Token", platform.GatewayAdminToken()}});
  ASSERT_EQ(metrics.status, 200);
  const auto counted = metrics.body.find(R"(kong_http_requests_total{service="cart",route="cart",code="200",)");
  ASSERT_NE(counted, std::string::npos) << metrics.body.substr(0, 2000);
  const auto line = metrics.body.substr(counted, metrics.body.find('\n', counted) - counted);
  // The 30 requests above, by the consumer of the platform's API key.
  EXPECT_NE(line.find(R"(consumer="pos-test-automation"} 30)"), std::string::npos) << line;

  const std::string email = "sophie.gagnon+" + http::NewUuid().substr(0, 8) + "@example.com";
  auto registered = platform.Call("POST", "/api/v1/auth/register",
                                  json::serialize(json::object{{"email", email},
                                                               {"password", "un-mot-de-passe-solide"},
                                                               {"first_name", "Sophie"},
                                                               {"last_name", "Gagnon"}}));
  ASSERT_EQ(registered.status, 201) << registered.body;
  auto signed_in =
      platform.Call("POST", "/api/v1/auth/login",
                    json::serialize(json::object{{"email", email}, {"password", "un-mot-de-passe-solide"}}));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string token(Json(signed_in).at("access_token").as_string());

  const auto veste_before = CentreAvailable(platform, token, 7);
  const auto miel_before = CentreAvailable(platform, token, 12);

  auto cart = platform.Call("GET", "/api/v1/cart", {}, token);
  ASSERT_EQ(cart.status, 200) << cart.body;
  const std::string cart_id(Json(cart).at("id").as_string());
  for (const auto& [product, quantity] : {std::pair{7, 2}, std::pair{12, 1}}) {
    auto added = platform.Call("POST", "/api/v1/carts/" + cart_id + "/items",
                               json::serialize(json::object{{"product_id", product}, {"quantity", quantity}}), token);
    ASSERT_EQ(added.status, 200) << added.body;
  }
  auto filled = Json(platform.Call("GET", "/api/v1/carts/" + cart_id, {}, token));
  // Miel is a zero-rated basic grocery (ADR 0140): taxes on the two jackets only (259.98 $).
  EXPECT_EQ(Int(filled, "subtotal_cents"), 27597);
  EXPECT_EQ(Int(filled, "gst_cents"), 1300);
  EXPECT_EQ(Int(filled, "qst_cents"), 2593);

  // Delivery to an address saved in the shopper's account (order reads it from customer).
  auto address = platform.Call("POST", "/api/v1/customers/me/addresses",
                               json::serialize(json::object{{"type", "delivery"},
                                                            {"line1", "5333 avenue Casgrain"},
                                                            {"city", "Montréal"},
                                                            {"province", "QC"},
                                                            {"postal_code", "h2t1x3"}}),
                               token);
  ASSERT_EQ(address.status, 201) << address.body;
  json::object checkout{{"cart_id", cart_id},
                        {"address_id", Json(address).at("id")},
                        {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}};
  auto placed = platform.Call("POST", "/api/v1/checkout", json::serialize(checkout), token,
                              {{"Idempotency-Key", http::NewUuid()}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = Json(placed);
  EXPECT_EQ(Int(order, "subtotal_cents"), 27597);
  // Free shipping from 100 $ of goods (ADR 0050): the taxes are the cart's.
  EXPECT_EQ(Int(order, "shipping_cents"), 0);
  EXPECT_EQ(Int(order, "gst_cents"), 1300);
  EXPECT_EQ(Int(order, "qst_cents"), 2593);
  EXPECT_EQ(Int(order, "total_cents"), 27597 + 1300 + 2593);
  EXPECT_EQ(std::string(order.at("status").as_string()), "paid");
  EXPECT_EQ(std::string(order.at("shipping_address").at("postal_code").as_string()), "H2T 1X3");

  auto emptied = Json(platform.Call("GET", "/api/v1/carts/" + cart_id, {}, token));
  EXPECT_TRUE(emptied.at("items").as_array().empty()) << json::serialize(emptied);
  EXPECT_EQ(CentreAvailable(platform, token, 7), veste_before - 2);
  EXPECT_EQ(CentreAvailable(platform, token, 12), miel_before - 1);

  // Head office sees the order in the dashboard's online block (reporting reads OrderPlaced from the stream).
  auto manager =
      platform.Call("POST", "/api/v1/auth/staff/login",
                    json::serialize(json::object{{"email", "manager@comptoir.local"}, {"password", "comptoir-demo"}}));
  ASSERT_EQ(manager.status, 200) << manager.body;
  const std::string manager_token(Json(manager).at("access_token").as_string());
  json::value online;
  for (int attempt = 0; attempt < 100; ++attempt) {  // events arrive asynchronously; give up after ~10 s
    auto dashboard = platform.Call("GET", "/api/v1/dashboard", {}, manager_token);
    ASSERT_EQ(dashboard.status, 200) << dashboard.body;
    online = Json(dashboard).at("online");
    if (Int(online, "orders_today") >= 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Int(online, "orders_today"), 1) << json::serialize(online);
  EXPECT_EQ(Int(online, "revenue_today_cents"), Int(order, "total_cents")) << json::serialize(online);
  EXPECT_EQ(Int(online, "open_orders"), 1) << json::serialize(online);

  // The shopper sees the order; nobody else does.
  auto mine = platform.Call("GET", "/api/v1/orders", {}, token);
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Json(mine).at("data").as_array().size(), 1u);
}

// Issue 12 item 9: taxes are reported net of cancellations as well as returns. A shopper's order (a taxable and a
// zero-rated product, below free shipping: the shipping is taxed too) is cancelled; the remittance view and the sales
// report give its GST and QST back to the cent, in every period cut, on the day of the cancellation.
TEST(OnlineShop, ACancelledOrderGivesItsTaxesBackInTheReports) {
  testing::Platform platform({.services = {"product", "inventory", "customer", "cart", "payment", "order", "reporting"},
                              .gateway = true,
                              .name = "e2e_shop_cancel",
                              .instances = {{"cart", 1}}});
  auto sign_in = [&](const std::string& path, const std::string& email) {
    auto r = platform.Call("POST", path,
                           json::serialize(json::object{{"email", email}, {"password", "comptoir-demo"}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(Json(r).at("access_token").as_string());
  };
  const std::string shopper = sign_in("/api/v1/auth/login", "jean.dupont@example.com");
  const std::string manager = sign_in("/api/v1/auth/staff/login", "manager@comptoir.local");

  auto cart = platform.Call("GET", "/api/v1/cart", {}, shopper);
  ASSERT_EQ(cart.status, 200) << cart.body;
  const std::string cart_id(Json(cart).at("id").as_string());
  for (const auto& [product, quantity] : {std::pair{10, 1}, std::pair{12, 1}}) {
    auto added = platform.Call("POST", "/api/v1/carts/" + cart_id + "/items",
                               json::serialize(json::object{{"product_id", product}, {"quantity", quantity}}), shopper);
    ASSERT_EQ(added.status, 200) << added.body;
  }
  auto placed = platform.Call(
      "POST", "/api/v1/checkout",
      json::serialize(json::object{
          {"cart_id", cart_id},
          {"shipping_address", json::object{{"line1", "5333 avenue Casgrain"},
                                            {"city", "Montréal"},
                                            {"province", "QC"},
                                            {"postal_code", "H2T 1X3"}}},
          {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}}),
      shopper, {{"Idempotency-Key", http::NewUuid()}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const auto order = Json(placed);
  const std::string order_id(order.at("id").as_string());
  const std::int64_t subtotal = Int(order, "subtotal_cents");
  const std::int64_t gst = Int(order, "gst_cents");
  const std::int64_t qst = Int(order, "qst_cents");
  const std::int64_t total = Int(order, "total_cents");
  ASSERT_GT(Int(order, "shipping_cents"), 0) << placed.body;
  ASSERT_GT(gst, 0) << placed.body;
  ASSERT_GT(qst, 0) << placed.body;

  auto report = [&](const std::string& target) {
    auto r = platform.Call("GET", target, {}, manager);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  };
  auto taxes = [&](const std::string& period) {
    return report("/api/v1/reports/taxes?channel=online&period=" + period).at("totals");
  };
  // The order reaches reporting: its taxes collected, nothing refunded yet.
  json::value before;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
    before = taxes("month");
    if (Int(before, "gst_collected_cents") != 0) break;
  }
  EXPECT_EQ(Int(before, "sales_cents"), subtotal) << json::serialize(before);
  EXPECT_EQ(Int(before, "gst_collected_cents"), gst) << json::serialize(before);
  EXPECT_EQ(Int(before, "qst_collected_cents"), qst) << json::serialize(before);
  EXPECT_EQ(Int(before, "gst_net_cents"), gst) << json::serialize(before);
  EXPECT_EQ(Int(before, "qst_net_cents"), qst) << json::serialize(before);
  EXPECT_EQ(Int(before, "zero_rated_net_cents"), 1599) << json::serialize(before);  // the honey

  auto cancelled = platform.Call("POST", "/api/v1/orders/" + order_id + "/cancel", {}, shopper);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(std::string(Json(cancelled).at("status").as_string()), "cancelled");

  // The cancellation reaches reporting: everything collected is refunded, nothing is owed, whatever the cut.
  json::value after;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(std::chrono::milliseconds(100))) {
    after = taxes("month");
    if (Int(after, "gst_refunded_cents") != 0) break;
  }
  for (const std::string period : {"day", "month", "quarter"}) {
    const json::value t = taxes(period);
    const std::string shown = period + ": " + json::serialize(t);
    EXPECT_EQ(Int(t, "sales_cents"), subtotal) << shown;
    EXPECT_EQ(Int(t, "gst_collected_cents"), gst) << shown;
    EXPECT_EQ(Int(t, "qst_collected_cents"), qst) << shown;
    EXPECT_EQ(Int(t, "refunded_sales_cents"), subtotal) << shown;
    EXPECT_EQ(Int(t, "gst_refunded_cents"), gst) << shown;
    EXPECT_EQ(Int(t, "qst_refunded_cents"), qst) << shown;
    EXPECT_EQ(Int(t, "gst_net_cents"), 0) << shown;
    EXPECT_EQ(Int(t, "qst_net_cents"), 0) << shown;
    EXPECT_EQ(Int(t, "zero_rated_net_cents"), 0) << shown;
    EXPECT_EQ(Int(t, "exempt_net_cents"), 0) << shown;
    EXPECT_EQ(Int(t, "cash_rounding_cents"), 0) << shown;
  }
  // Today's row carries it: the refund counts on the day of the cancellation.
  const json::value days = report("/api/v1/reports/taxes?channel=online&period=day");
  const json::value& today = days.at("rows").as_array().back();
  EXPECT_EQ(Int(today, "gst_refunded_cents"), gst) << json::serialize(days);
  EXPECT_EQ(Int(today, "qst_refunded_cents"), qst) << json::serialize(days);
  EXPECT_EQ(Int(today, "gst_net_cents"), 0) << json::serialize(days);

  // /reports/sales says the same for the online channel.
  const json::value sales = report("/api/v1/reports/sales?group_by=channel");
  const auto& rows = sales.at("rows").as_array();
  ASSERT_EQ(rows.size(), 1u) << json::serialize(sales);
  const json::value& online = rows.front();
  EXPECT_EQ(std::string(online.at("channel").as_string()), "online") << json::serialize(sales);
  EXPECT_EQ(Int(online, "transactions"), 1);
  EXPECT_EQ(Int(online, "gst_cents"), gst);
  EXPECT_EQ(Int(online, "qst_cents"), qst);
  EXPECT_EQ(Int(online, "total_cents"), total);
  EXPECT_EQ(Int(online, "refunds"), 1);
  EXPECT_EQ(Int(online, "refunds_cents"), total);
  EXPECT_EQ(Int(online, "net_cents"), 0);
  EXPECT_EQ(Int(online, "refunds_subtotal_cents"), subtotal);
  EXPECT_EQ(Int(online, "refunds_gst_cents"), gst);
  EXPECT_EQ(Int(online, "refunds_qst_cents"), qst);
  EXPECT_EQ(Int(online, "net_subtotal_cents"), 0);
  EXPECT_EQ(Int(online, "net_gst_cents"), 0);
  EXPECT_EQ(Int(online, "net_qst_cents"), 0);
  // And the returns report lists the cancellation with the order's taxes.
  const json::value returns = report("/api/v1/reports/returns?channel=online");
  ASSERT_EQ(returns.at("rows").as_array().size(), 1u) << json::serialize(returns);
  const json::value& refund = returns.at("rows").as_array().front();
  EXPECT_EQ(std::string(refund.at("receipt_ref").as_string()), order_id);
  EXPECT_EQ(Int(refund, "gst_cents"), gst);
  EXPECT_EQ(Int(refund, "qst_cents"), qst);
  EXPECT_EQ(Int(refund, "total_cents"), total);
}

}  // namespace
}  // namespace comptoir
