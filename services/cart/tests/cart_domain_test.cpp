// Unit tests of the cart rules: totals and taxes, ids and Redis key layout, body parsing, JSON mapping,
// OpenAPI coverage of the route table. No I/O.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "comptoir/cart/cart.hpp"
#include "comptoir/error.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/cart.hpp"

namespace comptoir::cart {
namespace {

std::vector<std::string> FieldsOf(const ApiError& error) {
  std::vector<std::string> fields;
  for (const auto& f : error.fields()) fields.push_back(f.field);
  return fields;
}

template <class F>
ApiError Catch(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an ApiError";
  return ApiError::Internal("none", "none");
}

Line MakeLine(std::int64_t id, std::int64_t price, std::int64_t quantity) {
  return Line{id, "SKU-" + std::to_string(id), "P" + std::to_string(id), price, quantity};
}

TEST(Totals, JacketsAndHoneyOfTheIssue) {
  // 2 × Veste d'hiver (12999) + 1 × Miel (1599): the amounts of issue 5's "done when".
  Totals t = ComputeTotals({MakeLine(7, 12999, 2), MakeLine(12, 1599, 1)});
  EXPECT_EQ(t.item_count, 3);
  EXPECT_EQ(t.subtotal_cents, 27597);
  EXPECT_EQ(t.gst_cents, 1380);
  EXPECT_EQ(t.qst_cents, 2753);
  EXPECT_EQ(t.total_cents, 31730);
}

TEST(Totals, TaxesOnTheSubtotalNotPerLine) {
  // Three coffees at 12.99: per-line rounding would give GST 3 × 65 = 195; on the subtotal 3897 → 194.85 → 195,
  // QST 388.73 → 389 (per line 3 × 130 = 390).
  Totals t = ComputeTotals({MakeLine(9, 1299, 3)});
  EXPECT_EQ(t.subtotal_cents, 3897);
  EXPECT_EQ(t.gst_cents, 195);
  EXPECT_EQ(t.qst_cents, 389);
  EXPECT_EQ(t.total_cents, 3897 + 195 + 389);
}

TEST(Totals, HalfCentRoundsUp) {
  // 10 cents: GST 0.5 → 1; QST 0.9975 → 1.
  Totals t = ComputeTotals({MakeLine(1, 10, 1)});
  EXPECT_EQ(t.gst_cents, 1);
  EXPECT_EQ(t.qst_cents, 1);
  EXPECT_EQ(t.total_cents, 12);
}

TEST(Totals, EmptyCartIsZero) {
  Totals t = ComputeTotals({});
  EXPECT_EQ(t.item_count, 0);
  EXPECT_EQ(t.subtotal_cents, 0);
  EXPECT_EQ(t.total_cents, 0);
}

TEST(Ids, GuestCartsAreUuidsLowerCased) {
  auto id = ParseCartId("3F2504E0-4F89-41D3-9A0C-0305E82C3301");
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->IsGuest());
  EXPECT_EQ(id->id, "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
}

TEST(Ids, ShopperCartsNameTheirOwner) {
  auto id = ParseCartId("customer-42");
  ASSERT_TRUE(id);
  EXPECT_FALSE(id->IsGuest());
  EXPECT_EQ(*id->customer_id, "42");
  EXPECT_EQ(CustomerCartId("42"), "customer-42");
}

// The seed README's `session_id=test123`: any 1–128 characters of [A-Za-z0-9_-] is a guest cart's id,
// kept as it is (only UUIDs are lower-cased).
TEST(Ids, GuestSessionIdsAreShortOpaqueNames) {
  for (const char* good :
       {"test123", "a", "Kiosque_3-caisse-2", "3f2504e0-4f89-41d3-9a0c-0305e82c330", "Customer-42"}) {
    auto id = ParseCartId(good);
    ASSERT_TRUE(id) << good;
    EXPECT_TRUE(id->IsGuest()) << good;
    EXPECT_EQ(id->id, good);
    EXPECT_TRUE(IsSessionId(good));
  }
  EXPECT_TRUE(ParseCartId(std::string(128, 'x')));
  EXPECT_FALSE(ParseCartId(std::string(129, 'x')));
}

TEST(Ids, AnythingElseCannotBeACart) {
  // A guest id can never name a shopper's cart: `customer-` is reserved.
  for (const char* bad : {"", "customer-", "customer-x1", "customer--1", "g f2504e0-4f89-41d3-9a0c-0305e82c3301",
                          "customer-1:items", "test.123", "caf\xc3\xa9", "a/b", "{x}"}) {
    EXPECT_FALSE(ParseCartId(bad)) << bad;
  }
  EXPECT_FALSE(IsSessionId("customer-42")) << "a shopper's cart id is not a session id";
}

TEST(Ids, ProductIdsAreDigits) {
  EXPECT_EQ(ParseProductId("12"), 12);
  EXPECT_FALSE(ParseProductId("0"));
  EXPECT_FALSE(ParseProductId("-1"));
  EXPECT_FALSE(ParseProductId("1a"));
  EXPECT_FALSE(ParseProductId("99999999999999999999"));
}

TEST(Keys, LayoutKeepsACartInOneSlot) {
  CartKeys keys = KeysOf("cart:", "customer-7");
  EXPECT_EQ(keys.items, "cart:{customer-7}:items");
  EXPECT_EQ(keys.meta, "cart:{customer-7}:meta");
}

TEST(Body, AddNeedsAProductAndAPositiveQuantity) {
  auto e = Catch([] { ParseAddItemBody(boost::json::parse(R"({"quantity": 0, "colour": "red"})")); });
  EXPECT_EQ(e.code(), "cart.invalid_item");
  EXPECT_EQ(e.status(), 400);
  auto fields = FieldsOf(e);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "product_id"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "quantity"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "colour"), fields.end());
  AddItem item = ParseAddItemBody(boost::json::parse(R"({"product_id": 7, "quantity": 2})"));
  EXPECT_EQ(item.product_id, 7);
  EXPECT_EQ(item.quantity, 2);
}

