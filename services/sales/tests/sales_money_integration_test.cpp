// Integration test (issue 12, items 7 and 11): money that adds up at the till, tried as the people who would
// try it — a cashier refunding a card sale in cash, a customer who paid 10 $ by gift card and the rest in
// cash bringing things back one by one, the same return sent twice and fifty at once, someone guessing gift
// card codes and PINs. Real product, inventory and sales behind the gateway; "nothing changed" is checked in
// the sales database and in inventory.
#include <algorithm>
#include <array>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "domain/gift_card.hpp"
#include "till.hpp"

namespace comptoir::sales {
namespace {

using test::Code;
using test::HttpResult;
using test::Int;
using test::Json;
using test::ReturnBody;
using test::SaleBody;
namespace json = boost::json;

class MoneyPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // customer issues sales' service token for inventory (ADR 0008).
    platform_ =
        new testing::Platform({.services = {"customer", "product", "inventory", "sales"}, .name = "sales_money"});
    till_ = new test::Till(*platform_);
    // These tests predate tax classes (ADR 0140) and sell the demo groceries as taxable goods.
    for (const char* id : {"9", "11", "12"}) {
      HttpResult r = platform_->Call("PATCH", std::string("/api/v1/products/") + id, R"({"tax_class": "taxable"})",
                                     till_->Manager());
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  static void TearDownTestSuite() {
    delete till_;
    delete platform_;
  }

  /// A gift card issued by a manager: {id, code, pin}.
  static json::object IssueCard(std::int64_t balance_cents) {
    HttpResult r = till_->Post("/api/v1/gift-cards", R"({"balance_cents": )" + std::to_string(balance_cents) + "}",
                               till_->Manager(), "");
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r).as_object();
  }
  static std::string CardPayment(const json::object& card, std::int64_t amount, const std::string& pin = "") {
    return R"({"method": "gift_card", "amount_cents": )" + std::to_string(amount) + R"(, "gift_card_code": ")" +
           std::string(card.at("code").as_string()) + R"(", "gift_card_pin": ")" +
           (pin.empty() ? std::string(card.at("pin").as_string()) : pin) + R"("})";
  }
  static std::string Balance(const json::object& card) {
    return till_->SalesDb("SELECT balance_cents FROM gift_cards WHERE id = " + std::to_string(Int(card, "id")));
  }

  static testing::Platform* platform_;
  static test::Till* till_;
};

testing::Platform* MoneyPlatform::platform_ = nullptr;
test::Till* MoneyPlatform::till_ = nullptr;

TEST_F(MoneyPlatform, ACashierCannotRefundACardSaleInCashWithoutAManager) {
  const std::string cashier = till_->Cashier(4);
  HttpResult sale =
      till_->Post("/api/v1/sales", SaleBody(4, R"([{"product_id": 5, "quantity": 1}])", test::CardFor(1999)), cashier,
                  "approval-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  const std::string id = std::to_string(Int(Json(sale), "id"));
  const std::string target = "/api/v1/sales/" + id + "/returns";
  const std::int64_t stock = till_->OnHand(4, 5);
  const std::string in_cash = ReturnBody(5, 1, R"(, "refund_method": "cash")");

  HttpResult alone = till_->Post(target, in_cash, cashier, "approval-1");
  EXPECT_EQ(alone.status, 403) << alone.body;
  EXPECT_EQ(Code(alone), "sales.manager_approval_required");
  // Another cashier's token, an expired manager's, a manager's signed with another key, the manager of
  // another store (the sale is Mile End's, 4): none approves.
  const std::string forged = platform_->Auth().ForgedToken(auth::Role::kManager, "7");
  for (const std::string& token :
       {till_->Cashier(5), till_->Token(auth::Role::kManager, "7", std::nullopt, auth::NowSeconds() - 7200), forged,
        till_->Token(auth::Role::kManager, "8", 2), std::string("not-a-token")}) {
    HttpResult r = till_->Post(target, in_cash, cashier, "approval-2", {{"X-Manager-Token", token}});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Code(r), "sales.manager_approval_invalid");
  }
  // Nothing changed: no return, nothing returned, no stock back.
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM sale_returns WHERE sale_id = " + id), "0");
  EXPECT_EQ(till_->SalesDb("SELECT returned_quantity FROM sale_lines WHERE sale_id = " + id), "0");
  EXPECT_EQ(till_->SalesDb("SELECT refunded_cents FROM sale_payments WHERE sale_id = " + id), "0");
  EXPECT_EQ(till_->OnHand(4, 5), stock);

  // The manager signs in at the till: the refund goes out in cash, rounded, and the approval is recorded.
  HttpResult approved = till_->Post(target, in_cash, cashier, "approval-3", {{"X-Manager-Token", till_->Manager()}});
  ASSERT_EQ(approved.status, 201) << approved.body;
  json::value refund = Json(approved);
  EXPECT_EQ(refund.at("refund_method").as_string(), "cash");
  EXPECT_EQ(refund.at("approved_by").as_string(), "7");
  ASSERT_EQ(refund.at("tenders").as_array().size(), 1u);
  const auto& tender = refund.at("tenders").as_array()[0];
  EXPECT_EQ(tender.at("method").as_string(), "card");
  EXPECT_EQ(tender.at("refunded_as").as_string(), "cash");
  EXPECT_EQ(Int(tender, "amount_cents"), 2298);
  EXPECT_EQ(Int(tender, "paid_cents"), 2300);
  EXPECT_EQ(Int(refund, "cash_paid_cents"), 2300);
  EXPECT_EQ(till_->SalesDb("SELECT approved_by FROM sale_returns WHERE sale_id = " + id), "7");
  EXPECT_EQ(till_->OnHand(4, 5), stock + 1);
  // The card's share is spent: it cannot be refunded a second time.
  HttpResult receipt = till_->Get("/api/v1/sales/" + id, cashier);
  EXPECT_EQ(Int(Json(receipt).at("payments").as_array()[0], "refunded_cents"), 2298);
  HttpResult again = till_->Post(target, ReturnBody(5, 1), cashier, "approval-4");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Code(again), "sales.return_exceeds_sold");
}

