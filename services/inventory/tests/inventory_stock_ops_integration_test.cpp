// Integration test of store-to-store transfers (ADR 0171) and cycle counts (ADR 0172) on the real platform
// (testing::Platform: product and inventory, gateway in front; fresh databases, migrated and seeded). Every check
// goes over real HTTP; tokens are minted with the platform's keys. Demo staff: cashiers 1-5 at stores 1-5,
// logistics 6, manager 7, admin 8.
#include <atomic>
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

class StockOps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    platform_ = new testing::Platform(
        testing::PlatformOptions{.services = {"product", "inventory"}, .name = "inventory_ops_it"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static std::string Token(Role role, std::string subject, std::optional<std::int64_t> location = std::nullopt) {
    return platform_->Auth().Token(role, std::move(subject), location);
  }
  static std::string Cashier(std::int64_t store) { return Token(Role::kCashier, std::to_string(store), store); }
  static std::string Logistics() { return Token(Role::kLogistics, "6", 6); }
  static std::string Manager() { return Token(Role::kManager, "7"); }
  static std::string Admin() { return Token(Role::kAdmin, "8"); }
  static std::string Customer() { return Token(Role::kCustomer, "1"); }
  static std::string Sales() {
    return platform_->Auth().ServiceToken("sales", "inventory", auth::AllowedScopes("sales", "inventory"));
  }

  static HttpResult Call(const std::string& method, const std::string& target, const std::string& body = {},
                         const std::string& token = {}, const std::string& key = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("inventory")), method, target, body, headers);
  }
  static std::int64_t OnHand(std::int64_t location, std::int64_t product) {
    HttpResult r = Call(
        "GET", "/api/v1/inventory?location_id=" + std::to_string(location) + "&product_id=" + std::to_string(product),
        {}, Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value v = Json(r);
    const auto& data = v.at("data").as_array();
    return data.empty() ? 0 : data[0].at("on_hand").as_int64();
  }
  static std::string Sql(const std::string& sql) { return testing::QueryValue(platform_->Conninfo("inventory"), sql); }
  static std::string TransferBody(std::int64_t from, std::int64_t to,
                                  const std::vector<std::pair<std::int64_t, std::int64_t>>& lines) {
    json::array array;
    for (auto [product, quantity] : lines)
      array.push_back(json::object{{"product_id", product}, {"quantity", quantity}});
    return json::serialize(json::object{{"from_location_id", from}, {"to_location_id", to}, {"lines", array}});
  }
  // A sale as the sales service moves it (the only way a sale changes stock).
  static void Sell(std::int64_t location, std::int64_t product, std::int64_t quantity, const std::string& key) {
    json::object body{{"location_id", location},
                      {"reason", "sale"},
                      {"reference", key},
                      {"lines", json::array{json::object{{"product_id", product}, {"quantity", -quantity}}}}};
    HttpResult r = Call("POST", "/api/v1/inventory/movements", json::serialize(body), Sales(), key);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // A transfer of `quantity` of `product` from `from` to `to`, requested and approved.
  static std::int64_t Approved(std::int64_t from, std::int64_t to, std::int64_t product, std::int64_t quantity) {
    HttpResult created =
        Call("POST", "/api/v1/inventory/transfers", TransferBody(from, to, {{product, quantity}}), Cashier(to));
    EXPECT_EQ(created.status, 201) << created.body;
    std::int64_t id = Json(created).at("id").as_int64();
    HttpResult approved =
        Call("POST", "/api/v1/inventory/transfers/" + std::to_string(id) + "/approve",
             json::serialize(
                 json::object{{"lines", json::array{json::object{{"product_id", product}, {"quantity", quantity}}}}}),
             Logistics());
    EXPECT_EQ(approved.status, 200) << approved.body;
    return id;
  }
  static std::string Step(std::int64_t id, const std::string& step) {
    return "/api/v1/inventory/transfers/" + std::to_string(id) + "/" + step;
  }

  static testing::Platform* platform_;
};

testing::Platform* StockOps::platform_ = nullptr;

TEST_F(StockOps, TransferLifeCycleMovesStockAtShipAndAtReceive) {
  const std::int64_t plateau = OnHand(2, 6), mile_end = OnHand(4, 6);
  HttpResult created =
      Call("POST", "/api/v1/inventory/transfers", TransferBody(2, 4, {{6, 3}}), Cashier(4));  // Mile End asks
  ASSERT_EQ(created.status, 201) << created.body;
  auto t = Json(created);
  EXPECT_EQ(t.at("status").as_string(), "requested");
  const std::int64_t id = t.at("id").as_int64();

  // Approve: logistics; moves nothing.
  EXPECT_EQ(Call("POST", Step(id, "approve"), R"({"lines":[{"product_id":6,"quantity":3}]})", Cashier(2)).status, 403);
  EXPECT_EQ(Call("POST", Step(id, "ship"), "", Cashier(2)).status, 409);  // not approved yet
  HttpResult approved = Call("POST", Step(id, "approve"), R"({"lines":[{"product_id":6,"quantity":3}]})", Logistics());
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(OnHand(2, 6), plateau);

  // Ship from the Plateau: stock leaves the source, in transit.
  EXPECT_EQ(Code(Call("POST", Step(id, "ship"), "", Cashier(4))), "auth.wrong_location");  // not the source's cashier
  HttpResult shipped = Call("POST", Step(id, "ship"), "", Cashier(2));
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_TRUE(Json(shipped).at("in_transit").as_bool());
  EXPECT_EQ(OnHand(2, 6), plateau - 3);
  EXPECT_EQ(OnHand(4, 6), mile_end);
  EXPECT_EQ(Call("POST", Step(id, "ship"), "", Cashier(2)).status, 409);  // once
  EXPECT_EQ(OnHand(2, 6), plateau - 3);

  // Receive at Mile End: the wrong people first.
  EXPECT_EQ(Code(Call("POST", Step(id, "receive"), "", Cashier(2))), "auth.wrong_location");
  EXPECT_EQ(Call("POST", Step(id, "receive"), "", Customer()).status, 403);
  EXPECT_EQ(Call("POST", Step(id, "receive"), "", Logistics()).status, 403);
  EXPECT_EQ(Call("POST", Step(id, "receive"), "", "").status, 401);
  HttpResult received = Call("POST", Step(id, "receive"), "", Cashier(4));
  ASSERT_EQ(received.status, 200) << received.body;
  EXPECT_EQ(Json(received).at("status").as_string(), "received");
  EXPECT_FALSE(Json(received).at("in_transit").as_bool());
  EXPECT_EQ(OnHand(4, 6), mile_end + 3);
  EXPECT_EQ(Sql("SELECT string_agg(reason || '@' || location_id || ':' || quantity, ',' ORDER BY id) FROM movements"
                " WHERE reference = 'transfer:" +
                std::to_string(id) + "'"),
            "transfer_out@2:-3,transfer_in@4:3");
  EXPECT_EQ(Sql("SELECT string_agg(type, ',' ORDER BY seq) FROM outbox WHERE aggregate_type = 'transfer' AND"
                " aggregate_id = '" +
                std::to_string(id) + "'"),
            "TransferRequested,TransferApproved,TransferShipped,TransferReceived");
}

TEST_F(StockOps, WhoMayRequestAndReadTransfers) {
  std::string body = TransferBody(1, 3, {{2, 1}});
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers", body, "").status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers", body, Customer()).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers", body, Logistics()).status, 403);
  EXPECT_EQ(Code(Call("POST", "/api/v1/inventory/transfers", body, Cashier(5))), "auth.wrong_location");
  EXPECT_EQ(Code(Call("POST", "/api/v1/inventory/transfers", TransferBody(6, 3, {{2, 1}}), Manager())),
            "inventory.not_a_store");  // the centre sends restocks, not transfers
  HttpResult same = Call("POST", "/api/v1/inventory/transfers", TransferBody(3, 3, {{2, 1}}), Manager());
  EXPECT_EQ(same.status, 400) << same.body;
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers", TransferBody(1, 3, {{2, 0}}), Manager()).status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers", TransferBody(1, 99, {{2, 1}}), Manager()).status, 422);

  HttpResult created = Call("POST", "/api/v1/inventory/transfers", body, Cashier(3));
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(Call("GET", "/api/v1/inventory/transfers/" + id, {}, Cashier(1)).status, 200);  // the source's cashier
  EXPECT_EQ(Code(Call("GET", "/api/v1/inventory/transfers/" + id, {}, Cashier(5))), "auth.wrong_location");
  EXPECT_EQ(Call("GET", "/api/v1/inventory/transfers/" + id, {}, Customer()).status, 403);
  EXPECT_EQ(Code(Call("GET", "/api/v1/inventory/transfers?location_id=1", {}, Cashier(5))), "auth.wrong_location");
  HttpResult mine = Call("GET", "/api/v1/inventory/transfers", {}, Cashier(5));
  ASSERT_EQ(mine.status, 200);
  const json::value mine_body = Json(mine);
  for (const auto& t : mine_body.at("data").as_array()) {
    EXPECT_TRUE(t.at("from_location_id").as_int64() == 5 || t.at("to_location_id").as_int64() == 5);
  }
  // Rejected: then nothing else.
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers/" + id + "/reject", R"({"reason":"pas de camion"})", Logistics())
                .status,
            200);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/transfers/" + id + "/approve", R"({"lines":[]})", Logistics()).status, 409);
  EXPECT_EQ(Call("GET", "/api/v1/inventory/transfers/999999", {}, Manager()).status, 404);
}

