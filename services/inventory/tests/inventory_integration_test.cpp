// Integration test: the real `comptoir` binary serves inventory (testing::Platform: fresh database, migrated and
// seeded, gateway in front) and every check goes over real HTTP, directly to the service or through the gateway;
// the ledger and the outbox are read from the database. Tokens are minted with the platform's keys (ADR 0008):
// people's tokens as customer signs them, and the sales and order services' own tokens for inventory.
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/auth/service_policy.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::inventory {
namespace {

using auth::Role;
using testing::HttpResult;
namespace json = boost::json;

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

class InventoryService : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    platform_ = new testing::Platform(testing::PlatformOptions{.services = {"inventory"}, .name = "inventory_it"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string Token(Role role, std::string subject, std::optional<std::int64_t> location = std::nullopt) {
    return platform_->Auth().Token(role, subject, location);
  }
  // The services that move stock as themselves, with what the policy table gives them.
  static std::string Sales() {
    return platform_->Auth().ServiceToken("sales", "inventory", auth::AllowedScopes("sales", "inventory"));
  }
  static std::string Order() {
    return platform_->Auth().ServiceToken("order", "inventory", auth::AllowedScopes("order", "inventory"));
  }
  // Demo staff (brief): cashiers 1-5 at stores 1-5, logistics 6, manager 7, admin 8.
  static std::string Cashier(std::int64_t store) { return Token(Role::kCashier, std::to_string(store), store); }
  static std::string Logistics() { return Token(Role::kLogistics, "6", 6); }
  static std::string Manager() { return Token(Role::kManager, "7"); }
  static std::string Admin() { return Token(Role::kAdmin, "8"); }
  static std::string Customer(std::string id = "1") { return Token(Role::kCustomer, std::move(id)); }

  // A direct call to the service (the service checks tokens itself).
  static HttpResult Direct(const std::string& method, const std::string& target, const std::string& body = {},
                           const std::string& token = {}, const std::string& key = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("inventory")), method, target, body, headers);
  }

  // The full row, as staff see it.
  static json::object Stock(std::int64_t location, std::int64_t product) {
    HttpResult r = Direct(
        "GET", "/api/v1/inventory?location_id=" + std::to_string(location) + "&product_id=" + std::to_string(product),
        {}, Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    auto data = Json(r).at("data").as_array();
    if (data.empty()) return {};
    return data[0].as_object();
  }
  static std::int64_t OnHand(std::int64_t location, std::int64_t product) {
    auto s = Stock(location, product);
    return s.empty() ? 0 : s.at("on_hand").as_int64();
  }
  static std::int64_t Reserved(std::int64_t location, std::int64_t product) {
    auto s = Stock(location, product);
    return s.empty() ? 0 : s.at("reserved").as_int64();
  }

  static std::string Sql(const std::string& sql) { return testing::QueryValue(platform_->Conninfo("inventory"), sql); }

  // An adjustment names its reason (count_correction here) and has a note.
  static std::string MovementBody(std::int64_t location, const std::string& reason, const std::string& reference,
                                  const std::vector<std::pair<std::int64_t, std::int64_t>>& lines) {
    json::array array;
    for (auto [product, quantity] : lines)
      array.push_back(json::object{{"product_id", product}, {"quantity", quantity}});
    json::object body{{"location_id", location}, {"reason", reason}, {"reference", reference}, {"lines", array}};
    if (reason == "adjustment") {
      body["adjustment_reason"] = "count_correction";
      body["note"] = "inventaire tournant";
    }
    return json::serialize(body);
  }

  // Brings on_hand of (location, product) to `target` with a manager's adjustment.
  static void SetOnHand(std::int64_t location, std::int64_t product, std::int64_t target) {
    std::int64_t delta = target - OnHand(location, product);
    if (delta == 0) return;
    HttpResult r = Direct("POST", "/api/v1/inventory/movements",
                          MovementBody(location, "adjustment", "test:setup", {{product, delta}}), Manager(),
                          "setup-" + std::to_string(location) + "-" + std::to_string(product) + "-" +
                              std::to_string(target) + "-" + std::to_string(delta));
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(OnHand(location, product), target);
  }

  static testing::Platform* platform_;
};

testing::Platform* InventoryService::platform_ = nullptr;

TEST_F(InventoryService, LocationsAreSeededAndPublic) {
  HttpResult r = Direct("GET", "/api/v1/locations");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = Json(r).at("data").as_array();
  ASSERT_EQ(data.size(), 7u);
  EXPECT_EQ(data[0].at("name").as_string(), "Vieux-Montréal");
  EXPECT_EQ(data[5].at("type").as_string(), "logistics");
  EXPECT_EQ(data[5].at("name").as_string(), "Anjou");
  EXPECT_EQ(data[6].at("type").as_string(), "head_office");
  HttpResult one = platform_->Call("GET", "/api/v1/locations/4");  // no JWT needed at the gateway either
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Json(one).at("name").as_string(), "Mile End");
  EXPECT_EQ(Direct("GET", "/api/v1/locations/99").status, 404);
}

TEST_F(InventoryService, DemoStockIsSeeded) {
  HttpResult store = Direct("GET", "/api/v1/inventory?location_id=1&per_page=100");
  ASSERT_EQ(store.status, 200) << store.body;
  EXPECT_EQ(Json(store).at("meta").at("total").as_int64(), 20);
  for (std::int64_t l = 1; l <= 5; ++l) EXPECT_GE(Stock(l, 3).at("reorder_point").as_int64(), 0);
  auto centre = Stock(6, 12);
  EXPECT_EQ(centre.at("reorder_point").as_int64(), 20);
  HttpResult head = Direct("GET", "/api/v1/inventory?location_id=7");
  EXPECT_EQ(Json(head).at("meta").at("total").as_int64(), 0);
  EXPECT_EQ(Direct("GET", "/api/v1/inventory?low_stock=maybe").status, 400);
}

TEST_F(InventoryService, ConcurrentSalesOfTheLastUnits) {
  SetOnHand(2, 3, 5);
  std::atomic<int> created{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  std::string token = Sales();
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = Direct("POST", "/api/v1/inventory/movements",
                            MovementBody(2, "sale", "sale:race-" + std::to_string(i), {{3, -1}}), token,
                            "race-" + std::to_string(i));
      if (r.status == 201) {
        ++created;
      } else if (r.status == 409 && Code(r) == "inventory.insufficient_stock") {
        ++conflicts;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 5);
  EXPECT_EQ(conflicts.load(), 15);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(OnHand(2, 3), 0);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference LIKE 'sale:race-%'"), "5");
  HttpResult ledger =
      Direct("GET", "/api/v1/inventory/movements?location_id=2&product_id=3&reason=sale", {}, Cashier(2));
  ASSERT_EQ(ledger.status, 200) << ledger.body;
  EXPECT_EQ(Json(ledger).at("meta").at("total").as_int64(), 5);
  // A product never stocked here has no row: selling it is short.
  HttpResult never = Direct("POST", "/api/v1/inventory/movements", MovementBody(2, "sale", "sale:never", {{999, -1}}),
                            token, "never-1");
  EXPECT_EQ(never.status, 409);
  EXPECT_EQ(Code(never), "inventory.insufficient_stock");
}

// Lines in opposite orders from concurrent requests: rows are locked in product order, so no deadlock.
TEST_F(InventoryService, ConcurrentMultiLineSalesDoNotDeadlock) {
  SetOnHand(3, 13, 40);
  SetOnHand(3, 17, 40);
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  std::string token = Sales();
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      auto lines = i % 2 == 0 ? std::vector<std::pair<std::int64_t, std::int64_t>>{{13, -1}, {17, -2}}
                              : std::vector<std::pair<std::int64_t, std::int64_t>>{{17, -2}, {13, -1}};
      HttpResult r = Direct("POST", "/api/v1/inventory/movements",
                            MovementBody(3, "sale", "sale:cross-" + std::to_string(i), lines), token,
                            "cross-" + std::to_string(i));
      if (r.status == 201) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 16);
  EXPECT_EQ(OnHand(3, 13), 40 - 16);
  EXPECT_EQ(OnHand(3, 17), 40 - 32);
}

// The same request sent many times at once (a client retrying): one movement, the same answer for all.
TEST_F(InventoryService, ConcurrentDuplicatesMoveStockOnce) {
  SetOnHand(1, 15, 25);
  std::string body = MovementBody(1, "sale", "sale:dup", {{15, -3}});
  std::vector<HttpResult> results(10);
  std::vector<std::thread> threads;
  std::string token = Sales();
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] { results[i] = Direct("POST", "/api/v1/inventory/movements", body, token, "dup-1"); });
  }
  for (auto& t : threads) t.join();
  for (const HttpResult& r : results) {
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Json(r), Json(results[0]));
  }
  EXPECT_EQ(OnHand(1, 15), 22);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference = 'sale:dup'"), "1");
}