TEST_F(MoneyPlatform, TenDollarsOfGiftCardAndTheRestInCashComeBackPerTenderOneItemAtATime) {
  const json::object card = IssueCard(1000);
  const std::string cashier = till_->Cashier(1);
  HttpResult open =
      till_->Post("/api/v1/register-sessions",
                  R"({"location_id": 1, "register": "caisse-argent", "opening_float_cents": 20000})", cashier, "");
  ASSERT_EQ(open.status, 201) << open.body;
  const std::string session = std::to_string(Int(Json(open), "id"));
  // Two T-shirts and a Jean: 99.97 $ + taxes = 114.94 $; 10 $ on the gift card, 104.94 $ due in cash
  // (104.95 $ rounded), 105.00 $ tendered.
  HttpResult sale = till_->Post(
      "/api/v1/sales",
      R"({"location_id": 1, "register_session_id": )" + session +
          R"(, "lines": [{"product_id": 5, "quantity": 2}, {"product_id": 6, "quantity": 1}], "payments": [)" +
          CardPayment(card, 1000) + R"(, {"method": "cash", "amount_cents": 10500}]})",
      cashier, "mixed-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  json::value receipt = Json(sale);
  ASSERT_EQ(Int(receipt, "total_cents"), 11494);
  EXPECT_EQ(Int(receipt, "cash_taken_cents"), 10495);
  EXPECT_EQ(Int(receipt, "change_cents"), 5);
  EXPECT_EQ(Balance(card), "0");
  const std::string target = "/api/v1/sales/" + std::to_string(Int(receipt, "id")) + "/returns";
  const std::string in_session = R"(, "register_session_id": )" + session;
  const std::int64_t tshirts = till_->OnHand(1, 5);

  // First T-shirt (22.98 $): the gift card gets its 10 $ back, the rest is cash (12.98 $ → 13.00 $).
  HttpResult first = till_->Post(target, ReturnBody(5, 1, in_session), cashier, "mixed-return-1");
  ASSERT_EQ(first.status, 201) << first.body;
  json::value r1 = Json(first);
  EXPECT_EQ(r1.at("refund_method").as_string(), "mixed");
  ASSERT_EQ(r1.at("tenders").as_array().size(), 2u);
  EXPECT_EQ(r1.at("tenders").as_array()[0].at("method").as_string(), "gift_card");
  EXPECT_EQ(Int(r1.at("tenders").as_array()[0], "amount_cents"), 1000);
  EXPECT_EQ(r1.at("tenders").as_array()[0].at("gift_card_code").as_string().subview().substr(0, 18),
            "GC-****-****-****-");
  EXPECT_EQ(r1.at("tenders").as_array()[1].at("method").as_string(), "cash");
  EXPECT_EQ(Int(r1.at("tenders").as_array()[1], "amount_cents"), 1298);
  EXPECT_EQ(Int(r1, "cash_paid_cents"), 1300);
  EXPECT_EQ(Balance(card), "1000");
  // The same return sent again (the till retried): the same answer, nothing twice.
  HttpResult twice = till_->Post(target, ReturnBody(5, 1, in_session), cashier, "mixed-return-1");
  ASSERT_EQ(twice.status, 201) << twice.body;
  EXPECT_EQ(Json(twice), r1);
  EXPECT_EQ(Balance(card), "1000");
  EXPECT_EQ(till_->OnHand(1, 5), tshirts + 1);

  // Second T-shirt: cash only (the gift card got all it paid); the Jean: cash. Rounded cumulatively, the
  // three cash refunds hand back exactly the 104.95 $ the sale took — not a cent more.
  HttpResult second = till_->Post(target, ReturnBody(5, 1, in_session), cashier, "mixed-return-2");
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_EQ(Json(second).at("tenders").as_array().size(), 1u);
  EXPECT_EQ(Json(second).at("tenders").as_array()[0].at("method").as_string(), "cash");
  HttpResult third = till_->Post(target, ReturnBody(6, 1, in_session), cashier, "mixed-return-3");
  ASSERT_EQ(third.status, 201) << third.body;
  const std::int64_t cash_out =
      Int(r1, "cash_paid_cents") + Int(Json(second), "cash_paid_cents") + Int(Json(third), "cash_paid_cents");
  EXPECT_EQ(cash_out, 10495);
  EXPECT_EQ(Int(r1, "total_cents") + Int(Json(second), "total_cents") + Int(Json(third), "total_cents"), 11494);
  EXPECT_EQ(Balance(card), "1000");
  HttpResult after = till_->Get("/api/v1/sales/" + std::to_string(Int(receipt, "id")), cashier);
  EXPECT_EQ(Int(Json(after), "cash_paid_out_cents"), 10495);
  // The drawer: float + cash kept − cash refunded.
  HttpResult close =
      till_->Post("/api/v1/register-sessions/" + session + "/close", R"({"counted_cash_cents": 20000})", cashier, "");
  ASSERT_EQ(close.status, 200) << close.body;
  EXPECT_EQ(Int(Json(close), "expected_cash_cents"), 20000);
  EXPECT_EQ(Int(Json(close), "over_short_cents"), 0);
}

TEST_F(MoneyPlatform, ThreeChocolatesReturnedOneByOnePayOutTheCashTakenNotMore) {
  // 3 × 4.99 $ = 17.21 $ with taxes, 17.20 $ in cash. Each chocolate alone is 5.74 $: rounding each refund
  // on its own would hand out 3 × 5.75 $ = 17.25 $, five cents that never came in.
  const std::string cashier = till_->Cashier(5);
  HttpResult sale = till_->Post(
      "/api/v1/sales",
      SaleBody(5, R"([{"product_id": 10, "quantity": 3}])", R"([{"method": "cash", "amount_cents": 2000}])"), cashier,
      "chocolates");
  ASSERT_EQ(sale.status, 201) << sale.body;
  ASSERT_EQ(Int(Json(sale), "cash_taken_cents"), 1720);
  const std::string target = "/api/v1/sales/" + std::to_string(Int(Json(sale), "id")) + "/returns";
  std::int64_t paid = 0;
  for (int i = 1; i <= 3; ++i) {
    HttpResult r = till_->Post(target, ReturnBody(10, 1), cashier, "chocolate-" + std::to_string(i));
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Int(Json(r), "cash_paid_cents") % 5, 0);
    paid += Int(Json(r), "cash_paid_cents");
    EXPECT_LE(paid, 1720);
  }
  EXPECT_EQ(paid, 1720);
}

