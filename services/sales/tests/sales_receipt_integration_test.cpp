// Receipts through the gateway (issue 15, ADR 0160): a real sale at Mile End, its receipt in every format with
// the store's header from inventory, reprints, lookup by receipt number, and the wrong people (another store's
// cashier, a shopper, logistics, no token). Real customer, product, inventory and sales processes.
#include <gtest/gtest.h>

#include "comptoir/receipt/render.hpp"
#include "till.hpp"

namespace comptoir::sales {
namespace {

namespace json = boost::json;
using test::Code;
using test::Json;
using testing::HttpResult;

class ReceiptPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform({.services = {"customer", "product", "inventory", "sales"}, .name = "sales_receipt"});
    till_ = new test::Till(*platform_);
    // Issue 15's basket at Mile End: 2 T-shirts, 1 Café, 1 Chocolat Noir, paid 100 $ in cash.
    HttpResult r = till_->Post("/api/v1/sales",
                               test::SaleBody(4,
                                              R"([{"product_id": 5, "quantity": 2}, {"product_id": 9, "quantity": 1},
                                                  {"product_id": 10, "quantity": 1}])",
                                              R"([{"method": "cash", "amount_cents": 10000}])"),
                               till_->Cashier(4), "receipt-sale-1");
    ASSERT_EQ(r.status, 201) << r.body;
    sale_ = new json::object(Json(r).as_object());
  }
  static void TearDownTestSuite() {
    delete sale_;
    delete till_;
    delete platform_;
  }
  static std::string SaleId() { return std::to_string(sale_->at("id").to_number<std::int64_t>()); }
  static std::string Number() { return std::string(sale_->at("receipt_number").as_string()); }
  static std::string Shopper() { return till_->Token(auth::Role::kCustomer, "1", std::nullopt); }

  static testing::Platform* platform_;
  static test::Till* till_;
  static json::object* sale_;
};

testing::Platform* ReceiptPlatform::platform_ = nullptr;
test::Till* ReceiptPlatform::till_ = nullptr;
json::object* ReceiptPlatform::sale_ = nullptr;

receipt::Document Expected(const json::object& sale, bool copy = false) {
  receipt::Document doc = receipt::FromJson(sale, {"Comptoir", "123456789 RT0001", "1234567890 TQ0001"},
                                            {"Mile End", "5225, boulevard Saint-Laurent", "Montréal"});
  doc.copy = copy;
  return doc;
}

TEST_F(ReceiptPlatform, FortyColumnTextOfTheSaleWithItsStoreAndRegistrations) {
  HttpResult r = till_->Get("/api/v1/sales/" + SaleId() + "/receipt?format=text40", till_->Cashier(4));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/plain; charset=utf-8");
  EXPECT_EQ(r.headers["x-receipt-number"], Number());
  EXPECT_EQ(r.body, receipt::RenderText(Expected(*sale_), 40));
  // What a reviewer reads on it, from inventory's location 4 and the configuration.
  EXPECT_NE(r.body.find("                Mile End\n     5225, boulevard Saint-Laurent\n                Montréal\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("TPS : 123456789 RT0001\n"), std::string::npos);
  EXPECT_NE(r.body.find("TVQ : 1234567890 TQ0001\n"), std::string::npos);
  EXPECT_NE(r.body.find("\n  2 x 19,99                        39,98\n"), std::string::npos);
  EXPECT_NE(r.body.find("Monnaie rendue"), std::string::npos);
  EXPECT_EQ(r.body.find("COPIE"), std::string::npos);
  // The default format is 40 columns.
  EXPECT_EQ(till_->Get("/api/v1/sales/" + SaleId() + "/receipt", till_->Cashier(4)).body, r.body);
}

TEST_F(ReceiptPlatform, EveryFormat) {
  const std::string base = "/api/v1/sales/" + SaleId() + "/receipt?format=";
  HttpResult wide = till_->Get(base + "text48", till_->Manager());
  ASSERT_EQ(wide.status, 200) << wide.body;
  EXPECT_EQ(wide.body, receipt::RenderText(Expected(*sale_), 48));

  HttpResult html = till_->Get(base + "html", till_->Cashier(4));
  ASSERT_EQ(html.status, 200) << html.body;
  EXPECT_EQ(html.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(html.body, receipt::RenderHtml(Expected(*sale_)));
  EXPECT_NE(html.body.find("aria-label=\"Code 128 " + Number() + "\""), std::string::npos);

  HttpResult escpos = till_->Get(base + "escpos", till_->Cashier(4));
  ASSERT_EQ(escpos.status, 200);
  EXPECT_EQ(escpos.headers["content-type"], "application/vnd.escpos");
  EXPECT_EQ(escpos.body, receipt::RenderEscPos(Expected(*sale_)));
  EXPECT_EQ(escpos.body.rfind("\x1b@\x1bt\x04", 0), 0u);
  EXPECT_NE(escpos.body.find("\x1dk\x49" + std::string(1, static_cast<char>(Number().size() + 2)) + "{B" + Number()),
            std::string::npos);
  EXPECT_EQ(escpos.body.substr(escpos.body.size() - 4), std::string("\x1dV\x42\x00", 4));
}

TEST_F(ReceiptPlatform, ReprintIsACopy) {
  HttpResult r = till_->Get("/api/v1/sales/" + SaleId() + "/receipt?format=text40&reprint=true", till_->Cashier(4));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, receipt::RenderText(Expected(*sale_, true), 40));
  EXPECT_NE(r.body.find("« COPIE »"), std::string::npos);
  HttpResult html = till_->Get("/api/v1/receipts/" + Number() + "?format=html&reprint=true", till_->Manager());
  EXPECT_NE(html.body.find("« COPIE » - DUPLICATA"), std::string::npos);
}

TEST_F(ReceiptPlatform, BadQueriesAreRefusedWithTheParameterNamed) {
  HttpResult r = till_->Get("/api/v1/sales/" + SaleId() + "/receipt?format=pdf&reprint=yes&x=1", till_->Cashier(4));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Code(r), "sales.invalid_query");
  EXPECT_NE(r.body.find("\"format\""), std::string::npos);
  EXPECT_NE(r.body.find("\"reprint\""), std::string::npos);
  EXPECT_EQ(till_->Get("/api/v1/receipts/" + Number() + "?format=pdf", till_->Cashier(4)).status, 400);
  EXPECT_EQ(Code(till_->Get("/api/v1/sales/999999/receipt", till_->Manager())), "sales.not_found");
  EXPECT_EQ(Code(till_->Get("/api/v1/sales/abc/receipt", till_->Manager())), "sales.not_found");
}

TEST_F(ReceiptPlatform, LookupByReceiptNumberForTheStoreAndHeadOffice) {
  HttpResult mine = till_->Get("/api/v1/receipts/" + Number() + "?format=text40", till_->Cashier(4));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.body, receipt::RenderText(Expected(*sale_), 40));
  EXPECT_EQ(till_->Get("/api/v1/receipts/" + Number(), till_->Manager()).status, 200);
  EXPECT_EQ(till_->Get("/api/v1/receipts/" + Number(), till_->Token(auth::Role::kAdmin, "8", std::nullopt)).status,
            200);
  HttpResult unknown = till_->Get("/api/v1/receipts/S4-999999", till_->Cashier(4));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Code(unknown), "sales.receipt_not_found");
}