TEST_F(InventoryService, MultiLineWithOneShortLineChangesNothing) {
  SetOnHand(1, 5, 20);
  SetOnHand(1, 9, 2);
  std::string outbox_before = Sql("SELECT count(*) FROM outbox");
  HttpResult r = Direct("POST", "/api/v1/inventory/movements",
                        MovementBody(1, "sale", "sale:short", {{5, -1}, {9, -3}}), Sales(), "short-1");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Code(r), "inventory.insufficient_stock");
  EXPECT_NE(Json(r).at("detail").as_string().find("product 9"), std::string::npos);
  EXPECT_EQ(OnHand(1, 5), 20);
  EXPECT_EQ(OnHand(1, 9), 2);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference = 'sale:short'"), "0");
  EXPECT_EQ(Sql("SELECT count(*) FROM outbox"), outbox_before);
  // The key was not consumed: the same key with a feasible body works.
  HttpResult ok = Direct("POST", "/api/v1/inventory/movements",
                         MovementBody(1, "sale", "sale:short", {{5, -1}, {9, -2}}), Sales(), "short-1");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(OnHand(1, 9), 0);
}

TEST_F(InventoryService, SameIdempotencyKeyMovesStockOnce) {
  SetOnHand(3, 5, 30);
  std::string body = MovementBody(3, "sale", "sale:idem", {{5, -2}});
  HttpResult first = Direct("POST", "/api/v1/inventory/movements", body, Sales(), "idem-1");
  HttpResult second = Direct("POST", "/api/v1/inventory/movements", body, Sales(), "idem-1");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Json(first), Json(second));
  auto answer = Json(first);
  EXPECT_EQ(answer.at("key").as_string(), "idem-1");
  EXPECT_EQ(answer.at("reversed").as_bool(), false);
  auto movement = answer.at("movements").as_array()[0];
  EXPECT_EQ(movement.at("quantity").as_int64(), -2);
  EXPECT_EQ(movement.at("on_hand_after").as_int64(), 28);
  EXPECT_EQ(movement.at("actor").at("role").as_string(), "service");
  EXPECT_EQ(movement.at("actor").at("subject").as_string(), "sales");
  EXPECT_EQ(OnHand(3, 5), 28);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference = 'sale:idem'"), "1");
  HttpResult reused =
      Direct("POST", "/api/v1/inventory/movements", MovementBody(3, "sale", "sale:idem", {{5, -3}}), Sales(), "idem-1");
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(Code(reused), "request.idempotency_key_reused");
  EXPECT_EQ(OnHand(3, 5), 28);
}

