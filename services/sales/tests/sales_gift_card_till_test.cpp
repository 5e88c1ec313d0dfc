// Integration test (issue 15, item 5): gift cards sold, activated and topped up at the till as sale lines that
// are not taxed, and their balance checked with the PIN (ADR 0152) — tried as the wrong people, with the same
// Idempotency-Key twice and at once, over the card's limit, and with fifty top-ups of one card at once (none
// lost). Real customer, product, inventory and sales behind the gateway; balances read in sales' database.
#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "domain/gift_card.hpp"
#include "till_ops.hpp"

namespace comptoir::sales {
namespace {

using test::Code;
using test::HttpResult;
using test::Int;
using test::Json;
using test::SessionSale;
namespace json = boost::json;

constexpr std::int64_t kStore = 4;

class GiftCardTill : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(test::TillPlatformOptions("sales_gift_till"));
    till_ = new test::Till(*platform_);
    session_ = test::OpenSession(*till_, kStore, "GC", 0);
  }
  static void TearDownTestSuite() {
    delete till_;
    delete platform_;
  }

  /// A card issued by a manager ({id, code, pin, …}); 0 $ makes an inactive card to sell at the till.
  static json::object IssueCard(std::int64_t balance_cents) {
    HttpResult r = till_->Post("/api/v1/gift-cards", R"({"balance_cents": )" + std::to_string(balance_cents) + "}",
                               till_->Manager(), "");
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r).as_object();
  }
  static std::string Code(const json::object& card) { return std::string(card.at("code").as_string()); }
  static std::string LoadLine(const std::string& code, std::int64_t amount) {
    return R"({"gift_card_code": ")" + code + R"(", "amount_cents": )" + std::to_string(amount) + "}";
  }
  static std::string LoadBody(const std::string& code, std::int64_t amount, const std::string& payments = "") {
    return SessionSale(
        kStore, session_, "[" + LoadLine(code, amount) + "]",
        payments.empty() ? R"([{"method": "card", "amount_cents": )" + std::to_string(amount) + "}]" : payments);
  }
  static std::string Balance(const json::object& card) {
    return till_->SalesDb("SELECT balance_cents FROM gift_cards WHERE id = " + std::to_string(Int(card, "id")));
  }
  static std::string Loads(const json::object& card) {
    return till_->SalesDb("SELECT count(*) FROM sale_gift_card_loads WHERE gift_card_id = " +
                          std::to_string(Int(card, "id")));
  }
  static HttpResult CheckBalance(const json::object& card, const std::string& pin, const std::string& token) {
    return till_->Post("/api/v1/gift-cards/balance", R"({"code": ")" + Code(card) + R"(", "pin": ")" + pin + R"("})",
                       token, "");
  }

  static testing::Platform* platform_;
  static test::Till* till_;
  static std::int64_t session_;
};

testing::Platform* GiftCardTill::platform_ = nullptr;
test::Till* GiftCardTill::till_ = nullptr;
std::int64_t GiftCardTill::session_ = 0;

