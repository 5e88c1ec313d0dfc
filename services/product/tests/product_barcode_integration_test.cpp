// Integration test of barcodes (ADR 0170) on the real platform (testing::Platform: customer, product, inventory,
// sales and the gateway): lookups by EAN-13 / UPC-A and by price-embedded codes, barcodes on product writes (the
// wrong person, a wrong check digit, a duplicate), and a sale at the till of a scanned weighed piece at its
// embedded price, its stock moved once.
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/auth/auth.hpp"
#include "comptoir/money.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::product {
namespace {

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

class Barcodes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    platform_ = new testing::Platform(
        testing::PlatformOptions{.services = {"customer", "product", "inventory", "sales"}, .name = "barcode_it"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static std::string Token(auth::Role role, std::string subject, std::optional<std::int64_t> location = std::nullopt) {
    return platform_->Auth().Token(role, std::move(subject), location);
  }
  static std::string Cashier(std::int64_t store) { return Token(auth::Role::kCashier, std::to_string(store), store); }
  static std::string Manager() { return Token(auth::Role::kManager, "7"); }
  static HttpResult Get(const std::string& target, const std::string& token = {}) {
    return platform_->Call("GET", target, {}, token);
  }
  static HttpResult Send(const std::string& method, const std::string& target, const json::object& body,
                         const std::string& token, const std::string& key = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!key.empty()) headers.emplace_back("Idempotency-Key", key);
    return platform_->Call(method, target, json::serialize(body), token, headers);
  }
  static std::int64_t OnHand(std::int64_t location, std::int64_t product) {
    HttpResult r =
        Get("/api/v1/inventory?location_id=" + std::to_string(location) + "&product_id=" + std::to_string(product),
            Manager());
    EXPECT_EQ(r.status, 200) << r.body;
    const json::value v = Json(r);
    const auto& data = v.at("data").as_array();
    return data.empty() ? 0 : data[0].at("on_hand").as_int64();
  }
  static std::string Db(const std::string& sql) { return testing::QueryValue(platform_->Conninfo("product"), sql); }

  static testing::Platform* platform_;
};

testing::Platform* Barcodes::platform_ = nullptr;

TEST_F(Barcodes, SeedProductsHaveValidBarcodesAndWeighedGoodsScaleCodes) {
  HttpResult cafe = Get("/api/v1/products/9");
  ASSERT_EQ(cafe.status, 200) << cafe.body;
  EXPECT_EQ(Json(cafe).at("barcode").as_string(), "7540001000096");
  HttpResult fromage = Get("/api/v1/products/19");
  ASSERT_EQ(fromage.status, 200) << fromage.body;
  EXPECT_EQ(Json(fromage).at("name").as_string(), "Fromage Oka au poids");
  EXPECT_EQ(Json(fromage).at("scale_code").as_string(), "10001");
  EXPECT_TRUE(Json(fromage).at("barcode").is_null());
}

TEST_F(Barcodes, LookupIsPublicByEan13AndUpcA) {
  HttpResult scan = Get("/api/v1/products/by-barcode/7540001000096");  // no token: a public catalogue read
  ASSERT_EQ(scan.status, 200) << scan.body;
  auto v = Json(scan);
  EXPECT_EQ(v.at("kind").as_string(), "gtin");
  EXPECT_EQ(v.at("product").at("id").as_int64(), 9);
  EXPECT_EQ(v.at("price_cents").as_int64(), 1299);
  EXPECT_TRUE(v.at("embedded_price_cents").is_null());

  // A product with a UPC-A: written as 12 digits, stored and found as its EAN-13.
  HttpResult created =
      Send("POST", "/api/v1/products",
           {{"sku", "UPC-0001"}, {"name", "Mouchoirs"}, {"price_cents", 349}, {"barcode", "036000241457"}}, Manager());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created).at("barcode").as_string(), "0036000241457");
  for (const char* code : {"036000241457", "0036000241457"}) {
    HttpResult found = Get(std::string("/api/v1/products/by-barcode/") + code);
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_EQ(Json(found).at("product").at("sku").as_string(), "UPC-0001");
  }
  EXPECT_EQ(Code(Get("/api/v1/products/by-barcode/4006381333931")), "product.not_found");  // valid, unknown
}

