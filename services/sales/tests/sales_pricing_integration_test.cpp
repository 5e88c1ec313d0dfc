// Issue 15 (ADR 0140, 0141) through the real services behind the gateway: tax classes, line discounts with a
// manager's approval above the limit, promotions from product, and returns that refund what was paid.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "till_ops.hpp"

namespace comptoir::sales {
namespace {

using test::Code;
using test::HttpResult;
using test::Int;
using test::Json;
using test::SaleBody;
namespace json = boost::json;

constexpr std::int64_t kMileEnd = 4;

class PricingPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ =
        new testing::Platform({.services = {"customer", "product", "inventory", "sales"}, .name = "sales_pricing"});
    till_ = new test::Till(*platform_);
  }
  static void TearDownTestSuite() {
    delete till_;
    delete platform_;
  }
  static std::string Card(std::int64_t cents) {
    return R"([{"method": "card", "amount_cents": )" + std::to_string(cents) + "}]";
  }
  static std::int64_t Sales() { return std::stoll(till_->SalesDb("SELECT count(*) FROM sales")); }

  static testing::Platform* platform_;
  static test::Till* till_;
};

testing::Platform* PricingPlatform::platform_ = nullptr;
test::Till* PricingPlatform::till_ = nullptr;

// The issue's "done when": 2 T-shirts (10 % off one), 1 Café, 1 Chocolat Noir at Mile End — ADR 0140 example 1.
TEST_F(PricingPlatform, MileEndSaleTaxesPerClassAsTheAdrWorksThemOut) {
  const std::string lines =
      R"([{"product_id": 5, "quantity": 2, "discount": {"percent": 10, "quantity": 1}},)"
      R"( {"product_id": 9, "quantity": 1}, {"product_id": 10, "quantity": 1}])";
  HttpResult r = till_->Post("/api/v1/sales", SaleBody(kMileEnd, lines, Card(6240)), till_->Cashier(kMileEnd),
                             "pricing-mile-end");
  ASSERT_EQ(r.status, 201) << r.body;
  const json::value sale = Json(r);
  EXPECT_EQ(Int(sale, "subtotal_cents"), 5596);
  EXPECT_EQ(Int(sale, "discount_cents"), 200);
  EXPECT_EQ(Int(sale, "taxable_cents"), 4297);
  EXPECT_EQ(Int(sale, "zero_rated_cents"), 1299);
  EXPECT_EQ(Int(sale, "exempt_cents"), 0);
  EXPECT_EQ(Int(sale, "gst_cents"), 215);
  EXPECT_EQ(Int(sale, "qst_cents"), 429);
  EXPECT_EQ(Int(sale, "total_cents"), 6240);
  const auto& l = sale.at("lines").as_array();
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(Int(l[0], "gross_cents"), 3998);
  EXPECT_EQ(Int(l[0], "discount_cents"), 200);
  EXPECT_EQ(Int(l[0], "line_total_cents"), 3798);
  EXPECT_EQ(l[0].at("discounts").as_array().at(0).at("label").as_string(), "Rabais");
  EXPECT_EQ(l[1].at("tax_class").as_string(), "zero_rated");
  EXPECT_EQ(l[2].at("tax_class").as_string(), "taxable");
  // Read back: the receipt is what was recorded.
  const json::value again = Json(till_->Get("/api/v1/sales/" + std::to_string(Int(sale, "id")), till_->Cashier(kMileEnd)));
  EXPECT_EQ(Int(again, "taxable_cents"), 4297);
  EXPECT_EQ(Int(again.at("lines").at(0), "discount_cents"), 200);

  // A return refunds what was paid: one T-shirt of a 37.98 $ line of two is 18.99 $ (GST 0.95, QST 1.89),
  // the Café comes back without tax, and the rest gives back exactly the receipt's taxes.
  const std::string path = "/api/v1/sales/" + std::to_string(Int(sale, "id")) + "/returns";
  HttpResult one = till_->Post(path, test::ReturnBody(5, 1), till_->Cashier(kMileEnd), "pricing-ret-1");
  ASSERT_EQ(one.status, 201) << one.body;
  EXPECT_EQ(Int(Json(one), "subtotal_cents"), 1899);
  EXPECT_EQ(Int(Json(one), "gst_cents"), 95);
  EXPECT_EQ(Int(Json(one), "qst_cents"), 189);
  HttpResult cafe = till_->Post(path, test::ReturnBody(9, 1), till_->Cashier(kMileEnd), "pricing-ret-2");
  ASSERT_EQ(cafe.status, 201) << cafe.body;
  EXPECT_EQ(Int(Json(cafe), "subtotal_cents"), 1299);
  EXPECT_EQ(Int(Json(cafe), "zero_rated_cents"), 1299);
  EXPECT_EQ(Int(Json(cafe), "gst_cents") + Int(Json(cafe), "qst_cents"), 0);
  HttpResult rest = till_->Post(path,
                                R"({"lines": [{"product_id": 5, "quantity": 1}, {"product_id": 10, "quantity": 1}],)"
                                R"( "reason": "test"})",
                                till_->Cashier(kMileEnd), "pricing-ret-3");
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(Int(Json(one), "total_cents") + Int(Json(cafe), "total_cents") + Int(Json(rest), "total_cents"), 6240);
  EXPECT_EQ(Int(Json(one), "gst_cents") + Int(Json(rest), "gst_cents"), 215);
  EXPECT_EQ(Int(Json(one), "qst_cents") + Int(Json(rest), "qst_cents"), 429);
}