TEST_F(InventoryService, ReverseCompensatesOnceAndTombstonesUnknownKeys) {
  SetOnHand(4, 5, 10);
  HttpResult sale =
      Direct("POST", "/api/v1/inventory/movements", MovementBody(4, "sale", "sale:rev", {{5, -2}}), Sales(), "rev-1");
  ASSERT_EQ(sale.status, 201) << sale.body;
  EXPECT_EQ(OnHand(4, 5), 8);
  // Only the sales service reverses a sale's movement: not a cashier, even of that store (issue 12 §4).
  for (const std::string& token : {Cashier(2), Cashier(4), Customer(), Order()}) {
    HttpResult refused = Direct("POST", "/api/v1/inventory/movements/rev-1/reverse", {}, token);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(Code(refused), "auth.forbidden");
  }
  EXPECT_EQ(OnHand(4, 5), 8);
  HttpResult reverse = Direct("POST", "/api/v1/inventory/movements/rev-1/reverse", {}, Sales());
  ASSERT_EQ(reverse.status, 200) << reverse.body;
  auto answer = Json(reverse);
  EXPECT_EQ(answer.at("reversed").as_bool(), true);
  ASSERT_EQ(answer.at("movements").as_array().size(), 1u);
  EXPECT_EQ(answer.at("movements").as_array()[0].at("quantity").as_int64(), 2);
  EXPECT_EQ(answer.at("movements").as_array()[0].at("reason").as_string(), "reversal");
  EXPECT_EQ(answer.at("movements").as_array()[0].at("reference").as_string(), "reversal:rev-1");
  EXPECT_EQ(OnHand(4, 5), 10);
  HttpResult again = Direct("POST", "/api/v1/inventory/movements/rev-1/reverse", {}, Sales());
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Json(again), answer);
  EXPECT_EQ(OnHand(4, 5), 10);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference = 'reversal:rev-1'"), "1");

  // A cashier cannot leave a tombstone either (it would block a future sale's movement).
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements/late-1/reverse", {}, Cashier(4)).status, 403);
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements/late-1/reverse", {}, Customer()).status, 403);
  HttpResult tombstone = Direct("POST", "/api/v1/inventory/movements/late-1/reverse", {}, Sales());
  ASSERT_EQ(tombstone.status, 200) << tombstone.body;
  EXPECT_EQ(Json(tombstone).at("reversed").as_bool(), false);
  EXPECT_TRUE(Json(tombstone).at("movements").as_array().empty());
  HttpResult late =
      Direct("POST", "/api/v1/inventory/movements", MovementBody(4, "sale", "sale:late", {{5, -1}}), Sales(), "late-1");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(Code(late), "inventory.movement_reversed");
  EXPECT_EQ(OnHand(4, 5), 10);

  // An adjustment is reversed by those who adjust stock, never by a cashier or by sales.
  SetOnHand(4, 6, 10);
  ASSERT_EQ(Direct("POST", "/api/v1/inventory/movements", MovementBody(4, "adjustment", "adj:rev", {{6, -3}}),
                   Logistics(), "adj-rev-1")
                .status,
            201);
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements/adj-rev-1/reverse", {}, Cashier(4)).status, 403);
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements/adj-rev-1/reverse", {}, Sales()).status, 403);
  EXPECT_EQ(OnHand(4, 6), 7);
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements/adj-rev-1/reverse", {}, Manager()).status, 200);
  EXPECT_EQ(OnHand(4, 6), 10);
}

// Issue 12 §3-4: stock moves for a sale or a return only through the sales service (which checks the cashier's
// store), a cancelled order's stock comes back only through order, and adjustments say why.
TEST_F(InventoryService, AuthorizationOfMovements) {
  std::string body = MovementBody(2, "sale", "sale:auth", {{5, -1}});
  HttpResult none = Direct("POST", "/api/v1/inventory/movements", body, {}, "auth-1");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Code(none), "auth.missing_token");
  std::string phantom = MovementBody(2, "return", "sale:phantom", {{5, 5}});
  for (const std::string& token : {Cashier(2), Cashier(4), Customer(), Manager(), Logistics(), Order()}) {
    for (const std::string& b : {body, phantom}) {
      HttpResult refused = Direct("POST", "/api/v1/inventory/movements", b, token, "auth-1");
      EXPECT_EQ(refused.status, 403) << refused.body;
      EXPECT_EQ(Code(refused), "auth.forbidden");
      EXPECT_EQ(refused.headers["content-type"], "application/problem+json");
    }
  }
  // Sales' token for another service, an expired one, a forged one, HS256 keyed with the public key.
  const testing::TestAuth& keys = platform_->Auth();
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {keys.ServiceToken("sales", "payment", {"movements:sale"}), "auth.wrong_audience"},
           {keys.ServiceToken("sales", "inventory", {"movements:sale"}, auth::NowSeconds() - 3600),
            "auth.token_expired"},
           {keys.ForgedServiceToken("sales", "inventory", {"movements:sale"}), "auth.invalid_token"},
           {keys.HmacWithPublicKey(Role::kAdmin, "8"), "auth.invalid_token"},
           {keys.ServiceToken("sales", "inventory", {}), "auth.insufficient_scope"}}) {
    HttpResult refused = Direct("POST", "/api/v1/inventory/movements", phantom, token, "auth-1");
    EXPECT_EQ(Code(refused), code) << refused.body;
    EXPECT_EQ(refused.status, code == "auth.insufficient_scope" ? 403 : 401);
  }
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements", MovementBody(2, "adjustment", "adj", {{5, 1}}), Cashier(2),
                   "auth-2")
                .status,
            403);
  EXPECT_EQ(
      Direct("POST", "/api/v1/inventory/movements", MovementBody(2, "adjustment", "adj", {{5, 1}}), Sales(), "auth-2")
          .status,
      403);
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements", body, "not-a-token", "auth-1").status, 401);
  HttpResult no_key = Direct("POST", "/api/v1/inventory/movements", body, Sales());
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(Code(no_key), "request.idempotency_key_required");
  HttpResult bad =
      Direct("POST", "/api/v1/inventory/movements",
             R"({"location_id":"x","reason":"gift","lines":[{"product_id":1,"quantity":0}]})", Sales(), "auth-3");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"location_id", "reason", "lines[0].quantity"}));
  // An adjustment without its reason and note, with a reason that is not a code, or a sale with one.
  HttpResult bare =
      Direct("POST", "/api/v1/inventory/movements",
             R"({"location_id":2,"reason":"adjustment","lines":[{"product_id":5,"quantity":1}]})", Manager(), "auth-5");
  EXPECT_EQ(bare.status, 400);
  EXPECT_EQ(ErrorFields(bare), (std::set<std::string>{"adjustment_reason", "note"}));
  HttpResult odd = Direct(
      "POST", "/api/v1/inventory/movements",
      R"({"location_id":2,"reason":"adjustment","adjustment_reason":"because","note":"","lines":[{"product_id":5,"quantity":1}]})",
      Manager(), "auth-6");
  EXPECT_EQ(ErrorFields(odd), (std::set<std::string>{"adjustment_reason", "note"}));
  HttpResult sale_with_reason = Direct(
      "POST", "/api/v1/inventory/movements",
      R"({"location_id":2,"reason":"sale","adjustment_reason":"damaged","lines":[{"product_id":5,"quantity":-1}]})",
      Sales(), "auth-7");
  EXPECT_EQ(ErrorFields(sale_with_reason), (std::set<std::string>{"adjustment_reason"}));
  HttpResult unknown =
      Direct("POST", "/api/v1/inventory/movements", MovementBody(42, "adjustment", "x", {{5, 1}}), Manager(), "auth-4");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(Code(unknown), "inventory.unknown_location");
  // A cancelled online order's stock comes back to the centre, from order only.
  std::string order_return = MovementBody(6, "order_return", "order:CMD-1", {{2, 1}});
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements", order_return, Sales(), "auth-8").status, 403);
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/movements", order_return, Logistics(), "auth-8").status, 403);
  EXPECT_EQ(Code(Direct("POST", "/api/v1/inventory/movements", MovementBody(2, "order_return", "order:CMD-1", {{2, 1}}),
                        Order(), "auth-9")),
            "inventory.not_the_centre");
  EXPECT_EQ(Direct("GET", "/api/v1/inventory/movements", {}, Customer()).status, 403);
  EXPECT_EQ(Direct("GET", "/api/v1/inventory/movements?location_id=4", {}, Cashier(2)).status, 403);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference IN ('sale:auth', 'sale:phantom', 'adj')"), "0");
  EXPECT_EQ(Sql("SELECT count(*) FROM movement_groups WHERE key LIKE 'auth-%'"), "0");
}

