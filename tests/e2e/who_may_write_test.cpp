// Issue 12's "done when", end to end: every service runs as its own process, the test signs in through the gateway
// as each role (a shopper, a cashier, logistics, a manager, an admin) and tries every write that role must not
// make — repricing the catalogue, emptying the online stock, phantom returns, reversing another store's sale,
// charging or refunding at payment, creating staff, obtaining a service token. Each is refused with 401/403 and
// problem+json, and afterwards nothing has changed: catalogue, stock, ledger, reservations, charges, staff, sales.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
using testing::HttpResult;

constexpr const char* kWebKey = "pos-web-app-2025-frontend-key";

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::string Code(const HttpResult& r) {
  auto v = Json(r);
  const auto* o = v.if_object();
  const auto* c = o != nullptr ? o->if_contains("code") : nullptr;
  return c != nullptr && c->is_string() ? std::string(c->as_string()) : "<no code: " + r.body + ">";
}

// One write someone must not make.
struct Write {
  std::string what;
  std::string method;
  std::string target;
  std::string body;
  bool to_payment = false;  ///< payment has no gateway route: called directly, as a compromised peer would
};

class WhoMayWrite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ =
        new testing::Platform({.services = {"customer", "product", "inventory", "sales", "cart", "payment", "order"},
                               .gateway = true,
                               .name = "e2e_who_may_write",
                               .instances = {{"cart", 1}}});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string SignIn(const std::string& path, const std::string& email) {
    auto r =
        platform_->Call("POST", path, json::serialize(json::object{{"email", email}, {"password", "comptoir-demo"}}));
    EXPECT_EQ(r.status, 200) << email << ": " << r.body;
    return std::string(Json(r).at("access_token").as_string());
  }
  static std::string Staff(const std::string& email) { return SignIn("/api/v1/auth/staff/login", email); }

  static HttpResult Send(const Write& w, const std::string& token) {
    std::vector<std::pair<std::string, std::string>> headers{{"Idempotency-Key", "attack-" + http::NewUuid()}};
    if (w.to_payment) {
      if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
      return testing::Http(static_cast<std::uint16_t>(platform_->Port("payment")), w.method, w.target, w.body, headers);
    }
    return platform_->Call(w.method, w.target, w.body, token, headers);
  }

  static std::string Db(const std::string& service, const std::string& sql) {
    return testing::QueryValue(platform_->Conninfo(service), sql);
  }

  // Everything the refused writes could have changed.
  static std::string Snapshot(const std::string& manager) {
    std::string s;
    s += platform_->Call("GET", "/api/v1/products/1").body + "\n";
    s += platform_->Call("GET", "/api/v1/products/4").body + "\n";
    s += platform_->Call("GET", "/api/v1/categories?per_page=100").body + "\n";
    for (int location : {1, 4, 6}) {
      s += platform_->Call("GET", "/api/v1/inventory?per_page=100&location_id=" + std::to_string(location), {}, manager)
               .body +
           "\n";
    }
    s += Db("inventory", "SELECT count(*) || '/' || COALESCE(max(id), 0) FROM movements") + "\n";
    s += Db("inventory", "SELECT count(*) FROM movement_groups") + "\n";
    s += Db("inventory", "SELECT count(*) FROM reservations") + "\n";
    s += Db("inventory", "SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM restock_requests") + "\n";
    s += Db("payment", "SELECT count(*) FROM charges") + "\n";
    s += Db("customer",
            "SELECT count(*) || '/' || string_agg(role || ':' || (disabled_at IS NULL), ',' ORDER BY id) FROM staff") +
         "\n";
    s += Db("sales", "SELECT count(*) FROM sales") + "\n";
    s += Db("order", "SELECT count(*) FROM orders") + "\n";
    return s;
  }

  static testing::Platform* platform_;
};

testing::Platform* WhoMayWrite::platform_ = nullptr;

json::object Movement(int location, const std::string& reason, std::int64_t quantity) {
  json::object body{{"location_id", location},
                    {"reason", reason},
                    {"reference", "attack"},
                    {"lines", json::array{json::object{{"product_id", 4}, {"quantity", quantity}}}}};
  if (reason == "adjustment") {
    body["adjustment_reason"] = "found";
    body["note"] = "trouvé";
  }
  return body;
}

