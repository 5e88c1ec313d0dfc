// Integration test: the real `comptoir` binary (COMPTOIR_BIN) migrates, seeds and serves the product
// service against a fresh database of the test PostgreSQL ("pg" CTest fixture); every check goes
// over real HTTP, and the outbox is read from the database directly.
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"
#include "comptoir/testing/tokens.hpp"

namespace comptoir::product {
namespace {

using testing::Http;
using testing::HttpResult;
namespace json = boost::json;

// Runs `comptoir <command> --service product` against `conninfo` to completion.
int RunAdmin(const std::string& conninfo, const std::string& command, const std::string& log) {
  return testing::RunComptoir({command, "--service", "product"}, {{"COMPTOIR_PRODUCT_DATABASE_URL", conninfo}}, log);
}

json::value Json(const HttpResult& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  EXPECT_FALSE(ec) << "not JSON: " << r.body;
  return v;
}

std::vector<std::int64_t> Ids(const json::value& list) {
  std::vector<std::int64_t> ids;
  for (const auto& p : list.at("data").as_array()) ids.push_back(p.at("id").as_int64());
  return ids;
}

std::vector<std::string> ErrorFields(const json::value& problem) {
  std::vector<std::string> fields;
  if (const auto* errors = problem.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) fields.push_back(std::string(e.at("field").as_string()));
  }
  return fields;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class ProductService : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
    conninfo_ = testing::CreateDatabase("product_it");
    log_ = (testing::StateDir() / ("product_it_" + std::to_string(::getpid()) + ".log")).string();
    ASSERT_EQ(RunAdmin(conninfo_, "migrate", log_), 0) << "see " << log_;
    ASSERT_EQ(RunAdmin(conninfo_, "seed", log_), 0) << "see " << log_;
    ASSERT_EQ(RunAdmin(conninfo_, "seed", log_), 0) << "seeding twice must work; see " << log_;
    port_ = static_cast<std::uint16_t>(testing::FreePort());
    testing::ProcessOptions options;
    options.path = testing::ComptoirBin();
    options.args = {"serve", "--service", "product"};
    options.env = {{"COMPTOIR_PRODUCT_DATABASE_URL", conninfo_}, {"COMPTOIR_PRODUCT_HTTP_PORT", std::to_string(port_)}};
    for (auto& variable : auth_.VerifierEnv()) options.env.push_back(variable);
    manager_ = auth_.Token(auth::Role::kManager, "7");
    options.log_file = log_;
    server_ = new testing::ChildProcess(options);
    ASSERT_TRUE(testing::WaitForHttp(port_, "/health", std::chrono::seconds(30))) << "see " << log_;
  }

  static void TearDownTestSuite() {
    if (server_ != nullptr) {
      server_->Stop();
      delete server_;
      server_ = nullptr;
    }
  }

  static std::string Value(const std::string& sql) { return testing::QueryValue(conninfo_, sql); }
  static std::int64_t Count(const std::string& sql) { return std::stoll(Value(sql)); }

  static HttpResult Get(const std::string& target) { return Http(port_, "GET", target); }
  /// A write as the manager (catalogue writes need a manager or an admin).
  static HttpResult Send(const std::string& method, const std::string& target, const json::value& body,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + manager_);
    return Http(port_, method, target, json::serialize(body), std::move(headers));
  }
  static HttpResult Delete(const std::string& target) {
    return Http(port_, "DELETE", target, {}, {{"Authorization", "Bearer " + manager_}});
  }

  static inline std::string conninfo_;
  static inline std::string log_;
  static inline std::uint16_t port_ = 0;
  static inline testing::ChildProcess* server_ = nullptr;
  static inline testing::TestAuth auth_;
  static inline std::string manager_;
};