TEST_F(PricingPlatform, ADiscountAboveTheLimitNeedsAManagerOfThisStoreOrHeadOffice) {
  const std::string body = SaleBody(
      kMileEnd, R"([{"product_id": 6, "quantity": 1, "discount": {"percent": 25}}])", Card(4499 + 225 + 449));
  const std::int64_t before = Sales();
  // 25 % of 59.99 = 15.00 (14.9975); 44.99 → GST 2.25, QST 4.49.
  HttpResult alone = till_->Post("/api/v1/sales", body, till_->Cashier(kMileEnd), "pricing-limit-1");
  EXPECT_EQ(alone.status, 403) << alone.body;
  EXPECT_EQ(Code(alone), "sales.discount_approval_required");
  // The wrong people as approvers: another cashier, a manager bound to another store, a forged-looking token.
  for (const std::string& approver :
       {till_->Cashier(kMileEnd), till_->Cashier(2), till_->Token(auth::Role::kManager, "m2", 2),
        std::string("not-a-token")}) {
    HttpResult r = till_->Post("/api/v1/sales", body, till_->Cashier(kMileEnd), "pricing-limit-2",
                               {{"X-Manager-Token", approver}});
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Code(r), "sales.manager_approval_invalid");
  }
  EXPECT_EQ(Sales(), before);  // nothing recorded
  HttpResult approved = till_->Post("/api/v1/sales", body, till_->Cashier(kMileEnd), "pricing-limit-3",
                                    {{"X-Manager-Token", till_->Manager()}});
  ASSERT_EQ(approved.status, 201) << approved.body;
  EXPECT_EQ(Json(approved).at("discount_approved_by").as_string(), "7");
  EXPECT_EQ(Int(Json(approved), "total_cents"), 4499 + 225 + 449);
  // At the limit a cashier needs nobody: 20 % of 59.99 = 12.00 (11.998).
  HttpResult at_limit = till_->Post(
      "/api/v1/sales", SaleBody(kMileEnd, R"([{"product_id": 6, "quantity": 1, "discount": {"percent": 20}}])",
                                Card(4799 + 240 + 479)),
      till_->Cashier(kMileEnd), "pricing-limit-4");
  EXPECT_EQ(at_limit.status, 201) << at_limit.body;
  // A discount larger than the line is refused, nothing recorded.
  HttpResult too_much = till_->Post(
      "/api/v1/sales",
      SaleBody(kMileEnd, R"([{"product_id": 10, "quantity": 1, "discount": {"amount_cents": 500}}])", Card(1)),
      till_->Cashier(kMileEnd), "pricing-limit-5", {{"X-Manager-Token", till_->Manager()}});
  EXPECT_EQ(too_much.status, 422) << too_much.body;
  EXPECT_EQ(Code(too_much), "pricing.discount_exceeds_line");
  HttpResult malformed = till_->Post(
      "/api/v1/sales", SaleBody(kMileEnd, R"([{"product_id": 10, "quantity": 1, "discount": {"percent": 10, "amount_cents": 5}}])", Card(1)),
      till_->Cashier(kMileEnd), "pricing-limit-6");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
}

