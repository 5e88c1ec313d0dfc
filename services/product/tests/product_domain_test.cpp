// Unit tests of the catalogue rules, query parsing, JSON mapping and OpenAPI coverage. No I/O.
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/handlers.hpp"
#include "api/json.hpp"
#include "domain/promotions.hpp"
#include "comptoir/error.hpp"
#include "comptoir/product/product.hpp"
#include "comptoir/testing/openapi.hpp"
#include "domain/catalogue.hpp"

namespace comptoir::product {
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

TEST(Sku, AcceptsLettersDigitsDotUnderscoreDash) {
  EXPECT_FALSE(SkuProblem("ELEC-0001"));
  EXPECT_FALSE(SkuProblem("a.b_c-9"));
  EXPECT_FALSE(SkuProblem(std::string(64, 'A')));
}

TEST(Sku, RefusesEmptyLongAndOtherCharacters) {
  EXPECT_TRUE(SkuProblem(""));
  EXPECT_TRUE(SkuProblem(std::string(65, 'A')));
  EXPECT_TRUE(SkuProblem("ELEC 0001"));
  EXPECT_TRUE(SkuProblem("CAFÉ-1"));
  EXPECT_TRUE(SkuProblem("a/b"));
  EXPECT_TRUE(SkuProblem("a%"));
}

TEST(Price, IntegerCentsWithinBounds) {
  EXPECT_FALSE(PriceProblem(0));
  EXPECT_FALSE(PriceProblem(100'000'000));
  EXPECT_TRUE(PriceProblem(-1));
  EXPECT_TRUE(PriceProblem(100'000'001));
}

TEST(Id, OnlyPositiveDecimal) {
  EXPECT_EQ(ParseId("42"), 42);
  EXPECT_FALSE(ParseId("0"));
  EXPECT_FALSE(ParseId("-1"));
  EXPECT_FALSE(ParseId("+1"));
  EXPECT_FALSE(ParseId("abc"));
  EXPECT_FALSE(ParseId("4x"));
  EXPECT_FALSE(ParseId(""));
  EXPECT_FALSE(ParseId("99999999999999999999"));
}

TEST(EscapeLike, WildcardsMatchLiterally) {
  EXPECT_EQ(EscapeLike("50%_off\\"), "50\\%\\_off\\\\");
  EXPECT_EQ(EscapeLike("café"), "café");
}

TEST(ProductQuery, Defaults) {
  ProductQuery q = ParseProductQuery({});
  EXPECT_FALSE(q.q);
  EXPECT_EQ(q.active, ActiveFilter::kActive);
  EXPECT_EQ(q.sort, Sort::kName);
  EXPECT_EQ(q.page.page, 1);
  EXPECT_EQ(q.page.per_page, 20);
  EXPECT_EQ(q.page.Offset(), 0);
}

TEST(ProductQuery, TextSearchDefaultsToRelevance) {
  ProductQuery q = ParseProductQuery({{"q", "  café "}});
  ASSERT_TRUE(q.q);
  EXPECT_EQ(*q.q, "café");
  EXPECT_EQ(q.sort, Sort::kRelevance);
  EXPECT_EQ(ParseProductQuery({{"q", "cafe"}, {"sort", "-price_cents"}}).sort, Sort::kPriceDesc);
  // Blank q is no search; relevance without a search falls back to name.
  EXPECT_FALSE(ParseProductQuery({{"q", "   "}}).q);
  EXPECT_EQ(ParseProductQuery({{"sort", "relevance"}}).sort, Sort::kName);
}

TEST(ProductQuery, AllFilters) {
  ProductQuery q = ParseProductQuery({{"category_id", "3"},
                                      {"min_price_cents", "100"},
                                      {"max_price_cents", "2000"},
                                      {"active", "all"},
                                      {"sort", "-created_at"},
                                      {"page", "3"},
                                      {"per_page", "100"},
                                      {"unknown", "ignored"}});
  EXPECT_EQ(q.category_id, 3);
  EXPECT_EQ(q.min_price_cents, 100);
  EXPECT_EQ(q.max_price_cents, 2000);
  EXPECT_EQ(q.active, ActiveFilter::kAll);
  EXPECT_EQ(q.sort, Sort::kCreatedDesc);
  EXPECT_EQ(q.page.Offset(), 200);
  EXPECT_EQ(ParseProductQuery({{"active", "false"}}).active, ActiveFilter::kArchived);
}

TEST(ProductQuery, BadValuesNameEveryParameter) {
  ApiError e = Catch([] {
    ParseProductQuery({{"per_page", "101"},
                       {"page", "0"},
                       {"sort", "price"},
                       {"active", "yes"},
                       {"category_id", "x"},
                       {"min_price_cents", "-1"},
                       {"max_price_cents", "1.5"}});
  });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "product.invalid_query");
  std::vector<std::string> expected{"page",   "per_page", "category_id", "min_price_cents", "max_price_cents",
                                    "active", "sort"};
  auto fields = FieldsOf(e);
  for (const auto& name : expected) {
    EXPECT_NE(std::find(fields.begin(), fields.end(), name), fields.end()) << name;
  }
}