TEST_F(ReceiptPlatform, TheWrongPeopleSeeNoReceipt) {
  const std::string by_id = "/api/v1/sales/" + SaleId() + "/receipt?format=html";
  const std::string by_number = "/api/v1/receipts/" + Number();
  // Another store's cashier: the receipt does not exist for them, as the sale does not.
  HttpResult other = till_->Get(by_id, till_->Cashier(1));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(Code(other), "sales.not_found");
  HttpResult other_number = till_->Get(by_number, till_->Cashier(1));
  EXPECT_EQ(other_number.status, 404);
  EXPECT_EQ(Code(other_number), "sales.receipt_not_found");
  // A shopper, even the sale's customer, and logistics: forbidden; no token: 401 at the gateway.
  for (const std::string& target : {by_id, by_number}) {
    EXPECT_EQ(till_->Get(target, Shopper()).status, 403) << target;
    EXPECT_EQ(till_->Get(target, till_->Token(auth::Role::kLogistics, "6", 6)).status, 403) << target;
    EXPECT_EQ(till_->Get(target, "").status, 401) << target;
  }
}

TEST_F(ReceiptPlatform, EmailRequestsAreCheckedQueuedOnceAndVisible) {
  const std::string target = "/api/v1/sales/" + SaleId() + "/receipt/email";
  const std::string token = till_->Cashier(4);
  for (const char* bad : {R"({"to": "pas une adresse"})", R"({"to": "a@b.ca\r\nBcc: x@y.ca"})",
                                 R"({"to": "a@b.ca", "cc": "c@d.ca"})", R"({})", R"({"to": "a@b.ca", "reprint": 1})"}) {
    HttpResult r = till_->Post(target, bad, token, "");
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM receipt_emails WHERE sale_id = " + SaleId()), "0");

  HttpResult first = till_->Post(target, R"({"to": "jean.dupont@example.com"})", token, "mail-1");
  ASSERT_EQ(first.status, 202) << first.body;
  json::value queued = Json(first);
  EXPECT_EQ(queued.at("to").as_string(), "jean.dupont@example.com");
  EXPECT_EQ(queued.at("attempts").to_number<std::int64_t>(), 0);
  EXPECT_FALSE(queued.at("reprint").as_bool());
  // The same request again: the same e-mail, nothing more queued; the key with another address: refused.
  HttpResult again = till_->Post(target, R"({"to": "jean.dupont@example.com"})", token, "mail-1");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(Json(again).at("id"), queued.at("id"));
  HttpResult reused = till_->Post(target, R"({"to": "marie.martin@example.com"})", token, "mail-1");
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(Code(reused), "request.idempotency_key_reused");
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM receipt_emails WHERE sale_id = " + SaleId()), "1");

  // The wrong people: another store's cashier (404), a shopper (403), no token (401); nothing queued.
  EXPECT_EQ(till_->Post(target, R"({"to": "x@example.com"})", till_->Cashier(1), "").status, 404);
  EXPECT_EQ(till_->Post(target, R"({"to": "x@example.com"})", Shopper(), "").status, 403);
  EXPECT_EQ(till_->Post(target, R"({"to": "x@example.com"})", "", "").status, 401);
  EXPECT_EQ(till_->SalesDb("SELECT count(*) FROM receipt_emails WHERE sale_id = " + SaleId()), "1");

  HttpResult list = till_->Get("/api/v1/sales/" + SaleId() + "/receipt/emails", till_->Manager());
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(Json(list).at("data").as_array().size(), 1u);
  EXPECT_EQ(till_->Get("/api/v1/sales/" + SaleId() + "/receipt/emails", till_->Cashier(1)).status, 404);
}

}  // namespace
}  // namespace comptoir::sales
