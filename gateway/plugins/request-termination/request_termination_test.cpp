// Kong's request-termination: schema defaults and rules, the answers, trigger and echo.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

testing::MadePlugin Make(std::string_view config) {
  return testing::MakePlugin(CreateRequestTermination, "request-termination", config);
}

std::optional<http::Response> Terminate(const testing::MadePlugin& m, http::Request req = {}) {
  Config config;
  RequestContext ctx{.request = req, .config = config};
  ctx.request_id = "rid";
  m.plugin->Access(ctx);
  return ctx.exit;
}

TEST(RequestTermination, DefaultsAreKongs) {
  auto m = Make("{}");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_EQ(m.plugin->Priority(), 2);
  EXPECT_EQ(json::serialize(m.output),
            R"({"status_code":503,"message":null,"content_type":null,"body":null,"echo":false,"trigger":null})");
  auto exit = Terminate(m);
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->status, 503);
  EXPECT_EQ(exit->body, R"({"message":"Service unavailable"})");
}

TEST(RequestTermination, MessageBodyAndDefaultTexts) {
  auto health = Make(R"({"status_code":200,"body":"{\"status\":\"ok\"}","content_type":"application/json"})");
  auto r = Terminate(health);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"status":"ok"})");
  EXPECT_EQ(*r->headers.Get("Content-Type"), "application/json");

  auto msg = Make(R"({"status_code":403,"message":"Fermé pour inventaire"})");
  EXPECT_EQ(Terminate(msg)->body, R"({"message":"Fermé pour inventaire"})");
  EXPECT_EQ(Terminate(Make(R"({"status_code":404})"))->body, R"({"message":"Not found"})");
  // No default text for 418: an empty answer.
  auto teapot = Terminate(Make(R"({"status_code":418})"));
  EXPECT_EQ(teapot->status, 418);
  EXPECT_EQ(teapot->body, "");
}

TEST(RequestTermination, TriggerByHeaderOrQuery) {
  auto m = Make(R"({"status_code":401,"trigger":"X-Block"})");
  EXPECT_FALSE(Terminate(m).has_value());
  http::Request by_header;
  by_header.headers.Set("x-block", "");
  EXPECT_EQ(Terminate(m, by_header)->status, 401);
  http::Request by_query;
  by_query.query = "a=1&X-Block";
  EXPECT_EQ(Terminate(m, by_query)->status, 401);
}

TEST(RequestTermination, EchoCopiesTheRequest) {
  auto m = Make(R"({"status_code":200,"echo":true})");
  EXPECT_TRUE(m.plugin->NeedsRequestBody());
  http::Request req;
  req.method_name = "POST";
  req.path = "/api/v1/x";
  req.query = "q=1";
  req.body = R"({"a":1})";
  req.headers.Set("Host", "shop.local:8080");
  req.headers.Add("X-Two", "a");
  req.headers.Add("X-Two", "b");
  auto r = Terminate(m, req);
  ASSERT_TRUE(r);
  auto v = json::parse(r->body);
  EXPECT_EQ(v.at("request").at("method"), "POST");
  EXPECT_EQ(v.at("request").at("host"), "shop.local");
  EXPECT_EQ(v.at("request").at("query").at("q"), "1");
  EXPECT_EQ(v.at("request").at("body").at("a"), 1);
  EXPECT_EQ(v.at("request").at("headers").at("x-two"), (json::array{"a", "b"}));
}

TEST(RequestTermination, KongsSchemaRules) {
  auto both = Make(R"({"message":"x","body":"y"})");
  EXPECT_EQ(both.plugin, nullptr);
  ASSERT_EQ(both.issues.size(), 1U);
  EXPECT_EQ(both.issues[0].message, "message cannot be used with content_type or body");
  EXPECT_EQ(Make(R"({"content_type":"text/plain"})").issues.at(0).message, "content_type requires a body");
  EXPECT_EQ(Make(R"({"echo":true,"body":"x"})").issues.at(0).message, "echo cannot be used with content_type and body");
  EXPECT_EQ(Make(R"({"status_code":99})").issues.at(0).field, "config.status_code");
  EXPECT_EQ(Make(R"({"trigger":"bad header"})").issues.at(0).field, "config.trigger");
  EXPECT_EQ(Make(R"({"colour":"red"})").issues.at(0).field, "config.colour");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