TEST(ProductQuery, MinAboveMaxIsRefused) {
  ApiError e = Catch([] { ParseProductQuery({{"min_price_cents", "500"}, {"max_price_cents", "100"}}); });
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"min_price_cents"});
}

TEST(ProductQuery, LongSearchIsRefused) {
  ApiError e = Catch([] { ParseProductQuery({{"q", std::string(201, 'a')}}); });
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"q"});
  EXPECT_NO_THROW(ParseProductQuery({{"q", std::string(200, 'a')}}));
}

TEST(Sort, NamesRoundTrip) {
  for (auto name : {"relevance", "name", "-name", "price_cents", "-price_cents", "created_at", "-created_at", "id"}) {
    auto sort = ParseSort(name);
    ASSERT_TRUE(sort) << name;
    EXPECT_EQ(SortName(*sort), name);
  }
  EXPECT_FALSE(ParseSort("-id"));
  EXPECT_FALSE(ParseSort("price"));
}

TEST(Page, ParsedForCategories) {
  EXPECT_EQ(ParsePage({{"per_page", "5"}}, "category.invalid_query").per_page, 5);
  ApiError e = Catch([] { ParsePage({{"per_page", "0"}}, "category.invalid_query"); });
  EXPECT_EQ(e.code(), "category.invalid_query");
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"per_page"});
}

TEST(ProductBody, CreateNeedsSkuNamePrice) {
  ApiError e = Catch([] { ParseProductBody(boost::json::parse(R"({"description": "x"})"), ProductBodyMode::kCreate); });
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code(), "product.invalid");
  auto fields = FieldsOf(e);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()), (std::set<std::string>{"sku", "name", "price_cents"}));
}

TEST(ProductBody, CreateFillsDefaults) {
  ProductChange c = ParseProductBody(boost::json::parse(R"({"sku": "X-1", "name": "Café", "price_cents": 1299})"),
                                     ProductBodyMode::kCreate);
  EXPECT_EQ(c.sku, "X-1");
  EXPECT_EQ(c.name, "Café");
  EXPECT_EQ(c.description, "");
  ASSERT_TRUE(c.category_id.has_value());
  EXPECT_FALSE(c.category_id->has_value());
  EXPECT_EQ(c.price_cents, 1299);
  EXPECT_EQ(c.active, true);
}

TEST(ProductBody, RefusesBadValues) {
  ApiError e = Catch([] {
    ParseProductBody(boost::json::parse(R"({"sku": "a b", "name": "  ", "price_cents": 12.5, "category_id": 0,
                                            "active": "yes", "colour": "red"})"),
                     ProductBodyMode::kCreate);
  });
  auto fields = FieldsOf(e);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()),
            (std::set<std::string>{"sku", "name", "price_cents", "category_id", "active", "colour"}));
  ApiError negative = Catch([] {
    ParseProductBody(boost::json::parse(R"({"sku":"A","name":"n","price_cents":-1})"), ProductBodyMode::kCreate);
  });
  EXPECT_EQ(FieldsOf(negative), std::vector<std::string>{"price_cents"});
  ApiError long_name = Catch([] {
    ParseProductBody(boost::json::value({{"sku", "A"}, {"name", std::string(201, 'n')}, {"price_cents", 1}}),
                     ProductBodyMode::kCreate);
  });
  EXPECT_EQ(FieldsOf(long_name), std::vector<std::string>{"name"});
  // 200 characters of two bytes each are fine: lengths are characters, not bytes.
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "é";
  EXPECT_NO_THROW(ParseProductBody(boost::json::value({{"sku", "A"}, {"name", accented}, {"price_cents", 1}}),
                                   ProductBodyMode::kCreate));
  ApiError not_object = Catch([] { ParseProductBody(boost::json::parse("[1]"), ProductBodyMode::kCreate); });
  EXPECT_EQ(not_object.status(), 400);
}

