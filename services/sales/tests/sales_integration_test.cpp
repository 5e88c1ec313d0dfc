// Integration test: product, inventory and sales (the real `comptoir` binary, each with its own fresh
// database) behind the gateway, as a till would use them. Tokens are minted with the platform's secret
// (the customer service is not needed to sign staff in). Stock is read back from inventory over HTTP;
// "nothing recorded" is checked in the sales database itself.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir::sales {
namespace {

using testing::HttpResult;
namespace json = boost::json;

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::string Code(const HttpResult& r) {
  json::value v = Json(r);
  if (const auto* o = v.if_object()) {
    if (const auto* c = o->if_contains("code")) return std::string(c->as_string());
  }
  return "";
}

std::int64_t Int(const json::value& v, std::string_view key) {
  return v.at(key).to_number<std::int64_t>();
}

class SalesPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // customer issues sales' service token for inventory (ADR 0008).
    platform_ = new testing::Platform({.services = {"customer", "product", "inventory", "sales"}, .name = "sales_it"});
    // These tests predate tax classes (ADR 0140) and sell the demo groceries as taxable goods: reclassify them
    // (tax classes themselves are tested in sales_pricing_integration_test).
    for (const char* id : {"9", "11", "12"}) {
      HttpResult r = platform_->Call("PATCH", std::string("/api/v1/products/") + id, R"({"tax_class": "taxable"})",
                                     Manager());
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string Token(auth::Role role, const std::string& subject, std::optional<std::int64_t> location,
                           std::int64_t now = auth::NowSeconds()) {
    auth::Principal who{subject, role, location, 0};
    return auth::IssueToken(platform_->Jwt(), who, now);
  }
  static std::string Cashier(std::int64_t store) { return Token(auth::Role::kCashier, std::to_string(store), store); }
  static std::string Manager() { return Token(auth::Role::kManager, "7", std::nullopt); }

  static HttpResult Post(const std::string& target, const std::string& body, const std::string& token,
                         const std::string& key) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return platform_->Call("POST", target, body, token, headers);
  }
  static HttpResult Get(const std::string& target, const std::string& token) {
    return platform_->Call("GET", target, "", token);
  }

