// Integration test (issue 15, item 4): a register session from open to Z — sales in cash, card and debit, a
// gift card sold, a return, a drop, a pay-out, a no-sale and voids — whose Z report must equal, total by total,
// what the receipts and movements say; a second close refused; Z numbers per register, gapless under fifty
// concurrent closes; store sales refused without an open session, and an offline sale replayed after the close
// kept outside the immutable Z (ADR 0150, 0151). Real customer, product, inventory and sales behind the gateway.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "till_ops.hpp"

namespace comptoir::sales {
namespace {

using test::Code;
using test::HttpResult;
using test::Int;
using test::Json;
using test::SessionPath;
using test::SessionSale;
namespace json = boost::json;

class TillPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(test::TillPlatformOptions("sales_till"));
    till_ = new test::Till(*platform_);
  }
  static void TearDownTestSuite() {
    delete till_;
    delete platform_;
  }

  static json::value Sell(std::int64_t store, std::int64_t session, const std::string& lines,
                          const std::string& payments, const std::string& key) {
    HttpResult r =
        till_->Post("/api/v1/sales", SessionSale(store, session, lines, payments), till_->Cashier(store), key);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r) : json::value();
  }
  static HttpResult Move(std::int64_t session, const std::string& body, const std::string& token,
                         const std::string& key) {
    return till_->Post(SessionPath(session, "/movements"), body, token, key);
  }

  static testing::Platform* platform_;
  static test::Till* till_;
};

testing::Platform* TillPlatform::platform_ = nullptr;
test::Till* TillPlatform::till_ = nullptr;

std::int64_t PaidBy(const json::value& sale, std::string_view method) {
  std::int64_t total = 0;
  for (const auto& p : sale.at("payments").as_array()) {
    if (p.at("method").as_string() == method) total += Int(p, "amount_cents");
  }
  return total;
}