TEST_F(StockOps, TransferCreationIsIdempotentByKey) {
  std::string body = TransferBody(5, 1, {{7, 2}});
  HttpResult first = Call("POST", "/api/v1/inventory/transfers", body, Cashier(1), "transfer-key-1");
  ASSERT_EQ(first.status, 201) << first.body;
  HttpResult again = Call("POST", "/api/v1/inventory/transfers", body, Cashier(1), "transfer-key-1");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Json(again).at("id"), Json(first).at("id"));
  EXPECT_EQ(Sql("SELECT count(*) FROM transfers WHERE idempotency_key = 'transfer-key-1'"), "1");
  HttpResult other =
      Call("POST", "/api/v1/inventory/transfers", TransferBody(5, 1, {{7, 3}}), Cashier(1), "transfer-key-1");
  EXPECT_EQ(Code(other), "request.idempotency_key_reused");
}

TEST_F(StockOps, ApprovalAndShipmentAreLimitedByTheSourceStock) {
  const std::int64_t available = OnHand(3, 8);
  HttpResult created =
      Call("POST", "/api/v1/inventory/transfers", TransferBody(3, 2, {{8, available + 1}}), Cashier(2));
  ASSERT_EQ(created.status, 201) << created.body;
  std::int64_t id = Json(created).at("id").as_int64();
  HttpResult approve =
      Call("POST", Step(id, "approve"),
           R"({"lines":[{"product_id":8,"quantity":)" + std::to_string(available + 1) + "}]}", Logistics());
  EXPECT_EQ(Code(approve), "inventory.insufficient_stock");
  EXPECT_EQ(Code(Call("POST", Step(id, "approve"),
                      R"({"lines":[{"product_id":8,"quantity":)" + std::to_string(available + 2) + "}]}", Logistics())),
            "inventory.approval_exceeds_request");
  ASSERT_EQ(Call("POST", Step(id, "approve"), R"({"lines":[{"product_id":8,"quantity":2}]})", Logistics()).status, 200);
  // The source sells everything before the truck leaves: shipping is refused, nothing changes.
  Sell(3, 8, OnHand(3, 8), "sale:before-ship");
  HttpResult ship = Call("POST", Step(id, "ship"), "", Cashier(3));
  EXPECT_EQ(Code(ship), "inventory.insufficient_stock");
  EXPECT_EQ(Json(Call("GET", "/api/v1/inventory/transfers/" + std::to_string(id), {}, Manager())).at("status"),
            "approved");
  EXPECT_EQ(OnHand(3, 8), 0);
}