  // on_hand of a product at a location, read from inventory through the gateway.
  static std::int64_t OnHand(std::int64_t location, std::int64_t product) {
    HttpResult r =
        Get("/api/v1/inventory?location_id=" + std::to_string(location) + "&product_id=" + std::to_string(product),
            Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = Json(r);
    const auto& data = v.at("data").as_array();
    if (data.empty()) return 0;
    return Int(data[0], "on_hand");
  }

  // Sets on_hand with a manager's stock adjustment.
  static void SetStock(std::int64_t location, std::int64_t product, std::int64_t on_hand) {
    std::int64_t delta = on_hand - OnHand(location, product);
    if (delta == 0) return;
    std::string key = "adjust-" + std::to_string(location) + "-" + std::to_string(product) + "-" +
                      std::to_string(auth::NowSeconds()) + "-" + std::to_string(on_hand);
    json::object body{{"location_id", location},
                      {"reason", "adjustment"},
                      {"adjustment_reason", "count_correction"},
                      {"reference", key},
                      {"note", "sales integration test"},
                      {"lines", json::array{json::object{{"product_id", product}, {"quantity", delta}}}}};
    HttpResult r = Post("/api/v1/inventory/movements", json::serialize(body), Manager(), key);
    ASSERT_EQ(r.status, 201) << r.body;
    ASSERT_EQ(OnHand(location, product), on_hand);
  }

  static std::string SalesDb(const std::string& sql) { return testing::QueryValue(platform_->Conninfo("sales"), sql); }

  static testing::Platform* platform_;
};

testing::Platform* SalesPlatform::platform_ = nullptr;

// A card payment of exactly the total of `subtotal_cents` (taxes from money.hpp).
std::string CardFor(std::int64_t subtotal_cents, std::string_view method = "card") {
  return R"([{"method": ")" + std::string(method) + R"(", "amount_cents": )" +
         std::to_string(subtotal_cents + money::QuebecTaxes(subtotal_cents).total()) + "}]";
}

std::string SaleBody(std::int64_t location, const std::string& lines, const std::string& payments,
                     const std::string& extra = "") {
  return R"({"location_id": )" + std::to_string(location) + R"(, "lines": )" + lines + R"(, "payments": )" + payments +
         extra + "}";
}

TEST_F(SalesPlatform, MileEndCashierSellsReturnsAndCannotSellAtWestmount) {
  const std::string cashier = Cashier(4);
  const std::int64_t tshirts = OnHand(4, 5), cafes = OnHand(4, 9);
  ASSERT_GE(tshirts, 2);
  ASSERT_GE(cafes, 1);
  HttpResult sale = Post("/api/v1/sales",
                         SaleBody(4, R"([{"product_id": 5, "quantity": 2}, {"sku": "ALIM-0001", "quantity": 1}])",
                                  R"([{"method": "card", "amount_cents": 6090}])"),
                         cashier, "scenario-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  json::value receipt = Json(sale);
  EXPECT_EQ(Int(receipt, "subtotal_cents"), 5297);
  EXPECT_EQ(Int(receipt, "gst_cents"), 265);
  EXPECT_EQ(Int(receipt, "qst_cents"), 528);
  EXPECT_EQ(Int(receipt, "total_cents"), 6090);
  EXPECT_EQ(Int(receipt, "change_cents"), 0);
  EXPECT_EQ(Int(receipt, "cash_rounding_cents"), 0);
  EXPECT_EQ(receipt.at("cashier_id").as_string(), "4");
  EXPECT_EQ(Int(receipt, "location_id"), 4);
  EXPECT_EQ(receipt.at("receipt_number").as_string().subview().substr(0, 3), "S4-");
  const auto& lines = receipt.at("lines").as_array();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("name").as_string(), "T-shirt");
  EXPECT_EQ(Int(lines[0], "unit_price_cents"), 1999);
  EXPECT_EQ(Int(lines[0], "line_total_cents"), 3998);
  EXPECT_EQ(Int(lines[1], "product_id"), 9);
  EXPECT_EQ(OnHand(4, 5), tshirts - 2);
  EXPECT_EQ(OnHand(4, 9), cafes - 1);
  // Sales moved the stock with its own service token; the ledger names the cashier it acted for (ADR 0008).
  EXPECT_EQ(
      testing::QueryValue(platform_->Conninfo("inventory"),
                          "SELECT string_agg(DISTINCT actor_role || ':' || actor_subject || ' for ' || on_behalf_of,"
                          " ',') FROM movements WHERE reference = 'sale:scenario-sale'"),
      "service:sales for cashier:4");
  const std::string id = std::to_string(Int(receipt, "id"));
  EXPECT_EQ(SalesDb("SELECT count(*) FROM outbox WHERE type = 'SaleCompleted' AND aggregate_id = '" + id +
                    "' AND payload->'data'->>'channel' = 'store' AND (payload->'data'->>'total_cents')::int = 6090"),
            "1");

  HttpResult ret =
      Post("/api/v1/sales/" + id + "/returns",
           R"({"lines": [{"product_id": 5, "quantity": 1}], "reason": "wrong size"})", cashier, "scenario-return");
  ASSERT_EQ(ret.status, 201) << ret.body;
  json::value refund = Json(ret);
  money::Taxes taxes = money::QuebecTaxes(1999);
  EXPECT_EQ(Int(refund, "subtotal_cents"), 1999);
  EXPECT_EQ(Int(refund, "gst_cents"), taxes.gst_cents);
  EXPECT_EQ(Int(refund, "qst_cents"), taxes.qst_cents);
  EXPECT_EQ(Int(refund, "gst_cents"), 100);
  EXPECT_EQ(Int(refund, "qst_cents"), 199);
  EXPECT_EQ(Int(refund, "total_cents"), 2298);
  EXPECT_EQ(refund.at("refund_method").as_string(), "card");
  EXPECT_EQ(OnHand(4, 5), tshirts - 1);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM outbox WHERE type = 'SaleReturned' AND aggregate_id = '" + id + "'"), "1");

  HttpResult again = Get("/api/v1/sales/" + id, cashier);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Int(Json(again).at("lines").as_array()[0], "returned_quantity"), 1);
  HttpResult returns = Get("/api/v1/sales/" + id + "/returns", cashier);
  ASSERT_EQ(returns.status, 200);
  EXPECT_EQ(Json(returns).at("data").as_array().size(), 1u);