TEST_F(ProductService, SeedIsCompleteAndIdempotent) {
  // Seeded twice in SetUpTestSuite: still 5 categories and 20 products, one event per product.
  EXPECT_EQ(Value("SELECT string_agg(name, '|' ORDER BY id) FROM categories WHERE id <= 5"),
            "Électronique|Vêtements|Alimentation|Maison & Jardin|Sport & Loisirs");
  EXPECT_EQ(Count("SELECT count(*) FROM products WHERE id <= 20"), 20);
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE payload->>'correlation_id' = 'seed'"), 20);
  auto iphone = Json(Get("/api/v1/products/1"));
  EXPECT_EQ(iphone.at("name").as_string(), "iPhone 16 Pro Max");
  EXPECT_EQ(iphone.at("price_cents").as_int64(), 129999);
  EXPECT_EQ(iphone.at("category_id").as_int64(), 1);
  auto velo = Json(Get("/api/v1/products/18"));
  EXPECT_EQ(velo.at("name").as_string(), "Vélo VTT");
  EXPECT_EQ(velo.at("price_cents").as_int64(), 49999);
  EXPECT_EQ(velo.at("category_id").as_int64(), 5);
  // Identity sequences were moved past the explicit ids.
  HttpResult created =
      Send("POST", "/api/v1/products", {{"sku", "SEQ-0001"}, {"name", "Séquence"}, {"price_cents", 1}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_GT(Json(created).at("id").as_int64(), 18);
}

TEST_F(ProductService, SearchIgnoresCaseAndAccents) {
  for (std::string q : {"cafe", "CAFE", "caf%C3%A9", "CAF%C3%89"}) {
    HttpResult r = Get("/api/v1/products?q=" + q);
    ASSERT_EQ(r.status, 200) << r.body;
    auto ids = Ids(Json(r));
    ASSERT_FALSE(ids.empty()) << q;
    EXPECT_EQ(ids.front(), 9) << q;
  }
  // Description and SKU are searched too; LIKE wildcards in q are literal.
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?q=torrefie"))), std::vector<std::int64_t>{9});
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?q=alim-0002"))), std::vector<std::int64_t>{10});
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?q=70%20%25"))), std::vector<std::int64_t>{10});  // "70 %" cacao
  EXPECT_TRUE(Ids(Json(Get("/api/v1/products?q=_"))).empty());
  EXPECT_TRUE(Ids(Json(Get("/api/v1/products?q=zzzz-nothing"))).empty());
}

TEST_F(ProductService, UnknownProductIsProblem404) {
  HttpResult r = Http(port_, "GET", "/api/v1/products/999999", {}, {{"X-Request-ID", "it-req-404"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.headers["content-type"].find("application/problem+json"), std::string::npos);
  auto problem = Json(r);
  EXPECT_EQ(problem.at("code").as_string(), "product.not_found");
  EXPECT_EQ(problem.at("status").as_int64(), 404);
  EXPECT_EQ(problem.at("request_id").as_string(), "it-req-404");
  EXPECT_EQ(r.headers["x-request-id"], "it-req-404");
  HttpResult text_id = Get("/api/v1/products/abc");
  EXPECT_EQ(text_id.status, 404);
  EXPECT_EQ(Json(text_id).at("code").as_string(), "product.not_found");
  EXPECT_FALSE(Json(text_id).at("request_id").as_string().empty());
}

TEST_F(ProductService, MissingNameIs400NamingTheField) {
  HttpResult r = Send("POST", "/api/v1/products", {{"sku", "NONAME-1"}, {"price_cents", 100}});
  EXPECT_EQ(r.status, 400);
  auto problem = Json(r);
  EXPECT_EQ(problem.at("code").as_string(), "product.invalid");
  EXPECT_EQ(ErrorFields(problem), std::vector<std::string>{"name"});
  HttpResult bad_json = Http(port_, "POST", "/api/v1/products", "{not json", {{"Authorization", "Bearer " + manager_}});
  EXPECT_EQ(bad_json.status, 400);
}

TEST_F(ProductService, DuplicateSkuIs409AndWritesNoEvent) {
  std::int64_t before = Count("SELECT count(*) FROM outbox");
  HttpResult r = Send("POST", "/api/v1/products", {{"sku", "ELEC-0001"}, {"name", "Copie"}, {"price_cents", 100}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Json(r).at("code").as_string(), "product.duplicate_sku");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), before);
  // Same through PATCH.
  HttpResult patch = Send("PATCH", "/api/v1/products/2", {{"sku", "ELEC-0001"}});
  EXPECT_EQ(patch.status, 409);
  EXPECT_EQ(Json(patch).at("code").as_string(), "product.duplicate_sku");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox"), before);
}

TEST_F(ProductService, UnknownCategoryIs422) {
  HttpResult r = Send("POST", "/api/v1/products",
                      {{"sku", "NOCAT-1"}, {"name", "Sans catégorie"}, {"price_cents", 100}, {"category_id", 987654}});
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Json(r).at("code").as_string(), "product.unknown_category");
  EXPECT_EQ(ErrorFields(Json(r)), std::vector<std::string>{"category_id"});
}

TEST_F(ProductService, ProductLifecycleWithEvents) {
  HttpResult created =
      Send("POST", "/api/v1/products",
           {{"sku", "LIFE-0001"}, {"name", "Érable"}, {"description", "Sirop d'érable"}, {"price_cents", 1850}},
           {{"X-Request-ID", "it-life-create"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto product = Json(created);
  std::int64_t id = product.at("id").as_int64();
  std::string path = "/api/v1/products/" + std::to_string(id);
  EXPECT_EQ(created.headers["location"], path);
  EXPECT_EQ(product.at("active").as_bool(), true);
  EXPECT_TRUE(product.at("category_id").is_null());
  EXPECT_EQ(product.at("created_at").as_string().size(), 27u);  // 2025-01-31T14:03:07.123456Z
  EXPECT_EQ(product.at("created_at").as_string().back(), 'Z');

  auto fetched = Json(Get(path));
  EXPECT_EQ(fetched, product);

  HttpResult patched = Send("PATCH", path, {{"price_cents", 1999}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("price_cents").as_int64(), 1999);
  EXPECT_EQ(Json(patched).at("name").as_string(), "Érable");
  EXPECT_EQ(Json(patched).at("description").as_string(), "Sirop d'érable");

  HttpResult put = Send("PUT", path, {{"sku", "LIFE-0001"}, {"name", "Sirop d'érable"}, {"price_cents", 2100}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put).at("name").as_string(), "Sirop d'érable");
  EXPECT_EQ(Json(put).at("description").as_string(), "");  // full replacement
  EXPECT_EQ(Json(put).at("price_cents").as_int64(), 2100);

  HttpResult archived = Delete(path);
  EXPECT_EQ(archived.status, 204);
  auto after = Json(Get(path));
  EXPECT_EQ(after.at("active").as_bool(), false);
  EXPECT_EQ(Json(Get("/api/v1/products/by-sku/LIFE-0001")).at("active").as_bool(), false);
  EXPECT_TRUE(Ids(Json(Get("/api/v1/products?q=LIFE-0001"))).empty());
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?q=LIFE-0001&active=all"))), std::vector<std::int64_t>{id});
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?q=LIFE-0001&active=false"))), std::vector<std::int64_t>{id});
  EXPECT_EQ(Delete(path).status, 204);  // archiving again is fine

  // One ProductChanged per write (the second archive changed nothing), in order, in the envelope.
  std::string aggregate = "aggregate_type = 'product' AND aggregate_id = '" + std::to_string(id) + "'";
  EXPECT_EQ(Value("SELECT string_agg(payload->'data'->>'change', ',' ORDER BY seq) FROM outbox WHERE " + aggregate),
            "created,updated,updated,archived");
  EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE type = 'ProductChanged' AND payload->>'type' = 'ProductChanged'"
                  " AND payload->>'source' = 'product' AND (payload->>'id')::uuid = id AND " +
                  aggregate),
            4);
  EXPECT_EQ(Value("SELECT payload->>'correlation_id' FROM outbox WHERE " + aggregate + " ORDER BY seq LIMIT 1"),
            "it-life-create");
  EXPECT_EQ(Value("SELECT payload->'data'->>'active' FROM outbox WHERE " + aggregate + " ORDER BY seq DESC LIMIT 1"),
            "false");
  EXPECT_EQ(
      Value("SELECT payload->'data'->>'updated_at' FROM outbox WHERE " + aggregate + " ORDER BY seq DESC LIMIT 1"),
      std::string(after.at("updated_at").as_string()));

  // PATCH active=true restores it.
  HttpResult restored = Send("PATCH", path, {{"active", true}});
  EXPECT_EQ(Json(restored).at("active").as_bool(), true);
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?q=LIFE-0001"))), std::vector<std::int64_t>{id});

  EXPECT_EQ(Send("PATCH", "/api/v1/products/999999", {{"price_cents", 1}}).status, 404);
  EXPECT_EQ(Delete("/api/v1/products/999999").status, 404);
}

TEST_F(ProductService, FiltersAndSort) {
  // Alimentation: the four shelf products and the two weighed in store (ADR 0170).
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?category_id=3&sort=id"))),
            (std::vector<std::int64_t>{9, 10, 11, 12, 19, 20}));
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?category_id=1&min_price_cents=30000&sort=id"))),
            (std::vector<std::int64_t>{1, 2, 4}));
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?category_id=1&max_price_cents=44999&sort=price_cents"))),
            (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?category_id=2&sort=-price_cents"))),
            (std::vector<std::int64_t>{7, 8, 6, 5}));
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?category_id=3&sort=name"))),
            (std::vector<std::int64_t>{9, 10, 19, 12, 20, 11}));
  HttpResult bad = Get("/api/v1/products?sort=price&min_price_cents=abc");
  EXPECT_EQ(bad.status, 400);
  auto fields = ErrorFields(Json(bad));
  EXPECT_TRUE(Contains(fields, "sort"));
  EXPECT_TRUE(Contains(fields, "min_price_cents"));
  EXPECT_EQ(Json(bad).at("code").as_string(), "product.invalid_query");
}

TEST_F(ProductService, Pagination) {
  auto page2 = Json(Get("/api/v1/products?category_id=3&per_page=4&page=2&sort=id"));
  EXPECT_EQ(Ids(page2), (std::vector<std::int64_t>{19, 20}));
  EXPECT_EQ(page2.at("meta").at("total").as_int64(), 6);
  EXPECT_EQ(page2.at("meta").at("page").as_int64(), 2);
  EXPECT_EQ(page2.at("meta").at("per_page").as_int64(), 4);
  auto beyond = Json(Get("/api/v1/products?category_id=3&per_page=3&page=9"));
  EXPECT_TRUE(Ids(beyond).empty());
  EXPECT_EQ(beyond.at("meta").at("total").as_int64(), 6);
  auto defaults = Json(Get("/api/v1/products"));
  EXPECT_EQ(defaults.at("meta").at("page").as_int64(), 1);
  EXPECT_EQ(defaults.at("meta").at("per_page").as_int64(), 20);
  HttpResult too_many = Get("/api/v1/products?per_page=101");
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(ErrorFields(Json(too_many)), std::vector<std::string>{"per_page"});
}

TEST_F(ProductService, LookupBySku) {
  HttpResult r = Get("/api/v1/products/by-sku/ALIM-0001");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r).at("id").as_int64(), 9);
  EXPECT_EQ(Json(r).at("name").as_string(), "Café");
  HttpResult missing = Get("/api/v1/products/by-sku/NOPE-404");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Json(missing).at("code").as_string(), "product.not_found");
}

