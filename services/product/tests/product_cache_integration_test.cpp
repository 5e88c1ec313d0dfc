// The catalogue cache of two product instances on one database (ADR 0120), over real HTTP: a price
// change is never answered stale by either instance once the write is acknowledged, even while the other
// instance is being read as fast as it answers; ETag and 304; a change made in SQL behind the service's
// back is seen within a lease.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/eventually.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir::product {
namespace {
namespace json = boost::json;
using testing::Http;

std::int64_t PriceOf(const testing::HttpResult& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return -1;
  return json::parse(r.body).at("price_cents").to_number<std::int64_t>();
}

std::int64_t PriceInFirstPage(std::uint16_t port, std::int64_t id) {
  auto r = Http(port, "GET", "/api/v1/products?sort=id&per_page=100");
  EXPECT_EQ(r.status, 200) << r.body;
  const json::value page = json::parse(r.body);
  for (const auto& p : page.at("data").as_array()) {
    if (p.at("id").to_number<std::int64_t>() == id) return p.at("price_cents").to_number<std::int64_t>();
  }
  return -1;
}

class ProductCache : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform(
        {.services = {"product"}, .gateway = false, .name = "product_cache", .instances = {{"product", 2}}});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static std::uint16_t Port(int instance) { return static_cast<std::uint16_t>(platform_->Port("product", instance)); }
  /// A catalogue write as a manager (ADR 0008: product writes need a manager's or an admin's token).
  static testing::HttpResult Write(std::uint16_t port, const std::string& method, const std::string& path,
                                   const std::string& body = {}) {
    return Http(port, method, path, body,
                {{"Authorization", "Bearer " + platform_->Auth().Token(auth::Role::kManager, "staff-7")}});
  }
  static testing::Platform* platform_;
};
testing::Platform* ProductCache::platform_ = nullptr;

TEST_F(ProductCache, APriceChangeIsNeverServedStaleOnceAcknowledged) {
  const std::int64_t id = 9;  // Café
  const std::string path = "/api/v1/products/" + std::to_string(id);
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  // The other instance is read all the time: its cache fills while the writes happen.
  std::thread reader([&] {
    while (!stop) {
      Http(Port(1), "GET", path);
      Http(Port(1), "GET", "/api/v1/products/by-sku/ALIM-0001");
      ++reads;
    }
  });
  for (int i = 1; i <= 30; ++i) {
    // Both caches hold the current price first.
    PriceOf(Http(Port(0), "GET", path));
    PriceOf(Http(Port(1), "GET", path));
    const std::int64_t price = 1300 + i;
    auto written = Write(Port(i % 2), "PATCH", path, "{\"price_cents\":" + std::to_string(price) + "}");
    ASSERT_EQ(written.status, 200) << written.body;
    // Acknowledged: every instance, by id, by SKU and in a list, answers the new price.
    EXPECT_EQ(PriceOf(Http(Port(0), "GET", path)), price) << "write " << i;
    EXPECT_EQ(PriceOf(Http(Port(1), "GET", path)), price) << "write " << i;
    EXPECT_EQ(PriceOf(Http(Port(1 - i % 2), "GET", "/api/v1/products/by-sku/ALIM-0001")), price) << "write " << i;
    EXPECT_EQ(PriceInFirstPage(Port(1 - i % 2), id), price) << "write " << i;
  }
  stop = true;
  reader.join();
  EXPECT_GT(reads.load(), 30);
}

TEST_F(ProductCache, EtagAnswers304UntilTheProductChanges) {
  const std::string path = "/api/v1/products/3";
  auto first = Http(Port(1), "GET", path);
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(first.headers["cache-control"], "no-cache");
  for (int instance : {0, 1}) {
    auto again = Http(Port(instance), "GET", path, {}, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.headers["etag"], etag);
  }
  ASSERT_EQ(Write(Port(0), "PATCH", path, R"x({"name":"AirPods Pro (2e génération)"})x").status, 200);
  auto changed = Http(Port(1), "GET", path, {}, {{"If-None-Match", etag}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.headers["etag"], etag);
  EXPECT_EQ(json::parse(changed.body).at("name").as_string(), "AirPods Pro (2e génération)");
  // An unknown product is still a 404, not something cached.
  EXPECT_EQ(Http(Port(1), "GET", "/api/v1/products/999999").status, 404);
}

TEST_F(ProductCache, AChangeMadeInSqlIsSeenWithinALease) {
  const std::string path = "/api/v1/products/12";
  PriceOf(Http(Port(0), "GET", path));
  PriceOf(Http(Port(1), "GET", path));
  testing::QueryValue(platform_->Conninfo("product"),
                      "UPDATE products SET price_cents = 1777 WHERE id = 12 RETURNING id");
  EXPECT_TRUE(testing::Eventually(
      [&] { return PriceOf(Http(Port(0), "GET", path)) == 1777 && PriceOf(Http(Port(1), "GET", path)) == 1777; },
      std::chrono::seconds(5)));
}

TEST_F(ProductCache, ArchivingIsSeenAtOnceByTheOtherInstance) {
  auto created = Write(Port(0), "POST", "/api/v1/products", R"({"sku":"CACHE-0001","name":"Tuque","price_cents":2500})");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto id = json::parse(created.body).at("id").to_number<std::int64_t>();
  const std::string path = "/api/v1/products/" + std::to_string(id);
  ASSERT_EQ(Http(Port(1), "GET", path).status, 200);
  ASSERT_EQ(Write(Port(0), "DELETE", path).status, 204);
  auto archived = Http(Port(1), "GET", path);
  ASSERT_EQ(archived.status, 200);
  EXPECT_FALSE(json::parse(archived.body).at("active").as_bool());
}

}  // namespace
}  // namespace comptoir::product
