// RequestContext is an aggregate built from (request, config) only; -Wextra flags the rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

using Made = testing::MadePlugin;

Made Make(std::string_view config_json) {
  return testing::MakePlugin(CreateCors, "cors", config_json);
}

http::Request Preflight(std::string_view origin, std::string_view request_headers = {}) {
  http::Request req;
  req.method = http::Method::kOptions;
  req.method_name = "OPTIONS";
  req.headers.Set("Origin", origin);
  req.headers.Set("Access-Control-Request-Method", "POST");
  if (!request_headers.empty()) req.headers.Set("Access-Control-Request-Headers", request_headers);
  return req;
}

http::Request Simple(std::optional<std::string_view> origin) {
  http::Request req;
  if (origin) req.headers.Set("Origin", *origin);
  return req;
}

std::string H(const http::Response& r, std::string_view name) {
  auto v = r.headers.Get(name);
  return v ? std::string(*v) : std::string("<none>");
}

int Count(const http::Response& r, std::string_view name) {
  int n = 0;
  for (const auto& [k, v] : r.headers) n += http::IEquals(k, name) ? 1 : 0;
  return n;
}

/// Runs Access then, when no exit, HeaderFilter on an upstream response.
http::Response Through(const Made& m, http::Request req, http::Response upstream = http::Response::Empty(200)) {
  Config config;
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  http::Response r = ctx.exit ? *ctx.exit : std::move(upstream);
  m.plugin->HeaderFilter(ctx, r);
  return r;
}

TEST(Cors, DefaultsAreKongs) {
  auto m = Make("{}");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_TRUE(m.plugin->HasHeaderFilter());  // the proxy runs the header phase for it
  EXPECT_EQ(m.plugin->Priority(), 2000);
  EXPECT_EQ(m.plugin->Name(), "cors");
  EXPECT_EQ(json::serialize(m.output),
            R"({"origins":null,"headers":null,"exposed_headers":null,)"
            R"("methods":["GET","HEAD","PUT","PATCH","POST","DELETE","OPTIONS","TRACE","CONNECT"],"max_age":null,)"
            R"("credentials":false,"private_network":false,"preflight_continue":false,"allow_origin_absent":true})");
}

TEST(Cors, PreflightAllowAll) {
  auto m = Make("{}");
  auto r = Through(m, Preflight("https://shop.example", "content-type,x-api-key"));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(H(r, "Access-Control-Allow-Methods"), "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT");
  EXPECT_EQ(H(r, "Access-Control-Allow-Headers"), "content-type,x-api-key");
  EXPECT_EQ(H(r, "Access-Control-Max-Age"), "<none>");
  EXPECT_EQ(H(r, "Access-Control-Allow-Credentials"), "<none>");
  EXPECT_EQ(H(r, "Vary"), "<none>");
}