TEST_F(MoneyPlatform, FiftyReturnsAtOnceNeverReturnMoreThanSoldNorRefundMoreThanPaid) {
  const std::string cashier = till_->Cashier(3);
  HttpResult sale = till_->Post("/api/v1/sales",
                                SaleBody(3, R"([{"product_id": 11, "quantity": 5}])",
                                         R"([{"method": "debit", "amount_cents": )" +
                                             std::to_string(4495 + money::QuebecTaxes(4495).total()) + "}]"),
                                cashier, "fifty-sale");
  ASSERT_EQ(sale.status, 201) << sale.body;
  const std::int64_t total = Int(Json(sale), "total_cents");
  const std::string id = std::to_string(Int(Json(sale), "id"));
  const std::int64_t stock = till_->OnHand(3, 11);
  std::vector<int> statuses(50);
  std::vector<std::string> codes(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = till_->Post("/api/v1/sales/" + id + "/returns", ReturnBody(11, 1), cashier,
                                 "fifty-return-" + std::to_string(i));
      statuses[i] = r.status;
      codes[i] = r.status == 201 ? "" : Code(r);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 5);
  std::string seen;
  for (const std::string& c : codes) seen += c + " ";
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "sales.return_exceeds_sold"), 45) << seen;
  EXPECT_EQ(till_->OnHand(3, 11), stock + 5);
  EXPECT_EQ(till_->SalesDb("SELECT sum(total_cents) FROM sale_returns WHERE status = 'completed' AND sale_id = " + id),
            std::to_string(total));
  EXPECT_EQ(till_->SalesDb("SELECT refunded_cents FROM sale_payments WHERE sale_id = " + id), std::to_string(total));
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM stock_intents WHERE inventory_key LIKE 'return:fifty-return-%'"), "0");

  // The same return, ten times at once: one return, one movement, one answer for all.
  HttpResult other =
      till_->Post("/api/v1/sales", SaleBody(3, R"([{"product_id": 11, "quantity": 1}])", test::CardFor(899)), cashier,
                  "same-return-sale");
  ASSERT_EQ(other.status, 201) << other.body;
  const std::string other_id = std::to_string(Int(Json(other), "id"));
  std::vector<HttpResult> same(10);
  threads.clear();
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      same[i] = till_->Post("/api/v1/sales/" + other_id + "/returns", ReturnBody(11, 1), cashier, "same-return");
    });
  }
  for (auto& t : threads) t.join();
  for (const HttpResult& r : same) {
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(Json(r), Json(same[0]));
  }
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM sale_returns WHERE sale_id = " + other_id), "1");
  EXPECT_EQ(till_->Movements("return:same-return"), 1u);
}