TEST(ProductBody, PatchKeepsAbsentFields) {
  ProductChange c = ParseProductBody(boost::json::parse(R"({"price_cents": 999})"), ProductBodyMode::kPatch);
  EXPECT_EQ(c.price_cents, 999);
  EXPECT_FALSE(c.sku);
  EXPECT_FALSE(c.name);
  EXPECT_FALSE(c.description);
  EXPECT_FALSE(c.category_id.has_value());
  EXPECT_FALSE(c.active);

  ProductChange clear = ParseProductBody(boost::json::parse(R"({"category_id": null})"), ProductBodyMode::kPatch);
  ASSERT_TRUE(clear.category_id.has_value());
  EXPECT_FALSE(clear.category_id->has_value());

  ApiError e =
      Catch([] { ParseProductBody(boost::json::parse(R"({"name": null, "sku": null})"), ProductBodyMode::kPatch); });
  auto fields = FieldsOf(e);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()), (std::set<std::string>{"name", "sku"}));
}

TEST(ProductBody, GetBodyCanBeSentBack) {
  EXPECT_NO_THROW(ParseProductBody(
      boost::json::parse(R"({"id": 9, "sku": "ALIM-0001", "name": "Café", "description": "", "category_id": 3,
                             "price_cents": 1299, "active": true, "created_at": "x", "updated_at": "y"})"),
      ProductBodyMode::kReplace));
}

TEST(CategoryBody, NameRequired) {
  ApiError e = Catch([] { ParseCategoryBody(boost::json::parse(R"({"description": "d"})")); });
  EXPECT_EQ(e.code(), "category.invalid");
  EXPECT_EQ(FieldsOf(e), std::vector<std::string>{"name"});
  CategoryInput c = ParseCategoryBody(boost::json::parse(R"({"name": "Jouets"})"));
  EXPECT_EQ(c.name, "Jouets");
  EXPECT_EQ(c.description, "");
}

TEST(Json, ProductHasEveryField) {
  Product p{
      9, "ALIM-0001", "Café", "Grains", 3, 1299, true, "2025-01-01T00:00:00.000000Z", "2025-01-02T00:00:00.000000Z"};
  p.tax_class = money::TaxClass::kZeroRated;
  boost::json::object o = ToJson(p);
  EXPECT_EQ(o.size(), 12u);
  EXPECT_EQ(o.at("tax_class").as_string(), "zero_rated");
  EXPECT_TRUE(o.at("barcode").is_null());  // ADR 0170: always present, null when none
  EXPECT_TRUE(o.at("scale_code").is_null());
  EXPECT_EQ(o.at("id").as_int64(), 9);
  EXPECT_EQ(o.at("sku").as_string(), "ALIM-0001");
  EXPECT_EQ(o.at("name").as_string(), "Café");
  EXPECT_EQ(o.at("category_id").as_int64(), 3);
  EXPECT_EQ(o.at("price_cents").as_int64(), 1299);
  EXPECT_EQ(o.at("active").as_bool(), true);
  EXPECT_EQ(o.at("created_at").as_string(), "2025-01-01T00:00:00.000000Z");
  p.category_id.reset();
  EXPECT_TRUE(ToJson(p).at("category_id").is_null());
}