TEST_F(PricingPlatform, PromotionsOfTheStoreApplyAtTheTillOnly) {
  // Buy 2 get 1 on T-shirts at Mile End, created by a manager in product.
  HttpResult created = till_->Post(
      "/api/v1/promotions",
      R"({"name": "T-shirts : 2 achetés, 1 offert", "kind": "buy_x_get_y", "product_ids": [5], "buy_quantity": 2,)"
      R"( "get_quantity": 1, "starts_at": "2026-01-01T00:00:00Z", "location_ids": [4]})",
      till_->Manager(), "");
  ASSERT_EQ(created.status, 201) << created.body;
  HttpResult r = till_->Post(
      "/api/v1/sales", SaleBody(kMileEnd, R"([{"product_id": 5, "quantity": 3}])", Card(4597)),
      till_->Cashier(kMileEnd), "pricing-promo-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Int(Json(r), "subtotal_cents"), 3998);
  EXPECT_EQ(Int(Json(r), "total_cents"), 4597);
  ASSERT_EQ(Json(r).at("promotions").as_array().size(), 1u);
  EXPECT_EQ(Int(Json(r).at("promotions").at(0), "amount_cents"), 1999);
  // Plateau has no such promotion: full price.
  HttpResult plateau = till_->Post(
      "/api/v1/sales", SaleBody(2, R"([{"product_id": 5, "quantity": 3}])", Card(5997 + 300 + 598)),
      till_->Cashier(2), "pricing-promo-2");
  ASSERT_EQ(plateau.status, 201) << plateau.body;
  EXPECT_TRUE(Json(plateau).at("promotions").as_array().empty());
  // Withdrawn, it no longer applies.
  ASSERT_EQ(platform_->Call("DELETE", "/api/v1/promotions/" + std::to_string(Int(Json(created), "id")), "",
                            till_->Manager()).status,
            204);
  HttpResult after = till_->Post(
      "/api/v1/sales", SaleBody(kMileEnd, R"([{"product_id": 5, "quantity": 3}])", Card(5997 + 300 + 598)),
      till_->Cashier(kMileEnd), "pricing-promo-3");
  EXPECT_EQ(after.status, 201) << after.body;
}

// The register's reports and receipts with discounts and tax classes (ADR 0140, 0141, 0150): the Mile End sale
// and a buy 2 get 1 on one session, a T-shirt returned; the receipt shows the discounts by name and what paid no
// tax; the X and the Z count the discounts and the amounts per class exactly as the receipts do.
TEST_F(PricingPlatform, TheZCountsDiscountsAndTaxesPerClassAsTheReceiptsDo) {
  const std::int64_t session = test::OpenSession(*till_, kMileEnd, "P-1", 10000);
  ASSERT_GT(session, 0);
  HttpResult promo = till_->Post(
      "/api/v1/promotions",
      R"({"name": "T-shirts : 2 achetés, 1 offert", "kind": "buy_x_get_y", "product_ids": [5], "buy_quantity": 2,)"
      R"( "get_quantity": 1, "starts_at": "2026-01-01T00:00:00Z", "location_ids": [4]})",
      till_->Manager(), "");
  ASSERT_EQ(promo.status, 201) << promo.body;
  const std::string promo_path = "/api/v1/promotions/" + std::to_string(Int(Json(promo), "id"));

  HttpResult a = till_->Post(
      "/api/v1/sales",
      test::SessionSale(kMileEnd, session,
                        R"([{"product_id": 5, "quantity": 2, "discount": {"percent": 10, "quantity": 1}},)"
                        R"( {"product_id": 9, "quantity": 1}, {"product_id": 10, "quantity": 1}])",
                        R"([{"method": "cash", "amount_cents": 7000}])"),
      till_->Cashier(kMileEnd), "pricing-z-a");
  ASSERT_EQ(a.status, 201) << a.body;
  // Two T-shirts only: not a full group of three, the promotion gives nothing; the cashier's 10 % does.
  EXPECT_EQ(Int(Json(a), "discount_cents"), 200);
  EXPECT_EQ(Int(Json(a), "total_cents"), 6240);
  HttpResult b = till_->Post("/api/v1/sales",
                             test::SessionSale(kMileEnd, session, R"([{"product_id": 5, "quantity": 3}])", Card(4597)),
                             till_->Cashier(kMileEnd), "pricing-z-b");
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_EQ(Int(Json(b), "discount_cents"), 1999);
  ASSERT_EQ(platform_->Call("DELETE", promo_path, "", till_->Manager()).status, 204);

  // The receipt a reviewer recomputes by hand: TPS and TVQ on the taxable 42,97 $, the Café « Détaxé ».
  const std::string a_id = std::to_string(Int(Json(a), "id"));
  HttpResult text = till_->Get("/api/v1/sales/" + a_id + "/receipt?format=text40", till_->Cashier(kMileEnd));
  ASSERT_EQ(text.status, 200) << text.body;
  for (const char* row : {"\n  Rabais                           -2,00\n", "\nCafé                               12,99\n  Détaxé\n",
                          "\n  Taxable                          42,97\n", "\n  Détaxé                           12,99\n",
                          "\nTPS (5 %)                           2,15\n", "\nTVQ (9,975 %)                       4,29\n"}) {
    EXPECT_NE(text.body.find(row), std::string::npos) << row << text.body;
  }
  HttpResult b_text = till_->Get("/api/v1/sales/" + std::to_string(Int(Json(b), "id")) + "/receipt?format=text40",
                                 till_->Cashier(kMileEnd));
  EXPECT_NE(b_text.body.find("\n  T-shirts : 2 achetés, 1 offert  -19,99\n"), std::string::npos) << b_text.body;

  // One T-shirt of the discounted line back: 18,99 $ + its taxes, on this session.
  HttpResult back = till_->Post("/api/v1/sales/" + a_id + "/returns",
                                R"({"lines": [{"product_id": 5, "quantity": 1}], "reason": "taille",)"
                                R"( "register_session_id": )" + std::to_string(session) + "}",
                                till_->Cashier(kMileEnd), "pricing-z-ret");
  ASSERT_EQ(back.status, 201) << back.body;
  EXPECT_EQ(Int(Json(back), "subtotal_cents"), 1899);

  HttpResult x = till_->Get(test::SessionPath(session, "/report"), till_->Cashier(kMileEnd));
  ASSERT_EQ(x.status, 200) << x.body;
  EXPECT_EQ(Int(Json(x), "discounts_cents"), 200 + 1999);
  HttpResult closed = till_->Post(test::SessionPath(session, "/close"), R"({"counted_cash_cents": 10000})",
                                  till_->Cashier(kMileEnd), "");
  ASSERT_EQ(closed.status, 200) << closed.body;
  const json::value closed_session = Json(closed);
  const json::value& z = closed_session.at("z_report");
  EXPECT_EQ(Int(z, "discounts_cents"), 200 + 1999);
  EXPECT_EQ(Int(z.at("discounts"), "count"), 2);
  EXPECT_EQ(Int(z.at("discounts"), "promotions_cents"), 1999);
  EXPECT_EQ(Int(z.at("discounts"), "line_cents"), 200);
  EXPECT_EQ(Int(z.at("sales"), "subtotal_cents"), 5596 + 3998);
  EXPECT_EQ(Int(z.at("sales"), "taxable_cents"), 4297 + 3998);
  EXPECT_EQ(Int(z.at("sales"), "zero_rated_cents"), 1299);
  EXPECT_EQ(Int(z.at("sales"), "discount_cents"), 200 + 1999);
  const json::value& by_class = z.at("taxes").at("by_class");
  EXPECT_EQ(Int(by_class.at("taxable"), "sales_cents"), 4297 + 3998);
  EXPECT_EQ(Int(by_class.at("taxable"), "refunded_cents"), 1899);
  EXPECT_EQ(Int(by_class.at("taxable"), "gst_cents"), 215 + 200 - Int(Json(back), "gst_cents"));
  EXPECT_EQ(Int(by_class.at("taxable"), "qst_cents"), 429 + 399 - Int(Json(back), "qst_cents"));
  EXPECT_EQ(Int(by_class.at("zero_rated"), "sales_cents"), 1299);
  EXPECT_EQ(Int(by_class.at("zero_rated"), "gst_cents"), 0);
  EXPECT_EQ(Int(by_class.at("zero_rated"), "qst_cents"), 0);
  EXPECT_EQ(Int(by_class.at("exempt"), "sales_cents"), 0);
  EXPECT_EQ(Int(z.at("taxes").at("gst"), "collected_cents"), 215 + 200);
}

}  // namespace
}  // namespace comptoir::sales
