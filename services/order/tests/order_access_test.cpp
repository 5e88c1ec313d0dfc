// Who reads what of the online orders, and when they may be prepared (issue 12 §10 and §8d; ADR 0051, 0054):
// shoppers their own, managers and admins everything, logistics the work queue (no customer, no payment; the address
// reading one order still to ship), cashiers nothing; and no order goes to preparing or shipped while its stock is
// only reserved. Through the gateway, with the real services.
#include "order_fixture.hpp"

namespace comptoir::order::test {
namespace {

class OrderAccess : public OrderFixture<OrderAccess> {
 protected:
  static void SetUpTestSuite() { StartPlatform("order_access"); }
  static void TearDownTestSuite() { StopPlatform(); }

  static std::string Cashier() { return Token(Role::kCashier, "1", 1); }
  static std::string Admin() { return Token(Role::kAdmin, "8"); }

  static HttpResult Status(const std::string& id, const std::string& status, const std::string& token) {
    return platform_->Call("POST", "/api/v1/orders/" + id + "/status",
                           json::serialize(json::object{{"status", status}}), token);
  }
  static std::string Placed(const Shopper& s, const std::string& key) {
    HttpResult placed = PostCheckout(s, kSuccessCard, key);
    EXPECT_EQ(placed.status, 201) << placed.body;
    return Str(Json(placed), "id");
  }
};

TEST_F(OrderAccess, ACashierReadsNoOnlineOrder) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::string id = Placed(s, "cashier-1");
  for (const std::string& target : {std::string("/api/v1/orders"), "/api/v1/orders/" + id}) {
    HttpResult r = platform_->Call("GET", target, "", Cashier());
    EXPECT_EQ(r.status, 403) << target << " " << r.body;
    EXPECT_EQ(Code(r), "auth.forbidden");
    EXPECT_EQ(r.body.find("H1M 2T6"), std::string::npos) << r.body;
  }
  HttpResult cancel = platform_->Call("POST", "/api/v1/orders/" + id + "/cancel", "", Cashier());
  EXPECT_EQ(cancel.status, 403) << cancel.body;
  EXPECT_EQ(Str(Json(platform_->Call("GET", "/api/v1/orders/" + id, "", s.token)), "status"), "paid");
}

TEST_F(OrderAccess, ManagersAndAdminsSeeEverythingOfEveryOrder) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::string id = Placed(s, "manager-1");
  for (const std::string& token : {Manager(), Admin()}) {
    HttpResult list = platform_->Call("GET", "/api/v1/orders?customer_id=" + s.id, "", token);
    ASSERT_EQ(list.status, 200) << list.body;
    json::value body = Json(list);
    ASSERT_EQ(body.at("data").as_array().size(), 1u);
    const json::value& order = body.at("data").at(0);
    EXPECT_EQ(Str(order, "customer_id"), s.id);
    EXPECT_EQ(Str(order.at("shipping_address"), "postal_code"), "H1M 2T6");
    EXPECT_EQ(Str(order.at("payment"), "card_last4"), "4242");
    HttpResult one = platform_->Call("GET", "/api/v1/orders/" + id, "", token);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(Str(Json(one).at("shipping_address"), "line1"), "7250, boulevard des Roseraies");
  }
}