TEST(Json, TaxClassIsReadAndChecked) {
  auto body = boost::json::parse(R"({"sku":"ALIM-9","name":"Farine","price_cents":499,"tax_class":"zero_rated"})");
  EXPECT_EQ(ParseProductBody(body, ProductBodyMode::kCreate).tax_class, money::TaxClass::kZeroRated);
  auto plain = boost::json::parse(R"({"sku":"ALIM-9","name":"Farine","price_cents":499})");
  EXPECT_EQ(ParseProductBody(plain, ProductBodyMode::kCreate).tax_class, money::TaxClass::kTaxable);
  EXPECT_FALSE(ParseProductBody(boost::json::parse(R"({"price_cents":1})"), ProductBodyMode::kPatch).tax_class);
  for (const char* bad : {R"({"tax_class":"zero-rated"})", R"({"tax_class":null})", R"({"tax_class":3})"}) {
    try {
      ParseProductBody(boost::json::parse(bad), ProductBodyMode::kPatch);
      ADD_FAILURE() << bad;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.code(), "product.invalid");
      ASSERT_FALSE(e.fields().empty());
      EXPECT_EQ(e.fields()[0].field, "tax_class");
    }
  }
}

TEST(Promotions, BodyOfEachKind) {
  auto b2g1 = ParsePromotionBody(boost::json::parse(
      R"({"name":"T-shirts : 2 achetés, 1 offert","kind":"buy_x_get_y","product_ids":[5],"buy_quantity":2,)"
      R"("get_quantity":1,"starts_at":"2026-12-01T00:00:00Z","location_ids":[4],"online":true})"));
  EXPECT_EQ(b2g1.rule.kind, pricing::PromotionKind::kBuyXGetY);
  EXPECT_EQ(b2g1.rule.product_ids, std::vector<std::int64_t>{5});
  EXPECT_EQ(b2g1.location_ids, std::vector<std::int64_t>{4});
  EXPECT_TRUE(b2g1.online);
  auto bundle = ParsePromotionBody(boost::json::parse(
      R"({"name":"Déjeuner","kind":"bundle","bundle":[{"product_id":9,"quantity":1},{"product_id":12,"quantity":1}],)"
      R"("bundle_price_cents":2500,"starts_at":"2026-12-01T00:00:00Z","ends_at":"2027-01-01T00:00:00Z","online":true})"));
  EXPECT_EQ(bundle.rule.bundle.size(), 2u);
  EXPECT_EQ(bundle.ends_at, "2027-01-01T00:00:00Z");
}

TEST(Promotions, EveryProblemAtOnce) {
  try {
    ParsePromotionBody(boost::json::parse(
        R"({"name":"x","kind":"percent_off","percent":0,"starts_at":"2026-12-01","ends_at":"2026-01-01T00:00:00Z"})"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "promotion.invalid");
    std::set<std::string> fields;
    for (const auto& f : e.fields()) fields.insert(f.field);
    EXPECT_TRUE(fields.count("percent"));
    EXPECT_TRUE(fields.count("product_ids"));
    EXPECT_TRUE(fields.count("starts_at"));
    EXPECT_TRUE(fields.count("location_ids"));
  }
  EXPECT_THROW(ParsePromotionBody(boost::json::parse(R"({"name":"x","kind":"free_lunch","starts_at":"2026-12-01T00:00:00Z","online":true})")),
               ApiError);
  EXPECT_THROW(ParsePromotionQuery({{"channel", "phone"}}), ApiError);
  EXPECT_TRUE(ParsePromotionQuery({{"status", "all"}}).all);
  EXPECT_EQ(ParsePromotionQuery({{"location_id", "4"}}).location_id, 4);
}

TEST(Json, ListHasDataAndMeta) {
  boost::json::array data{1, 2};
  auto v = boost::json::parse(ListJson(data, Page{2, 10}, 12));
  EXPECT_EQ(v.at("data").as_array().size(), 2u);
  EXPECT_EQ(v.at("meta").at("page").as_int64(), 2);
  EXPECT_EQ(v.at("meta").at("per_page").as_int64(), 10);
  EXPECT_EQ(v.at("meta").at("total").as_int64(), 12);
}

TEST(Definition, NamePortAndMigrations) {
  const auto& d = Definition();
  EXPECT_EQ(d.name, "product");
  EXPECT_EQ(d.default_port, 8001);
  auto files = d.migrations();
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files.front().name, "0001_catalogue.sql");
  EXPECT_NE(files.front().content.find("f_unaccent"), std::string_view::npos);
  EXPECT_TRUE(d.create);
  EXPECT_TRUE(d.seed);
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  EXPECT_EQ(testing::OpenApiProblems(Definition().openapi, testing::ServedRoutes(Routes())),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace comptoir::product