// Sales' own token moves the stock, and the ledger says for which cashier (X-Comptoir-On-Behalf-Of, audit only).
TEST_F(InventoryService, TheLedgerRecordsWhomAServiceActedFor) {
  SetOnHand(1, 4, 10);
  HttpResult sale = testing::Http(static_cast<std::uint16_t>(platform_->Port("inventory")), "POST",
                                  "/api/v1/inventory/movements", MovementBody(1, "sale", "sale:audit", {{4, -1}}),
                                  {{"Authorization", "Bearer " + Sales()},
                                   {"Idempotency-Key", "audit-1"},
                                   {"X-Comptoir-On-Behalf-Of", "cashier:1"}});
  ASSERT_EQ(sale.status, 201) << sale.body;
  auto actor = Json(sale).at("movements").as_array()[0].at("actor");
  EXPECT_EQ(actor.at("subject").as_string(), "sales");
  EXPECT_EQ(actor.at("role").as_string(), "service");
  EXPECT_EQ(actor.at("on_behalf_of").as_string(), "cashier:1");
  EXPECT_EQ(Sql("SELECT on_behalf_of FROM movements WHERE reference = 'sale:audit'"), "cashier:1");
  // A person cannot put someone else's name in the ledger.
  HttpResult adjusted =
      testing::Http(static_cast<std::uint16_t>(platform_->Port("inventory")), "POST", "/api/v1/inventory/movements",
                    MovementBody(1, "adjustment", "adj:audit", {{4, 1}}),
                    {{"Authorization", "Bearer " + Manager()},
                     {"Idempotency-Key", "audit-2"},
                     {"X-Comptoir-On-Behalf-Of", "admin:8"}});
  ASSERT_EQ(adjusted.status, 201) << adjusted.body;
  EXPECT_TRUE(Json(adjusted).at("movements").as_array()[0].at("actor").at("on_behalf_of").is_null());
  EXPECT_EQ(Json(adjusted).at("movements").as_array()[0].at("adjustment_reason").as_string(), "count_correction");
}

// Issue 12 §4: adjustments appear in a report, per location and reason, net of their reversals.
TEST_F(InventoryService, AdjustmentsReport) {
  const std::string report = "/api/v1/inventory/adjustments";
  for (const std::string& token : {Cashier(3), Customer(), Sales()}) {
    EXPECT_EQ(Direct("GET", report, {}, token).status, 403);
  }
  EXPECT_EQ(Direct("GET", report).status, 401);
  SetOnHand(3, 9, 20);
  auto post = [](const std::string& key, const std::string& reason, std::int64_t q) {
    std::string body =
        json::serialize(json::object{{"location_id", 3},
                                     {"reason", "adjustment"},
                                     {"adjustment_reason", reason},
                                     {"note", "rapport"},
                                     {"lines", json::array{json::object{{"product_id", 9}, {"quantity", q}}}}});
    HttpResult r = Direct("POST", "/api/v1/inventory/movements", body, Logistics(), key);
    ASSERT_EQ(r.status, 201) << r.body;
  };
  post("report-1", "damaged", -2);
  post("report-2", "damaged", -1);
  post("report-3", "found", 4);
  ASSERT_EQ(Direct("POST", "/api/v1/inventory/movements/report-2/reverse", {}, Manager()).status, 200);
  HttpResult r = Direct("GET", report + "?location_id=3", {}, Manager());
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = Json(r);
  EXPECT_EQ(body.at("period").at("time_zone").as_string(), "America/Toronto");
  json::object damaged, found;
  for (const auto& row : body.at("by_reason").as_array()) {
    if (row.at("adjustment_reason") == "damaged") damaged = row.as_object();
    if (row.at("adjustment_reason") == "found") found = row.as_object();
  }
  ASSERT_FALSE(damaged.empty()) << r.body;
  EXPECT_EQ(damaged.at("lines").as_int64(), 2);
  EXPECT_EQ(damaged.at("reversals").as_int64(), 1);
  EXPECT_EQ(damaged.at("units_out").as_int64(), 3);
  EXPECT_EQ(damaged.at("units_in").as_int64(), 1);
  EXPECT_EQ(damaged.at("net_units").as_int64(), -2);
  EXPECT_EQ(found.at("net_units").as_int64(), 4);
  for (const auto& row : body.at("data").as_array()) EXPECT_EQ(row.at("location_id").as_int64(), 3);
  EXPECT_EQ(Direct("GET", report + "?adjustment_reason=found&location_id=3", {}, Logistics()).status, 200);
  HttpResult bad = Direct("GET", report + "?from=2026-13-01&to=2020-01-01&adjustment_reason=x", {}, Manager());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"from", "adjustment_reason"}));
  EXPECT_EQ(Code(Direct("GET", report + "?from=2020-01-01&to=2026-01-01", {}, Manager())), "inventory.invalid_query");
  // The demo seed is initial stock, not an adjustment of the period.
  HttpResult old = Direct("GET", report + "?from=2020-01-01&to=2020-12-31", {}, Admin());
  EXPECT_EQ(Json(old).at("totals").at("lines").as_int64(), 0);
}

TEST_F(InventoryService, ThroughTheGateway) {
  EXPECT_EQ(platform_->Call("GET", "/api/v1/inventory?location_id=1").status, 401);
  HttpResult list = platform_->Call("GET", "/api/v1/inventory?location_id=1", {}, Cashier(1));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json(list).at("meta").at("total").as_int64(), 20);
  std::string body = MovementBody(5, "sale", "sale:gateway", {{16, -1}});
  EXPECT_EQ(platform_->Call("POST", "/api/v1/inventory/movements", body, {}, {{"Idempotency-Key", "gw-1"}}).status,
            401);
  std::int64_t before = OnHand(5, 16);
  HttpResult sale =
      platform_->Call("POST", "/api/v1/inventory/movements", body, Cashier(5), {{"Idempotency-Key", "gw-1"}});
  EXPECT_EQ(sale.status, 403) << sale.body;  // a cashier sells through sales, never by moving stock
  EXPECT_EQ(OnHand(5, 16), before);
  HttpResult adjusted =
      platform_->Call("POST", "/api/v1/inventory/movements", MovementBody(5, "adjustment", "adj:gateway", {{16, -1}}),
                      Manager(), {{"Idempotency-Key", "gw-2"}});
  ASSERT_EQ(adjusted.status, 201) << adjusted.body;
  EXPECT_EQ(OnHand(5, 16), before - 1);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/restock-requests").status, 401);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/restock-requests", {}, Customer()).status, 403);
}