TEST_F(MoneyPlatform, AGiftCardCodeOfNullIsA400NamingTheField) {
  for (const char* payment : {R"({"method": "gift_card", "amount_cents": 1494, "gift_card_code": null})",
                              R"({"method": "gift_card", "amount_cents": 1494, "gift_card_code": null,)"
                              R"( "gift_card_pin": "314159"})"}) {
    HttpResult r = till_->Post("/api/v1/sales",
                               SaleBody(2, R"([{"product_id": 9, "quantity": 1}])", std::string("[") + payment + "]"),
                               till_->Cashier(2), "null-code");
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(Code(r), "request.validation_failed");
    EXPECT_NE(r.body.find("payments[0].gift_card_code"), std::string::npos) << r.body;
  }
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM sales WHERE idempotency_key = 'null-code'"), "0");
}

TEST_F(MoneyPlatform, OnlyManagersIssueCardsAndThePinIsShownOnceAndKeptHashed) {
  HttpResult cashier = till_->Post("/api/v1/gift-cards", R"({"balance_cents": 5000})", till_->Cashier(1), "");
  EXPECT_EQ(cashier.status, 403) << cashier.body;
  HttpResult bad = till_->Post("/api/v1/gift-cards", R"({"balance_cents": -1})", till_->Manager(), "");
  EXPECT_EQ(bad.status, 400) << bad.body;
  std::set<std::string> codes;
  for (int i = 0; i < 5; ++i) {
    const json::object card = IssueCard(5000);
    const std::string code(card.at("code").as_string());
    const std::string pin(card.at("pin").as_string());
    EXPECT_EQ(ParseGiftCardCode(code), code);
    EXPECT_TRUE(IsGiftCardPin(pin)) << pin;
    codes.insert(code);
    const std::string id = std::to_string(Int(card, "id"));
    EXPECT_EQ(till_->SalesDb("SELECT pin_hash LIKE '$argon2id$%' FROM gift_cards WHERE id = " + id), "t");
    EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM gift_cards WHERE id = " + id + " AND pin_hash LIKE '%" + pin + "%'"),
              "0");
  }
  EXPECT_EQ(codes.size(), 5u);
}