  HttpResult westmount =
      Post("/api/v1/sales",
           SaleBody(5, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "card", "amount_cents": 2298}])"),
           cashier, "scenario-westmount");
  EXPECT_EQ(westmount.status, 403) << westmount.body;
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'scenario-westmount'"), "0");
}

TEST_F(SalesPlatform, TwentyConcurrentSalesOfTheLastFiveUnits) {
  SetStock(3, 12, 5);
  const std::string cashier = Cashier(3);
  std::vector<int> statuses(20);
  std::vector<std::string> codes(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r =
          Post("/api/v1/sales", SaleBody(3, R"([{"product_id": 12, "quantity": 1}])", CardFor(1599, "debit")), cashier,
               "last-units-" + std::to_string(i));
      statuses[i] = r.status;
      if (r.status != 201) codes[i] = Code(r);
    });
  }
  for (auto& t : threads) t.join();
  int sold = 0;
  for (int i = 0; i < 20; ++i) {
    if (statuses[i] == 201) {
      ++sold;
    } else {
      EXPECT_EQ(statuses[i], 409);
      EXPECT_EQ(codes[i], "inventory.insufficient_stock");
    }
  }
  EXPECT_EQ(sold, 5);
  EXPECT_EQ(OnHand(3, 12), 0);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key LIKE 'last-units-%'"), "5");
}

TEST_F(SalesPlatform, ASaleWithOneShortLineRecordsNothing) {
  SetStock(2, 17, 1);
  const std::int64_t balls = OnHand(2, 16);
  ASSERT_GE(balls, 1);
  HttpResult r = Post("/api/v1/sales",
                      SaleBody(2, R"([{"product_id": 16, "quantity": 1}, {"product_id": 17, "quantity": 2}])",
                               CardFor(2999 + 2 * 7999)),
                      Cashier(2), "short-line");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Code(r), "inventory.insufficient_stock");
  EXPECT_EQ(OnHand(2, 16), balls);
  EXPECT_EQ(OnHand(2, 17), 1);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'short-line'"), "0");
}

TEST_F(SalesPlatform, RetryingWithTheSameKeyGivesTheSameReceiptAndMovesStockOnce) {
  const std::string body = SaleBody(1, R"([{"product_id": 10, "quantity": 2}])", CardFor(998));
  const std::int64_t before = OnHand(1, 10);
  HttpResult first = Post("/api/v1/sales", body, Cashier(1), "retry-key");
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResult second = Post("/api/v1/sales", body, Cashier(1), "retry-key");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Json(first), Json(second));
  EXPECT_EQ(OnHand(1, 10), before - 2);
  HttpResult movements = Get("/api/v1/inventory/movements?reference=sale:retry-key", Manager());
  ASSERT_EQ(movements.status, 200) << movements.body;
  EXPECT_EQ(Json(movements).at("data").as_array().size(), 1u) << movements.body;
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'retry-key'"), "1");

  HttpResult other = Post("/api/v1/sales", SaleBody(1, R"([{"product_id": 10, "quantity": 1}])", CardFor(499)),
                          Cashier(1), "retry-key");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(Code(other), "request.idempotency_key_reused");
}

