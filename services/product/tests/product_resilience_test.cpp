// Integration test: the product service keeps answering — with 503, quickly — while its PostgreSQL
// is down, and recovers by itself when the database comes back, without being restarted.
#include <chrono>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/http.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"
#include "comptoir/testing/tokens.hpp"

namespace comptoir::product {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `comptoir <command> --service product` against `conninfo` to completion.
int RunAdmin(const std::string& conninfo, const std::string& command, const std::string& log) {
  return testing::RunComptoir({command, "--service", "product"}, {{"COMPTOIR_PRODUCT_DATABASE_URL", conninfo}}, log);
}

// Polls until `GET target` answers `status`, up to `deadline`; returns the last status seen.
int WaitForStatus(std::uint16_t port, const std::string& target, int status, std::chrono::seconds deadline) {
  int last = 0;
  auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    try {
      last = testing::Http(port, "GET", target, {}, {}, std::chrono::seconds(5)).status;
    } catch (const std::exception&) {
      last = -1;
    }
    if (last == status) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

TEST(ProductResilience, DatabaseDownGives503AndRecoversWithoutRestart) {
  ASSERT_FALSE(testing::ComptoirBin().empty()) << "COMPTOIR_BIN must name the comptoir executable";
  testing::PgCluster cluster("product_resilience");
  auto conninfo = cluster.CreateDatabase("product_res");
  std::string log = (testing::StateDir() / ("product_res_" + std::to_string(::getpid()) + ".log")).string();
  ASSERT_EQ(RunAdmin(conninfo, "migrate", log), 0) << "see " << log;
  ASSERT_EQ(RunAdmin(conninfo, "seed", log), 0) << "see " << log;

  auto port = static_cast<std::uint16_t>(testing::FreePort());
  testing::ProcessOptions options;
  options.path = testing::ComptoirBin();
  options.args = {"serve", "--service", "product"};
  options.env = {{"COMPTOIR_PRODUCT_DATABASE_URL", conninfo},
                 {"COMPTOIR_PRODUCT_HTTP_PORT", std::to_string(port)},
                 {"COMPTOIR_DB_CONNECT_TIMEOUT_MS", "1000"}};
  testing::TestAuth keys;
  for (auto& variable : keys.VerifierEnv()) options.env.push_back(variable);
  const std::vector<std::pair<std::string, std::string>> manager = {
      {"Authorization", "Bearer " + keys.Token(auth::Role::kManager, "7")}};
  options.log_file = log;
  testing::ChildProcess server(options);
  ASSERT_TRUE(testing::WaitForHttp(port, "/health", std::chrono::seconds(30))) << "see " << log;
  ASSERT_EQ(testing::Http(port, "GET", "/ready").status, 200);
  ASSERT_EQ(testing::Http(port, "GET", "/api/v1/products/9").status, 200);

  cluster.Stop();
  // Each call must come back (the client's own timeout is 5 s) with a 503 problem, not hang.
  auto ready = testing::Http(port, "GET", "/ready", {}, {}, std::chrono::seconds(5));
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(boost::json::parse(ready.body).at("code").as_string(), "service.not_ready");
  // A product not read before (product 9 may still come from the in-process cache for up to a lease, ADR 0120:
  // no write can be acknowledged while the database is away, so that answer cannot be stale).
  auto data = testing::Http(port, "GET", "/api/v1/products/10", {}, {}, std::chrono::seconds(5));
  EXPECT_EQ(data.status, 503) << data.body;
  EXPECT_EQ(data.headers["content-type"], "application/problem+json");
  EXPECT_EQ(boost::json::parse(data.body).at("code").as_string(), "db.unavailable");
  auto write =
      testing::Http(port, "POST", "/api/v1/products", R"({"sku":"RES-1","name":"Pendant la panne","price_cents":100})",
                    manager, std::chrono::seconds(5));
  EXPECT_EQ(write.status, 503) << write.body;
  EXPECT_TRUE(server.Running()) << "the service must survive its database going away";
  // Down for longer than several of the cache listener's reconnection attempts (one a second): each lost
  // listener once freed the cache's state a reference too early, and the service crashed after a few.
  std::this_thread::sleep_for(std::chrono::seconds(4));
  EXPECT_TRUE(server.Running()) << "the service must survive its database staying away; see " << log;

  cluster.Start();
  EXPECT_EQ(WaitForStatus(port, "/api/v1/products/9", 200, std::chrono::seconds(20)), 200);
  EXPECT_EQ(WaitForStatus(port, "/ready", 200, std::chrono::seconds(20)), 200);
  // The write refused during the outage left nothing behind; a new one works.
  EXPECT_EQ(testing::Http(port, "GET", "/api/v1/products/by-sku/RES-1").status, 404);
  EXPECT_EQ(testing::Http(port, "POST", "/api/v1/products",
                          R"({"sku":"RES-1","name":"Après la panne","price_cents":100})", manager)
                .status,
            201);
  // The listener is back: a change reaches the cache (the write is acknowledged once every lease saw it).
  EXPECT_EQ(testing::Http(port, "GET", "/api/v1/products/by-sku/RES-1").status, 200);
  EXPECT_TRUE(server.Running()) << "see " << log;
}

}  // namespace
}  // namespace comptoir::product