TEST_F(TillPlatform, TheZReportEqualsTheSessionsSalesReturnsAndCashMovements) {
  constexpr std::int64_t kStore = 4;
  const std::string cashier = till_->Cashier(kStore);
  const std::int64_t session = test::OpenSession(*till_, kStore, "Z-1", 15000);
  ASSERT_GT(session, 0);

  // A gift card from the back office, not sold yet: its first load at the till activates it.
  HttpResult issued = till_->Post("/api/v1/gift-cards", R"({"balance_cents": 0})", till_->Manager(), "");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string card_code(Json(issued).at("code").as_string());

  std::vector<json::value> sales;
  sales.push_back(Sell(kStore, session, R"([{"product_id": 5, "quantity": 2}])",
                       R"([{"method": "cash", "amount_cents": 10000}])", "z-sale-1"));
  sales.push_back(Sell(kStore, session, R"([{"product_id": 10, "quantity": 1}])", test::CardFor(499), "z-sale-2"));
  sales.push_back(Sell(kStore, session, R"([{"product_id": 5, "quantity": 1}, {"product_id": 10, "quantity": 1}])",
                       R"([{"method": "debit", "amount_cents": 1000}, {"method": "cash", "amount_cents": 5000}])",
                       "z-sale-3"));
  const std::int64_t goods = 499 + money::QuebecTaxes(499).total();
  sales.push_back(
      Sell(kStore, session,
           R"([{"product_id": 10, "quantity": 1}, {"gift_card_code": ")" + card_code + R"(", "amount_cents": 2500}])",
           R"([{"method": "card", "amount_cents": )" + std::to_string(goods + 2500) + "}]", "z-sale-4"));
  for (const auto& s : sales) ASSERT_TRUE(s.is_object());
  // The gift card is not taxed: the sale's taxes are those of its goods.
  EXPECT_EQ(Int(sales[3], "subtotal_cents"), 499);
  EXPECT_EQ(Int(sales[3], "gst_cents"), money::QuebecTaxes(499).gst_cents);
  EXPECT_EQ(Int(sales[3], "total_cents"), goods + 2500);
  EXPECT_EQ(sales[3].at("gift_cards").at(0).at("kind").as_string(), "activation");

  HttpResult ret = till_->Post("/api/v1/sales/" + std::to_string(Int(sales[0], "id")) + "/returns",
                               R"({"lines": [{"product_id": 5, "quantity": 1}], "reason": "taille",)"
                               R"( "register_session_id": )" +
                                   std::to_string(session) + "}",
                               cashier, "z-return-1");
  ASSERT_EQ(ret.status, 201) << ret.body;
  const json::value refund = Json(ret);

  ASSERT_EQ(Move(session, R"({"kind": "drop", "amount_cents": 5000})", cashier, "z-drop").status, 201);
  ASSERT_EQ(
      Move(session, R"({"kind": "payout", "amount_cents": 1250, "reason": "Timbres"})", cashier, "z-payout").status,
      201);
  ASSERT_EQ(Move(session, R"({"kind": "no_sale", "reason": "Monnaie pour un client"})", cashier, "z-nosale").status,
            201);
  ASSERT_EQ(Move(session, R"({"kind": "void_line", "lines": [{"product_id": 5, "quantity": 1, "amount_cents": 1999}]})",
                 cashier, "z-void-line")
                .status,
            201);
  ASSERT_EQ(Move(session,
                 R"({"kind": "void_sale", "lines": [{"product_id": 5, "quantity": 1, "amount_cents": 1999},)"
                 R"( {"sku": "X-1", "quantity": 2, "amount_cents": 998}]})",
                 cashier, "z-void-sale")
                .status,
            201);

  // What the receipts and movements add up to, computed here.
  std::int64_t subtotal = 0, gst = 0, qst = 0, total = 0, cash = 0, card = 0, debit = 0, rounding = 0;
  for (const auto& s : sales) {
    subtotal += Int(s, "subtotal_cents");
    gst += Int(s, "gst_cents");
    qst += Int(s, "qst_cents");
    total += Int(s, "total_cents");
    cash += Int(s, "cash_taken_cents");
    card += PaidBy(s, "card");
    debit += PaidBy(s, "debit");
    rounding += Int(s, "cash_rounding_cents");
  }
  const std::int64_t expected = 15000 + cash - Int(refund, "cash_paid_cents") - 5000 - 1250;

  // X: a snapshot, the session stays open and nothing is numbered.
  HttpResult x = till_->Get(SessionPath(session, "/report"), cashier);
  ASSERT_EQ(x.status, 200) << x.body;
  const json::value xr = Json(x);
  EXPECT_EQ(xr.at("type").as_string(), "X");
  EXPECT_TRUE(xr.at("z_number").is_null());
  EXPECT_EQ(Int(xr.at("cash"), "expected_cents"), expected);
  EXPECT_EQ(Int(xr.at("sales"), "count"), 4);
  EXPECT_EQ(Json(till_->Get(SessionPath(session), cashier)).at("status").as_string(), "open");
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM z_reports WHERE register_session_id = " + std::to_string(session)),
            "0");

  HttpResult closed = till_->Post(SessionPath(session, "/close"),
                                  R"({"counted_cash_cents": )" + std::to_string(expected - 15) + "}", cashier, "");
  ASSERT_EQ(closed.status, 200) << closed.body;
  const json::value c = Json(closed);
  EXPECT_EQ(c.at("status").as_string(), "closed");
  EXPECT_EQ(Int(c, "expected_cash_cents"), expected);
  EXPECT_EQ(Int(c, "over_short_cents"), -15);
  EXPECT_EQ(Int(c, "z_number"), 1);
  const json::value& z = c.at("z_report");
  EXPECT_EQ(z.at("type").as_string(), "Z");
  EXPECT_EQ(Int(z, "z_number"), 1);
  EXPECT_EQ(Int(z.at("sales"), "count"), 4);
  EXPECT_EQ(Int(z.at("sales"), "subtotal_cents"), subtotal);
  EXPECT_EQ(Int(z.at("sales"), "gst_cents"), gst);
  EXPECT_EQ(Int(z.at("sales"), "qst_cents"), qst);
  EXPECT_EQ(Int(z.at("sales"), "total_cents"), total);
  EXPECT_EQ(Int(z.at("sales"), "revenue_cents"), total - 2500);
  EXPECT_EQ(Int(z.at("sales"), "cash_rounding_cents"), rounding);
  EXPECT_EQ(Int(z.at("tenders").at("cash"), "amount_cents"), cash);
  EXPECT_EQ(Int(z.at("tenders").at("cash"), "count"), 2);
  EXPECT_EQ(Int(z.at("tenders").at("card"), "amount_cents"), card);
  EXPECT_EQ(Int(z.at("tenders").at("card"), "count"), 2);
  EXPECT_EQ(Int(z.at("tenders").at("debit"), "amount_cents"), debit);
  EXPECT_EQ(Int(z.at("tenders").at("gift_card"), "amount_cents"), 0);
  EXPECT_EQ(Int(z.at("taxes").at("gst"), "collected_cents"), gst);
  EXPECT_EQ(Int(z.at("taxes").at("gst"), "refunded_cents"), Int(refund, "gst_cents"));
  EXPECT_EQ(Int(z.at("taxes").at("gst"), "net_cents"), gst - Int(refund, "gst_cents"));
  EXPECT_EQ(Int(z.at("taxes").at("qst"), "collected_cents"), qst);
  EXPECT_EQ(Int(z.at("taxes").at("qst"), "net_cents"), qst - Int(refund, "qst_cents"));
  EXPECT_EQ(Int(z.at("refunds"), "count"), 1);
  EXPECT_EQ(Int(z.at("refunds"), "total_cents"), Int(refund, "total_cents"));
  EXPECT_EQ(Int(z.at("refunds").at("by_tender"), "cash"), Int(refund, "cash_paid_cents"));
  EXPECT_EQ(Int(z, "discounts_cents"), 0);
  EXPECT_EQ(Int(z.at("gift_cards"), "count"), 1);
  EXPECT_EQ(Int(z.at("gift_cards"), "activations"), 1);
  EXPECT_EQ(Int(z.at("gift_cards"), "amount_cents"), 2500);
  EXPECT_EQ(Int(z.at("voids"), "count"), 2);
  EXPECT_EQ(Int(z.at("voids"), "lines"), 1);
  EXPECT_EQ(Int(z.at("voids"), "sales"), 1);
  EXPECT_EQ(Int(z.at("voids"), "amount_cents"), 1999 + 1999 + 998);
  EXPECT_EQ(Int(z.at("no_sales"), "count"), 1);
  EXPECT_EQ(Int(z.at("drops"), "count"), 1);
  EXPECT_EQ(Int(z.at("drops"), "amount_cents"), 5000);
  EXPECT_EQ(Int(z.at("payouts"), "count"), 1);
  EXPECT_EQ(Int(z.at("payouts"), "amount_cents"), 1250);
  EXPECT_EQ(Int(z.at("cash"), "opening_float_cents"), 15000);
  EXPECT_EQ(Int(z.at("cash"), "expected_cents"), expected);
  EXPECT_EQ(Int(z.at("cash"), "counted_cents"), expected - 15);
  EXPECT_EQ(Int(z.at("cash"), "over_short_cents"), -15);

  // A second close is refused, and changes nothing.
  HttpResult again = till_->Post(SessionPath(session, "/close"), R"({"counted_cash_cents": 0})", cashier, "");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Code(again), "sales.session_closed");
  EXPECT_NE(again.headers["content-type"].find("application/problem+json"), std::string::npos);

  // The Z of a closed session is the stored one, and the database refuses to change it.
  HttpResult stored = till_->Get(SessionPath(session, "/report"), till_->Manager());
  ASSERT_EQ(stored.status, 200) << stored.body;
  json::value sz = Json(stored);
  EXPECT_EQ(Int(sz, "z_number"), 1);
  EXPECT_EQ(Int(sz.at("cash"), "counted_cents"), expected - 15);
  EXPECT_EQ(sz.at("tenders"), z.at("tenders"));
  EXPECT_EQ(sz.at("cash"), z.at("cash"));
  EXPECT_THROW(testing::RunSql(platform_->Conninfo("sales"), "UPDATE z_reports SET z_number = 9"), std::exception);
  EXPECT_THROW(testing::RunSql(platform_->Conninfo("sales"), "DELETE FROM z_reports"), std::exception);

  // The register's next session gets Z 2; another register starts at 1.
  const std::int64_t next = test::OpenSession(*till_, kStore, "Z-1", 0);
  HttpResult second = till_->Post(SessionPath(next, "/close"), R"({"counted_cash_cents": 0})", cashier, "");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Int(Json(second), "z_number"), 2);
  EXPECT_EQ(Int(Json(second).at("z_report").at("sales"), "count"), 0);
  const std::int64_t other = test::OpenSession(*till_, kStore, "Z-2", 0);
  HttpResult first = till_->Post(SessionPath(other, "/close"), R"({"counted_cash_cents": 0})", cashier, "");
  EXPECT_EQ(Int(Json(first), "z_number"), 1);
}