TEST_F(SalesPlatform, ReturnsNeverExceedWhatWasSold) {
  HttpResult sale = Post("/api/v1/sales", SaleBody(5, R"([{"product_id": 11, "quantity": 2}])", CardFor(1798)),
                         Cashier(5), "beyond-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  const std::string id = std::to_string(Int(Json(sale), "id"));
  const std::int64_t stock = OnHand(5, 11);
  HttpResult three = Post("/api/v1/sales/" + id + "/returns",
                          R"({"lines": [{"product_id": 11, "quantity": 3}], "reason": "x"})", Cashier(5), "beyond-1");
  EXPECT_EQ(three.status, 409) << three.body;
  EXPECT_EQ(Code(three), "sales.return_exceeds_sold");
  HttpResult two = Post("/api/v1/sales/" + id + "/returns",
                        R"({"lines": [{"product_id": 11, "quantity": 2}], "reason": "x"})", Cashier(5), "beyond-2");
  ASSERT_EQ(two.status, 201) << two.body;
  // Everything returned: the refund is exactly what was paid.
  EXPECT_EQ(Int(Json(two), "total_cents"), 1798 + money::QuebecTaxes(1798).total());
  HttpResult more = Post("/api/v1/sales/" + id + "/returns",
                         R"({"lines": [{"product_id": 11, "quantity": 1}], "reason": "x"})", Cashier(5), "beyond-3");
  EXPECT_EQ(more.status, 409) << more.body;
  EXPECT_EQ(Code(more), "sales.return_exceeds_sold");
  EXPECT_EQ(OnHand(5, 11), stock + 2);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sale_returns WHERE sale_id = " + id), "1");
  // Another store's cashier does not see the sale.
  HttpResult foreign = Post("/api/v1/sales/" + id + "/returns",
                            R"({"lines": [{"product_id": 11, "quantity": 1}], "reason": "x"})", Cashier(4), "beyond-4");
  EXPECT_EQ(foreign.status, 404) << foreign.body;
}

TEST_F(SalesPlatform, CashSaleIsRoundedToANickelWithChange) {
  HttpResult r =
      Post("/api/v1/sales",
           SaleBody(1, R"([{"product_id": 9, "quantity": 1}])", R"([{"method": "cash", "amount_cents": 2000}])"),
           Cashier(1), "cash-sale");
  ASSERT_EQ(r.status, 201) << r.body;
  json::value receipt = Json(r);
  EXPECT_EQ(Int(receipt, "total_cents"), 1494);
  EXPECT_EQ(Int(receipt, "cash_rounding_cents"), 1);
  EXPECT_EQ(Int(receipt, "change_cents"), 505);
  HttpResult short_cash =
      Post("/api/v1/sales",
           SaleBody(1, R"([{"product_id": 9, "quantity": 1}])", R"([{"method": "cash", "amount_cents": 1490}])"),
           Cashier(1), "cash-short");
  EXPECT_EQ(short_cash.status, 422) << short_cash.body;
  EXPECT_EQ(Code(short_cash), "sales.insufficient_payment");
}

TEST_F(SalesPlatform, GiftCardIsDebitedInTheSale) {
  // Demo card GC-Z2D7-2VNR-94K7-GF7T: 25 $, PIN 161803 (README).
  const std::string card = R"("gift_card_code": "GC-Z2D7-2VNR-94K7-GF7T", "gift_card_pin": "161803")";
  const std::int64_t cafes = OnHand(2, 9);
  HttpResult r = Post("/api/v1/sales",
                      SaleBody(2, R"([{"product_id": 9, "quantity": 1}])",
                               R"([{"method": "gift_card", "amount_cents": 1494, )" + card + "}]"),
                      Cashier(2), "gift-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(SalesDb("SELECT balance_cents FROM gift_cards WHERE code = 'GC-Z2D7-2VNR-94K7-GF7T'"), "1006");
  // The receipt shows the card masked, never its PIN.
  EXPECT_EQ(Json(r).at("payments").as_array()[0].at("gift_card_code").as_string(), "GC-****-****-****-GF7T");
  EXPECT_EQ(r.body.find("161803"), std::string::npos);
  HttpResult again = Post("/api/v1/sales",
                          SaleBody(2, R"([{"product_id": 9, "quantity": 1}])",
                                   R"([{"method": "gift_card", "amount_cents": 1494, )" + card + "}]"),
                          Cashier(2), "gift-2");
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_EQ(Code(again), "sales.gift_card_insufficient");
  EXPECT_EQ(again.body.find("10.06"), std::string::npos) << again.body;  // the balance is not told
  EXPECT_EQ(again.body.find("1006"), std::string::npos) << again.body;
  // The old sequential demo code is not even a code any more (no check symbol): 400 naming the field.
  HttpResult old = Post("/api/v1/sales",
                        SaleBody(2, R"([{"product_id": 9, "quantity": 1}])",
                                 R"([{"method": "gift_card", "amount_cents": 1494, "gift_card_code": "GC-DEMO-0003",)"
                                 R"( "gift_card_pin": "161803"}])"),
                        Cashier(2), "gift-3");
  EXPECT_EQ(old.status, 400) << old.body;
  EXPECT_NE(old.body.find("payments[0].gift_card_code"), std::string::npos) << old.body;
  EXPECT_EQ(OnHand(2, 9), cafes - 1);
  EXPECT_EQ(SalesDb("SELECT balance_cents FROM gift_cards WHERE code = 'GC-Z2D7-2VNR-94K7-GF7T'"), "1006");
  // Returned: refunded to the gift card it was paid with.
  HttpResult back = Post("/api/v1/sales/" + std::to_string(Int(Json(r), "id")) + "/returns",
                         R"({"lines": [{"product_id": 9, "quantity": 1}], "reason": "gift"})", Cashier(2), "gift-back");
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_EQ(Json(back).at("refund_method").as_string(), "gift_card");
  EXPECT_EQ(SalesDb("SELECT balance_cents FROM gift_cards WHERE code = 'GC-Z2D7-2VNR-94K7-GF7T'"), "2500");
  EXPECT_EQ(OnHand(2, 9), cafes);
}

TEST_F(SalesPlatform, RegisterSessionCountsCashAndReportsOverShort) {
  const std::string cashier = Cashier(2);
  HttpResult open = Post("/api/v1/register-sessions",
                         R"({"location_id": 2, "register": "caisse-1", "opening_float_cents": 10000})", cashier, "");
  ASSERT_EQ(open.status, 201) << open.body;
  const std::int64_t session = Int(Json(open), "id");
  HttpResult twice = Post("/api/v1/register-sessions",
                          R"({"location_id": 2, "register": "caisse-1", "opening_float_cents": 5000})", cashier, "");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(Code(twice), "sales.session_already_open");
  const std::string in_session = R"(, "register_session_id": )" + std::to_string(session);

  // Café 14.94 $ → 14.95 $ in cash; T-shirt 22.98 $ → 23.00 $; the café comes back in cash (14.95 $ out).
  HttpResult cafe = Post(
      "/api/v1/sales",
      SaleBody(2, R"([{"product_id": 9, "quantity": 1}])", R"([{"method": "cash", "amount_cents": 2000}])", in_session),
      cashier, "session-cafe");
  ASSERT_EQ(cafe.status, 201) << cafe.body;
  HttpResult tshirt = Post(
      "/api/v1/sales",
      SaleBody(2, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "cash", "amount_cents": 2300}])", in_session),
      cashier, "session-tshirt");
  ASSERT_EQ(tshirt.status, 201) << tshirt.body;
  EXPECT_EQ(Int(Json(tshirt), "cash_rounding_cents"), 2);
  HttpResult back = Post("/api/v1/sales/" + std::to_string(Int(Json(cafe), "id")) + "/returns",
                         R"({"lines": [{"product_id": 9, "quantity": 1}], "reason": "changed mind")" + in_session + "}",
                         cashier, "session-return");
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_EQ(Json(back).at("refund_method").as_string(), "cash");
  EXPECT_EQ(Int(Json(back), "total_cents") + Int(Json(back), "cash_rounding_cents"), 1495);

  HttpResult close = Post("/api/v1/register-sessions/" + std::to_string(session) + "/close",
                          R"({"counted_cash_cents": 12290})", cashier, "");
  ASSERT_EQ(close.status, 200) << close.body;
  json::value closed = Json(close);
  EXPECT_EQ(closed.at("status").as_string(), "closed");
  EXPECT_EQ(Int(closed, "expected_cash_cents"), 10000 + 1495 + 2300 - 1495);
  EXPECT_EQ(Int(closed, "over_short_cents"), -10);
  HttpResult again = Post("/api/v1/register-sessions/" + std::to_string(session) + "/close",
                          R"({"counted_cash_cents": 12290})", cashier, "");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Code(again), "sales.session_closed");
  HttpResult late = Post(
      "/api/v1/sales",
      SaleBody(2, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "cash", "amount_cents": 2300}])", in_session),
      cashier, "session-late");
  EXPECT_EQ(late.status, 422) << late.body;
  EXPECT_EQ(Code(late), "sales.invalid_register_session");

  HttpResult list = Get("/api/v1/register-sessions?location_id=2&status=closed", cashier);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Int(Json(list).at("meta"), "total"), 1);
  EXPECT_EQ(Get("/api/v1/register-sessions/" + std::to_string(session), Cashier(4)).status, 404);
}

