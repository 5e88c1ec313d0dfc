// Issue 3's "done when", end to end: through the gateway with the demo key, product endpoints answer as
// they do directly; without a key Kong's 401; a request id is generated, echoed back and logged. Issue 12: a
// write needs a manager's token (the gateway asks for a token on write methods, product checks the role).
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/testing/platform.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
using testing::Http;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ProductThroughGateway, AnswersAsDirectlyAndRefusesWithoutAKey) {
  testing::Platform platform({.services = {"product"}, .gateway = true, .name = "e2e_product"});
  const auto port = static_cast<std::uint16_t>(platform.Port("product"));

  for (const std::string target : {"/api/v1/products/9", "/api/v1/products?q=cafe", "/api/v1/categories",
                                   "/api/v1/products/by-sku/does-not-exist", "/api/v1/products/999999"}) {
    auto direct = Http(port, "GET", target);
    auto through = platform.Call("GET", target);
    EXPECT_EQ(through.status, direct.status) << target;
    if (direct.status == 200) {
      EXPECT_EQ(through.body, direct.body) << target;
    } else {  // problem+json: same code; the request ids differ
      EXPECT_EQ(json::parse(through.body).at("code"), json::parse(direct.body).at("code")) << target;
    }
    EXPECT_EQ(through.headers["content-type"], direct.headers["content-type"]) << target;
  }
  EXPECT_EQ(json::parse(platform.Call("GET", "/api/v1/products/9").body).at("name").as_string(), "Café");

  auto no_key = Http(static_cast<std::uint16_t>(platform.GatewayPort()), "GET", "/api/v1/products/9");
  EXPECT_EQ(no_key.status, 401);
  EXPECT_EQ(json::parse(no_key.body).at("message").as_string(), "No API key found in request");
  auto wrong_key = Http(static_cast<std::uint16_t>(platform.GatewayPort()), "GET", "/api/v1/products/9", {},
                        {{"X-API-Key", "not-a-key"}});
  EXPECT_EQ(wrong_key.status, 401);
  EXPECT_EQ(json::parse(wrong_key.body).at("message").as_string(), "Unauthorized");

  // Issue 12 §1: the public web key alone cannot reprice (the gateway's jwt plugin, Kong's answer), and a cashier's
  // token cannot either (product's own check, problem+json). The price is what it was.
  const std::string before = platform.Call("GET", "/api/v1/products/1").body;
  auto web_key_only = Http(static_cast<std::uint16_t>(platform.GatewayPort()), "PATCH", "/api/v1/products/1",
                           R"({"price_cents":1})", {{"X-API-Key", "pos-web-app-2025-frontend-key"}});
  EXPECT_EQ(web_key_only.status, 401) << web_key_only.body;
  EXPECT_EQ(json::parse(web_key_only.body).at("message").as_string(), "Unauthorized");
  auto cashier = platform.Call("PATCH", "/api/v1/products/1", R"({"price_cents":1})",
                               platform.Auth().Token(auth::Role::kCashier, "4", 4));
  EXPECT_EQ(cashier.status, 403) << cashier.body;
  EXPECT_EQ(cashier.headers["content-type"], "application/problem+json");
  EXPECT_EQ(json::parse(cashier.body).at("code").as_string(), "auth.forbidden");
  EXPECT_EQ(platform.Call("GET", "/api/v1/products/1").body, before);
  auto manager = platform.Call("PATCH", "/api/v1/products/2", R"({"price_cents":109900})",
                               platform.Auth().Token(auth::Role::kManager, "7"));
  EXPECT_EQ(manager.status, 200) << manager.body;

  // A request without X-Request-ID gets one, echoed back, and product logs it.
  auto traced = platform.Call("GET", "/api/v1/products/1");
  ASSERT_EQ(traced.status, 200);
  const std::string request_id = traced.headers["x-request-id"];
  ASSERT_EQ(request_id.size(), 36u) << request_id;
  bool logged = false;
  for (int i = 0; i < 50 && !logged; ++i) {  // the service's log is written asynchronously
    logged = ReadFile(platform.LogFile("product")).find(request_id) != std::string::npos;
    if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(logged) << "product did not log request id " << request_id;
}

}  // namespace
}  // namespace comptoir