TEST_F(WhoMayWrite, EveryRoleIsRefusedEveryWriteItMustNotMakeAndNothingChanges) {
  const std::string shopper = SignIn("/api/v1/auth/login", "jean.dupont@example.com");
  const std::string cashier = Staff("cashier.mile-end@comptoir.local");
  const std::string other_cashier = Staff("cashier.vieux-montreal@comptoir.local");
  const std::string logistics = Staff("logistics@comptoir.local");
  const std::string manager = Staff("manager@comptoir.local");
  const std::string admin = Staff("admin@comptoir.local");

  // Legitimate business first: a sale at Vieux-Montréal (its stock movement is what others will try to reverse),
  // a restock request from Mile End (what a cashier will try to approve), a charge made by order at checkout time
  // (what others will try to refund).
  const std::int64_t total = 499 + money::QuebecTaxes(499).total();
  auto sale =
      platform_->Call("POST", "/api/v1/sales",
                      json::serialize(json::object{
                          {"location_id", 1},
                          {"lines", json::array{json::object{{"product_id", 10}, {"quantity", 1}}}},
                          {"payments", json::array{json::object{{"method", "card"}, {"amount_cents", total}}}}}),
                      other_cashier, {{"Idempotency-Key", "vmtl-sale-1"}});
  ASSERT_EQ(sale.status, 201) << sale.body;
  auto restock = platform_->Call(
      "POST", "/api/v1/restock-requests",
      json::serialize(
          json::object{{"location_id", 4}, {"lines", json::array{json::object{{"product_id", 3}, {"quantity", 5}}}}}),
      cashier);
  ASSERT_EQ(restock.status, 201) << restock.body;
  const std::string restock_id = std::to_string(Json(restock).at("id").as_int64());
  const std::string order_token = platform_->ObtainServiceToken("order", "payment");
  auto charge =
      testing::Http(static_cast<std::uint16_t>(platform_->Port("payment")), "POST", "/api/v1/payments/charges",
                    R"({"amount_cents":1000,"currency":"CAD","card_number":"4242424242424242",)"
                    R"("reference":"e2e:charge"})",
                    {{"Authorization", "Bearer " + order_token}, {"Idempotency-Key", "e2e-charge-1"}});
  ASSERT_EQ(charge.status, 201) << charge.body;
  const std::string charge_id(Json(charge).at("id").as_string());

  const Write reprice{"reprice the iPhone", "PATCH", "/api/v1/products/1", R"({"price_cents":1})"};
  const Write archive{"archive the iPhone", "DELETE", "/api/v1/products/1", ""};
  const Write new_product{"create a product", "POST", "/api/v1/products",
                          R"({"sku":"PIRATE-1","name":"Pirate","price_cents":1})"};
  const Write new_category{"create a category", "POST", "/api/v1/categories", R"({"name":"Pirates"})"};
  const Write drop_category{"delete a category", "DELETE", "/api/v1/categories/5", ""};
  const Write grab{"reserve 50 iPads at the centre", "POST", "/api/v1/inventory/reservations",
                   R"({"location_id":6,"reference":"mine","lines":[{"product_id":4,"quantity":50}]})"};
  const Write phantom_return{"post a phantom return", "POST", "/api/v1/inventory/movements",
                             json::serialize(Movement(4, "return", 5))};
  const Write bare_sale{"move stock without a sale", "POST", "/api/v1/inventory/movements",
                        json::serialize(Movement(4, "sale", -1))};
  const Write adjust{"adjust stock", "POST", "/api/v1/inventory/movements",
                     json::serialize(Movement(4, "adjustment", 3))};
  const Write order_return{"put stock back as order would", "POST", "/api/v1/inventory/movements",
                           json::serialize(Movement(6, "order_return", 3))};
  const Write reverse{"reverse another store's sale", "POST", "/api/v1/inventory/movements/sale:vmtl-sale-1/reverse",
                      "{}"};
  const Write reorder{"change a reorder point", "PUT", "/api/v1/inventory/reorder-points",
                      R"({"location_id":4,"product_id":4,"reorder_point":0})"};
  const Write approve{"approve a restock", "POST", "/api/v1/restock-requests/" + restock_id + "/approve",
                      R"({"lines":[{"product_id":3,"quantity":5}]})"};
  const Write ship{"ship a restock", "POST", "/api/v1/restock-requests/" + restock_id + "/ship", "{}"};
  const Write sell{
      "sell", "POST", "/api/v1/sales",
      R"({"location_id":4,"lines":[{"product_id":10,"quantity":1}],"payments":[{"method":"cash","amount_cents":600}]})"};
  const Write hire{
      "create a staff account", "POST", "/api/v1/staff",
      R"({"email":"pirate@comptoir.local","password":"un-mot-de-passe","first_name":"P","last_name":"P","role":"admin"})"};
  const Write pay{"charge a card", "POST", "/api/v1/payments/charges",
                  R"({"amount_cents":100,"currency":"CAD","card_number":"4242424242424242","reference":"attack"})",
                  true};
  const Write refund{"refund a charge", "POST", "/api/v1/payments/charges/" + charge_id + "/refund", "", true};
  const Write list_charges{"list charges", "GET", "/api/v1/payments/charges?reference=e2e:charge", "", true};

  struct Case {
    std::string who;
    std::string token;
    std::vector<Write> writes;
  };
  const std::vector<Case> cases = {
      {"shopper",
       shopper,
       {reprice, archive, new_product, new_category, drop_category, grab, phantom_return, bare_sale, adjust,
        order_return, reverse, reorder, approve, sell, hire, pay, refund, list_charges}},
      {"cashier",
       cashier,
       {reprice, archive, new_product, new_category, grab, phantom_return, bare_sale, adjust, order_return, reverse,
        reorder, approve, ship, hire, pay, refund, list_charges}},
      {"logistics",
       logistics,
       {reprice, archive, new_category, grab, phantom_return, bare_sale, order_return, reverse, sell, hire, pay,
        refund}},
      {"manager", manager, {grab, phantom_return, bare_sale, order_return, reverse, hire, pay, refund}},
      {"admin", admin, {grab, phantom_return, bare_sale, order_return, reverse, pay, refund, list_charges}},
  };

  const std::string before = Snapshot(manager);
  int refused = 0;
  for (const Case& c : cases) {
    for (const Write& w : c.writes) {
      HttpResult r = Send(w, c.token);
      EXPECT_TRUE(r.status == 401 || r.status == 403)
          << c.who << " could " << w.what << ": " << r.status << " " << r.body;
      EXPECT_EQ(r.headers["content-type"], "application/problem+json") << c.who << " / " << w.what << ": " << r.body;
      EXPECT_TRUE(Code(r).starts_with("auth.")) << c.who << " / " << w.what << ": " << r.body;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 18 + 17 + 12 + 8 + 8);

  // Without any token, or with only the public web key, the gateway's jwt plugin answers like Kong.
  for (const Write& w : {reprice, archive, new_category, grab, phantom_return, sell, hire}) {
    HttpResult r = testing::Http(static_cast<std::uint16_t>(platform_->GatewayPort()), w.method, w.target, w.body,
                                 {{"X-API-Key", kWebKey}, {"Idempotency-Key", "anonymous"}});
    EXPECT_EQ(r.status, 401) << w.what << ": " << r.body;
  }
  // Forged tokens and algorithm confusion die at the gateway; had they got past it, the service refuses them too.
  const testing::TestAuth& keys = platform_->Auth();
  for (const std::string& forged :
       {keys.ForgedToken(auth::Role::kAdmin, "8"), keys.HmacWithPublicKey(auth::Role::kAdmin, "8"),
        keys.Token(auth::Role::kAdmin, "8", std::nullopt, auth::NowSeconds() - 7200)}) {
    HttpResult at_gateway = Send(reprice, forged);
    EXPECT_EQ(at_gateway.status, 401) << at_gateway.body;
    HttpResult at_product = testing::Http(static_cast<std::uint16_t>(platform_->Port("product")), "PATCH",
                                          "/api/v1/products/1", reprice.body, {{"Authorization", "Bearer " + forged}});
    EXPECT_EQ(at_product.status, 401) << at_product.body;
    EXPECT_EQ(at_product.headers["content-type"], "application/problem+json");
  }
  // A real service token is worthless elsewhere: sales' token for inventory at payment and at product.
  const std::string sales_token = platform_->ObtainServiceToken("sales", "inventory");
  EXPECT_EQ(Code(Send(refund, sales_token)), "auth.wrong_audience");
  EXPECT_EQ(Code(Send(reprice, sales_token)), "auth.wrong_audience");
  EXPECT_EQ(Code(Send(grab, sales_token)), "auth.forbidden");  // the right audience, not the right service
  // Nobody obtains a service token through the gateway: /internal is not routed.
  HttpResult token =
      platform_->Call("POST", "/internal/v1/auth/token", "grant_type=client_credentials&audience=payment", admin,
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(token.status, 404) << token.body;

  EXPECT_EQ(Snapshot(manager), before);
  EXPECT_EQ(Db("inventory", "SELECT count(*) FROM reservations WHERE reference = 'mine'"), "0");
  EXPECT_EQ(Db("payment", "SELECT status FROM charges WHERE id = '" + charge_id + "'"), "succeeded");

  // The writes that are theirs still work: the manager reprices, logistics adjusts with a reason, approves.
  EXPECT_EQ(Send(Write{"", "PATCH", "/api/v1/products/17", R"({"price_cents":7999})"}, manager).status, 200);
  EXPECT_EQ(Send(adjust, logistics).status, 201);
  EXPECT_EQ(Send(approve, logistics).status, 200);
}

}  // namespace
}  // namespace comptoir