TEST_F(SalesPlatform, TokensAreRequiredAndChecked) {
  const std::string body =
      SaleBody(4, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "card", "amount_cents": 2298}])");
  EXPECT_EQ(Post("/api/v1/sales", body, "", "no-token").status, 401);
  // A signature changed in its first character (the last one may only carry padding bits).
  std::string tampered = Cashier(4);
  std::size_t signature = tampered.rfind('.') + 1;
  tampered[signature] = tampered[signature] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Post("/api/v1/sales", body, tampered, "tampered").status, 401);
  // Claims rewritten (another store) under the original signature.
  std::string forged = Cashier(4);
  std::string other = Cashier(5);
  forged = forged.substr(0, forged.find('.')) + other.substr(other.find('.'), other.rfind('.') - other.find('.')) +
           forged.substr(forged.rfind('.'));
  EXPECT_EQ(Post("/api/v1/sales",
                 SaleBody(5, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "card", "amount_cents": 2298}])"),
                 forged, "forged")
                .status,
            401);
  std::string expired = Token(auth::Role::kCashier, "4", 4, auth::NowSeconds() - 7200);
  EXPECT_EQ(Post("/api/v1/sales", body, expired, "expired").status, 401);
  EXPECT_EQ(Get("/api/v1/sales", "").status, 401);
  // At the service itself (behind the gateway's back) the token is checked too.
  HttpResult direct = testing::Http(static_cast<std::uint16_t>(platform_->Port("sales")), "GET", "/api/v1/sales");
  EXPECT_EQ(direct.status, 401);
  EXPECT_EQ(Code(direct), "auth.missing_token");
  // A shopper or the logistics centre does not sell.
  EXPECT_EQ(Post("/api/v1/sales", body, Token(auth::Role::kCustomer, "1", std::nullopt), "shopper").status, 403);
  EXPECT_EQ(Post("/api/v1/sales", body, Token(auth::Role::kLogistics, "6", 6), "logistics").status, 403);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key IN ('no-token', 'tampered', 'expired',"
                    " 'shopper', 'logistics', 'forged')"),
            "0");
}