TEST_F(InventoryService, MovementsWriteStockChangedEventsWithTheChange) {
  SetOnHand(5, 7, 12);
  HttpResult r = Direct("POST", "/api/v1/inventory/movements",
                        MovementBody(5, "return", "sale:events", {{7, 1}, {12, 2}}), Sales(), "events-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Sql("SELECT count(*) FROM outbox WHERE type = 'StockChanged' AND payload->'data'->>'reference' = "
                "'sale:events'"),
            "2");
  EXPECT_EQ(Sql("SELECT payload->'data'->>'on_hand' FROM outbox WHERE type = 'StockChanged' AND "
                "payload->'data'->>'reference' = 'sale:events' AND payload->'data'->>'product_id' = '7'"),
            "13");
  EXPECT_EQ(Sql("SELECT payload->>'source' FROM outbox WHERE payload->'data'->>'reference' = 'sale:events' LIMIT 1"),
            "inventory");
}

TEST_F(InventoryService, ReorderPointsAndAlerts) {
  std::string body = R"({"location_id":5,"product_id":10,"reorder_point":1000})";
  EXPECT_EQ(Direct("PUT", "/api/v1/inventory/reorder-points", body, Cashier(5)).status, 403);
  EXPECT_EQ(Direct("PUT", "/api/v1/inventory/reorder-points", body).status, 401);
  HttpResult set = Direct("PUT", "/api/v1/inventory/reorder-points", body, Logistics());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Json(set).at("reorder_point").as_int64(), 1000);
  // Alerts compare with reorder points: staff only (ADR 0051).
  EXPECT_EQ(Direct("GET", "/api/v1/inventory/alerts?location_id=5").status, 401);
  HttpResult shopper_alerts = Direct("GET", "/api/v1/inventory/alerts?location_id=5", {}, Customer());
  EXPECT_EQ(shopper_alerts.status, 403) << shopper_alerts.body;
  EXPECT_EQ(Code(shopper_alerts), "auth.forbidden");
  HttpResult alerts = Direct("GET", "/api/v1/inventory/alerts?location_id=5", {}, Logistics());
  ASSERT_EQ(alerts.status, 200) << alerts.body;
  bool found = false;
  json::value alert_list = Json(alerts);
  for (const auto& s : alert_list.at("data").as_array()) {
    EXPECT_LE(s.at("available").as_int64(), s.at("reorder_point").as_int64());
    if (s.at("product_id").as_int64() == 10) found = true;
  }
  EXPECT_TRUE(found);
  HttpResult low = Direct("GET", "/api/v1/inventory?location_id=5&product_id=10&low_stock=true", {}, Cashier(5));
  EXPECT_EQ(Json(low).at("meta").at("total").as_int64(), 1);
  for (const std::string& token : {std::string(), Customer()}) {
    HttpResult refused = Direct("GET", "/api/v1/inventory?location_id=5&product_id=10&low_stock=true", {}, token);
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(Code(refused), "auth.forbidden");
  }
}

// What the shop (a shopper, or nobody signed in) sees of stock: a level per location, and at the centre the quantity
// it can sell (capped) — never on hand, reserved nor reorder points, at the centre or at the stores (ADR 0051).
TEST_F(InventoryService, ShoppersAndAnonymousCallersSeeAvailabilityOnly) {
  SetOnHand(3, 9, 3);   // Café at Quartier des Spectacles: 3 left (low: at most 5)
  SetOnHand(4, 9, 0);   // none at Mile End
  SetOnHand(2, 9, 40);  // plenty at the Plateau
  std::int64_t centre = Stock(6, 9).at("available").as_int64();
  ASSERT_GT(centre, 5);
  for (const std::string& token : {std::string(), Customer("77")}) {
    HttpResult r = Direct("GET", "/api/v1/inventory?product_id=9&per_page=100", {}, token);
    ASSERT_EQ(r.status, 200) << r.body;
    std::map<std::int64_t, json::object> rows;
    json::value body = Json(r);
    for (const auto& row : body.at("data").as_array()) rows[row.at("location_id").as_int64()] = row.as_object();
    ASSERT_EQ(rows.size(), 6u) << r.body;  // stores 1-5 and the centre
    for (const auto& [location, row] : rows) {
      EXPECT_FALSE(row.contains("on_hand")) << r.body;
      EXPECT_FALSE(row.contains("reserved")) << r.body;
      EXPECT_FALSE(row.contains("reorder_point")) << r.body;
      EXPECT_EQ(row.contains("available"), location == 6) << r.body;
    }
    EXPECT_EQ(rows[3].at("availability").as_string(), "low_stock");
    EXPECT_EQ(rows[4].at("availability").as_string(), "out_of_stock");
    EXPECT_EQ(rows[2].at("availability").as_string(), "in_stock");
    EXPECT_EQ(rows[6].at("available").as_int64(), centre);  // below the cap (999): what a cart may take
    EXPECT_EQ(rows[6].at("availability").as_string(), "in_stock");
  }
  // Staff see the rows as they are.
  HttpResult staff = Direct("GET", "/api/v1/inventory?location_id=3&product_id=9", {}, Cashier(1));
  ASSERT_EQ(staff.status, 200) << staff.body;
  EXPECT_EQ(Json(staff).at("data").at(0).at("on_hand").as_int64(), 3);
  EXPECT_TRUE(Json(staff).at("data").at(0).as_object().contains("reorder_point"));
  // A forged token is no way round it.
  HttpResult forged = Direct("GET", "/api/v1/inventory?location_id=3", {}, Customer() + "x");
  EXPECT_EQ(forged.status, 401) << forged.body;
}