TEST_F(TillPlatform, FiftyConcurrentClosesGiveOneZAndNoGap) {
  const std::int64_t session = test::OpenSession(*till_, 2, "RACE", 1000);
  const std::string cashier = till_->Cashier(2);
  std::atomic<int> ok{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      HttpResult r = till_->Post(SessionPath(session, "/close"), R"({"counted_cash_cents": 1000})", cashier, "");
      if (r.status == 200) {
        ++ok;
      } else if (r.status == 409 && Code(r) == "sales.session_closed") {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), 49);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(till_->SalesDb("SELECT last_number FROM z_counters WHERE location_id = 2 AND register = 'RACE'"), "1");
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM z_reports WHERE location_id = 2 AND register = 'RACE'"), "1");
  // The next close of that register is Z 2: no number was taken by the refused ones.
  const std::int64_t next = test::OpenSession(*till_, 2, "RACE", 0);
  HttpResult r = till_->Post(SessionPath(next, "/close"), R"({"counted_cash_cents": 0})", cashier, "");
  EXPECT_EQ(Int(Json(r), "z_number"), 2);
}

TEST_F(TillPlatform, AStoreSaleNeedsAnOpenSessionButALateOfflineReplayIsKeptOutsideTheZ) {
  constexpr std::int64_t kStore = 3;
  const std::string cashier = till_->Cashier(kStore);
  const std::string count = "SELECT count(*) FROM sales WHERE location_id = 3";
  const std::string before = till_->SalesDb(count);
  HttpResult none =
      till_->Post("/api/v1/sales", test::SaleBody(kStore, R"([{"product_id": 10, "quantity": 1}])", test::CardFor(499)),
                  cashier, "no-session");
  EXPECT_EQ(none.status, 422) << none.body;
  EXPECT_EQ(Code(none), "sales.register_session_required");
  EXPECT_EQ(till_->SalesDb(count), before);

  const std::int64_t session = test::OpenSession(*till_, kStore, "LATE", 0);
  HttpResult closed = till_->Post(SessionPath(session, "/close"), R"({"counted_cash_cents": 0})", cashier, "");
  ASSERT_EQ(closed.status, 200) << closed.body;
  const json::value z_before = Json(closed).at("z_report").at("sales");

  HttpResult online = till_->Post(
      "/api/v1/sales", SessionSale(kStore, session, R"([{"product_id": 10, "quantity": 1}])", test::CardFor(499)),
      cashier, "closed-online");
  EXPECT_EQ(online.status, 422) << online.body;
  EXPECT_EQ(Code(online), "sales.invalid_register_session");
  EXPECT_EQ(till_->SalesDb(count), before);

  // Another store's session is no session for this store, offline or not.
  const std::int64_t elsewhere = test::OpenSession(*till_, 1, "LATE", 0);
  HttpResult wrong = till_->Post("/api/v1/sales",
                                 SessionSale(kStore, elsewhere, R"([{"product_id": 10, "quantity": 1}])",
                                             R"([{"method": "cash", "amount_cents": 1000}])",
                                             R"(, "offline": true, "occurred_at": ")" + test::SecondsAgo(120) + "\""),
                                 cashier, "late-elsewhere");
  EXPECT_EQ(wrong.status, 422) << wrong.body;

  // Cash taken while the till was offline, replayed after someone closed the session: kept (ADR 0151).
  HttpResult late = till_->Post("/api/v1/sales",
                                SessionSale(kStore, session, R"([{"product_id": 10, "quantity": 1}])",
                                            R"([{"method": "cash", "amount_cents": 1000}])",
                                            R"(, "offline": true, "occurred_at": ")" + test::SecondsAgo(120) + "\""),
                                cashier, "late-offline");
  ASSERT_EQ(late.status, 201) << late.body;
  EXPECT_TRUE(Json(late).at("after_close").as_bool());
  HttpResult report = till_->Get(SessionPath(session, "/report"), cashier);
  ASSERT_EQ(report.status, 200) << report.body;
  const json::value r = Json(report);
  EXPECT_EQ(r.at("sales"), z_before);  // the Z did not change
  EXPECT_EQ(Int(r.at("late_sales"), "count"), 1);
  EXPECT_EQ(Int(r.at("late_sales"), "total_cents"), Int(Json(late), "total_cents"));
}

