// The load runner against a real platform (every service a process, each its own database, the
// gateway in front): every business scenario, scaled down to a few seconds, with zero failed checks;
// the JSON results; and a threshold that cannot hold giving k6's exit code 99.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/platform.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir {
namespace {

std::string LoadBin() {
  const char* bin = std::getenv("COMPTOIR_LOAD_BIN");
  return bin != nullptr ? bin : "";
}

int RunLoad(const std::vector<std::string>& args, const std::string& log) {
  testing::ProcessOptions o;
  o.path = LoadBin();
  o.args = args;
  o.log_file = log;
  testing::ChildProcess child(o);
  // Runs to its end (a bound of 5 minutes), then reports the exit status.
  for (int i = 0; i < 3000 && child.Running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return child.Stop(std::chrono::seconds(1));
}

boost::json::value ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

TEST(LoadSmoke, EveryScenarioRunsCleanAgainstARealPlatform) {
  ASSERT_FALSE(LoadBin().empty()) << "COMPTOIR_LOAD_BIN must name comptoir-load";
  testing::Platform platform(
      {.services = {"product", "inventory", "customer", "sales", "cart", "payment", "order", "reporting"},
       .gateway = true,
       .name = "load_smoke",
       // As deployed: a store sale needs an open register session (the POS scenario opens one per VU).
       .env = {{"COMPTOIR_SALES_REQUIRE_REGISTER_SESSION", "true"}},
       // Every target of kong.yml's cart upstream is a test instance (none left at
       // the deploy ports, where a local platform may be answering).
       .instances = {{"cart", 3}}});
  const std::string base = "http://127.0.0.1:" + std::to_string(platform.GatewayPort());
  const std::string out = platform.LogFile("results") + ".json";
  const std::string log = platform.LogFile("comptoir-load");
  // 2 s of each at a low rate: the flows, not the speed.
  int rc = RunLoad({"run",
                    "--base-url",
                    base,
                    "--scenario",
                    "pos-sale,online-checkout,dashboard,product-search,stock-lookup,seed-15vu,max-products.get",
                    "--duration",
                    "2s",
                    "--stages",
                    "1s:3,1s:3,500ms:0",
                    "--rate",
                    "3",
                    "--vus",
                    "2",
                    "--pre-allocated-vus",
                    "2",
                    "--no-default-thresholds",
                    "--threshold",
                    "checks: rate==1",
                    "--threshold",
                    "http_req_failed: rate==0",
                    "--label",
                    "smoke",
                    "--out",
                    out},
                   log);
  EXPECT_EQ(rc, 0) << testing::TailOfFile(log);
  const auto results = ReadJson(out);
  EXPECT_EQ(results.at("checks").at("fails").to_number<std::uint64_t>(), 0u) << testing::TailOfFile(log);
  EXPECT_GT(results.at("checks").at("passes").to_number<std::uint64_t>(), 0u);
  const auto& scenarios = results.at("scenarios").as_array();
  ASSERT_EQ(scenarios.size(), 7u);
  for (const auto& s : scenarios) {
    EXPECT_GT(s.at("iterations").to_number<std::uint64_t>(), 0u) << s.at("name");
    EXPECT_EQ(s.at("requests").at("failed").to_number<std::uint64_t>(), 0u) << s.at("name");
    EXPECT_TRUE(s.at("ok").as_bool()) << s.at("name");
  }
  // The sale went through the whole chain: a receipt, checked, for each iteration that ran.
  const auto& pos = scenarios.at(0);
  EXPECT_EQ(pos.at("by_name").at("sales.create").at("statuses").at("201").to_number<std::uint64_t>(),
            pos.at("iterations").to_number<std::uint64_t>());
  // Each cashier VU opened a register of its own first, in the setup (outside the sale's latency).
  EXPECT_GT(pos.at("by_name").at("setup:register_sessions.open").at("statuses").at("201").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(scenarios.at(1).at("by_name").at("order.checkout").at("statuses").at("201").to_number<std::uint64_t>(),
            scenarios.at(1).at("iterations").to_number<std::uint64_t>());

  // A threshold that cannot hold: the run says so with exit code 99.
  rc = RunLoad({"run", "--base-url", base, "--scenario", "product-search", "--duration", "1s", "--rate", "2",
                "--threshold", "http_reqs: count<1", "--out", out},
               log);
  EXPECT_EQ(rc, 99) << testing::TailOfFile(log);
  const auto failed = ReadJson(out);
  EXPECT_FALSE(failed.at("ok").as_bool());
}

}  // namespace
}  // namespace comptoir