TEST_F(InventoryService, RestockLifeCycle) {
  SetOnHand(6, 3, 100);
  std::int64_t store_before = OnHand(4, 3);
  HttpResult created =
      Direct("POST", "/api/v1/restock-requests",
             R"({"location_id":4,"lines":[{"product_id":3,"quantity":10}],"note":"Rupture"})", Cashier(4));
  ASSERT_EQ(created.status, 201) << created.body;
  std::int64_t id = Json(created).at("id").as_int64();
  std::string base = "/api/v1/restock-requests/" + std::to_string(id);
  EXPECT_EQ(Json(created).at("status").as_string(), "requested");

  // Who sees what.
  EXPECT_EQ(Direct("GET", base, {}, Cashier(2)).status, 403);
  EXPECT_EQ(Direct("GET", base, {}, Cashier(4)).status, 200);
  HttpResult theirs = Direct("GET", "/api/v1/restock-requests", {}, Cashier(2));
  ASSERT_EQ(theirs.status, 200);
  json::value their_list = Json(theirs);
  for (const auto& r : their_list.at("data").as_array()) EXPECT_EQ(r.at("location_id").as_int64(), 2);
  HttpResult pending = Direct("GET", "/api/v1/restock-requests?status=requested&location_id=4", {}, Logistics());
  ASSERT_EQ(pending.status, 200);
  EXPECT_GE(Json(pending).at("meta").at("total").as_int64(), 1);

  // Illegal before approval; only logistics/admin approve; not more than requested.
  EXPECT_EQ(Code(Direct("POST", base + "/ship", {}, Logistics())), "inventory.illegal_transition");
  EXPECT_EQ(Code(Direct("POST", base + "/receive", {}, Cashier(4))), "inventory.illegal_transition");
  EXPECT_EQ(Direct("POST", base + "/approve", R"({"lines":[{"product_id":3,"quantity":8}]})", Cashier(4)).status, 403);
  EXPECT_EQ(Direct("POST", base + "/approve", R"({"lines":[{"product_id":3,"quantity":8}]})", Manager()).status, 403);
  HttpResult too_many = Direct("POST", base + "/approve", R"({"lines":[{"product_id":3,"quantity":11}]})", Logistics());
  EXPECT_EQ(too_many.status, 422);
  EXPECT_EQ(Code(too_many), "inventory.approval_exceeds_request");

  HttpResult approved = Direct("POST", base + "/approve", R"({"lines":[{"product_id":3,"quantity":8}]})", Logistics());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Json(approved).at("status").as_string(), "approved");
  EXPECT_EQ(Json(approved).at("lines").as_array()[0].at("approved_quantity").as_int64(), 8);
  EXPECT_EQ(OnHand(6, 3), 100);  // approving moves nothing
  EXPECT_EQ(Code(Direct("POST", base + "/approve", R"({"lines":[]})", Logistics())), "inventory.illegal_transition");
  EXPECT_EQ(Code(Direct("POST", base + "/receive", {}, Cashier(4))), "inventory.illegal_transition");
  EXPECT_EQ(Direct("POST", base + "/ship", {}, Cashier(4)).status, 403);

  HttpResult shipped = Direct("POST", base + "/ship", {}, Logistics());
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(Json(shipped).at("status").as_string(), "shipped");
  EXPECT_EQ(OnHand(6, 3), 92);
  EXPECT_EQ(OnHand(4, 3), store_before);
  HttpResult twice = Direct("POST", base + "/ship", {}, Logistics());
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(Code(twice), "inventory.illegal_transition");
  EXPECT_EQ(OnHand(6, 3), 92);

  EXPECT_EQ(Code(Direct("POST", base + "/receive", {}, Cashier(2))), "auth.wrong_location");
  EXPECT_EQ(Direct("POST", base + "/receive", {}, Logistics()).status, 403);
  HttpResult received = Direct("POST", base + "/receive", {}, Cashier(4));
  ASSERT_EQ(received.status, 200) << received.body;
  EXPECT_EQ(Json(received).at("status").as_string(), "received");
  EXPECT_EQ(OnHand(4, 3), store_before + 8);
  EXPECT_EQ(Code(Direct("POST", base + "/receive", {}, Cashier(4))), "inventory.illegal_transition");
  EXPECT_EQ(OnHand(4, 3), store_before + 8);

  // The ledger shows each movement once.
  std::string reference = "restock:" + std::to_string(id);
  HttpResult ledger = Direct("GET", "/api/v1/inventory/movements?reference=" + reference, {}, Manager());
  ASSERT_EQ(ledger.status, 200);
  auto rows = Json(ledger).at("data").as_array();
  ASSERT_EQ(rows.size(), 2u);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_reason;
  for (const auto& m : rows) {
    by_reason[std::string(m.at("reason").as_string())] = {m.at("location_id").as_int64(), m.at("quantity").as_int64()};
  }
  EXPECT_EQ(by_reason["transfer_out"], (std::pair<std::int64_t, std::int64_t>{6, -8}));
  EXPECT_EQ(by_reason["transfer_in"], (std::pair<std::int64_t, std::int64_t>{4, 8}));
  for (const char* type : {"RestockRequested", "RestockApproved", "RestockShipped", "RestockReceived"}) {
    EXPECT_EQ(Sql("SELECT count(*) FROM outbox WHERE type = '" + std::string(type) + "' AND aggregate_id = '" +
                  std::to_string(id) + "'"),
              "1")
        << type;
  }
}