TEST(Body, AddRefusesAbsurdQuantities) {
  auto e = Catch([] { ParseAddItemBody(boost::json::parse(R"({"product_id": 7, "quantity": 1000})")); });
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"quantity"});
  e = Catch([] { ParseAddItemBody(boost::json::parse(R"({"product_id": "7", "quantity": 1.5})")); });
  EXPECT_EQ(FieldsOf(e).size(), 2u);
  e = Catch([] { ParseAddItemBody(boost::json::parse(R"([1])")); });
  EXPECT_EQ(e.status(), 400);
}

TEST(Body, SetAcceptsZeroToRemove) {
  EXPECT_EQ(ParseQuantityBody(boost::json::parse(R"({"quantity": 0})"), 5), 0);
  EXPECT_EQ(ParseQuantityBody(boost::json::parse(R"({"quantity": 5, "product_id": 5})"), 5), 5);
  auto e = Catch([] { ParseQuantityBody(boost::json::parse(R"({"quantity": -1})"), 5); });
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"quantity"});
  e = Catch([] { ParseQuantityBody(boost::json::parse(R"({})"), 5); });
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"quantity"});
  e = Catch([] { ParseQuantityBody(boost::json::parse(R"({"quantity": 1, "product_id": 6})"), 5); });
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"product_id"});
}

TEST(Json, CartAnswerHasEveryField) {
  StoredCart cart{"customer-42", "42", {{7, 2}, {12, 1}}, "2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"};
  auto o = CartJson(cart, {MakeLine(7, 12999, 2), MakeLine(12, 1599, 1)}, {}, "cart-2");
  EXPECT_EQ(o.at("id").as_string(), "customer-42");
  EXPECT_EQ(o.at("customer_id").as_int64(), 42);
  EXPECT_EQ(o.at("items").as_array().size(), 2u);
  const auto& line = o.at("items").as_array().at(0).as_object();
  EXPECT_EQ(line.at("product_id").as_int64(), 7);
  EXPECT_EQ(line.at("sku").as_string(), "SKU-7");
  EXPECT_EQ(line.at("unit_price_cents").as_int64(), 12999);
  EXPECT_EQ(line.at("quantity").as_int64(), 2);
  EXPECT_EQ(line.at("line_total_cents").as_int64(), 25998);
  EXPECT_EQ(o.at("item_count").as_int64(), 3);
  EXPECT_EQ(o.at("subtotal_cents").as_int64(), 27597);
  EXPECT_EQ(o.at("gst_cents").as_int64(), 1380);
  EXPECT_EQ(o.at("qst_cents").as_int64(), 2753);
  EXPECT_EQ(o.at("total_cents").as_int64(), 31730);
  EXPECT_EQ(o.at("served_by").as_string(), "cart-2");
  EXPECT_EQ(o.at("updated_at").as_string(), "2026-01-02T00:00:00.000Z");
}

TEST(Json, GuestCartHasNoCustomer) {
  StoredCart cart{"3f2504e0-4f89-41d3-9a0c-0305e82c3301", std::nullopt, {}, "t", "t"};
  auto o = CartJson(cart, {}, {}, "cart-1");
  EXPECT_TRUE(o.at("customer_id").is_null());
  EXPECT_EQ(o.at("total_cents").as_int64(), 0);
}

TEST(Time, Rfc3339WithMilliseconds) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(1795069621123), "2026-11-19T06:27:01.123Z");
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::cart
