#include "comptoir/json.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace comptoir::json {
namespace {

TEST(JsonTest, InvalidBodyIsA400) {
  try {
    ParseBody("{\"name\": ");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.code(), "request.invalid_json");
  }
  EXPECT_THROW(ParseBody(""), ApiError);
}

TEST(JsonTest, ReaderCollectsEveryFieldError) {
  auto v = ParseBody(R"({"sku": 12, "price_cents": -5, "active": "yes", "extra": 1, "description": ""})");
  ObjectReader r(v);
  r.RejectUnknown({"sku", "name", "price_cents", "active", "description"});
  r.String("sku", true, 1, 64);
  r.String("name", true, 1, 200);
  r.Int("price_cents", true, 0, 100000000);
  r.Bool("active", false);
  r.String("description", false, 0, 10);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> fields;
  for (const auto& e : r.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"extra", "sku", "name", "price_cents", "active"}));
  try {
    r.ThrowIfErrors("product.invalid");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "product.invalid");
    EXPECT_EQ(e.fields().size(), 5u);
  }
}

TEST(JsonTest, ReaderReadsValidValues) {
  auto v = ParseBody(R"({"name": "Café", "price_cents": 1299, "active": false})");
  ObjectReader r(v, "lines[0].");
  EXPECT_EQ(r.String("name", true, 1, 4).value(), "Café");  // 4 characters, 5 bytes
  EXPECT_EQ(r.Int("price_cents", true).value(), 1299);
  EXPECT_EQ(r.Bool("active", true).value(), false);
  EXPECT_FALSE(r.String("missing", false).has_value());
  EXPECT_TRUE(r.ok());
  r.Fail("quantity", "must be positive");
  EXPECT_EQ(r.errors()[0].field, "lines[0].quantity");
}

TEST(JsonTest, NonObjectBody) {
  auto v = ParseBody("[1,2]");
  ObjectReader r(v);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].field, "body");
}

TEST(JsonTest, FloatIsNotAnInteger) {
  auto v = ParseBody(R"({"price_cents": 12.5})");
  ObjectReader r(v);
  EXPECT_FALSE(r.Int("price_cents", true).has_value());
  EXPECT_EQ(r.errors()[0].message, "must be an integer");
}

TEST(JsonTest, Utf8Checks) {
  EXPECT_EQ(Utf8Length("Crème brûlée"), 12u);
  EXPECT_TRUE(IsCleanUtf8("Thé Vert\n"));
  EXPECT_FALSE(IsCleanUtf8(std::string("bad\xC3", 4)));
  EXPECT_FALSE(IsCleanUtf8(std::string("\xC0\xAF")));  // overlong '/'
  EXPECT_FALSE(IsCleanUtf8(std::string("a\x01", 2)));
}

}  // namespace
}  // namespace comptoir::json