TEST_F(Barcodes, WrongCheckDigitIsAProblemAndChangesNothing) {
  HttpResult scan = Get("/api/v1/products/by-barcode/7540001000097");
  EXPECT_EQ(scan.status, 400) << scan.body;
  EXPECT_EQ(Code(scan), "product.invalid_barcode");
  EXPECT_NE(Json(scan).at("detail").as_string().find("GS1 mod-10 gives 6"), std::string::npos) << scan.body;
  EXPECT_EQ(Code(Get("/api/v1/products/by-barcode/75400010")), "product.invalid_barcode");

  std::string before = Db("SELECT count(*) FROM products");
  HttpResult bad =
      Send("POST", "/api/v1/products",
           {{"sku", "BAD-0001"}, {"name", "x"}, {"price_cents", 1}, {"barcode", "4006381333932"}}, Manager());
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Code(bad), "product.invalid");
  EXPECT_NE(bad.body.find("\"barcode\""), std::string::npos);
  HttpResult scale =
      Send("POST", "/api/v1/products",
           {{"sku", "BAD-0002"}, {"name", "x"}, {"price_cents", 1}, {"barcode", "2100011012349"}}, Manager());
  EXPECT_EQ(scale.status, 400) << scale.body;  // the in-store range is the scale's, never a product's barcode
  EXPECT_EQ(Db("SELECT count(*) FROM products"), before);
}

TEST_F(Barcodes, OnlyAManagerWritesBarcodesAndTheyAreUnique) {
  json::object body{{"barcode", "4006381333931"}};
  EXPECT_EQ(Send("PATCH", "/api/v1/products/3", body, Cashier(4)).status, 403);
  EXPECT_EQ(Send("PATCH", "/api/v1/products/3", body, Token(auth::Role::kCustomer, "1")).status, 403);
  EXPECT_EQ(Send("PATCH", "/api/v1/products/3", body, "").status, 401);
  EXPECT_EQ(Json(Get("/api/v1/products/3")).at("barcode").as_string(), "7540001000034");

  HttpResult taken = Send("PATCH", "/api/v1/products/3", {{"barcode", "7540001000096"}}, Manager());  // the Café's
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(Code(taken), "product.duplicate_barcode");
  HttpResult code = Send("PATCH", "/api/v1/products/3", {{"scale_code", "10001"}}, Manager());  // the fromage's
  EXPECT_EQ(Code(code), "product.duplicate_scale_code");

  HttpResult moved = Send("PATCH", "/api/v1/products/3", body, Manager());
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(Get("/api/v1/products/by-barcode/4006381333931")).at("product").at("id").as_int64(), 3);
  EXPECT_EQ(Get("/api/v1/products/by-barcode/7540001000034").status, 404);  // the old one names nothing now
  HttpResult removed = Send("PATCH", "/api/v1/products/3", {{"barcode", nullptr}}, Manager());
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(Json(removed).at("barcode").is_null());
}

TEST_F(Barcodes, PriceEmbeddedCodeResolvesToTheItemAtItsPrice) {
  for (const char* code : {"2100011012349", "0210001912343", "210001912343"}) {  // 2x, 02 as EAN-13 and as UPC-A
    HttpResult scan = Get(std::string("/api/v1/products/by-barcode/") + code);
    ASSERT_EQ(scan.status, 200) << code << " " << scan.body;
    auto v = Json(scan);
    EXPECT_EQ(v.at("kind").as_string(), "price_embedded");
    EXPECT_EQ(v.at("item_code").as_string(), "10001");
    EXPECT_EQ(v.at("embedded_price_cents").as_int64(), 1234);
    EXPECT_EQ(v.at("price_cents").as_int64(), 1234);
    EXPECT_EQ(v.at("product").at("id").as_int64(), 19);
    EXPECT_EQ(v.at("product").at("price_cents").as_int64(), 3990);  // the shelf's price per kilogram
  }
  // A right check digit but a wrong price verifier: 400, the price is not trusted.
  HttpResult verifier = Get("/api/v1/products/by-barcode/2100012012348");
  EXPECT_EQ(verifier.status, 400) << verifier.body;
  EXPECT_EQ(Code(verifier), "product.invalid_barcode");
  EXPECT_EQ(Code(Get("/api/v1/products/by-barcode/2999990000009")), "product.not_found");  // no such item code
}

