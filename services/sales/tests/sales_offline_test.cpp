// Integration test of offline sales replayed by a till (ADR 0090): product, inventory and sales behind
// the gateway. An offline sale that finds short stock is recorded, takes what the store has and flags
// the shortfall; an online sale is still refused; a replay with the same key is answered once.
#include <ctime>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/money.hpp"
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

std::int64_t Int(const json::value& v, std::string_view key) {
  return v.at(key).to_number<std::int64_t>();
}

std::string Utc(std::time_t t) {
  char buffer[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

class OfflineSales : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform({.services = {"customer", "product", "inventory", "sales"}, .name = "sales_offline"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static std::string Token(auth::Role role, const std::string& subject, std::optional<std::int64_t> location) {
    return auth::IssueToken(platform_->Jwt(), auth::Principal{subject, role, location, 0}, auth::NowSeconds());
  }
  static std::string Cashier(std::int64_t store) { return Token(auth::Role::kCashier, std::to_string(store), store); }
  static std::string Manager() { return Token(auth::Role::kManager, "7", std::nullopt); }

  static HttpResult Post(const std::string& target, const std::string& body, const std::string& token,
                         const std::string& key) {
    return platform_->Call("POST", target, body, token, {{"Idempotency-Key", key}});
  }
  static std::int64_t OnHand(std::int64_t location, std::int64_t product) {
    HttpResult r = platform_->Call(
        "GET", "/api/v1/inventory?location_id=" + std::to_string(location) + "&product_id=" + std::to_string(product),
        "", Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    const auto v = Json(r);
    const auto& data = v.at("data").as_array();
    return data.empty() ? 0 : Int(data[0], "on_hand");
  }
  static void SetStock(std::int64_t location, std::int64_t product, std::int64_t on_hand) {
    const std::int64_t delta = on_hand - OnHand(location, product);
    if (delta == 0) return;
    const std::string key = "offline-adjust-" + std::to_string(product) + "-" + std::to_string(on_hand) + "-" +
                            std::to_string(auth::NowSeconds());
    json::object body{{"location_id", location},
                      {"reason", "adjustment"},
                      {"adjustment_reason", "count_correction"},  // ADR 0009: an adjustment says why
                      {"reference", key},
                      {"note", "mise en place du test"},
                      {"lines", json::array{json::object{{"product_id", product}, {"quantity", delta}}}}};
    ASSERT_EQ(Post("/api/v1/inventory/movements", json::serialize(body), Manager(), key).status, 201);
  }
  static std::string SalesDb(const std::string& sql) { return testing::QueryValue(platform_->Conninfo("sales"), sql); }

  // A cash sale of `lines` paid with `cash_cents`, offline at `occurred_at` when set.
  static std::string Body(std::int64_t location, const std::string& lines, std::int64_t cash_cents,
                          const std::string& occurred_at) {
    std::string body = R"({"location_id": )" + std::to_string(location) + R"(, "lines": )" + lines +
                       R"(, "payments": [{"method": "cash", "amount_cents": )" + std::to_string(cash_cents) + "}]";
    if (!occurred_at.empty()) body += R"(, "offline": true, "occurred_at": ")" + occurred_at + "\"";
    return body + "}";
  }

  static testing::Platform* platform_;
};

testing::Platform* OfflineSales::platform_ = nullptr;

TEST_F(OfflineSales, AShortOfflineSaleIsKeptTakesWhatThereIsAndIsFlagged) {
  SetStock(3, 17, 1);  // one racket left in the ledger, three sold while the till was offline
  const std::int64_t balls = OnHand(3, 16);
  ASSERT_GE(balls, 1);
  const std::string when = Utc(std::time(nullptr) - 3600);
  const std::string body =
      Body(3, R"([{"product_id": 17, "quantity": 3}, {"product_id": 16, "quantity": 1}])", 40000, when);

  HttpResult r = Post("/api/v1/sales", body, Cashier(3), "offline-short");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto receipt = Json(r);
  EXPECT_TRUE(receipt.at("offline").as_bool());
  // 3 × 79.99 + 29.99 = 269.96; GST 13.50 (13.498); QST 26.93 (26.928…); total 310.39 → cash 310.40.
  EXPECT_EQ(Int(receipt, "subtotal_cents"), 26996);
  EXPECT_EQ(Int(receipt, "total_cents"), 26996 + money::QuebecTaxes(26996).total());
  EXPECT_EQ(Int(receipt, "change_cents"), 40000 - money::RoundToNickel(Int(receipt, "total_cents")));
  EXPECT_EQ(std::string(receipt.at("created_at").as_string()).substr(0, 19), when.substr(0, 19));
  const auto& lines = receipt.at("lines").as_array();
  EXPECT_EQ(Int(lines.at(0), "product_id"), 17);
  EXPECT_EQ(Int(lines.at(0), "short_quantity"), 2);
  EXPECT_EQ(Int(lines.at(1), "short_quantity"), 0);
  EXPECT_EQ(OnHand(3, 17), 0);
  EXPECT_EQ(OnHand(3, 16), balls - 1);

  // The same replay again (the till did not get the answer): the same receipt, stock moved once.
  HttpResult again = Post("/api/v1/sales", body, Cashier(3), "offline-short");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Json(again), receipt);
  EXPECT_EQ(OnHand(3, 16), balls - 1);
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'offline-short'"), "1");

  // The manager finds it among the sales to count; the cashier of the store too.
  HttpResult flagged = platform_->Call("GET", "/api/v1/sales?location_id=3&short_stock=true", "", Manager());
  ASSERT_EQ(flagged.status, 200) << flagged.body;
  const auto list = Json(flagged);
  ASSERT_EQ(list.at("data").as_array().size(), 1u) << flagged.body;
  EXPECT_EQ(list.at("data").as_array()[0].at("receipt_number"), receipt.at("receipt_number"));
  EXPECT_EQ(Int(list.at("meta"), "total"), 1);
  HttpResult bad = platform_->Call("GET", "/api/v1/sales?short_stock=yes", "", Manager());
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(OfflineSales, AnOfflineSaleWithNothingInStockStillRecordsTheSale) {
  SetStock(3, 18, 0);
  HttpResult r =
      Post("/api/v1/sales", Body(3, R"([{"product_id": 18, "quantity": 1}])", 60000, Utc(std::time(nullptr) - 60)),
           Cashier(3), "offline-none");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Int(Json(r).at("lines").as_array().at(0), "short_quantity"), 1);
  EXPECT_EQ(OnHand(3, 18), 0);
  EXPECT_EQ(SalesDb("SELECT stock_short FROM sales WHERE idempotency_key = 'offline-none'"), "t");
}

TEST_F(OfflineSales, AnOnlineSaleIsStillRefusedOnShortStock) {
  SetStock(3, 15, 0);
  HttpResult r =
      Post("/api/v1/sales", Body(3, R"([{"product_id": 15, "quantity": 1}])", 5000, ""), Cashier(3), "online-short");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'online-short'"), "0");
}

TEST_F(OfflineSales, AnOfflineSaleInStockIsAnOrdinarySaleAtItsOwnTime) {
  const std::int64_t before = OnHand(4, 9);
  ASSERT_GE(before, 1);
  const std::string when = Utc(std::time(nullptr) - 7200);
  HttpResult r =
      Post("/api/v1/sales", Body(4, R"([{"product_id": 9, "quantity": 1}])", 2000, when), Cashier(4), "offline-ok");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto receipt = Json(r);
  EXPECT_EQ(Int(receipt, "total_cents"), 1299);  // coffee beans: a zero-rated basic grocery (ADR 0140)
  EXPECT_EQ(Int(receipt, "change_cents"), 700);  // 12.99 rounds to 13.00 in cash
  EXPECT_EQ(Int(receipt.at("lines").as_array().at(0), "short_quantity"), 0);
  EXPECT_EQ(std::string(receipt.at("created_at").as_string()).substr(0, 19), when.substr(0, 19));
  EXPECT_EQ(OnHand(4, 9), before - 1);
  EXPECT_EQ(SalesDb("SELECT stock_short FROM sales WHERE idempotency_key = 'offline-ok'"), "f");
}

TEST_F(OfflineSales, OccurredAtIsCheckedAndNothingIsRecordedWhenItIsWrong) {
  const std::int64_t before = OnHand(4, 10);
  for (const std::string& when :
       {Utc(std::time(nullptr) + 3600), Utc(std::time(nullptr) - 40 * 86400), std::string("2026-13-01T00:00:00Z")}) {
    HttpResult r = Post("/api/v1/sales", Body(4, R"([{"product_id": 10, "quantity": 1}])", 1000, when), Cashier(4),
                        "offline-bad-" + when);
    EXPECT_EQ(r.status, 400) << when << ": " << r.body;
    EXPECT_NE(r.body.find("occurred_at"), std::string::npos) << r.body;
  }
  EXPECT_EQ(OnHand(4, 10), before);
  // A cashier cannot replay an offline sale into another store either.
  HttpResult other =
      Post("/api/v1/sales", Body(5, R"([{"product_id": 10, "quantity": 1}])", 1000, Utc(std::time(nullptr) - 60)),
           Cashier(4), "offline-elsewhere");
  EXPECT_EQ(other.status, 403) << other.body;
}

}  // namespace
}  // namespace comptoir::sales
