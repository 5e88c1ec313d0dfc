// RequestContext is an aggregate built from (request, config) only; -Wextra flags the rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

using Made = testing::MadePlugin;

Made Make(std::string_view config_json) {
  return testing::MakePlugin(CreateKeyAuth, "key-auth", config_json);
}

Config MakeConfig() {
  Config c;
  c.consumers.push_back({"c-alice", "alice", "cust-1", {}});
  c.consumers.push_back({"c-anon", "anonymous", "", {}});
  c.keyauth_credentials.push_back({"cred-1", 0, "alice-key"});
  c.consumer_by_key["alice-key"] = 0;
  c.credential_by_key["alice-key"] = 0;
  for (int i = 0; i < 2; ++i) {
    const auto& con = c.consumers[static_cast<std::size_t>(i)];
    c.consumer_by_name[con.id] = i;
    c.consumer_by_name[con.username] = i;
    if (!con.custom_id.empty()) c.consumer_by_name[con.custom_id] = i;
  }
  return c;
}

boost::json::value Body(const http::Response& r) {
  return boost::json::parse(r.body);
}

TEST(KeyAuth, DefaultsAreKongs) {
  auto m = Make("{}");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_EQ(m.plugin->Priority(), 1250);
  EXPECT_EQ(m.plugin->Name(), "key-auth");
  EXPECT_FALSE(m.plugin->NeedsRequestBody());
  EXPECT_EQ(boost::json::serialize(m.output),
            R"({"key_names":["apikey"],"hide_credentials":false,"anonymous":null,"key_in_header":true,)"
            R"("key_in_query":true,"key_in_body":false,"run_on_preflight":true,"realm":null})");
}

TEST(KeyAuth, MissingKeyIs401WithKongBodyAndHeader) {
  auto m = Make("{}");
  Config config = MakeConfig();
  http::Request req;
  RequestContext ctx{.request = req, .config = config};
  ctx.request_id = "rid-1";
  m.plugin->Access(ctx);
  ASSERT_TRUE(ctx.exit.has_value());
  EXPECT_EQ(ctx.exit->status, 401);
  EXPECT_EQ(ctx.exit->body, R"({"message":"No API key found in request","request_id":"rid-1"})");
  EXPECT_EQ(*ctx.exit->headers.Get("WWW-Authenticate"), "Key");
  EXPECT_EQ(*ctx.exit->headers.Get("Content-Type"), "application/json");
}

TEST(KeyAuth, UnknownKeyIsUnauthorizedWithRealm) {
  auto m = Make(R"({"realm":"comptoir"})");
  Config config = MakeConfig();
  http::Request req;
  req.headers.Set("apikey", "nope");
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  ASSERT_TRUE(ctx.exit.has_value());
  EXPECT_EQ(ctx.exit->status, 401);
  EXPECT_EQ(Body(*ctx.exit), boost::json::parse(R"({"message":"Unauthorized"})"));
  EXPECT_EQ(*ctx.exit->headers.Get("WWW-Authenticate"), R"(Key realm="comptoir")");
}

TEST(KeyAuth, ValidHeaderKeySetsConsumer) {
  auto m = Make("{}");
  Config config = MakeConfig();
  http::Request req;
  req.headers.Set("ApiKey", "alice-key");
  req.headers.Set("X-Anonymous-Consumer", "true");  // spoofed by the client
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  EXPECT_EQ(ctx.consumer, &config.consumers[0]);
  EXPECT_EQ(ctx.consumer_index, 0);
  EXPECT_EQ(ctx.credential_id, "cred-1");
  EXPECT_FALSE(ctx.anonymous);
  EXPECT_EQ(*req.headers.Get("X-Consumer-ID"), "c-alice");
  EXPECT_EQ(*req.headers.Get("X-Consumer-Custom-ID"), "cust-1");
  EXPECT_EQ(*req.headers.Get("X-Consumer-Username"), "alice");
  EXPECT_EQ(*req.headers.Get("X-Credential-Identifier"), "cred-1");
  EXPECT_FALSE(req.headers.Has("X-Anonymous-Consumer"));
  EXPECT_EQ(*req.headers.Get("apikey"), "alice-key");  // not hidden by default
}

TEST(KeyAuth, QueryKeyAndHideCredentialsRebuildsQuery) {
  auto m = Make(R"({"hide_credentials":true})");
  Config config = MakeConfig();
  http::Request req;
  req.path = "/products";
  req.query = "a=1&apikey=alice%2Dkey&b=x%20y";
  req.target = "/products?" + req.query;
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  EXPECT_EQ(ctx.credential_id, "cred-1");
  EXPECT_EQ(req.query, "a=1&b=x%20y");
  EXPECT_EQ(req.target, "/products?a=1&b=x%20y");
}

TEST(KeyAuth, HideCredentialsRemovesHeader) {
  auto m = Make(R"({"hide_credentials":true,"key_names":["x-api-key"]})");
  Config config = MakeConfig();
  http::Request req;
  req.query = "q=1";
  req.headers.Set("X-API-Key", "alice-key");
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  EXPECT_FALSE(req.headers.Has("x-api-key"));
  EXPECT_EQ(req.query, "q=1");
}

TEST(KeyAuth, HeaderWinsOverQueryAndQueryCanBeDisabled) {
  auto m = Make(R"({"key_in_query":false})");
  Config config = MakeConfig();
  http::Request req;
  req.query = "apikey=alice-key";
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  ASSERT_TRUE(ctx.exit.has_value());
  EXPECT_EQ(Body(*ctx.exit).at("message"), "No API key found in request");
}