TEST_F(StockOps, FiftyConcurrentReceivesMoveStockOnce) {
  std::int64_t id = Approved(1, 5, 11, 4);
  ASSERT_EQ(Call("POST", Step(id, "ship"), "", Cashier(1)).status, 200);
  const std::int64_t before = OnHand(5, 11);
  std::atomic<int> ok{0}, conflict{0}, other{0};
  std::vector<std::thread> threads;
  const std::string token = Cashier(5);
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      HttpResult r = Call("POST", Step(id, "receive"), "", token);
      if (r.status == 200) {
        ++ok;
      } else if (r.status == 409) {
        ++conflict;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 49);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(OnHand(5, 11), before + 4);
  EXPECT_EQ(Sql("SELECT count(*) FROM movements WHERE reference = 'transfer:" + std::to_string(id) +
                "' AND reason = 'transfer_in'"),
            "1");
}

TEST_F(StockOps, CountSheetBecomesCountCorrectionsWithAVarianceReport) {
  // Known stock at Westmount for the Café (9, 12,99 $) and the Miel (12, 15,99 $).
  const std::int64_t cafe = OnHand(5, 9), miel = OnHand(5, 12), the = OnHand(5, 11);
  HttpResult opened =
      Call("POST", "/api/v1/inventory/counts", R"({"location_id":5,"product_ids":[9,12,11]})", Manager());
  ASSERT_EQ(opened.status, 201) << opened.body;
  auto sheet = Json(opened);
  const std::string id = std::to_string(sheet.at("id").as_int64());
  EXPECT_EQ(sheet.at("status").as_string(), "open");
  EXPECT_EQ(sheet.at("lines").as_array().size(), 3u);
  EXPECT_EQ(Code(Call("POST", "/api/v1/inventory/counts", R"({"location_id":5})", Logistics())),
            "inventory.count_already_open");

  // Counted: 2 Café missing, 1 Miel found, Thé not counted.
  HttpResult counted = Call("PUT", "/api/v1/inventory/counts/" + id + "/lines",
                            R"({"lines":[{"product_id":9,"quantity":)" + std::to_string(cafe - 2) +
                                R"(},{"product_id":12,"quantity":)" + std::to_string(miel + 1) + "}]}",
                            Logistics());
  ASSERT_EQ(counted.status, 200) << counted.body;
  EXPECT_EQ(Call("PUT", "/api/v1/inventory/counts/" + id + "/lines", R"({"lines":[{"product_id":9,"quantity":-1}]})",
                 Manager())
                .status,
            400);
  // Nothing moved yet.
  EXPECT_EQ(OnHand(5, 9), cafe);

  HttpResult posted = Call("POST", "/api/v1/inventory/counts/" + id + "/post", "", Manager());
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto p = Json(posted);
  EXPECT_EQ(p.at("status").as_string(), "posted");
  EXPECT_EQ(p.at("movement_key").as_string(), "count:" + id);
  const auto& totals = p.at("variance").at("totals");
  EXPECT_EQ(totals.at("units_short").as_int64(), 2);
  EXPECT_EQ(totals.at("units_over").as_int64(), 1);
  EXPECT_EQ(totals.at("value_short_cents").as_int64(), 2 * 1299);
  EXPECT_EQ(totals.at("value_over_cents").as_int64(), 1599);
  EXPECT_EQ(totals.at("net_value_cents").as_int64(), 1599 - 2 * 1299);
  EXPECT_EQ(p.at("variance").at("not_counted").as_array().size(), 1u);
  EXPECT_EQ(OnHand(5, 9), cafe - 2);
  EXPECT_EQ(OnHand(5, 12), miel + 1);
  EXPECT_EQ(OnHand(5, 11), the);  // not counted: not adjusted
  EXPECT_EQ(Sql("SELECT string_agg(adjustment_reason || ':' || quantity, ',' ORDER BY product_id) FROM movements"
                " WHERE group_key = 'count:" +
                id + "'"),
            "count_correction:-2,count_correction:1");

  // Posting again answers the same and moves nothing; the sheet is closed to changes.
  HttpResult again = Call("POST", "/api/v1/inventory/counts/" + id + "/post", "", Manager());
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(OnHand(5, 9), cafe - 2);
  EXPECT_EQ(Code(Call("PUT", "/api/v1/inventory/counts/" + id + "/lines",
                      R"({"lines":[{"product_id":9,"quantity":1}]})", Manager())),
            "inventory.count_not_open");
  HttpResult report = Call("GET", "/api/v1/inventory/counts/" + id + "/variance", {}, Logistics());
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(Json(report).at("rows").as_array().size(), 2u);

  // The adjustments report of ADR 0009 sees them as count corrections.
  HttpResult adjustments =
      Call("GET", "/api/v1/inventory/adjustments?location_id=5&adjustment_reason=count_correction", {}, Manager());
  ASSERT_EQ(adjustments.status, 200) << adjustments.body;
  EXPECT_GE(Json(adjustments).at("totals").at("lines").as_int64(), 2);
}