TEST_F(TillPlatform, MovementsAreCheckedIdempotentAndOnlyForTheStoresStaff) {
  constexpr std::int64_t kStore = 5;
  const std::string cashier = till_->Cashier(kStore);
  const std::int64_t session = test::OpenSession(*till_, kStore, "MOVE", 2000);
  const std::string rows =
      "SELECT count(*) FROM register_movements WHERE register_session_id = " + std::to_string(session);

  for (const std::string& bad : {
           std::string(R"({"kind": "drop"})"),                         // no amount
           std::string(R"({"kind": "drop", "amount_cents": 0})"),      // too little
           std::string(R"({"kind": "payout", "amount_cents": 500})"),  // no reason
           std::string(R"({"kind": "no_sale"})"),                      // no reason
           std::string(R"({"kind": "no_sale", "reason": "x", "amount_cents": 5})"),
           std::string(R"({"kind": "void_line", "lines": []})"),
           std::string(R"({"kind": "void_line", "lines": [{"product_id": 5, "quantity": 1, "amount_cents": 1},)"
                       R"( {"product_id": 6, "quantity": 1, "amount_cents": 1}]})"),
           std::string(R"({"kind": "refund", "amount_cents": 100})"),
           std::string(R"({"kind": "drop", "amount_cents": 100, "extra": 1})"),
       }) {
    HttpResult r = Move(session, bad, cashier, "bad-" + std::to_string(std::hash<std::string>{}(bad)));
    EXPECT_EQ(r.status, 400) << bad << " → " << r.body;
    EXPECT_EQ(Code(r), "request.validation_failed") << bad;
  }
  EXPECT_EQ(Move(session, R"({"kind": "drop", "amount_cents": 100})", cashier, "").status, 400);  // no key
  EXPECT_EQ(till_->SalesDb(rows), "0");

  const std::string drop = R"({"kind": "drop", "amount_cents": 700})";
  // The wrong people: another store's cashier (the session is unknown to them), a shopper, no token, forged
  // and expired tokens.
  EXPECT_EQ(Move(session, drop, till_->Cashier(1), "w-1").status, 404);
  EXPECT_EQ(Move(session, drop, till_->Token(auth::Role::kCustomer, "c-1", std::nullopt), "w-2").status, 403);
  EXPECT_EQ(Move(session, drop, "", "w-3").status, 401);
  EXPECT_EQ(Move(session, drop, platform_->Auth().ForgedToken(auth::Role::kCashier, "5", kStore), "w-4").status, 401);
  EXPECT_EQ(
      Move(session, drop, till_->Token(auth::Role::kCashier, "5", kStore, auth::NowSeconds() - 7200), "w-5").status,
      401);
  EXPECT_EQ(till_->SalesDb(rows), "0");

  // The same key twice: one movement; the same key with another body: 422.
  HttpResult first = Move(session, drop, cashier, "drop-once");
  HttpResult second = Move(session, drop, cashier, "drop-once");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(Int(Json(first), "id"), Int(Json(second), "id"));
  EXPECT_EQ(Move(session, R"({"kind": "drop", "amount_cents": 800})", cashier, "drop-once").status, 422);
  // Ten at once with one key: still one.
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&] {
      if (Move(session, R"({"kind": "no_sale", "reason": "ouverture"})", cashier, "nosale-once").status == 201)
        ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 10);
  EXPECT_EQ(till_->SalesDb(rows), "2");
  EXPECT_EQ(till_->SalesDb("SELECT actor || ' ' || reason FROM register_movements WHERE kind = 'no_sale' AND"
                           " register_session_id = " +
                           std::to_string(session)),
            "5 ouverture");

  HttpResult list = till_->Get(SessionPath(session, "/movements"), till_->Manager());
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json(list).at("data").as_array().size(), 2u);
  EXPECT_EQ(till_->Get(SessionPath(session, "/movements"), till_->Cashier(1)).status, 404);
  EXPECT_EQ(till_->Get(SessionPath(session, "/report"), till_->Cashier(1)).status, 404);

  // A closed session takes no movement.
  ASSERT_EQ(till_->Post(SessionPath(session, "/close"), R"({"counted_cash_cents": 1300})", cashier, "").status, 200);
  HttpResult after = Move(session, drop, cashier, "drop-after-close");
  EXPECT_EQ(after.status, 422) << after.body;
  EXPECT_EQ(Code(after), "sales.invalid_register_session");
}