TEST_F(InventoryService, RestockRejectionAndRules) {
  HttpResult not_store = Direct("POST", "/api/v1/restock-requests",
                                R"({"location_id":6,"lines":[{"product_id":3,"quantity":1}]})", Manager());
  EXPECT_EQ(not_store.status, 422);
  EXPECT_EQ(Code(not_store), "inventory.not_a_store");
  EXPECT_EQ(Direct("POST", "/api/v1/restock-requests", R"({"location_id":1,"lines":[{"product_id":3,"quantity":1}]})",
                   Cashier(2))
                .status,
            403);
  EXPECT_EQ(Direct("POST", "/api/v1/restock-requests", R"({"location_id":1,"lines":[{"product_id":3,"quantity":1}]})",
                   Logistics())
                .status,
            403);
  HttpResult bad =
      Direct("POST", "/api/v1/restock-requests", R"({"location_id":1,"lines":[{"product_id":3}]})", Cashier(1));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ErrorFields(bad), (std::set<std::string>{"lines[0].quantity"}));

  HttpResult created =
      Direct("POST", "/api/v1/restock-requests",
             R"({"location_id":1,"lines":[{"product_id":4,"quantity":3},{"product_id":6,"quantity":2}]})", Admin());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string base = "/api/v1/restock-requests/" + std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(Direct("POST", base + "/reject", R"({})", Logistics()).status, 400);
  HttpResult rejected = Direct("POST", base + "/reject", R"({"reason":"Inventaire en cours"})", Logistics());
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(Json(rejected).at("reject_reason").as_string(), "Inventaire en cours");
  EXPECT_EQ(Sql("SELECT payload->'data'->>'reason' FROM outbox WHERE type = 'RestockRejected' AND aggregate_id = '" +
                std::to_string(Json(created).at("id").as_int64()) + "'"),
            "Inventaire en cours");
  EXPECT_EQ(Code(Direct("POST", base + "/approve", R"({"lines":[]})", Logistics())), "inventory.illegal_transition");
  EXPECT_EQ(Code(Direct("POST", base + "/ship", {}, Logistics())), "inventory.illegal_transition");
  EXPECT_EQ(Direct("GET", "/api/v1/restock-requests/999999", {}, Manager()).status, 404);

  // More than the centre has is refused at approval; approving 0 of a line is fine.
  SetOnHand(6, 8, 5);
  HttpResult second =
      Direct("POST", "/api/v1/restock-requests",
             R"({"location_id":3,"lines":[{"product_id":8,"quantity":9},{"product_id":11,"quantity":2}]})", Cashier(3));
  ASSERT_EQ(second.status, 201);
  std::string path = "/api/v1/restock-requests/" + std::to_string(Json(second).at("id").as_int64());
  HttpResult short_centre =
      Direct("POST", path + "/approve", R"({"lines":[{"product_id":8,"quantity":9}]})", Logistics());
  EXPECT_EQ(short_centre.status, 409);
  EXPECT_EQ(Code(short_centre), "inventory.insufficient_stock");
  HttpResult partial = Direct("POST", path + "/approve",
                              R"({"lines":[{"product_id":8,"quantity":0},{"product_id":11,"quantity":2}]})", Admin());
  ASSERT_EQ(partial.status, 200) << partial.body;
  std::int64_t store_before = OnHand(3, 11);
  ASSERT_EQ(Direct("POST", path + "/ship", {}, Admin()).status, 200);
  ASSERT_EQ(Direct("POST", path + "/receive", {}, Manager()).status, 200);
  EXPECT_EQ(OnHand(3, 11), store_before + 2);
  EXPECT_EQ(OnHand(6, 8), 5);
}

TEST_F(InventoryService, ReservationsCommitAndRelease) {
  SetOnHand(6, 1, 50);
  std::string body = R"({"location_id":6,"reference":"order:a","lines":[{"product_id":1,"quantity":2}]})";
  EXPECT_EQ(Direct("POST", "/api/v1/inventory/reservations", body, {}, "res-a").status, 401);
  EXPECT_EQ(
      Direct("POST", "/api/v1/inventory/reservations",
             R"({"location_id":4,"reference":"order:x","lines":[{"product_id":1,"quantity":2}]})", Customer(), "res-x")
          .status,
      403);
  HttpResult reserved = Direct("POST", "/api/v1/inventory/reservations", body, Order(), "res-a");
  ASSERT_EQ(reserved.status, 201) << reserved.body;
  std::string id(Json(reserved).at("id").as_string());
  EXPECT_EQ(Json(reserved).at("status").as_string(), "active");
  EXPECT_EQ(Reserved(6, 1), 2);
  EXPECT_EQ(Stock(6, 1).at("available").as_int64(), 48);
  HttpResult replay = Direct("POST", "/api/v1/inventory/reservations", body, Order(), "res-a");
  EXPECT_EQ(Json(replay).at("id").as_string(), id);
  EXPECT_EQ(Reserved(6, 1), 2);
  std::string path = "/api/v1/inventory/reservations/" + id;
  for (const std::string& token : {Customer("11"), Cashier(1), Sales(), Manager()}) {
    EXPECT_EQ(Direct("POST", path + "/commit", {}, token).status, 403);
    EXPECT_EQ(Direct("DELETE", path, {}, token).status, 403);
  }
  EXPECT_EQ(Direct("GET", path, {}, Logistics()).status, 200);  // staff of the centre may look
  EXPECT_EQ(Direct("GET", path, {}, Customer("11")).status, 403);
  HttpResult committed = Direct("POST", path + "/commit", {}, Order());
  ASSERT_EQ(committed.status, 200) << committed.body;
  EXPECT_EQ(Json(committed).at("status").as_string(), "committed");
  EXPECT_EQ(OnHand(6, 1), 48);
  EXPECT_EQ(Reserved(6, 1), 0);
  EXPECT_EQ(Direct("POST", path + "/commit", {}, Order()).status, 200);
  EXPECT_EQ(OnHand(6, 1), 48);
  HttpResult release_committed = Direct("DELETE", path, {}, Order());
  EXPECT_EQ(release_committed.status, 409);
  EXPECT_EQ(Code(release_committed), "inventory.reservation_committed");
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reason = 'order' AND reference = 'order:a'"), "1");

  HttpResult second =
      Direct("POST", "/api/v1/inventory/reservations",
             R"({"location_id":6,"reference":"order:b","lines":[{"product_id":1,"quantity":5}]})", Order(), "res-b");
  ASSERT_EQ(second.status, 201);
  std::string second_path = "/api/v1/inventory/reservations/" + std::string(Json(second).at("id").as_string());
  EXPECT_EQ(Reserved(6, 1), 5);
  HttpResult released = Direct("DELETE", second_path, {}, Order());
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(Json(released).at("status").as_string(), "released");
  EXPECT_EQ(Reserved(6, 1), 0);
  EXPECT_EQ(Direct("DELETE", second_path, {}, Order()).status, 200);
  EXPECT_EQ(Reserved(6, 1), 0);
  EXPECT_EQ(OnHand(6, 1), 48);
  EXPECT_EQ(Code(Direct("POST", second_path + "/commit", {}, Order())), "inventory.reservation_not_active");

  HttpResult too_much =
      Direct("POST", "/api/v1/inventory/reservations",
             R"({"location_id":6,"reference":"order:c","lines":[{"product_id":1,"quantity":49}]})", Order(), "res-c");
  EXPECT_EQ(too_much.status, 409);
  EXPECT_EQ(Code(too_much), "inventory.insufficient_stock");
  EXPECT_EQ(Reserved(6, 1), 0);
  EXPECT_EQ(Direct("GET", "/api/v1/inventory/reservations/not-a-uuid", {}, Order()).status, 404);
}