TEST_F(MoneyPlatform, GuessingCodesAndPinsTellsNothingAndFiftyWrongPinsVerifyAtMostFive) {
  const json::object card = IssueCard(5000);
  const std::string cashier = till_->Cashier(2);
  auto pay = [&](const std::string& payment, const std::string& key) {
    return till_->Post("/api/v1/sales", SaleBody(2, R"([{"product_id": 9, "quantity": 1}])", "[" + payment + "]"),
                       cashier, key);
  };
  // Codes that look right (valid check symbol) but were never issued: one refusal, always the same words.
  std::mt19937_64 random(20261204);
  std::set<std::string> details;
  for (int i = 0; i < 20; ++i) {
    std::array<std::uint8_t, 15> bytes{};
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    const std::string guess = GiftCardCodeFrom(bytes);
    HttpResult r = pay(R"({"method": "gift_card", "amount_cents": 1494, "gift_card_code": ")" + guess +
                           R"(", "gift_card_pin": "000000"})",
                       "guess-" + std::to_string(i));
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(Code(r), "sales.gift_card_refused");
    details.insert(std::string(Json(r).at("detail").as_string()));
  }
  // A real card with a wrong PIN answers exactly like a code that does not exist, and shows no balance.
  const std::string wrong_pin = card.at("pin").as_string() == "000000" ? "000001" : "000000";
  HttpResult wrong = pay(CardPayment(card, 1494, wrong_pin), "wrong-pin");
  ASSERT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_EQ(Code(wrong), "sales.gift_card_refused");
  details.insert(std::string(Json(wrong).at("detail").as_string()));
  EXPECT_EQ(details.size(), 1u);
  EXPECT_EQ(wrong.body.find("5000"), std::string::npos);
  EXPECT_EQ(wrong.body.find("50.00"), std::string::npos);
  // The sequential codes of before are not codes at all.
  HttpResult sequential = pay(R"({"method": "gift_card", "amount_cents": 1494, "gift_card_code": "GC-DEMO-0002",)"
                              R"( "gift_card_pin": "271828"})",
                              "sequential");
  EXPECT_EQ(sequential.status, 400) << sequential.body;

  // Fifty wrong PINs at once: the attempts are counted before the check, so at most five are ever verified
  // and the card then refuses even its right PIN.
  const json::object target = IssueCard(5000);
  const std::string id = std::to_string(Int(target, "id"));
  std::vector<int> statuses(50);
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      std::string pin = std::to_string(100000 + i);  // six digits, never the card's
      if (pin == target.at("pin").as_string()) pin = std::to_string(200000 + i);
      statuses[i] = pay(CardPayment(target, 1494, pin), "burst-" + std::to_string(i)).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 422), 50);
  EXPECT_EQ(till_->SalesDb("SELECT failed_pin_attempts FROM gift_cards WHERE id = " + id), "5");
  HttpResult locked = pay(CardPayment(target, 1494), "locked-right-pin");
  EXPECT_EQ(locked.status, 422) << locked.body;
  EXPECT_EQ(Code(locked), "sales.gift_card_refused");
  HttpResult balance = till_->Post("/api/v1/gift-cards/balance",
                                   R"({"code": ")" + std::string(target.at("code").as_string()) + R"(", "pin": ")" +
                                       std::string(target.at("pin").as_string()) + R"("})",
                                   cashier, "");
  EXPECT_EQ(balance.status, 422) << balance.body;
  // Only a manager unlocks it; then the right PIN pays, and the balance can be asked with it.
  EXPECT_EQ(till_->Post("/api/v1/gift-cards/" + id + "/unlock", "", cashier, "").status, 403);
  HttpResult unlocked = till_->Post("/api/v1/gift-cards/" + id + "/unlock", "", till_->Manager(), "");
  ASSERT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_FALSE(Json(unlocked).at("locked").as_bool());
  HttpResult paid = pay(CardPayment(target, 1494), "unlocked-right-pin");
  ASSERT_EQ(paid.status, 201) << paid.body;
  EXPECT_EQ(paid.body.find(std::string(target.at("pin").as_string())), std::string::npos);
  EXPECT_EQ(paid.body.find(std::string(target.at("code").as_string())), std::string::npos);  // masked
  balance = till_->Post("/api/v1/gift-cards/balance",
                        R"({"code": ")" + std::string(target.at("code").as_string()) + R"(", "pin": ")" +
                            std::string(target.at("pin").as_string()) + R"("})",
                        cashier, "");
  ASSERT_EQ(balance.status, 200) << balance.body;
  EXPECT_EQ(Int(Json(balance), "balance_cents"), 5000 - 1494);
  // More than the card holds (a winter coat, 40 $ on the card): refused without telling how much it holds.
  HttpResult short_card =
      till_->Post("/api/v1/sales",
                  SaleBody(2, R"([{"product_id": 7, "quantity": 1}])",
                           "[" + CardPayment(target, 4000) + R"(, {"method": "cash", "amount_cents": 11000}])"),
                  cashier, "short-card");
  EXPECT_EQ(short_card.status, 422) << short_card.body;
  EXPECT_EQ(Code(short_card), "sales.gift_card_insufficient");
  EXPECT_EQ(short_card.body.find("3506"), std::string::npos) << short_card.body;
  EXPECT_EQ(short_card.body.find("35.06"), std::string::npos) << short_card.body;
}

}  // namespace
}  // namespace comptoir::sales