TEST_F(Barcodes, TheTillSellsAScannedWeighedPieceAtItsEmbeddedPrice) {
  const std::int64_t fromage = OnHand(4, 19), cafe = OnHand(4, 9);
  ASSERT_GE(fromage, 2);
  // Two pieces of fromage (12,34 $ and 8,99 $ labels... the second is a saumon), and a Café by its EAN-13.
  const std::int64_t subtotal = 1234 + 899 + 1299;
  json::array lines{json::object{{"barcode", "2100011012349"}, {"quantity", 1}},
                    json::object{{"barcode", "2100024008995"}, {"quantity", 1}},
                    json::object{{"barcode", "7540001000096"}, {"quantity", 1}}};
  json::object body{
      {"location_id", 4},
      {"lines", lines},
      // Cheese, smoked salmon and coffee beans are zero-rated basic groceries (ADR 0140): no GST, no QST.
      {"payments", json::array{json::object{{"method", "card"}, {"amount_cents", subtotal}}}}};
  const std::int64_t saumon = OnHand(4, 20);
  HttpResult sale = Send("POST", "/api/v1/sales", body, Cashier(4), "barcode-sale-1");
  ASSERT_EQ(sale.status, 201) << sale.body;
  auto v = Json(sale);
  const auto& sold = v.at("lines").as_array();
  ASSERT_EQ(sold.size(), 3u);
  EXPECT_EQ(sold[0].at("product_id").as_int64(), 19);
  EXPECT_EQ(sold[0].at("unit_price_cents").as_int64(), 1234);
  EXPECT_EQ(sold[1].at("product_id").as_int64(), 20);
  EXPECT_EQ(sold[1].at("unit_price_cents").as_int64(), 899);
  EXPECT_EQ(sold[2].at("unit_price_cents").as_int64(), 1299);
  EXPECT_EQ(v.at("subtotal_cents").as_int64(), subtotal);
  EXPECT_EQ(v.at("zero_rated_cents").as_int64(), subtotal);
  EXPECT_EQ(v.at("gst_cents").as_int64(), 0);
  EXPECT_EQ(v.at("qst_cents").as_int64(), 0);
  // The same request again: the same sale, stock moved once.
  HttpResult again = Send("POST", "/api/v1/sales", body, Cashier(4), "barcode-sale-1");
  EXPECT_EQ(Json(again).at("id"), v.at("id")) << again.body;
  EXPECT_EQ(OnHand(4, 19), fromage - 1);
  EXPECT_EQ(OnHand(4, 20), saumon - 1);
  EXPECT_EQ(OnHand(4, 9), cafe - 1);

  // Two pieces of fromage, 12,34 $ and 8,99 $ (the 02 layout): one line of 2 whose total is the sum of the labels,
  // its unit price their average; returned one by one, the two refunds add up to what was paid.
  json::object two{{"location_id", 4},
                   {"lines", json::array{json::object{{"barcode", "2100011012349"}, {"quantity", 1}},
                                         json::object{{"barcode", "0210001908995"}, {"quantity", 1}}}},
                   {"payments", json::array{json::object{{"method", "card"},
                                                         {"amount_cents", 2133}}}}};
  HttpResult pair = Send("POST", "/api/v1/sales", two, Cashier(4), "barcode-sale-2");
  ASSERT_EQ(pair.status, 201) << pair.body;
  const json::value paired = Json(pair);
  ASSERT_EQ(paired.at("lines").as_array().size(), 1u);
  const auto& fromages = paired.at("lines").as_array()[0];
  EXPECT_EQ(fromages.at("quantity").as_int64(), 2);
  EXPECT_EQ(fromages.at("line_total_cents").as_int64(), 2133);
  EXPECT_EQ(fromages.at("unit_price_cents").as_int64(), 1067);
  EXPECT_EQ(paired.at("subtotal_cents").as_int64(), 2133);
  const std::string sale_id = std::to_string(paired.at("id").as_int64());
  std::int64_t refunded = 0;
  for (const char* key : {"barcode-return-1", "barcode-return-2"}) {
    HttpResult back =
        Send("POST", "/api/v1/sales/" + sale_id + "/returns",
             {{"lines", json::array{json::object{{"product_id", 19}, {"quantity", 1}}}}, {"reason", "client"}},
             Cashier(4), key);
    ASSERT_EQ(back.status, 201) << back.body;
    refunded += Json(back).at("subtotal_cents").as_int64();
    EXPECT_EQ(Json(back).at("total_cents").as_int64(), Json(back).at("subtotal_cents").as_int64());  // no tax
  }
  EXPECT_EQ(refunded, 2133);

  // A label with a wrong check digit is refused at the till, nothing sold.
  json::object wrong = body;
  wrong["lines"] = json::array{json::object{{"barcode", "2100011012348"}, {"quantity", 1}}};
  HttpResult refused = Send("POST", "/api/v1/sales", wrong, Cashier(4), "barcode-sale-3");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(OnHand(4, 19), fromage - 1);  // 1 + 2 sold, 2 returned
}

}  // namespace
}  // namespace comptoir::product
