// The web service in the real binary, behind the gateway and deploy/kong.yml, as a browser reaches it:
// no API key, compressed transfer, cache rules, a strict CSP; and what must stay off the gateway.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "comptoir/testing/platform.hpp"

namespace comptoir {
namespace {

using testing::Http;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class WebThroughGateway : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    platform_ = new testing::Platform({.services = {"web"}, .gateway = true, .name = "web_it"});
  }
  static void TearDownTestSuite() {
    delete platform_;
    platform_ = nullptr;
  }
  static testing::HttpResult Get(const std::string& target,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Http(static_cast<std::uint16_t>(platform_->GatewayPort()), "GET", target, {}, std::move(headers));
  }
  static std::filesystem::path Dist() { return COMPTOIR_TEST_WEB_DIST; }
  static testing::Platform* platform_;
};
testing::Platform* WebThroughGateway::platform_ = nullptr;

TEST_F(WebThroughGateway, TheShopOpensWithoutAnApiKey) {
  auto r = Get("/", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["content-encoding"], "br");
  EXPECT_EQ(r.body, ReadFile(Dist() / "index.html.br"));
  EXPECT_EQ(r.headers["cache-control"], "no-cache");
  EXPECT_NE(r.headers["vary"].find("Accept-Encoding"), std::string::npos) << r.headers["vary"];  // (cors adds Origin)
  const auto& csp = r.headers["content-security-policy"];
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_FALSE(r.headers["x-request-id"].empty());  // the gateway's correlation-id
}

TEST_F(WebThroughGateway, EveryPageOfTheApplicationIsIndexHtml) {
  const std::string index = ReadFile(Dist() / "index.html");
  for (const char* page : {"/panier", "/produits/7", "/connexion", "/inscription", "/paiement", "/commandes",
                           "/commandes/abc", "/gestion", "/gestion/tableau-de-bord", "/gestion/ventes/3"}) {
    auto r = Get(page);
    EXPECT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.body, index) << page;
    EXPECT_EQ(r.headers["cache-control"], "no-cache") << page;
  }
}

TEST_F(WebThroughGateway, HashedAssetsAreImmutableAndCompressed) {
  const std::string index = ReadFile(Dist() / "index.html");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(index, m, std::regex(R"re(src="(/assets/index-[^"]+\.js)")re"))) << index;
  const std::string js = m[1];
  auto gz = Get(js, {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["content-encoding"], "gzip");
  EXPECT_EQ(gz.headers["cache-control"], "public, max-age=31536000, immutable");
  EXPECT_EQ(gz.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(gz.body, ReadFile(Dist() / js.substr(1) += ".gz"));
  auto plain = Get(js);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0U);
  EXPECT_EQ(plain.body, ReadFile(Dist() / js.substr(1)));
  EXPECT_LT(gz.body.size(), plain.body.size() / 2);

  // Revalidation: the same ETag back is a 304 without a body.
  auto again = Get(js, {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz.headers["etag"]}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  EXPECT_EQ(Get("/assets/index-nothere.js").status, 404);
}

TEST_F(WebThroughGateway, WhatIsNotTheApplicationStaysOffTheRoute) {
  // The web service's own /metrics, /docs, /health are not published through the gateway.
  for (const char* path : {"/metrics", "/docs", "/openapi.json", "/robots.txt"}) {
    auto r = Get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("<!doctype"), std::string::npos) << path;
  }
  // /health through the gateway is the gateway's own answer (its gateway-health route), never the web's.
  auto health = Get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok","service":"gateway"})");
  // An unknown API path is the gateway's 404, with or without a key; never the shop's page.
  auto api = Get("/api/v1/nothing-here", {{"X-API-Key", testing::kTestApiKey}});
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.body.find("<!doctype"), std::string::npos) << api.body;
  // Only reading: a POST to a page finds no route.
  auto post = Http(static_cast<std::uint16_t>(platform_->GatewayPort()), "POST", "/panier", "{}");
  EXPECT_EQ(post.status, 404) << post.body;
  // The API itself still wants its key.
  EXPECT_EQ(Get("/api/v1/locations").status, 401);
}

TEST_F(WebThroughGateway, TheServiceAnswersProblemsForWhatItDoesNotHave) {
  const auto port = static_cast<std::uint16_t>(platform_->Port("web"));
  auto api = Http(port, "GET", "/api/v1/products");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.headers["content-type"], "application/problem+json");
  EXPECT_NE(api.body.find("\"code\":\"web.not_found\""), std::string::npos) << api.body;
  EXPECT_EQ(Http(port, "GET", "/ready").status, 200);
  auto head = Http(port, "HEAD", "/");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST(WebService, RefusesToStartWithoutABuild) {
  const auto dir = std::filesystem::temp_directory_path() / ("web_it_empty_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto log = (dir / "web.log").string();
  const int rc = testing::RunComptoir({"serve", "--service", "web"},
                                      {{"COMPTOIR_WEB_ROOT", dir.string()}, {"COMPTOIR_WEB_HTTP_PORT", "0"}}, log);
  EXPECT_EQ(rc, 2);
  const auto text = ReadFile(log);
  EXPECT_NE(text.find("web.root"), std::string::npos) << text;
  EXPECT_NE(text.find("no index.html"), std::string::npos) << text;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace comptoir