TEST(KeyAuth, DuplicateKey) {
  auto m = Make("{}");
  Config config = MakeConfig();
  http::Request req;
  req.query = "apikey=a&apikey=b";
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  ASSERT_TRUE(ctx.exit.has_value());
  EXPECT_EQ(ctx.exit->status, 401);
  EXPECT_EQ(Body(*ctx.exit).at("message"), "Duplicate API key found");
}

TEST(KeyAuth, EmptyKeyIsMissing) {
  auto m = Make("{}");
  Config config = MakeConfig();
  http::Request req;
  req.query = "apikey=";
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  ASSERT_TRUE(ctx.exit.has_value());
  EXPECT_EQ(Body(*ctx.exit).at("message"), "No API key found in request");
}

TEST(KeyAuth, AnonymousFallback) {
  auto m = Make(R"({"anonymous":"anonymous"})");
  Config config = MakeConfig();
  http::Request req;
  req.headers.Set("apikey", "wrong");
  req.headers.Set("X-Credential-Identifier", "spoofed");
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  EXPECT_TRUE(ctx.anonymous);
  EXPECT_EQ(ctx.consumer, &config.consumers[1]);
  EXPECT_EQ(ctx.consumer_index, 1);
  EXPECT_TRUE(ctx.credential_id.empty());
  EXPECT_EQ(*req.headers.Get("X-Anonymous-Consumer"), "true");
  EXPECT_EQ(*req.headers.Get("X-Consumer-ID"), "c-anon");
  EXPECT_EQ(*req.headers.Get("X-Consumer-Username"), "anonymous");
  EXPECT_FALSE(req.headers.Has("X-Consumer-Custom-ID"));
  EXPECT_FALSE(req.headers.Has("X-Credential-Identifier"));
}

TEST(KeyAuth, AnonymousSkipsWhenAlreadyAuthenticated) {
  auto m = Make(R"({"anonymous":"c-anon"})");
  Config config = MakeConfig();
  http::Request req;
  RequestContext ctx{.request = req, .config = config};
  ctx.credential_id = "jwt-cred";
  ctx.consumer = &config.consumers[0];
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  EXPECT_EQ(ctx.consumer, &config.consumers[0]);
  EXPECT_EQ(ctx.credential_id, "jwt-cred");
}

TEST(KeyAuth, MissingAnonymousConsumerIs500) {
  auto m = Make(R"({"anonymous":"ghost"})");
  Config config = MakeConfig();
  http::Request req;
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  ASSERT_TRUE(ctx.exit.has_value());
  EXPECT_EQ(ctx.exit->status, 500);
  EXPECT_EQ(Body(*ctx.exit).at("message"), "anonymous consumer ghost is configured but doesn't exist");
}

TEST(KeyAuth, PreflightSkippedWhenConfigured) {
  auto m = Make(R"({"run_on_preflight":false})");
  Config config = MakeConfig();
  http::Request req;
  req.method = http::Method::kOptions;
  req.method_name = "OPTIONS";
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_FALSE(ctx.exit.has_value());
  EXPECT_EQ(ctx.consumer, nullptr);

  auto strict = Make("{}");
  RequestContext ctx2{.request = req, .config = config};
  strict.plugin->Access(ctx2);
  ASSERT_TRUE(ctx2.exit.has_value());
  EXPECT_EQ(ctx2.exit->status, 401);
}

TEST(KeyAuth, KeyInJsonAndFormBody) {
  auto m = Make(R"({"key_in_body":true,"hide_credentials":true})");
  EXPECT_TRUE(m.plugin->NeedsRequestBody());
  Config config = MakeConfig();
  {
    http::Request req;
    req.headers.Set("Content-Type", "application/json; charset=utf-8");
    req.headers.Set("Content-Length", "35");
    req.body = R"({"apikey":"alice-key","item":"cafe"})";
    RequestContext ctx{.request = req, .config = config};
    m.plugin->Access(ctx);
    EXPECT_FALSE(ctx.exit.has_value());
    EXPECT_EQ(ctx.credential_id, "cred-1");
    EXPECT_EQ(req.body, R"({"item":"cafe"})");
    EXPECT_EQ(*req.headers.Get("Content-Length"), std::to_string(req.body.size()));
  }
  {
    http::Request req;
    req.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    req.body = "x=1&apikey=alice-key";
    RequestContext ctx{.request = req, .config = config};
    m.plugin->Access(ctx);
    EXPECT_FALSE(ctx.exit.has_value());
    EXPECT_EQ(req.body, "x=1");
  }
}

TEST(KeyAuth, RejectsBadConfigWithFieldPaths) {
  auto m = Make(R"({"key_names":"apikey","hide_credentials":1,"colour":"blue"})");
  EXPECT_EQ(m.plugin, nullptr);
  ASSERT_EQ(m.issues.size(), 3u);
  EXPECT_EQ(m.issues[0].field, "config.key_names");
  EXPECT_EQ(m.issues[0].message, "expected an array");
  EXPECT_EQ(m.issues[1].field, "config.hide_credentials");
  EXPECT_EQ(m.issues[1].message, "expected a boolean");
  EXPECT_EQ(m.issues[2].field, "config.colour");
  EXPECT_EQ(m.issues[2].message, "unknown field");

  auto bad = Make(R"({"key_names":["ok","bad name"]})");
  EXPECT_EQ(bad.plugin, nullptr);
  ASSERT_EQ(bad.issues.size(), 1u);
  EXPECT_EQ(bad.issues[0].field, "config.key_names[2]");
  EXPECT_EQ(bad.issues[0].entity, "plugins");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
