// Issue 4's "done when", end to end through the gateway: product, inventory, customer and sales each
// run as their own process with their own database; the test signs in like the console does and only
// talks to the gateway.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/http/server.hpp"
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

// An id as it goes into a path, whether the service gives numbers or UUID strings.
std::string IdOf(const json::value& v) {
  const auto& id = v.at("id");
  return id.is_string() ? std::string(id.as_string()) : json::serialize(id);
}

class StoreOperations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(
        {.services = {"product", "inventory", "customer", "sales"}, .gateway = true, .name = "e2e_store"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }

  static std::string StaffToken(const std::string& email) {
    auto r = platform_->Call("POST", "/api/v1/auth/staff/login",
                             json::serialize(json::object{{"email", email}, {"password", "comptoir-demo"}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(Json(r).at("access_token").as_string());
  }

  static std::int64_t OnHand(const std::string& token, int location, int product) {
    auto r = platform_->Call("GET", "/api/v1/inventory?location_id=" + std::to_string(location) +
                                        "&product_id=" + std::to_string(product),
                             {}, token);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = Json(r);
    const auto& rows = body.at("data").as_array();
    return rows.empty() ? 0 : Int(rows.at(0), "on_hand");
  }

  static HttpResult Post(const std::string& target, const json::object& body, const std::string& token,
                         const std::string& idempotency_key = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    return platform_->Call("POST", target, json::serialize(body), token, headers);
  }

  static testing::Platform* platform_;
};

testing::Platform* StoreOperations::platform_ = nullptr;

TEST_F(StoreOperations, MileEndCashierSellsReturnsAndCannotSellInWestmount) {
  const auto cashier = StaffToken("cashier.mile-end@comptoir.local");
  const auto tshirts = OnHand(cashier, 4, 5);
  const auto cafe = OnHand(cashier, 4, 9);
  ASSERT_GE(tshirts, 2);
  ASSERT_GE(cafe, 1);

  json::object sale{{"location_id", 4},
                    {"lines", json::array{json::object{{"product_id", 5}, {"quantity", 2}},
                                          json::object{{"product_id", 9}, {"quantity", 1}}}},
                    {"payments", json::array{json::object{{"method", "card"}, {"amount_cents", 5896}}}}};
  auto sold = Post("/api/v1/sales", sale, cashier, http::NewUuid());
  ASSERT_EQ(sold.status, 201) << sold.body;
  auto receipt = Json(sold);
  // 2 × 19.99 + 12.99 = 52.97, the Café zero-rated (ADR 0140): GST 5 % × 39.98 = 1.999 → 2.00;
  // QST 9.975 % × 39.98 = 3.988005 → 3.99.
  EXPECT_EQ(Int(receipt, "subtotal_cents"), 5297);
  EXPECT_EQ(Int(receipt, "zero_rated_cents"), 1299);
  EXPECT_EQ(Int(receipt, "gst_cents"), 200);
  EXPECT_EQ(Int(receipt, "qst_cents"), 399);
  EXPECT_EQ(Int(receipt, "total_cents"), 5896);
  EXPECT_FALSE(receipt.at("receipt_number").as_string().empty());
  EXPECT_EQ(OnHand(cashier, 4, 5), tshirts - 2);
  EXPECT_EQ(OnHand(cashier, 4, 9), cafe - 1);

  const std::string sale_id = IdOf(receipt);
  json::object ret{{"lines", json::array{json::object{{"product_id", 5}, {"quantity", 1}}}}, {"reason", "taille"}};
  auto returned = Post("/api/v1/sales/" + sale_id + "/returns", ret, cashier, http::NewUuid());
  ASSERT_EQ(returned.status, 201) << returned.body;
  auto refund = Json(returned);
  // 19.99 back with its taxes: GST 0.9995 → 1.00; QST 1.9940 → 1.99.
  EXPECT_EQ(Int(refund, "subtotal_cents"), 1999);
  EXPECT_EQ(Int(refund, "gst_cents"), 100);
  EXPECT_EQ(Int(refund, "qst_cents"), 199);
  EXPECT_EQ(Int(refund, "total_cents"), 2298);
  EXPECT_EQ(OnHand(cashier, 4, 5), tshirts - 1);

  // The same cashier selling in Westmount (5).
  sale["location_id"] = 5;
  auto elsewhere = Post("/api/v1/sales", sale, cashier, http::NewUuid());
  EXPECT_EQ(elsewhere.status, 403) << elsewhere.body;
  EXPECT_EQ(OnHand(cashier, 4, 5), tshirts - 1);

  // No token: the gateway's jwt plugin answers like Kong.
  auto anonymous = platform_->Call("POST", "/api/v1/sales", json::serialize(sale), {},
                                   {{"Idempotency-Key", http::NewUuid()}});
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(Json(anonymous).at("message").as_string(), "Unauthorized");
}

TEST_F(StoreOperations, RestockFromTheLogisticsCentre) {
  const auto cashier = StaffToken("cashier.mile-end@comptoir.local");
  const auto logistics = StaffToken("logistics@comptoir.local");
  const auto centre_before = OnHand(logistics, 6, 3);
  const auto store_before = OnHand(cashier, 4, 3);

  json::object request{{"location_id", 4},
                       {"lines", json::array{json::object{{"product_id", 3}, {"quantity", 10}}}},
                       {"note", "Rupture d'AirPods Pro"}};
  auto created = Post("/api/v1/restock-requests", request, cashier);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string base = "/api/v1/restock-requests/" + IdOf(Json(created));

  // A cashier cannot approve; logistics approves 8.
  json::object approve{{"lines", json::array{json::object{{"product_id", 3}, {"quantity", 8}}}}};
  EXPECT_EQ(Post(base + "/approve", approve, cashier).status, 403);
  auto approved = Post(base + "/approve", approve, logistics);
  ASSERT_EQ(approved.status, 200) << approved.body;
  auto shipped = Post(base + "/ship", {}, logistics);
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(Post(base + "/ship", {}, logistics).status, 409);  // each step once
  auto received = Post(base + "/receive", {}, cashier);
  ASSERT_EQ(received.status, 200) << received.body;
  EXPECT_EQ(std::string(Json(received).at("status").as_string()), "received");

  EXPECT_EQ(OnHand(logistics, 6, 3), centre_before - 8);
  EXPECT_EQ(OnHand(cashier, 4, 3), store_before + 8);

  // The ledger shows each movement once: one leg out of the centre, one into the store.
  for (const auto& [location, quantity] : {std::pair{6, -8}, std::pair{4, 8}}) {
    auto ledger = platform_->Call("GET",
                                  "/api/v1/inventory/movements?product_id=3&location_id=" + std::to_string(location) +
                                      "&reason=" + (quantity < 0 ? "transfer_out" : "transfer_in"),
                                  {}, logistics);
    ASSERT_EQ(ledger.status, 200) << ledger.body;
    const auto body = Json(ledger);
    const auto& rows = body.at("data").as_array();
    ASSERT_EQ(rows.size(), 1u) << ledger.body;
    EXPECT_EQ(Int(rows.at(0), "quantity"), quantity);
  }
}

}  // namespace
}  // namespace comptoir