TEST_F(ProductService, CategoriesCrud) {
  auto list = Json(Get("/api/v1/categories"));
  EXPECT_GE(list.at("meta").at("total").as_int64(), 5);
  EXPECT_EQ(Json(Get("/api/v1/categories/3")).at("name").as_string(), "Alimentation");

  HttpResult created = Send("POST", "/api/v1/categories", {{"name", "Jouets"}, {"description", "Jeux et jouets"}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::int64_t id = Json(created).at("id").as_int64();
  EXPECT_GT(id, 5);
  std::string path = "/api/v1/categories/" + std::to_string(id);
  EXPECT_EQ(created.headers["location"], path);

  HttpResult duplicate = Send("POST", "/api/v1/categories", {{"name", "Jouets"}});
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(Json(duplicate).at("code").as_string(), "category.duplicate_name");
  HttpResult rename_clash = Send("PUT", path, {{"name", "Alimentation"}});
  EXPECT_EQ(rename_clash.status, 409);
  EXPECT_EQ(Json(rename_clash).at("code").as_string(), "category.duplicate_name");

  HttpResult renamed = Send("PUT", path, {{"name", "Jeux & Jouets"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(Json(Get(path)).at("name").as_string(), "Jeux & Jouets");
  EXPECT_EQ(Send("POST", "/api/v1/categories", json::object{}).status, 400);

  HttpResult toy = Send("POST", "/api/v1/products",
                        {{"sku", "TOY-0001"}, {"name", "Toupie"}, {"price_cents", 599}, {"category_id", id}});
  ASSERT_EQ(toy.status, 201) << toy.body;
  EXPECT_EQ(Ids(Json(Get("/api/v1/products?category_id=" + std::to_string(id)))),
            std::vector<std::int64_t>{Json(toy).at("id").as_int64()});
  EXPECT_EQ(Delete("/api/v1/products/" + std::to_string(Json(toy).at("id").as_int64())).status, 204);
  HttpResult in_use = Delete(path);
  EXPECT_EQ(in_use.status, 409);  // archived products still belong to it
  EXPECT_EQ(Json(in_use).at("code").as_string(), "category.in_use");

  HttpResult empty = Send("POST", "/api/v1/categories", {{"name", "Éphémère"}});
  ASSERT_EQ(empty.status, 201);
  std::string empty_path = "/api/v1/categories/" + std::to_string(Json(empty).at("id").as_int64());
  EXPECT_EQ(Delete(empty_path).status, 204);
  EXPECT_EQ(Get(empty_path).status, 404);
  EXPECT_EQ(Json(Get(empty_path)).at("code").as_string(), "category.not_found");
}

// Issue 12 §1: with only the public web key anyone could reprice the catalogue. Every write now needs a manager's
// or an admin's token, checked by product itself: nobody else changes a price, a product or a category.
TEST_F(ProductService, OnlyManagersAndAdminsWriteTheCatalogue) {
  const std::string before = Get("/api/v1/products/1").body;
  const std::string categories_before = Get("/api/v1/categories?per_page=100").body;
  struct Write {
    std::string method, target, body;
  };
  const std::vector<Write> writes = {
      {"PATCH", "/api/v1/products/1", R"({"price_cents":1})"},
      {"PUT", "/api/v1/products/1", R"({"sku":"ELEC-0001","name":"iPhone à 1 cent","price_cents":1})"},
      {"DELETE", "/api/v1/products/1", ""},
      {"POST", "/api/v1/products", R"({"sku":"PIRATE-1","name":"Pirate","price_cents":1})"},
      {"POST", "/api/v1/categories", R"({"name":"Pirates"})"},
      {"PUT", "/api/v1/categories/1", R"({"name":"Pirates"})"},
      {"DELETE", "/api/v1/categories/5", ""},
  };
  const std::int64_t now = auth::NowSeconds();
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"", "auth.missing_token"},
      {auth_.Token(auth::Role::kCashier, "4", 4), "auth.forbidden"},
      {auth_.Token(auth::Role::kLogistics, "6", 6), "auth.forbidden"},
      {auth_.Token(auth::Role::kCustomer, "1"), "auth.forbidden"},
      {auth_.ServiceToken("order", "product", {"charges:write"}), "auth.forbidden"},
      {auth_.ServiceToken("sales", "inventory", {"movements:sale"}), "auth.wrong_audience"},
      {auth_.Token(auth::Role::kManager, "7", std::nullopt, now - 7200), "auth.token_expired"},
      {auth_.ForgedToken(auth::Role::kAdmin, "8"), "auth.invalid_token"},
      {auth_.HmacWithPublicKey(auth::Role::kAdmin, "8"), "auth.invalid_token"},
  };
  for (const auto& w : writes) {
    for (const auto& [token, code] : refused) {
      std::vector<std::pair<std::string, std::string>> headers;
      if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
      HttpResult r = Http(port_, w.method, w.target, w.body, headers);
      EXPECT_EQ(r.status, code == "auth.forbidden" ? 403 : 401) << w.method << " " << w.target << " " << r.body;
      EXPECT_EQ(r.headers["content-type"], "application/problem+json") << w.method << " " << w.target;
      EXPECT_EQ(Json(r).at("code").as_string(), code) << w.method << " " << w.target;
    }
  }
  EXPECT_EQ(Get("/api/v1/products/1").body, before);
  EXPECT_EQ(Get("/api/v1/categories?per_page=100").body, categories_before);
  EXPECT_EQ(Get("/api/v1/products/by-sku/PIRATE-1").status, 404);

  // An admin may; so may the manager (every other test writes as the manager).
  const std::string admin = auth_.Token(auth::Role::kAdmin, "8");
  HttpResult renamed = Http(port_, "PATCH", "/api/v1/products/17", R"({"description":"Raquette de tennis"})",
                            {{"Authorization", "Bearer " + admin}});
  EXPECT_EQ(renamed.status, 200) << renamed.body;
}

TEST_F(ProductService, TaxClassesOfTheDemoCatalogueAndOfWrites) {
  // ADR 0140: Café, Thé Vert and Miel are basic groceries; Chocolat Noir is confectionery.
  EXPECT_EQ(Json(Get("/api/v1/products/9")).at("tax_class").as_string(), "zero_rated");
  EXPECT_EQ(Json(Get("/api/v1/products/10")).at("tax_class").as_string(), "taxable");
  EXPECT_EQ(Json(Get("/api/v1/products/11")).at("tax_class").as_string(), "zero_rated");
  EXPECT_EQ(Json(Get("/api/v1/products/12")).at("tax_class").as_string(), "zero_rated");
  EXPECT_EQ(Json(Get("/api/v1/products/5")).at("tax_class").as_string(), "taxable");
  auto created = Send("POST", "/api/v1/products",
                      json::parse(R"({"sku":"ALIM-TAX-1","name":"Farine","price_cents":399,"tax_class":"zero_rated"})"));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = std::to_string(Json(created).at("id").as_int64());
  EXPECT_EQ(Json(created).at("tax_class").as_string(), "zero_rated");
  auto patched = Send("PATCH", "/api/v1/products/" + id, json::parse(R"({"tax_class":"exempt"})"));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Json(patched).at("tax_class").as_string(), "exempt");
  EXPECT_EQ(Value("SELECT payload->'data'->>'tax_class' FROM outbox WHERE aggregate_id = '" + id +
                  "' ORDER BY seq DESC LIMIT 1"),
            "exempt");
  // A bad class changes nothing; a cashier may not reclassify.
  auto bad = Send("PATCH", "/api/v1/products/" + id, json::parse(R"({"tax_class":"zero-rated"})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Contains(ErrorFields(Json(bad)), "tax_class"));
  auto cashier = Http(port_, "PATCH", "/api/v1/products/" + id, R"({"tax_class":"taxable"})",
                      {{"Authorization", "Bearer " + auth_.Token(auth::Role::kCashier, "4")}});
  EXPECT_EQ(cashier.status, 403);
  EXPECT_EQ(Json(Get("/api/v1/products/" + id)).at("tax_class").as_string(), "exempt");
}

TEST_F(ProductService, PromotionsManagedByManagersReadByAll) {
  const std::string b2g1 =
      R"({"name":"T-shirts : 2 achetés, 1 offert","kind":"buy_x_get_y","product_ids":[5],"buy_quantity":2,)"
      R"("get_quantity":1,"starts_at":"2026-01-01T00:00:00Z","location_ids":[4],"online":true})";
  // Wrong people: no token, a cashier, a shopper.
  EXPECT_EQ(Http(port_, "POST", "/api/v1/promotions", b2g1).status, 401);
  for (const auto& token : {auth_.Token(auth::Role::kCashier, "4"), auth_.Token(auth::Role::kCustomer, "42")}) {
    EXPECT_EQ(Http(port_, "POST", "/api/v1/promotions", b2g1, {{"Authorization", "Bearer " + token}}).status, 403);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM promotions"), 0);
  auto created = Send("POST", "/api/v1/promotions", json::parse(b2g1));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = Json(created).at("id").as_int64();
  auto future = Send("POST", "/api/v1/promotions",
                     json::parse(R"({"name":"Plus tard","kind":"percent_off","category_id":2,"percent":10,)"
                                 R"("starts_at":"2099-01-01T00:00:00Z","location_ids":[1]})"));
  ASSERT_EQ(future.status, 201) << future.body;
  auto invalid = Send("POST", "/api/v1/promotions",
                      json::parse(R"({"name":"x","kind":"bundle","bundle":[{"product_id":9,"quantity":1}],)"
                                  R"("starts_at":"2026-01-01T00:00:00Z"})"));
  EXPECT_EQ(invalid.status, 400);
  EXPECT_TRUE(Contains(ErrorFields(Json(invalid)), "bundle"));
  EXPECT_TRUE(Contains(ErrorFields(Json(invalid)), "location_ids"));
  EXPECT_EQ(Count("SELECT count(*) FROM promotions"), 2);

  // Public reads: only what is in force, per store or online.
  EXPECT_EQ(Ids(Json(Get("/api/v1/promotions"))), std::vector<std::int64_t>{id});
  EXPECT_EQ(Ids(Json(Get("/api/v1/promotions?location_id=4"))), std::vector<std::int64_t>{id});
  EXPECT_TRUE(Ids(Json(Get("/api/v1/promotions?location_id=1"))).empty());
  EXPECT_EQ(Ids(Json(Get("/api/v1/promotions?channel=online"))), std::vector<std::int64_t>{id});
  EXPECT_EQ(Get("/api/v1/promotions?status=all").status, 401);
  EXPECT_EQ(Ids(Json(Http(port_, "GET", "/api/v1/promotions?status=all", {},
                          {{"Authorization", "Bearer " + manager_}}))).size(),
            2u);
  EXPECT_EQ(Get("/api/v1/promotions?channel=phone").status, 400);

  // Replace, then withdraw: gone from the public list, kept for staff.
  auto replaced = Send("PUT", "/api/v1/promotions/" + std::to_string(id),
                       json::parse(R"({"name":"T-shirts : 3 achetés, 1 offert","kind":"buy_x_get_y","product_ids":[5],)"
                                   R"("buy_quantity":3,"get_quantity":1,"starts_at":"2026-01-01T00:00:00Z","online":true})"));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(Json(replaced).at("buy_quantity").as_int64(), 3);
  EXPECT_TRUE(Ids(Json(Get("/api/v1/promotions?location_id=4"))).empty());
  EXPECT_EQ(Http(port_, "DELETE", "/api/v1/promotions/" + std::to_string(id), {},
                 {{"Authorization", "Bearer " + auth_.Token(auth::Role::kCashier, "4")}})
                .status,
            403);
  EXPECT_EQ(Delete("/api/v1/promotions/" + std::to_string(id)).status, 204);
  EXPECT_TRUE(Ids(Json(Get("/api/v1/promotions"))).empty());
  EXPECT_EQ(Get("/api/v1/promotions/" + std::to_string(id)).status, 404);
  EXPECT_EQ(Http(port_, "GET", "/api/v1/promotions/" + std::to_string(id), {}, {{"Authorization", "Bearer " + manager_}})
                .status,
            200);
  EXPECT_EQ(Delete("/api/v1/promotions/999999").status, 404);
}

TEST_F(ProductService, MetricsOpenApiAndMethodNotAllowed) {
  ASSERT_EQ(Get("/api/v1/products/9").status, 200);
  HttpResult metrics = Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("http_requests_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("route=\"/api/v1/products/{id}\""), std::string::npos);
  // A latency histogram per route.
  EXPECT_NE(metrics.body.find("http_request_duration_seconds_bucket{route=\"/api/v1/products/{id}\",method=\"GET\","),
            std::string::npos);

  HttpResult openapi = Get("/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  auto doc = Json(openapi);
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/products/{id}"));

  HttpResult not_allowed = Http(port_, "DELETE", "/api/v1/products");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_NE(not_allowed.headers["allow"].find("GET"), std::string::npos);
  EXPECT_NE(not_allowed.headers["allow"].find("POST"), std::string::npos);

  EXPECT_EQ(Get("/ready").status, 200);
}

TEST_F(ProductService, DocsServeSwaggerUiFromTheNpmPackage) {
  HttpResult page = Get("/docs");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
  EXPECT_NE(page.body.find("/openapi.json"), std::string::npos);
  // The assets come from web/node_modules/swagger-ui-dist, which the build installs (npm ci).
  HttpResult bundle = Get("/docs/swagger-ui-bundle.js");
  EXPECT_EQ(bundle.status, 200);
  EXPECT_EQ(bundle.headers["content-type"], "application/javascript");
  EXPECT_GT(bundle.body.size(), 100000u);
  EXPECT_EQ(Get("/docs/swagger-ui.css").status, 200);
  // Nothing outside the package directory is served.
  EXPECT_EQ(Get("/docs/..%2F..%2Fpackage.json").status, 404);
  EXPECT_EQ(Get("/docs/no-such-file.js").status, 404);
}

}  // namespace
}  // namespace comptoir::product