// Issue 12 §2, reproduced: a self-registered shopper reserved 50 iPads at the centre and committed them, with no
// order and no payment. Only the order service reserves and commits at the centre now.
TEST_F(InventoryService, AShopperCannotEmptyTheOnlineStock) {
  SetOnHand(6, 4, 60);
  const std::string grab = R"({"location_id":6,"reference":"mine","lines":[{"product_id":4,"quantity":50}]})";
  const testing::TestAuth& keys = platform_->Auth();
  for (const auto& [token, code] : std::vector<std::pair<std::string, std::string>>{
           {Customer("99"), "auth.forbidden"},
           {Cashier(1), "auth.forbidden"},
           {Logistics(), "auth.forbidden"},
           {Sales(), "auth.forbidden"},
           {keys.ServiceToken("order", "inventory", {"movements:order_return"}), "auth.insufficient_scope"},
           {keys.ServiceToken("order", "cart", {"reservations:centre"}), "auth.wrong_audience"},
           {keys.ForgedServiceToken("order", "inventory", {"reservations:centre"}), "auth.invalid_token"},
           {keys.ServiceToken("order", "inventory", {"reservations:centre"}, auth::NowSeconds() - 3600),
            "auth.token_expired"}}) {
    HttpResult r = Direct("POST", "/api/v1/inventory/reservations", grab, token, "grab-1");
    EXPECT_EQ(Code(r), code) << r.body;
    EXPECT_EQ(r.headers["content-type"], "application/problem+json");
  }
  EXPECT_EQ(Reserved(6, 4), 0);
  EXPECT_EQ(OnHand(6, 4), 60);
  EXPECT_EQ(Sql("SELECT count(*) FROM reservations WHERE reference = 'mine'"), "0");
}

// A release racing a commit: exactly one wins, and the stock agrees with the winner.
TEST_F(InventoryService, CommitAndReleaseRaceEndsConsistent) {
  SetOnHand(6, 18, 30);
  for (int round = 0; round < 5; ++round) {
    std::int64_t before = OnHand(6, 18);
    HttpResult reserved =
        Direct("POST", "/api/v1/inventory/reservations",
               R"({"location_id":6,"reference":"order:race","lines":[{"product_id":18,"quantity":1}]})", Order(),
               "race-res-" + std::to_string(round));
    ASSERT_EQ(reserved.status, 201) << reserved.body;
    std::string path = "/api/v1/inventory/reservations/" + std::string(Json(reserved).at("id").as_string());
    HttpResult commit, release;
    std::thread a([&] { commit = Direct("POST", path + "/commit", {}, Order()); });
    std::thread b([&] { release = Direct("DELETE", path, {}, Order()); });
    a.join();
    b.join();
    std::string status(Json(Direct("GET", path, {}, Order())).at("status").as_string());
    if (status == "committed") {
      EXPECT_EQ(commit.status, 200);
      EXPECT_EQ(release.status, 409);
      EXPECT_EQ(OnHand(6, 18), before - 1);
    } else {
      EXPECT_EQ(status, "released");
      EXPECT_EQ(release.status, 200);
      EXPECT_EQ(commit.status, 409);
      EXPECT_EQ(OnHand(6, 18), before);
    }
    EXPECT_EQ(Reserved(6, 18), 0);
  }
}

TEST_F(InventoryService, SeedingAgainChangesNothing) {
  SetOnHand(2, 14, 3);
  std::string before =
      Sql("SELECT string_agg(location_id || ':' || product_id || '=' || on_hand, ',' ORDER BY "
          "location_id, product_id) FROM stock");
  std::string movements = Sql("SELECT count(*) FROM movements");
  std::string log = platform_->LogFile("inventory") + ".seed";
  ASSERT_EQ(testing::RunComptoir({"seed", "--service", "inventory"},
                                 {{"COMPTOIR_INVENTORY_DATABASE_URL", platform_->Conninfo("inventory")},
                                  {"COMPTOIR_AUTH_JWT_PUBLIC_KEY", platform_->Auth().PublicKeyPem()}},
                                 log),
            0)
      << "see " << log;
  EXPECT_EQ(Sql("SELECT string_agg(location_id || ':' || product_id || '=' || on_hand, ',' ORDER BY location_id, "
                "product_id) FROM stock"),
            before);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements"), movements);
  EXPECT_EQ(Sql("SELECT count(*) FROM locations"), "7");
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference = 'seed:demo'"),
            "118");  // 6 × 18, and the weighed goods 19–20 at the 5 stores (ADR 0170)
  EXPECT_EQ(OnHand(2, 14), 3);
}

// Reservations past their expiry are released by the periodic sweep (TTL and interval of 1 s).
TEST(InventoryExpiry, SweepReleasesExpiredReservations) {
  testing::Platform platform(
      testing::PlatformOptions{.services = {"inventory"},
                               .gateway = false,
                               .name = "inventory_expiry",
                               .env = {{"COMPTOIR_INVENTORY_RESERVATION_TTL_S", "1"},
                                       {"COMPTOIR_INVENTORY_RESERVATION_SWEEP_INTERVAL_S", "1"}}});
  std::string token = platform.Auth().ServiceToken("order", "inventory", auth::AllowedScopes("order", "inventory"));
  auto port = static_cast<std::uint16_t>(platform.Port("inventory"));
  HttpResult r = testing::Http(port, "POST", "/api/v1/inventory/reservations",
                               R"({"location_id":6,"reference":"order:exp","lines":[{"product_id":2,"quantity":3}]})",
                               {{"Authorization", "Bearer " + token}, {"Idempotency-Key", "exp-1"}});
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id(Json(r).at("id").as_string());
  std::string status;
  for (int i = 0; i < 300 && status != "expired"; ++i) {  // waits for the sweep, not a timing assertion
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    HttpResult get =
        testing::Http(port, "GET", "/api/v1/inventory/reservations/" + id, {}, {{"Authorization", "Bearer " + token}});
    status = std::string(Json(get).at("status").as_string());
  }
  EXPECT_EQ(status, "expired");
  std::string staff = platform.Auth().Token(Role::kLogistics, "6", 6);
  HttpResult stock = testing::Http(port, "GET", "/api/v1/inventory?location_id=6&product_id=2", {},
                                   {{"Authorization", "Bearer " + staff}});
  EXPECT_EQ(Json(stock).at("data").as_array()[0].at("reserved").as_int64(), 0);
  HttpResult commit = testing::Http(port, "POST", "/api/v1/inventory/reservations/" + id + "/commit", {},
                                    {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(commit.status, 409);
  EXPECT_EQ(Code(commit), "inventory.reservation_not_active");
  HttpResult release =
      testing::Http(port, "DELETE", "/api/v1/inventory/reservations/" + id, {}, {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(release.status, 200);
  EXPECT_EQ(
      testing::QueryValue(platform.Conninfo("inventory"),
                          "SELECT count(*) FROM outbox WHERE payload->'data'->>'reason' = 'reservation_released'"),
      "1");
}

}  // namespace
}  // namespace comptoir::inventory