TEST_F(OrderAccess, LogisticsSeesTheWorkQueueAndTheAddressOnlyOfAnOrderToShip) {
  Shopper s = NewShopper({{kMiel, 2}});
  std::string id = Placed(s, "logistics-1");

  // The queue: what to pick and pack, without personal data.
  HttpResult list = platform_->Call("GET", "/api/v1/orders?status=paid&per_page=100", "", Logistics());
  ASSERT_EQ(list.status, 200) << list.body;
  bool found = false;
  json::value queue = Json(list);
  for (const auto& order : queue.at("data").as_array()) {
    EXPECT_FALSE(order.as_object().contains("shipping_address")) << list.body;
    EXPECT_FALSE(order.as_object().contains("customer_id")) << list.body;
    EXPECT_FALSE(order.as_object().contains("payment")) << list.body;
    if (Str(order, "id") == id) {
      found = true;
      EXPECT_EQ(order.at("items").at(0).at("quantity").as_int64(), 2);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(list.body.find("H1M 2T6"), std::string::npos);
  // Nor does it look a customer's orders up.
  HttpResult by_customer = platform_->Call("GET", "/api/v1/orders?customer_id=" + s.id, "", Logistics());
  EXPECT_EQ(by_customer.status, 403) << by_customer.body;

  // The packing slip: one order, while it is to ship, with its address.
  HttpResult slip = platform_->Call("GET", "/api/v1/orders/" + id, "", Logistics());
  ASSERT_EQ(slip.status, 200) << slip.body;
  EXPECT_EQ(Str(Json(slip).at("shipping_address"), "postal_code"), "H1M 2T6");
  EXPECT_FALSE(Json(slip).as_object().contains("customer_id"));
  EXPECT_FALSE(Json(slip).as_object().contains("payment"));
  HttpResult preparing = Status(id, "preparing", Logistics());
  ASSERT_EQ(preparing.status, 200) << preparing.body;
  EXPECT_EQ(Str(Json(preparing).at("shipping_address"), "city"), "Montréal");
  HttpResult shipped = Status(id, "shipped", Logistics());
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_FALSE(Json(shipped).as_object().contains("shipping_address")) << shipped.body;
  // Once it has left, the address is no longer logistics' business.
  HttpResult after = platform_->Call("GET", "/api/v1/orders/" + id, "", Logistics());
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_FALSE(Json(after).as_object().contains("shipping_address")) << after.body;
  // The shopper still sees all of it.
  HttpResult own = platform_->Call("GET", "/api/v1/orders/" + id, "", s.token);
  EXPECT_EQ(Str(Json(own).at("shipping_address"), "postal_code"), "H1M 2T6");
  EXPECT_EQ(Str(Json(own).at("payment"), "card_last4"), "4242");
}

TEST_F(OrderAccess, AnOrderWhoseStockWasNeverCommittedCannotBePreparedNorShipped) {
  std::int64_t on_hand = OnHand(kVeste);
  // Inventory fails every reservation commit for a while (its database refuses them): the order is paid and
  // recorded, its stock only reserved; the recovery pass is to commit it later.
  std::string inventory = platform_->Conninfo("inventory");
  testing::RunSql(inventory,
                  "CREATE FUNCTION it_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                  " RAISE EXCEPTION 'commit refused for the test'; END $$;"
                  "CREATE TRIGGER it_refuse_commit BEFORE UPDATE ON reservations FOR EACH ROW"
                  " WHEN (NEW.status = 'committed') EXECUTE FUNCTION it_refuse_commit()");
  Shopper s = NewShopper({{kVeste, 1}});
  HttpResult placed = PostCheckout(s, kSuccessCard, "uncommitted-1");
  ASSERT_EQ(placed.status, 201) << placed.body;
  std::string id = Str(Json(placed), "id");
  ASSERT_EQ(OrderSql("SELECT stock FROM orders WHERE id = '" + id + "'"), "reserved");
  ASSERT_EQ(OnHand(kVeste), on_hand);  // nothing left the centre

  for (const std::string& token : {Logistics(), Manager()}) {
    HttpResult refused = Status(id, "preparing", token);
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(Code(refused), "order.stock_not_committed");
    EXPECT_EQ(Json(refused).at("status").as_int64(), 409);
  }
  EXPECT_EQ(Str(Json(platform_->Call("GET", "/api/v1/orders/" + id, "", Manager())), "status"), "paid");
  EXPECT_EQ(OrderSql("SELECT count(*) FROM outbox WHERE type = 'OrderStatusChanged' AND aggregate_id = '" + id + "'"),
            "0");

  // Inventory accepts commits again: the recovery pass commits the stock, and the order can go.
  testing::RunSql(inventory, "DROP TRIGGER it_refuse_commit ON reservations; DROP FUNCTION it_refuse_commit()");
  ASSERT_TRUE(Eventually([&] { return OrderSql("SELECT stock FROM orders WHERE id = '" + id + "'") == "committed"; }));
  EXPECT_EQ(OnHand(kVeste), on_hand - 1);
  HttpResult preparing = Status(id, "preparing", Logistics());
  EXPECT_EQ(preparing.status, 200) << preparing.body;
  HttpResult shipped = Status(id, "shipped", Logistics());
  EXPECT_EQ(shipped.status, 200) << shipped.body;
}


// Issue 15: an order's receipt (ADR 0160) — its shopper's and staff's, nobody else's.
TEST_F(OrderAccess, AnOrdersReceiptIsForItsShopperAndStaffOnly) {
  Shopper s = NewShopper({{kMiel, 1}});
  std::string id = Placed(s, "receipt-1");
  std::string number = Str(Json(platform_->Call("GET", "/api/v1/orders/" + id, "", s.token)), "number");
  HttpResult text = platform_->Call("GET", "/api/v1/orders/" + id + "/receipt?format=text40", "", s.token);
  ASSERT_EQ(text.status, 200) << text.body;
  EXPECT_EQ(text.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_NE(text.body.find("Boutique en ligne"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("TPS : 123456789 RT0001"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("\nCommande"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find(number + "\n"), std::string::npos) << text.body;
  EXPECT_NE(text.body.find("\nLivraison "), std::string::npos) << text.body;  // under 100 $: shipping charged
  EXPECT_NE(text.body.find("  **** **** **** 4242\n"), std::string::npos) << text.body;
  EXPECT_EQ(text.body.find("H1M 2T6"), std::string::npos) << text.body;  // no address on a receipt
  HttpResult html = platform_->Call("GET", "/api/v1/orders/" + id + "/receipt?format=html&reprint=true", "", s.token);
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_NE(html.body.find("aria-label=\"Code 128 " + number + "\""), std::string::npos);
  EXPECT_NE(html.body.find("« COPIE »"), std::string::npos);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id + "/receipt?format=pdf", "", s.token).status, 400);

  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id + "/receipt", "", Manager()).status, 200);
  Shopper other = NewShopper({});
  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id + "/receipt", "", other.token).status, 404);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id + "/receipt", "", Cashier()).status, 403);
  EXPECT_EQ(platform_->Call("GET", "/api/v1/orders/" + id + "/receipt", "", "").status, 401);
}

}  // namespace
}  // namespace comptoir::order::test