TEST_F(TillPlatform, ASuspendedSaleIsResumedOnceAtAnotherTillOfTheStore) {
  constexpr std::int64_t kStore = 4;
  const std::string basket =
      R"({"lines": [{"id": 5, "sku": "VETE-0001", "name": "T-shirt", "price_cents": 1999, "quantity": 2}],)"
      R"( "customer_label": ""})";
  const std::string body = R"({"location_id": 4, "register": "1", "label": "Mme Tremblay", "basket": )" + basket + "}";
  // Mile End's cashier on a second account: "another till of the same store".
  const std::string here = till_->Cashier(kStore);
  const std::string colleague = till_->Token(auth::Role::kCashier, "44", kStore);
  for (const std::string& bad :
       {std::string(R"({"location_id": 4, "basket": {"lines": []}})"),
        std::string(R"({"location_id": 4, "basket": [1]})"), std::string(R"({"location_id": 4})")}) {
    EXPECT_EQ(till_->Post("/api/v1/suspended-sales", bad, here, "bad-suspend").status, 400) << bad;
  }
  EXPECT_EQ(till_->Post("/api/v1/suspended-sales", body, till_->Cashier(1), "s-w1").status, 403);
  EXPECT_EQ(till_->Post("/api/v1/suspended-sales", body, "", "s-w2").status, 401);
  EXPECT_EQ(till_->Post("/api/v1/suspended-sales", body, till_->Token(auth::Role::kCustomer, "c", std::nullopt), "s-w3")
                .status,
            403);

  HttpResult first = till_->Post("/api/v1/suspended-sales", body, here, "suspend-1");
  HttpResult again = till_->Post("/api/v1/suspended-sales", body, here, "suspend-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Int(Json(first), "id"), Int(Json(again), "id"));
  const std::string id = std::to_string(Int(Json(first), "id"));
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM suspended_sales WHERE idempotency_key = 'suspend-1'"), "1");

  HttpResult list = till_->Get("/api/v1/suspended-sales", colleague);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(Json(list).at("data").as_array().size(), 1u);
  EXPECT_EQ(till_->Get("/api/v1/suspended-sales?location_id=4", till_->Cashier(1)).status, 403);
  EXPECT_TRUE(Json(till_->Get("/api/v1/suspended-sales", till_->Cashier(1))).at("data").as_array().empty());

  const std::string resume = "/api/v1/suspended-sales/" + id + "/resume";
  EXPECT_EQ(till_->Post(resume, R"({"register": "2"})", till_->Cashier(1), "").status, 404);
  HttpResult resumed = till_->Post(resume, R"({"register": "2"})", colleague, "");
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(Json(resumed).at("basket"), json::parse(basket));
  EXPECT_EQ(Json(resumed).at("resumed_register").as_string(), "2");
  EXPECT_EQ(Json(resumed).at("resumed_by").as_string(), "44");
  HttpResult twice = till_->Post(resume, R"({"register": "1"})", here, "");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(Code(twice), "sales.suspended_sale_resumed");
  EXPECT_TRUE(Json(till_->Get("/api/v1/suspended-sales", here)).at("data").as_array().empty());
}

}  // namespace
}  // namespace comptoir::sales