TEST_F(GiftCardTill, ACardIsSoldActivatedToppedUpAndNeverTaxed) {
  const json::object card = IssueCard(0);
  EXPECT_FALSE(card.at("active").as_bool());
  const std::string pin(card.at("pin").as_string());
  const std::string cashier = till_->Cashier(kStore);
  HttpResult idle = CheckBalance(card, pin, cashier);
  ASSERT_EQ(idle.status, 200) << idle.body;
  EXPECT_EQ(Int(Json(idle), "balance_cents"), 0);
  EXPECT_FALSE(Json(idle).at("active").as_bool());

  // Sold for cash: no tax, the total is the card's value, the receipt shows the code masked.
  HttpResult sold = till_->Post(
      "/api/v1/sales", LoadBody(Code(card), 5000, R"([{"method": "cash", "amount_cents": 5000}])"), cashier, "gc-sell");
  ASSERT_EQ(sold.status, 201) << sold.body;
  const json::value s = Json(sold);
  EXPECT_EQ(Int(s, "subtotal_cents"), 0);
  EXPECT_EQ(Int(s, "gst_cents"), 0);
  EXPECT_EQ(Int(s, "qst_cents"), 0);
  EXPECT_EQ(Int(s, "total_cents"), 5000);
  EXPECT_EQ(Int(s, "gift_card_cents"), 5000);
  const json::value& load = s.at("gift_cards").at(0);
  EXPECT_EQ(load.at("kind").as_string(), "activation");
  EXPECT_EQ(Int(load, "balance_cents"), 5000);
  EXPECT_EQ(load.at("gift_card_code").as_string(), MaskGiftCardCode(Code(card)));
  EXPECT_EQ(sold.body.find(Code(card)), std::string::npos);
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM stock_intents WHERE inventory_key = 'sale:gc-sell'"), "0");

  HttpResult active = CheckBalance(card, pin, cashier);
  EXPECT_EQ(Int(Json(active), "balance_cents"), 5000);
  EXPECT_TRUE(Json(active).at("active").as_bool());

  // Topped up with goods on the same sale: the taxes are the goods' only.
  const std::int64_t goods = 499 + money::QuebecTaxes(499).total();
  HttpResult mixed = till_->Post(
      "/api/v1/sales",
      SessionSale(kStore, session_, R"([{"product_id": 10, "quantity": 1}, )" + LoadLine(Code(card), 2000) + "]",
                  R"([{"method": "debit", "amount_cents": )" + std::to_string(goods + 2000) + "}]"),
      cashier, "gc-topup");
  ASSERT_EQ(mixed.status, 201) << mixed.body;
  const json::value m = Json(mixed);
  EXPECT_EQ(Int(m, "subtotal_cents"), 499);
  EXPECT_EQ(Int(m, "gst_cents"), money::QuebecTaxes(499).gst_cents);
  EXPECT_EQ(Int(m, "qst_cents"), money::QuebecTaxes(499).qst_cents);
  EXPECT_EQ(Int(m, "total_cents"), goods + 2000);
  EXPECT_EQ(m.at("gift_cards").at(0).at("kind").as_string(), "top_up");
  EXPECT_EQ(Int(m.at("gift_cards").at(0), "balance_cents"), 7000);
  EXPECT_EQ(Balance(card), "7000");

  // Returning the goods refunds the goods, never the card's load.
  HttpResult ret = till_->Post("/api/v1/sales/" + std::to_string(Int(m, "id")) + "/returns", test::ReturnBody(10, 1),
                               cashier, "gc-topup-return");
  ASSERT_EQ(ret.status, 201) << ret.body;
  EXPECT_EQ(Int(Json(ret), "total_cents"), goods);
  EXPECT_EQ(Balance(card), "7000");

  // Spending it as usual, with its PIN.
  HttpResult spent = till_->Post(
      "/api/v1/sales",
      SessionSale(kStore, session_, R"([{"product_id": 10, "quantity": 1}])",
                  R"([{"method": "gift_card", "amount_cents": )" + std::to_string(goods) + R"(, "gift_card_code": ")" +
                      Code(card) + R"(", "gift_card_pin": ")" + pin + R"("}])"),
      cashier, "gc-spend");
  ASSERT_EQ(spent.status, 201) << spent.body;
  EXPECT_EQ(Balance(card), std::to_string(7000 - goods));
}