TEST_F(SalesPlatform, BadInputIsRefusedWithEveryField) {
  HttpResult r =
      Post("/api/v1/sales", R"({"location_id": 4, "lines": [{"quantity": 0}], "payments": [{"method": "cheque"}]})",
           Cashier(4), "bad-input");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_GE(Json(r).at("errors").as_array().size(), 3u);
  HttpResult no_key =
      Post("/api/v1/sales",
           SaleBody(4, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "card", "amount_cents": 2298}])"),
           Cashier(4), "");
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(Code(no_key), "request.idempotency_key_required");
  HttpResult unknown = Post("/api/v1/sales",
                            SaleBody(4, R"([{"product_id": 5, "quantity": 1}, {"product_id": 999, "quantity": 1}])",
                                     R"([{"method": "card", "amount_cents": 2298}])"),
                            Cashier(4), "unknown-product");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(Code(unknown), "sales.unknown_product");
  EXPECT_NE(unknown.body.find("lines[1]"), std::string::npos) << unknown.body;
  HttpResult over =
      Post("/api/v1/sales",
           SaleBody(4, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "card", "amount_cents": 5000}])"),
           Cashier(4), "overpaid");
  EXPECT_EQ(over.status, 422);
  EXPECT_EQ(Code(over), "sales.overpayment");
}

