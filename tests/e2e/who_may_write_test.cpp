// Issue 12's "done when", end to end: every service runs as its own process, the test signs in through the gateway
// as each role (a shopper, a cashier, logistics, a manager, an admin) and tries every write that role must not
// make — repricing the catalogue, emptying the online stock, phantom returns, reversing another store's sale,
// charging or refunding at payment, creating, disabling or resetting staff, issuing or unlocking gift cards,
// shipping or cancelling an online order, writing promotions, rebuilding the reports, changing a shopper's cart,
// moving stock between stores or counting it without the right, obtaining a service token. Each is refused with
// 401/403 and problem+json, and afterwards nothing has changed: catalogue, promotions, stock, ledger, reservations,
// transfers, count sheets, charges, staff, sales, gift cards, orders, the shopper's cart, reporting's read model.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/eventually.hpp"
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
  std::string code = "auth.";  ///< what the refusal's problem code starts with (cart says `cart.forbidden`)
};

class WhoMayWrite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ =
        new testing::Platform({.services = {"customer", "product", "inventory", "sales", "cart", "payment", "order", "reporting"},
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

  // Every row of a table, in one line: its count and a digest of the rows as text.
  static std::string Rows(const std::string& service, const std::string& table) {
    return table + "=" +
           Db(service, "SELECT count(*) || '/' || COALESCE(md5(string_agg(t::text, ',' ORDER BY t::text)), '-') FROM " +
                           table + " t");
  }

  // reporting's read model, fed by the stream (processed_at moves when a rebuild applies the events again).
  static std::string ReadModel() {
    std::string s;
    for (const char* table : {"receipts", "receipt_lines", "refunds", "refund_lines", "stock_levels",
                              "restock_requests", "processed_events"}) {
      s += Rows("reporting", table) + "\n";
    }
    return s;
  }

  // Waits until every outbox is published and reporting's read model has not moved for a second: the events of
  // the set-up (and of any write that should not have happened) are in the read model before it is compared.
  static void AwaitQuietStream() {
    std::string last;
    int quiet = 0;
    const bool settled = testing::Eventually(
        [&] {
          bool published = true;
          for (const char* service : {"customer", "product", "inventory", "sales", "payment", "order"}) {
            published = published && Db(service, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == "0";
          }
          std::string now = ReadModel();
          quiet = published && now == last ? quiet + 1 : 0;
          last = std::move(now);
          return quiet >= 10;
        },
        std::chrono::seconds(60));
    ASSERT_TRUE(settled) << "reporting never caught up with the stream";
  }

  // Everything the refused writes could have changed.
  static std::string Snapshot(const std::string& manager, const std::string& cart_id) {
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
    s += Rows("product", "promotions") + "\n";
    s += Rows("inventory", "transfers") + "\n";
    s += Rows("inventory", "transfer_lines") + "\n";
    s += Rows("inventory", "count_sheets") + "\n";
    s += Rows("inventory", "count_lines") + "\n";
    s += Rows("customer", "staff") + "\n";
    s += Rows("sales", "gift_cards") + "\n";
    s += Rows("order", "orders") + "\n";
    s += Rows("payment", "charges") + "\n";
    s += Db("order", "SELECT string_agg(id || ':' || status || ':' || stock || ':' || refunded, ',' ORDER BY id) FROM orders") +
         "\n";
    // The shopper's cart as support sees it (a manager reads, never writes; reading creates nothing).
    s += platform_->Call("GET", "/api/v1/carts/" + cart_id, {}, manager).body + "\n";
    s += ReadModel();
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

  // An online order of the shopper's (what others will try to ship or cancel), and their cart filled again
  // afterwards (what staff will try to change).
  auto own_cart = platform_->Call("GET", "/api/v1/cart", {}, shopper);
  ASSERT_EQ(own_cart.status, 200) << own_cart.body;
  const std::string cart_id(Json(own_cart).at("id").as_string());
  auto add = [&](std::int64_t product, std::int64_t quantity) {
    auto r = platform_->Call("POST", "/api/v1/carts/" + cart_id + "/items",
                             json::serialize(json::object{{"product_id", product}, {"quantity", quantity}}), shopper);
    EXPECT_EQ(r.status, 200) << r.body;
  };
  add(7, 1);
  auto placed = platform_->Call(
      "POST", "/api/v1/checkout",
      json::serialize(json::object{
          {"cart_id", cart_id},
          {"shipping_address", json::object{{"line1", "5333 avenue Casgrain"},
                                            {"city", "Montréal"},
                                            {"province", "QC"},
                                            {"postal_code", "H2T 1X3"}}},
          {"payment", json::object{{"method", "card"}, {"card_number", "4242424242424242"}}}}),
      shopper, {{"Idempotency-Key", "e2e-order-1"}});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string order_id(Json(placed).at("id").as_string());
  add(12, 2);
  // A gift card locked by 5 wrong PINs at the till (what an unlock would end).
  const std::string card_code = "GC-M5WH-9SD0-RR8Q-PRQZ";
  const std::string card_id = Db("sales", "SELECT id FROM gift_cards WHERE code = '" + card_code + "'");
  for (int i = 0; i < 5; ++i) {
    auto wrong = platform_->Call("POST", "/api/v1/gift-cards/balance",
                                 json::serialize(json::object{{"code", card_code}, {"pin", "000000"}}), cashier);
    EXPECT_EQ(wrong.status, 422) << wrong.body;
  }
  ASSERT_EQ(Db("sales", "SELECT failed_pin_attempts >= 5 FROM gift_cards WHERE id = " + card_id), "t");
  // A promotion the manager plans for later (what others will try to change or withdraw).
  const std::string later =
      R"({"name":"Plus tard","kind":"percent_off","product_ids":[3],"percent":10,"starts_at":"2099-01-01T00:00:00Z",)"
      R"("location_ids":[4]})";
  auto promotion = platform_->Call("POST", "/api/v1/promotions", later, manager);
  ASSERT_EQ(promotion.status, 201) << promotion.body;
  const std::string promotion_id = std::to_string(Json(promotion).at("id").as_int64());
  // Mile End asks Vieux-Montréal for stock twice; logistics approves the second (ADR 0171).
  auto ask = [&] {
    auto r = platform_->Call(
        "POST", "/api/v1/inventory/transfers",
        R"({"from_location_id":1,"to_location_id":4,"lines":[{"product_id":3,"quantity":1}]})", cashier);
    EXPECT_EQ(r.status, 201) << r.body;
    return std::to_string(Json(r).at("id").as_int64());
  };
  const std::string requested_transfer = ask();
  const std::string approved_transfer = ask();
  auto approved = platform_->Call("POST", "/api/v1/inventory/transfers/" + approved_transfer + "/approve",
                                  R"({"lines":[{"product_id":3,"quantity":1}]})", logistics);
  ASSERT_EQ(approved.status, 200) << approved.body;
  // A count sheet logistics opened at Mile End (ADR 0172).
  auto sheet = platform_->Call("POST", "/api/v1/inventory/counts", R"({"location_id":4,"product_ids":[4]})", logistics);
  ASSERT_EQ(sheet.status, 201) << sheet.body;
  const std::string count_id = std::to_string(Json(sheet).at("id").as_int64());

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
  const Write disable{"disable a cashier's account", "PATCH", "/api/v1/staff/1", R"({"active":false})"};
  const Write reset{"reset the admin's password", "POST", "/api/v1/staff/8/password-reset", ""};
  const Write issue_card{"issue a gift card", "POST", "/api/v1/gift-cards", R"({"balance_cents":50000})"};
  const Write unlock_card{"unlock a gift card", "POST", "/api/v1/gift-cards/" + card_id + "/unlock", ""};
  const Write prepare{"move an online order on", "POST", "/api/v1/orders/" + order_id + "/status",
                      R"({"status":"preparing"})"};
  const Write cancel{"cancel an online order", "POST", "/api/v1/orders/" + order_id + "/cancel", ""};
  const std::string now =
      R"({"name":"Pirate","kind":"percent_off","product_ids":[1],"percent":90,"starts_at":"2026-01-01T00:00:00Z",)"
      R"("location_ids":[4],"online":true})";
  const Write new_promotion{"create a promotion", "POST", "/api/v1/promotions", now};
  const Write change_promotion{"bring a planned promotion forward", "PUT", "/api/v1/promotions/" + promotion_id, now};
  const Write withdraw_promotion{"withdraw a promotion", "DELETE", "/api/v1/promotions/" + promotion_id, ""};
  const Write rebuild{"rebuild the reports", "POST", "/api/v1/reports/rebuild?allow_incomplete=true", ""};
  const std::string their_cart = "/api/v1/carts/" + cart_id;
  const Write cart_add{"add to a shopper's cart", "POST", their_cart + "/items", R"({"product_id":1,"quantity":1})",
                       false, "cart.forbidden"};
  const Write cart_set{"change a line of a shopper's cart", "PUT", their_cart + "/items/12", R"({"quantity":5})",
                       false, "cart.forbidden"};
  const Write cart_remove{"remove a line of a shopper's cart", "DELETE", their_cart + "/items/12", "", false,
                          "cart.forbidden"};
  const Write cart_clear{"empty a shopper's cart", "DELETE", their_cart, "", false, "cart.forbidden"};
  const Write transfer_out{"ask for stock for another store", "POST", "/api/v1/inventory/transfers",
                           R"({"from_location_id":4,"to_location_id":1,"lines":[{"product_id":3,"quantity":1}]})"};
  const Write approve_transfer{"approve a transfer", "POST",
                               "/api/v1/inventory/transfers/" + requested_transfer + "/approve",
                               R"({"lines":[{"product_id":3,"quantity":1}]})"};
  const Write reject_transfer{"reject a transfer", "POST",
                              "/api/v1/inventory/transfers/" + requested_transfer + "/reject", R"({"reason":"non"})"};
  const Write ship_transfer{"ship another store's stock", "POST",
                            "/api/v1/inventory/transfers/" + approved_transfer + "/ship", ""};
  const Write open_count{"open a count sheet", "POST", "/api/v1/inventory/counts", R"({"location_id":5})"};
  const Write record_count{"record counted quantities", "PUT", "/api/v1/inventory/counts/" + count_id + "/lines",
                           R"({"lines":[{"product_id":4,"quantity":0}]})"};
  const Write post_count{"post a count sheet", "POST", "/api/v1/inventory/counts/" + count_id + "/post", ""};
  const Write cancel_count{"cancel a count sheet", "POST", "/api/v1/inventory/counts/" + count_id + "/cancel", ""};

  struct Case {
    std::string who;
    std::string token;
    std::vector<Write> writes;
  };
  const std::vector<Case> cases = {
      {"shopper",
       shopper,
       {reprice, archive, new_product, new_category, drop_category, grab, phantom_return, bare_sale, adjust,
        order_return, reverse, reorder, approve, sell, hire, pay, refund, list_charges, disable, reset, issue_card,
        unlock_card, prepare, new_promotion, rebuild, transfer_out, ship_transfer, open_count}},
      {"cashier",
       cashier,
       {reprice,          archive,          new_product,        new_category,    grab,         phantom_return,
        bare_sale,        adjust,           order_return,       reverse,         reorder,      approve,
        ship,             hire,             pay,                refund,          list_charges, disable,
        reset,            issue_card,       unlock_card,        prepare,         cancel,       new_promotion,
        change_promotion, withdraw_promotion, rebuild,          cart_add,        cart_set,     cart_remove,
        cart_clear,       transfer_out,     approve_transfer,   reject_transfer, ship_transfer, open_count,
        record_count,     post_count,       cancel_count}},
      {"logistics",
       logistics,
       {reprice, archive, new_category, grab, phantom_return, bare_sale, order_return, reverse, sell, hire, pay,
        refund, disable, reset, new_promotion, change_promotion, withdraw_promotion, rebuild, transfer_out}},
      {"manager",
       manager,
       {grab, phantom_return, bare_sale, order_return, reverse, hire, pay, refund, disable, reset, rebuild, cart_add,
        cart_set, cart_remove, cart_clear}},
      {"admin", admin, {grab, phantom_return, bare_sale, order_return, reverse, pay, refund, list_charges}},
  };

  AwaitQuietStream();
  const std::string before = Snapshot(manager, cart_id);
  int refused = 0;
  for (const Case& c : cases) {
    for (const Write& w : c.writes) {
      HttpResult r = Send(w, c.token);
      EXPECT_TRUE(r.status == 401 || r.status == 403)
          << c.who << " could " << w.what << ": " << r.status << " " << r.body;
      EXPECT_EQ(r.headers["content-type"], "application/problem+json") << c.who << " / " << w.what << ": " << r.body;
      EXPECT_TRUE(Code(r).starts_with(w.code)) << c.who << " / " << w.what << ": " << r.body;
      ++refused;
    }
  }
  EXPECT_EQ(refused, 28 + 39 + 19 + 15 + 8);

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

  AwaitQuietStream();  // a write that got through would have published events: let reporting apply them
  EXPECT_EQ(Snapshot(manager, cart_id), before);
  EXPECT_EQ(Db("inventory", "SELECT count(*) FROM reservations WHERE reference = 'mine'"), "0");
  EXPECT_EQ(Db("payment", "SELECT status FROM charges WHERE id = '" + charge_id + "'"), "succeeded");
  EXPECT_EQ(Db("order", "SELECT status FROM orders WHERE id = '" + order_id + "'"), "paid");
  EXPECT_EQ(
      Db("customer", "SELECT bool_and(disabled_at IS NULL AND reset_token_hash IS NULL) FROM staff WHERE id IN (1, 8)"),
      "t");

  // The writes that are theirs still work: the manager reprices, logistics adjusts with a reason, approves.
  EXPECT_EQ(Send(Write{"", "PATCH", "/api/v1/products/17", R"({"price_cents":7999})"}, manager).status, 200);
  EXPECT_EQ(Send(adjust, logistics).status, 201);
  EXPECT_EQ(Send(approve, logistics).status, 200);
  EXPECT_EQ(Send(prepare, logistics).status, 200);
  EXPECT_EQ(Send(unlock_card, manager).status, 200);
  EXPECT_EQ(Send(withdraw_promotion, manager).status, 204);
  EXPECT_EQ(Send(cart_set, shopper).status, 200);
}

}  // namespace
}  // namespace comptoir