TEST_F(StockOps, SalesDuringACountAreNeitherLostNorShrinkage) {
  const std::int64_t start = OnHand(1, 15);
  HttpResult opened = Call("POST", "/api/v1/inventory/counts", R"({"location_id":1,"product_ids":[15]})", Manager());
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string id = std::to_string(Json(opened).at("id").as_int64());
  // Two lamps sold after the sheet was opened, before the shelf is counted: the shelf shows them gone, so does
  // on_hand. The shelf has them all (counted = on_hand now): no variance.
  Sell(1, 15, 2, "sale:count-1");
  ASSERT_EQ(Call("PUT", "/api/v1/inventory/counts/" + id + "/lines",
                 R"({"lines":[{"product_id":15,"quantity":)" + std::to_string(start - 2) + "}]}", Manager())
                .status,
            200);
  // One more sold after the count was entered, before posting: it stays sold.
  Sell(1, 15, 1, "sale:count-2");
  HttpResult posted = Call("POST", "/api/v1/inventory/counts/" + id + "/post", "", Manager());
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(Json(posted).at("variance").at("totals").at("net_units").as_int64(), 0);
  EXPECT_EQ(OnHand(1, 15), start - 3);
  const json::value posted_body = Json(posted);
  const auto& line = posted_body.at("lines").as_array()[0];
  EXPECT_EQ(line.at("on_hand_at_open").as_int64(), start);
  EXPECT_EQ(line.at("expected_quantity").as_int64(), start - 2);
}