TEST_F(SalesPlatform, ListsFollowTheCallersStore) {
  // The seeded week of history: 3–8 sales a day at each of the five stores.
  EXPECT_GE(std::stoi(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key IS NULL")), 7 * 5 * 3);
  HttpResult mine = Get("/api/v1/sales?per_page=100", Cashier(4));
  ASSERT_EQ(mine.status, 200) << mine.body;
  json::value list = Json(mine);
  ASSERT_FALSE(list.at("data").as_array().empty());
  for (const auto& s : list.at("data").as_array()) EXPECT_EQ(Int(s, "location_id"), 4);
  EXPECT_EQ(Get("/api/v1/sales?location_id=5", Cashier(4)).status, 403);
  HttpResult all = Get("/api/v1/sales?from=2000-01-01&to=2100-01-01&per_page=1", Manager());
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_GE(Int(Json(all).at("meta"), "total"), 7 * 5 * 3);
  HttpResult bad = Get("/api/v1/sales?from=yesterday", Manager());
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Code(bad), "sales.invalid_query");
  const std::string westmount_sale = SalesDb("SELECT min(id) FROM sales WHERE location_id = 5");
  EXPECT_EQ(Get("/api/v1/sales/" + westmount_sale, Cashier(4)).status, 404);
  EXPECT_EQ(Get("/api/v1/sales/" + westmount_sale, Manager()).status, 200);
}

TEST_F(SalesPlatform, ConcurrentDuplicatesOfOneSaleGetOneReceiptAndOneMovement) {
  const std::int64_t before = OnHand(5, 14);
  const std::string body = SaleBody(5, R"([{"product_id": 14, "quantity": 1}])", CardFor(2499));
  std::vector<HttpResult> results(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] { results[i] = Post("/api/v1/sales", body, Cashier(5), "duplicate-key"); });
  }
  for (auto& t : threads) t.join();
  for (const HttpResult& r : results) {
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Json(r), Json(results[0]));
  }
  EXPECT_EQ(OnHand(5, 14), before - 1);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'duplicate-key'"), "1");
  HttpResult movements = Get("/api/v1/inventory/movements?reference=sale:duplicate-key", Manager());
  ASSERT_EQ(movements.status, 200) << movements.body;
  EXPECT_EQ(Json(movements).at("data").as_array().size(), 1u) << movements.body;
}

TEST_F(SalesPlatform, ConcurrentReturnsNeverExceedWhatWasSold) {
  HttpResult sale = Post("/api/v1/sales", SaleBody(1, R"([{"product_id": 15, "quantity": 2}])", CardFor(2 * 3999)),
                         Cashier(1), "concurrent-returns-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  const std::string id = std::to_string(Int(Json(sale), "id"));
  const std::int64_t stock = OnHand(1, 15);
  std::vector<int> statuses(6);
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      statuses[i] = Post("/api/v1/sales/" + id + "/returns",
                         R"({"lines": [{"product_id": 15, "quantity": 1}], "reason": "defective"})", Cashier(1),
                         "concurrent-return-" + std::to_string(i))
                        .status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 2);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 409), 4);
  EXPECT_EQ(OnHand(1, 15), stock + 2);
  EXPECT_EQ(SalesDb("SELECT returned_quantity FROM sale_lines WHERE sale_id = " + id), "2");
  // Both returns together refund exactly what the sale took.
  EXPECT_EQ(SalesDb("SELECT sum(total_cents) FROM sale_returns WHERE sale_id = " + id),
            std::to_string(Int(Json(sale), "total_cents")));
}

TEST_F(SalesPlatform, AFailureAfterTheStockMovedReversesTheMovement) {
  // A database failure while recording, injected with a trigger on this test's customer id.
  testing::RunSql(platform_->Conninfo("sales"),
                  "CREATE FUNCTION f_test_fail_sale() RETURNS trigger LANGUAGE plpgsql AS"
                  " $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;"
                  " CREATE TRIGGER test_fail_sale BEFORE INSERT ON sales FOR EACH ROW"
                  " WHEN (NEW.customer_id = 999999) EXECUTE FUNCTION f_test_fail_sale();");
  const std::int64_t before = OnHand(3, 8);
  const std::string body =
      SaleBody(3, R"([{"product_id": 8, "quantity": 1}])", CardFor(8999), R"(, "customer_id": 999999)");
  HttpResult r = Post("/api/v1/sales", body, Cashier(3), "fails-after-stock");
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(OnHand(3, 8), before);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'fails-after-stock'"), "0");
  HttpResult reversal = Get("/api/v1/inventory/movements?reference=reversal:sale:fails-after-stock", Manager());
  ASSERT_EQ(reversal.status, 200) << reversal.body;
  EXPECT_EQ(Json(reversal).at("data").as_array().size(), 1u) << reversal.body;
  // The key is spent: its movement was reversed, a retry must use a new key.
  HttpResult retry = Post("/api/v1/sales", body, Cashier(3), "fails-after-stock");
  EXPECT_EQ(retry.status, 409) << retry.body;
  EXPECT_EQ(OnHand(3, 8), before);
  testing::RunSql(platform_->Conninfo("sales"), "DROP TRIGGER test_fail_sale ON sales");
}

