// Integration test (issue 12, item 8): compensation that cannot be lost. The real binary is SIGKILLed between
// moving stock and recording the sale or return (its last write is held back by a lock this test takes on the
// sales database, so the kill lands exactly there — no crash hook exists in the binary), inventory is stopped
// while a reversal must run, and a return's inventory call is held up to show that no lock on the sale is kept
// across it. The recovery pass (at start and every sales.recovery_interval_ms) must put the stock back.
#include <atomic>
#include <string>
#include <thread>

#include "till.hpp"

namespace comptoir::sales {
namespace {

using namespace std::chrono_literals;
using test::Code;
using test::HttpResult;
using test::Int;
using test::Json;
using test::ReturnBody;
using test::SaleBody;
using test::Till;

class RecoveryPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(
        {.services = {"customer", "product", "inventory", "sales"},
         .name = "sales_recovery",
         .env = {{"COMPTOIR_SALES_RECOVERY_STALE_MS", "1500"}, {"COMPTOIR_SALES_RECOVERY_INTERVAL_MS", "300"}}});
    till_ = new Till(*platform_);
    // These tests predate tax classes (ADR 0140) and sell the demo groceries as taxable goods.
    for (const char* id : {"9", "11", "12"}) {
      auto r = platform_->Call("PATCH", std::string("/api/v1/products/") + id, R"({"tax_class": "taxable"})",
                               till_->Manager());
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  static void TearDownTestSuite() {
    delete till_;
    delete platform_;
  }
  static std::string Intent(const std::string& key, const std::string& column = "state") {
    return till_->SalesDb("SELECT " + column + " FROM stock_intents WHERE inventory_key = '" + key + "'");
  }
  // Holds back sales' last write of a sale or return (its idempotent answer).
  static std::unique_ptr<test::HeldLock> HoldAnswers() {
    return std::make_unique<test::HeldLock>(platform_->Conninfo("sales"), "LOCK TABLE idempotency_keys IN SHARE MODE");
  }

  static testing::Platform* platform_;
  static Till* till_;
};

testing::Platform* RecoveryPlatform::platform_ = nullptr;
Till* RecoveryPlatform::till_ = nullptr;

TEST_F(RecoveryPlatform, SalesKilledBetweenTheStockMoveAndTheCommitGetsItsStockBackAtRestart) {
  const std::int64_t stock = till_->OnHand(3, 8);
  HttpResult answer;
  {
    auto lock = HoldAnswers();
    std::thread till([&] {
      answer = till_->Post("/api/v1/sales", SaleBody(3, R"([{"product_id": 8, "quantity": 1}])", test::CardFor(8999)),
                           till_->Cashier(3), "killed-sale");
    });
    ASSERT_TRUE(testing::Eventually([&] { return till_->Movements("sale:killed-sale") == 1; }, 4s));
    EXPECT_EQ(till_->OnHand(3, 8), stock - 1);  // the stock left, the sale is not recorded yet
    platform_->StopService("sales", /*kill=*/true);
    till.join();
    lock->Release();
  }
  EXPECT_NE(answer.status, 201);
  EXPECT_EQ(Intent("sale:killed-sale"), "moving");  // the intent was written before the stock call
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'killed-sale'"), "0");
  EXPECT_EQ(till_->OnHand(3, 8), stock - 1);

  platform_->StartService("sales");
  ASSERT_TRUE(testing::Eventually([&] { return Intent("sale:killed-sale") == "reversed"; }));
  EXPECT_EQ(till_->OnHand(3, 8), stock);
  EXPECT_EQ(till_->Movements("reversal:sale:killed-sale"), 1u);
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'killed-sale'"), "0");
  // The till retries the same key: refused, nothing moves; a new key sells.
  HttpResult retry =
      till_->Post("/api/v1/sales", SaleBody(3, R"([{"product_id": 8, "quantity": 1}])", test::CardFor(8999)),
                  till_->Cashier(3), "killed-sale");
  EXPECT_EQ(retry.status, 409) << retry.body;
  EXPECT_EQ(Code(retry), "sales.key_abandoned");
  EXPECT_EQ(till_->OnHand(3, 8), stock);
  HttpResult fresh =
      till_->Post("/api/v1/sales", SaleBody(3, R"([{"product_id": 8, "quantity": 1}])", test::CardFor(8999)),
                  till_->Cashier(3), "killed-sale-again");
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_EQ(till_->OnHand(3, 8), stock - 1);
}

TEST_F(RecoveryPlatform, SalesKilledAfterAReturnsStockCameBackUndoesTheReturnAtRestart) {
  const boost::json::value sale = till_->SellOne(1, 15, 3999, "killed-return-sale");
  ASSERT_TRUE(sale.is_object());
  const std::string id = std::to_string(Int(sale, "id"));
  const std::string target = "/api/v1/sales/" + id + "/returns";
  const std::int64_t stock = till_->OnHand(1, 15);
  {
    auto lock = HoldAnswers();
    std::thread till([&] { till_->Post(target, ReturnBody(15, 1), till_->Cashier(1), "killed-return"); });
    ASSERT_TRUE(testing::Eventually([&] { return till_->Movements("return:killed-return") == 1; }, 4s));
    platform_->StopService("sales", /*kill=*/true);
    till.join();
    lock->Release();
  }
  // Half-done: the stock came back, the return is reserved (pending) and counts against the sale.
  EXPECT_EQ(till_->OnHand(1, 15), stock + 1);
  EXPECT_EQ(till_->SalesDb("SELECT status FROM sale_returns WHERE sale_id = " + id), "pending");
  EXPECT_EQ(till_->SalesDb("SELECT returned_quantity FROM sale_lines WHERE sale_id = " + id), "1");

  platform_->StartService("sales");
  ASSERT_TRUE(testing::Eventually([&] { return Intent("return:killed-return") == "reversed"; }));
  EXPECT_EQ(till_->OnHand(1, 15), stock);
  EXPECT_EQ(till_->SalesDb("SELECT status FROM sale_returns WHERE sale_id = " + id), "cancelled");
  EXPECT_EQ(till_->SalesDb("SELECT returned_quantity FROM sale_lines WHERE sale_id = " + id), "0");
  EXPECT_EQ(till_->SalesDb("SELECT refunded_cents FROM sale_payments WHERE sale_id = " + id), "0");
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM outbox WHERE type = 'SaleReturned' AND aggregate_id = '" + id + "'"),
            "0");
  // The customer is served again with a new key: refunded once, stock back once.
  HttpResult again = till_->Post(target, ReturnBody(15, 1), till_->Cashier(1), "killed-return-again");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(Int(Json(again), "total_cents"), Int(sale, "total_cents"));
  EXPECT_EQ(till_->OnHand(1, 15), stock + 1);
  EXPECT_EQ(Code(till_->Post(target, ReturnBody(15, 1), till_->Cashier(1), "killed-return")), "sales.key_abandoned");
}

TEST_F(RecoveryPlatform, InventoryDownWhenASaleMustBeReversedTheRecoveryPassReversesItLater) {
  // A failure while recording, after the stock moved, that lasts long enough to stop inventory first.
  testing::RunSql(platform_->Conninfo("sales"),
                  "CREATE FUNCTION f_test_slow_fail() RETURNS trigger LANGUAGE plpgsql AS"
                  " $$ BEGIN PERFORM pg_sleep(3); RAISE EXCEPTION 'injected failure'; END $$;"
                  " CREATE TRIGGER test_slow_fail BEFORE INSERT ON sales FOR EACH ROW"
                  " WHEN (NEW.customer_id = 999997) EXECUTE FUNCTION f_test_slow_fail();");
  const std::int64_t stock = till_->OnHand(2, 13);
  HttpResult answer;
  std::thread till([&] {
    answer = till_->Post("/api/v1/sales",
                         R"({"location_id": 2, "customer_id": 999997, "lines": [{"product_id": 13, "quantity": 1}],)"
                         R"( "payments": )" +
                             test::CardFor(29999) + "}",
                         till_->Cashier(2), "reversal-while-down");
  });
  ASSERT_TRUE(testing::Eventually([&] { return till_->Movements("sale:reversal-while-down") == 1; }, 3s));
  platform_->StopService("inventory");
  till.join();
  EXPECT_EQ(answer.status, 500) << answer.body;
  EXPECT_EQ(Intent("sale:reversal-while-down"), "compensating");
  EXPECT_GE(std::stoi(Intent("sale:reversal-while-down", "attempts")), 1);

  platform_->StartService("inventory");
  ASSERT_TRUE(testing::Eventually([&] { return Intent("sale:reversal-while-down") == "reversed"; }));
  EXPECT_EQ(till_->OnHand(2, 13), stock);
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'reversal-while-down'"), "0");
  testing::RunSql(platform_->Conninfo("sales"), "DROP TRIGGER test_slow_fail ON sales");
}

TEST_F(RecoveryPlatform, InventoryKilledMidReturnTheReturnIsUndoneOnceItIsBack) {
  const boost::json::value sale = till_->SellOne(4, 12, 1599, "down-return-sale");
  ASSERT_TRUE(sale.is_object());
  const std::string id = std::to_string(Int(sale, "id"));
  const std::string target = "/api/v1/sales/" + id + "/returns";
  const std::int64_t stock = till_->OnHand(4, 12);
  // The return's movement is held inside inventory (its stock row is locked here), then inventory is killed.
  auto held = std::make_unique<test::HeldLock>(
      platform_->Conninfo("inventory"), "SELECT 1 FROM stock WHERE location_id = 4 AND product_id = 12 FOR UPDATE");
  HttpResult down;
  std::thread till([&] { down = till_->Post(target, ReturnBody(12, 1), till_->Cashier(4), "down-return"); });
  ASSERT_TRUE(testing::Eventually(
      [&] { return till_->SalesDb("SELECT status FROM sale_returns WHERE sale_id = " + id) == "pending"; }, 3s));
  std::this_thread::sleep_for(300ms);  // the movement request has reached inventory and waits for the row
  platform_->StopService("inventory", /*kill=*/true);
  till.join();
  held->Release();
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(Code(down), "inventory.unavailable");
  // Until inventory confirms, the return is in flight: the item cannot be returned a second time meanwhile.
  EXPECT_EQ(till_->SalesDb("SELECT status FROM sale_returns WHERE sale_id = " + id), "pending");
  HttpResult meanwhile = till_->Post(target, ReturnBody(12, 1), till_->Cashier(4), "down-return-meanwhile");
  EXPECT_EQ(meanwhile.status, 409) << meanwhile.body;
  EXPECT_EQ(Code(meanwhile), "sales.return_exceeds_sold");

  platform_->StartService("inventory");
  ASSERT_TRUE(testing::Eventually([&] { return Intent("return:down-return") == "reversed"; }));
  EXPECT_EQ(till_->SalesDb("SELECT status FROM sale_returns WHERE sale_id = " + id), "cancelled");
  EXPECT_EQ(till_->OnHand(4, 12), stock);  // nothing came back twice, nothing is missing
  HttpResult again = till_->Post(target, ReturnBody(12, 1), till_->Cashier(4), "down-return-again");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(till_->OnHand(4, 12), stock + 1);
  EXPECT_EQ(Code(till_->Post(target, ReturnBody(12, 1), till_->Cashier(4), "down-return")), "sales.key_abandoned");
}

TEST_F(RecoveryPlatform, AReturnWaitingForInventoryHoldsNoLockOnTheSale) {
  HttpResult sale = till_->Post("/api/v1/sales",
                                SaleBody(5, R"([{"product_id": 15, "quantity": 1}, {"product_id": 9, "quantity": 1}])",
                                         test::CardFor(3999 + 1299)),
                                till_->Cashier(5), "no-lock-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  const std::string id = std::to_string(Int(Json(sale), "id"));
  const std::string target = "/api/v1/sales/" + id + "/returns";
  // Inventory's stock row of the lamp at Westmount is held: the lamp's return waits inside inventory.
  auto held = std::make_unique<test::HeldLock>(
      platform_->Conninfo("inventory"), "SELECT 1 FROM stock WHERE location_id = 5 AND product_id = 15 FOR UPDATE");
  std::atomic<bool> lamp_done{false};
  HttpResult lamp;
  std::thread slow([&] {
    lamp = till_->Post(target, ReturnBody(15, 1), till_->Cashier(5), "no-lock-lamp");
    lamp_done = true;
  });
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return till_->SalesDb("SELECT count(*) FROM sale_returns WHERE status = 'pending' AND sale_id = " + id) == "1";
      },
      3s));
  // Meanwhile the coffee of the same sale is returned: it does not wait for the lamp's return.
  HttpResult coffee = till_->Post(target, ReturnBody(9, 1), till_->Cashier(5), "no-lock-coffee");
  EXPECT_EQ(coffee.status, 201) << coffee.body;
  EXPECT_FALSE(lamp_done.load());
  held->Release();
  slow.join();
  EXPECT_EQ(lamp.status, 201) << lamp.body;
  EXPECT_EQ(Int(Json(lamp), "total_cents") + Int(Json(coffee), "total_cents"), Int(Json(sale), "total_cents"));
}

}  // namespace
}  // namespace comptoir::sales