TEST(Cors, PreflightSpecificOriginsCredentialsMaxAge) {
  auto m =
      Make(R"({"origins":["https://shop.example","https://admin.example:8443"],"headers":["Content-Type","apikey"],)"
           R"("methods":["GET","POST"],"max_age":3600,"credentials":true,"private_network":true})");
  ASSERT_NE(m.plugin, nullptr);
  auto req = Preflight("https://shop.example:443", "x-ignored");
  req.headers.Set("Access-Control-Request-Private-Network", "true");
  auto r = Through(m, req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(H(r, "Vary"), "Origin");
  EXPECT_EQ(H(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(H(r, "Access-Control-Allow-Headers"), "Content-Type,apikey");
  EXPECT_EQ(H(r, "Access-Control-Allow-Methods"), "GET,POST");
  EXPECT_EQ(H(r, "Access-Control-Max-Age"), "3600");
  EXPECT_EQ(H(r, "Access-Control-Allow-Private-Network"), "true");

  auto other = Through(m, Preflight("https://evil.example"));
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(H(other, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(H(other, "Vary"), "Origin");

  auto port = Through(m, Preflight("https://admin.example:8443"));
  EXPECT_EQ(H(port, "Access-Control-Allow-Origin"), "https://admin.example:8443");
}

TEST(Cors, SinglePlainOriginIsSentAsConfigured) {
  auto m = Make(R"({"origins":["https://shop.example"]})");
  auto r = Through(m, Simple("https://other.example"));
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(H(r, "Vary"), "Origin");
}

TEST(Cors, RegexOriginsAreAnchored) {
  auto m = Make(R"({"origins":["(.*)\\.comptoir\\.test","^https://pos[0-9]+\\.shop:8443$"]})");
  ASSERT_NE(m.plugin, nullptr) << (m.issues.empty() ? "" : m.issues[0].message);
  EXPECT_EQ(H(Through(m, Simple("https://web.comptoir.test")), "Access-Control-Allow-Origin"),
            "https://web.comptoir.test");
  // The host must match entirely: a suffix attack is refused.
  EXPECT_EQ(H(Through(m, Simple("https://web.comptoir.test.evil.io")), "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(H(Through(m, Simple("https://pos12.shop:8443")), "Access-Control-Allow-Origin"), "https://pos12.shop:8443");
  EXPECT_EQ(H(Through(m, Simple("https://pos12.shop:9443")), "Access-Control-Allow-Origin"), "<none>");
}

TEST(Cors, ActualRequestHeadersAndExposed) {
  auto m = Make(R"({"exposed_headers":["X-Kong-Request-Id","RateLimit-Remaining"]})");
  http::Response upstream = http::Response::Json(200, "{}");
  upstream.headers.Set("Vary", "Accept-Encoding");
  auto r = Through(m, Simple("https://shop.example"), upstream);
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(H(r, "Access-Control-Expose-Headers"), "X-Kong-Request-Id,RateLimit-Remaining");
  EXPECT_EQ(H(r, "Access-Control-Allow-Methods"), "<none>");  // only on preflights
  EXPECT_EQ(Count(r, "Vary"), 1);
}

TEST(Cors, CredentialsWithStarEchoesOrigin) {
  auto m = Make(R"({"origins":["*"],"credentials":true})");
  auto r = Through(m, Simple("https://shop.example"));
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(H(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(H(r, "Vary"), "Origin");

  auto pre = Through(m, Preflight("https://shop.example"));
  EXPECT_EQ(H(pre, "Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(H(pre, "Access-Control-Allow-Credentials"), "true");
}

TEST(Cors, VaryIsAddedToUpstreamVaryInHeaderFilter) {
  auto m = Make(R"({"origins":["https://a.example","https://b.example"]})");
  http::Response upstream = http::Response::Empty(200);
  upstream.headers.Set("Vary", "Accept-Encoding");
  auto r = Through(m, Simple("https://b.example"), upstream);
  EXPECT_EQ(Count(r, "Vary"), 2);
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "https://b.example");
}

TEST(Cors, NoOriginAndAllowOriginAbsentFalse) {
  auto m = Make(R"({"allow_origin_absent":false})");
  auto r = Through(m, Simple(std::nullopt));
  EXPECT_EQ(H(r, "Access-Control-Allow-Origin"), "<none>");
  auto d = Make("{}");
  EXPECT_EQ(H(Through(d, Simple(std::nullopt)), "Access-Control-Allow-Origin"), "*");
}

TEST(Cors, PreflightContinueLeavesItToUpstream) {
  auto m = Make(R"({"preflight_continue":true})");
  Config config;
  auto req = Preflight("https://shop.example");
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  http::Response upstream = http::Response::Empty(204);
  m.plugin->HeaderFilter(ctx, upstream);
  EXPECT_EQ(H(upstream, "Access-Control-Allow-Origin"), "<none>");
}

TEST(Cors, OptionsWithoutRequestMethodIsNotAPreflight) {
  auto m = Make("{}");
  http::Request req = Preflight("https://shop.example");
  req.headers.Remove("Access-Control-Request-Method");
  Config config;
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
}

TEST(Cors, RejectsBadConfigWithFieldPaths) {
  auto m = Make(R"({"origins":["https://ok.example","(unclosed"],"methods":["GET","BREW"],"max_age":"1h","x":1})");
  EXPECT_EQ(m.plugin, nullptr);
  ASSERT_EQ(m.issues.size(), 4u);
  EXPECT_EQ(m.issues[0].field, "config.origins[2]");
  EXPECT_EQ(m.issues[0].message, "'(unclosed' is not a valid regex");
  EXPECT_EQ(m.issues[1].field, "config.methods[2]");
  EXPECT_EQ(m.issues[2].field, "config.max_age");
  EXPECT_EQ(m.issues[3].field, "config.x");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