TEST_F(SalesPlatform, SeedingAgainDuplicatesAndDestroysNothing) {
  const std::string conninfo = platform_->Conninfo("sales");
  const std::string seeded = SalesDb("SELECT count(*) FROM sales WHERE idempotency_key IS NULL");
  const std::string events = SalesDb("SELECT count(*) FROM outbox");
  testing::RunSql(conninfo, "UPDATE gift_cards SET balance_cents = 1234 WHERE code = 'GC-M5WH-9SD0-RR8Q-PRQZ'");
  platform_->StopService("sales");
  platform_->StartService("sales");  // serve --migrate --seed again
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key IS NULL"), seeded);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM outbox"), events);
  EXPECT_EQ(SalesDb("SELECT balance_cents FROM gift_cards WHERE code = 'GC-M5WH-9SD0-RR8Q-PRQZ'"), "1234");
  EXPECT_EQ(SalesDb("SELECT count(*) FROM gift_cards WHERE issued_by = 'seed' AND pin_hash LIKE '$argon2id$%'"), "4");
  // Receipt numbers go on from the counters: the next sale at Vieux-Montréal is not a duplicate.
  HttpResult r = Post("/api/v1/sales", SaleBody(1, R"([{"product_id": 10, "quantity": 1}])", CardFor(499)), Cashier(1),
                      "after-reseed");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE receipt_number = '" +
                    std::string(Json(r).at("receipt_number").as_string()) + "'"),
            "1");
}

// Last: stops inventory.
TEST_F(SalesPlatform, WithInventoryDownASaleIsRefusedAndNothingIsRecorded) {
  platform_->StopService("inventory");
  HttpResult r =
      Post("/api/v1/sales",
           SaleBody(4, R"([{"product_id": 5, "quantity": 1}])", R"([{"method": "card", "amount_cents": 2298}])"),
           Cashier(4), "inventory-down");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(Code(r), "inventory.unavailable");
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'inventory-down'"), "0");
  platform_->StartService("inventory");
}

// A TCP port that accepts connections (the kernel completes the handshake) and never answers: an
// inventory that hangs.
class BlackHole {
 public:
  BlackHole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("black hole socket");
    }
    port_ = ntohs(address.sin_port);
  }
  ~BlackHole() { ::close(fd_); }
  [[nodiscard]] int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(SalesInventoryTimeout, ASaleIsAnswered504AndNothingIsRecorded) {
  BlackHole inventory;
  testing::Platform platform(
      {.services = {"customer", "product", "sales"},
       .gateway = false,
       .name = "sales_timeout",
       .env = {{"COMPTOIR_SALES_INVENTORY_URL", "http://127.0.0.1:" + std::to_string(inventory.port())},
               {"COMPTOIR_SALES_INVENTORY_URL_TIMEOUT_MS", "500"}}});
  const std::string token = platform.Auth().Token(auth::Role::kCashier, "4", 4);
  HttpResult r = testing::Http(static_cast<std::uint16_t>(platform.Port("sales")), "POST", "/api/v1/sales",
                               SaleBody(4, R"([{"product_id": 5, "quantity": 1}])", CardFor(1999)),
                               {{"Authorization", "Bearer " + token}, {"Idempotency-Key", "timed-out"}});
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(Code(r), "inventory.timeout");
  EXPECT_EQ(
      testing::QueryValue(platform.Conninfo("sales"), "SELECT count(*) FROM sales WHERE idempotency_key IS NOT NULL"),
      "0");
  EXPECT_EQ(testing::QueryValue(platform.Conninfo("sales"), "SELECT count(*) FROM idempotency_keys"), "0");
}

}  // namespace
}  // namespace comptoir::sales
