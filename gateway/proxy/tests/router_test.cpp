#include "comptoir/gateway/router.hpp"

#include <gtest/gtest.h>

namespace comptoir::gateway {
namespace {

RoutePath Prefix(std::string p) { return RoutePath{std::move(p), false, nullptr}; }
RoutePath Regex(std::string p) {
  auto re = std::make_shared<const std::regex>(p);
  return RoutePath{std::move(p), true, re};
}

class KongRouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Service s;
    s.name = "svc";
    s.host = "127.0.0.1";
    config.services.push_back(s);
  }
  int AddRoute(std::string name, std::vector<RoutePath> paths, std::vector<std::string> methods = {},
               std::vector<std::string> hosts = {}, int regex_priority = 0) {
    Route r;
    r.name = std::move(name);
    r.paths = std::move(paths);
    r.methods = std::move(methods);
    r.hosts = std::move(hosts);
    r.regex_priority = regex_priority;
    r.service = 0;
    config.routes.push_back(std::move(r));
    return static_cast<int>(config.routes.size() - 1);
  }
  std::string Matched(std::string_view method, std::string_view path, std::string_view host = "localhost") {
    KongRouter router(config);
    http::Headers headers;
    auto m = router.Match(method, host, path, headers);
    return m ? config.routes[static_cast<std::size_t>(m->route)].name : "<none>";
  }
  Config config;
};

TEST_F(KongRouterTest, LongestPrefixWins) {
  AddRoute("short", {Prefix("/api")});
  AddRoute("long", {Prefix("/api/v1/products")});
  EXPECT_EQ(Matched("GET", "/api/v1/products/3"), "long");
  EXPECT_EQ(Matched("GET", "/api/v1/sales"), "short");
  EXPECT_EQ(Matched("GET", "/other"), "<none>");
}

TEST_F(KongRouterTest, MoreCriteriaWin) {
  AddRoute("paths-only", {Prefix("/api/v1/products/by-sku")});
  AddRoute("paths-and-methods", {Prefix("/api/v1/products")}, {"GET"});
  // Two criteria beat one, even with a shorter path (Kong's match weight comes first).
  EXPECT_EQ(Matched("GET", "/api/v1/products/by-sku/X"), "paths-and-methods");
  EXPECT_EQ(Matched("POST", "/api/v1/products/by-sku/X"), "paths-only");
}

TEST_F(KongRouterTest, RegexBeatsPrefixAndPriorityOrdersRegexes) {
  AddRoute("prefix", {Prefix("/api/v1/carts")});
  AddRoute("regex-low", {Regex("/api/v1/carts/\\d+")}, {}, {}, 1);
  AddRoute("regex-high", {Regex("/api/v1/carts/\\d+/items")}, {}, {}, 5);
  EXPECT_EQ(Matched("GET", "/api/v1/carts/12/items"), "regex-high");
  EXPECT_EQ(Matched("GET", "/api/v1/carts/12"), "regex-low");
  EXPECT_EQ(Matched("GET", "/api/v1/carts/abc"), "prefix");
}

TEST_F(KongRouterTest, RegexIsAnchoredAtTheStart) {
  AddRoute("regex", {Regex("/v\\d/items")});
  EXPECT_EQ(Matched("GET", "/v1/items"), "regex");
  EXPECT_EQ(Matched("GET", "/x/v1/items"), "<none>");
}

// A long path against a regex with `.*` overflowed the stack (std::regex recurses per character; found by the
// gateway_path fuzz target): past kMaxRegexPathLength only prefix routes match, and nothing crashes.
TEST_F(KongRouterTest, AVeryLongPathSkipsRegexRoutesAndDoesNotCrash) {
  AddRoute("files", {Regex(R"(/files/.*\.(png|svg)$)")});
  AddRoute("root", {Prefix("/")});
  EXPECT_EQ(Matched("GET", "/files/logo.png"), "files");
  const std::string at_limit = "/files/" + std::string(kMaxRegexPathLength - 11, 'a') + ".png";
  ASSERT_EQ(at_limit.size(), kMaxRegexPathLength);
  EXPECT_EQ(Matched("GET", at_limit), "files");
  EXPECT_EQ(Matched("GET", "/files/" + std::string(kMaxRegexPathLength, 'a') + ".png"), "root");
  EXPECT_EQ(Matched("GET", "/files/" + std::string(64 * 1024, '%') + ".png"), "root");
}

TEST_F(KongRouterTest, HostsAndWildcards) {
  AddRoute("wild", {Prefix("/")}, {}, {"*.comptoir.local"});
  AddRoute("plain", {Prefix("/")}, {}, {"shop.comptoir.local"});
  EXPECT_EQ(Matched("GET", "/x", "shop.comptoir.local"), "plain");
  EXPECT_EQ(Matched("GET", "/x", "admin.comptoir.local"), "wild");
  EXPECT_EQ(Matched("GET", "/x", "comptoir.local"), "<none>");
  EXPECT_TRUE(HostMatches("example.*", "example.org"));
}

TEST_F(KongRouterTest, HeadersMustMatch) {
  Route r;
  r.name = "versioned";
  r.paths = {Prefix("/api")};
  r.headers = {{"x-version", {"2"}}};
  r.service = 0;
  config.routes.push_back(r);
  AddRoute("plain", {Prefix("/api")});
  KongRouter router(config);
  http::Headers h;
  h.Add("X-Version", "2");
  EXPECT_EQ(router.Match("GET", "h", "/api/x", h)->route, 0);
  http::Headers none;
  EXPECT_EQ(router.Match("GET", "h", "/api/x", none)->route, 1);
}

TEST(NormalizePathTest, Rfc3986) {
  EXPECT_EQ(NormalizePath("/api//v1/./products/../products/%7e%41"), "/api/v1/products/~A");
  EXPECT_EQ(NormalizePath("/a%2fb"), "/a%2Fb");
  EXPECT_EQ(NormalizePath(""), "/");
  EXPECT_EQ(NormalizePath("/x/"), "/x/");
  EXPECT_EQ(NormalizePath("/../.."), "/");
  // Paths that are already normal come back as they are (the fast check must agree).
  EXPECT_EQ(NormalizePath("/api/v1/products/9"), "/api/v1/products/9");
  EXPECT_EQ(NormalizePath("/a/.b/c."), "/a/.b/c.");
  EXPECT_EQ(NormalizePath("/a/b/."), "/a/b");
  EXPECT_EQ(NormalizePath("relative"), "/relative");
  // A '%' that starts no escape is itself escaped, so that normalising is idempotent.
  EXPECT_EQ(NormalizePath("/%%34%31"), "/%2541");
  EXPECT_EQ(NormalizePath(NormalizePath("/%%34%31")), "/%2541");
  EXPECT_EQ(NormalizePath("/50%"), "/50%25");
  EXPECT_EQ(NormalizePath("/a%zz"), "/a%25zz");
}

TEST(UpstreamPathTest, StripPathAndServicePathV0) {
  Service s;
  Route r;
  r.paths = {Prefix("/fv0")};
  RouteMatch m{0, 0, 4};
  r.strip_path = true;
  s.path = "/s";
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0req"), "/s/req");
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0/req"), "/s/req");
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0"), "/s");
  r.strip_path = false;
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0req"), "/s/fv0req");
  s.path = "";
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0/x"), "/fv0/x");
  r.strip_path = true;
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0"), "/");
  r.path_handling = "v1";
  s.path = "/s";
  EXPECT_EQ(UpstreamPath(s, r, m, "/fv0req"), "/sreq");
}

}  // namespace
}  // namespace comptoir::gateway