TEST_F(GiftCardTill, BadLoadsAreRefusedAndChangeNothing) {
  const json::object card = IssueCard(490000);
  const std::string cashier = till_->Cashier(kStore);
  const std::string sales = "SELECT count(*) FROM sales";
  const std::string before = till_->SalesDb(sales);

  // Above the card's 5 000 $ limit.
  HttpResult over = till_->Post("/api/v1/sales", LoadBody(Code(card), 10001), cashier, "gc-over");
  EXPECT_EQ(over.status, 422) << over.body;
  EXPECT_EQ(test::Code(over), "sales.gift_card_balance_limit");
  // A gift card does not pay for a gift card.
  const json::object other = IssueCard(1000);
  HttpResult paid_by_card =
      till_->Post("/api/v1/sales",
                  LoadBody(Code(card), 500,
                           R"([{"method": "gift_card", "amount_cents": 500, "gift_card_code": ")" + Code(other) +
                               R"(", "gift_card_pin": ")" + std::string(other.at("pin").as_string()) + R"("}])"),
                  cashier, "gc-by-gc");
  EXPECT_EQ(paid_by_card.status, 400) << paid_by_card.body;
  EXPECT_NE(paid_by_card.body.find("payments[0].method"), std::string::npos);
  // A code that fails its check symbol, and a well-formed code that is no card.
  std::string typo = Code(card);
  typo[3] = typo[3] == 'A' ? 'B' : 'A';
  HttpResult mistyped = till_->Post("/api/v1/sales", LoadBody(typo, 500), cashier, "gc-typo");
  EXPECT_EQ(mistyped.status, 400) << mistyped.body;
  std::array<std::uint8_t, kGiftCardRandomSymbols> random{};
  random.fill(7);
  HttpResult unknown = till_->Post("/api/v1/sales", LoadBody(GiftCardCodeFrom(random), 500), cashier, "gc-unknown");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(test::Code(unknown), "sales.gift_card_refused");
  // Zero, too much, and offline (a card is loaded online only).
  EXPECT_EQ(till_->Post("/api/v1/sales", LoadBody(Code(card), 0), cashier, "gc-zero").status, 400);
  EXPECT_EQ(till_
                ->Post("/api/v1/sales",
                       SessionSale(kStore, session_, "[" + LoadLine(Code(card), 500) + "]",
                                   R"([{"method": "cash", "amount_cents": 500}])",
                                   R"(, "offline": true, "occurred_at": ")" + test::SecondsAgo(60) + "\""),
                       cashier, "gc-offline")
                .status,
            400);

  // The wrong people: another store's cashier selling here, a shopper, no token, forged and expired tokens.
  const std::string body = LoadBody(Code(card), 500);
  EXPECT_EQ(till_->Post("/api/v1/sales", body, till_->Cashier(1), "gc-w1").status, 403);
  EXPECT_EQ(
      till_->Post("/api/v1/sales", body, till_->Token(auth::Role::kCustomer, "c-9", std::nullopt), "gc-w2").status,
      403);
  EXPECT_EQ(till_->Post("/api/v1/sales", body, "", "gc-w3").status, 401);
  EXPECT_EQ(
      till_->Post("/api/v1/sales", body, platform_->Auth().ForgedToken(auth::Role::kCashier, "4", kStore), "gc-w4")
          .status,
      401);
  EXPECT_EQ(till_
                ->Post("/api/v1/sales", body,
                       till_->Token(auth::Role::kCashier, "4", kStore, auth::NowSeconds() - 7200), "gc-w5")
                .status,
            401);
  EXPECT_EQ(Balance(card), "490000");
  EXPECT_EQ(Balance(other), "1000");
  EXPECT_EQ(till_->SalesDb(sales), before);

  // Balance: the PIN is asked at the till too; a shopper cannot ask at all.
  EXPECT_EQ(CheckBalance(card, "000000", cashier).status, 422);
  EXPECT_EQ(CheckBalance(card, std::string(card.at("pin").as_string()),
                         till_->Token(auth::Role::kCustomer, "c-9", std::nullopt))
                .status,
            403);
}

TEST_F(GiftCardTill, TheSameKeyLoadsOnceAndFiftyTopUpsAtOnceAreAllCounted) {
  const json::object card = IssueCard(1000);
  const std::string cashier = till_->Cashier(kStore);
  HttpResult first = till_->Post("/api/v1/sales", LoadBody(Code(card), 700), cashier, "gc-dup");
  HttpResult second = till_->Post("/api/v1/sales", LoadBody(Code(card), 700), cashier, "gc-dup");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Int(Json(first), "id"), Int(Json(second), "id"));
  EXPECT_EQ(Balance(card), "1700");
  EXPECT_EQ(till_->Post("/api/v1/sales", LoadBody(Code(card), 800), cashier, "gc-dup").status, 422);

  // Ten at once with one key: one load.
  {
    std::vector<std::thread> threads;
    std::vector<std::int64_t> ids(10, 0);
    for (int i = 0; i < 10; ++i) {
      threads.emplace_back([&, i] {
        HttpResult r = till_->Post("/api/v1/sales", LoadBody(Code(card), 300), cashier, "gc-dup-burst");
        EXPECT_EQ(r.status, 201) << r.body;
        if (r.status == 201) ids[static_cast<std::size_t>(i)] = Int(Json(r), "id");
      });
    }
    for (auto& t : threads) t.join();
    for (std::int64_t id : ids) EXPECT_EQ(id, ids[0]);
    EXPECT_GT(ids[0], 0);
    EXPECT_EQ(Balance(card), "2000");
  }

  // Fifty top-ups of 1 $ each, at once, each its own sale: all of them on the balance.
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      if (till_->Post("/api/v1/sales", LoadBody(Code(card), 100), cashier, "gc-fifty-" + std::to_string(i)).status ==
          201)
        ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(Balance(card), "7000");
  EXPECT_EQ(Loads(card), "52");
  EXPECT_EQ(till_->SalesDb("SELECT sum(amount_cents) FROM sale_gift_card_loads WHERE gift_card_id = " +
                           std::to_string(Int(card, "id"))),
            "6000");
}

}  // namespace
}  // namespace comptoir::sales