TEST_F(StockOps, WhoMayCount) {
  std::string body = R"({"location_id":2,"product_ids":[3]})";
  EXPECT_EQ(Call("POST", "/api/v1/inventory/counts", body, "").status, 401);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/counts", body, Cashier(2)).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/counts", body, Customer()).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/counts", body, Sales()).status, 403);
  EXPECT_EQ(Code(Call("POST", "/api/v1/inventory/counts", R"({"location_id":99})", Manager())),
            "inventory.unknown_location");
  HttpResult opened = Call("POST", "/api/v1/inventory/counts", body, Logistics());
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string id = std::to_string(Json(opened).at("id").as_int64());
  EXPECT_EQ(Call("GET", "/api/v1/inventory/counts/" + id, {}, Cashier(2)).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/inventory/counts/" + id + "/post", "", Cashier(2)).status, 403);
  const std::int64_t before = OnHand(2, 3);
  HttpResult cancelled = Call("POST", "/api/v1/inventory/counts/" + id + "/cancel", "", Manager());
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Code(Call("POST", "/api/v1/inventory/counts/" + id + "/post", "", Manager())), "inventory.count_not_open");
  EXPECT_EQ(OnHand(2, 3), before);
  EXPECT_EQ(Call("GET", "/api/v1/inventory/counts/424242", {}, Manager()).status, 404);
  // Once cancelled, the location can be counted again.
  EXPECT_EQ(Call("POST", "/api/v1/inventory/counts", body, Manager()).status, 201);
}

TEST_F(StockOps, ThroughTheGateway) {
  EXPECT_EQ(platform_->Call("GET", "/api/v1/inventory/transfers").status, 401);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/inventory/transfers", {}, Manager()).status, 200);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/inventory/counts", {}, Logistics()).status, 200);
}

}  // namespace
}  // namespace comptoir::inventory
