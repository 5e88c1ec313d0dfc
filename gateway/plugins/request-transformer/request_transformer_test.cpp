#include "request_transformer.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

std::shared_ptr<Plugin> Make(std::string_view config_json, std::vector<ConfigIssue>* issues_out = nullptr) {
  json::value input = json::parse(config_json);
  std::vector<ConfigIssue> issues;
  PluginEnv env;
  SchemaReader reader(&input, issues, "plugins", "request-transformer", "config");
  auto plugin = CreateRequestTransformer(reader, env);
  if (issues_out != nullptr) *issues_out = issues;
  return plugin;
}

struct Call {
  Config config;
  http::Request request;
  RequestContext ctx{request, config};
  Call(std::string path, std::string query) {
    request.method = http::Method::kPost;
    request.method_name = "POST";
    request.path = std::move(path);
    request.query = std::move(query);
    request.target = request.query.empty() ? request.path : request.path + "?" + request.query;
  }
  std::vector<std::string> All(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : request.headers) {
      if (http::IEquals(n, name)) out.push_back(v);
    }
    return out;
  }
};

TEST(TransformPair, NameEndsAtFirstColonAndValueMayContainColons) {
  auto p = ParseTransformPair("x-upstream:http://host:8080/a");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "x-upstream");
  EXPECT_EQ(p->value, "http://host:8080/a");
  auto q = ParseTransformPair("a::b");  // Kong's ^([^:]+):*(.-)$ skips the run of colons
  EXPECT_EQ(q->value, "b");
  EXPECT_FALSE(ParseTransformPair(":x"));
}

TEST(RequestTransformer, HeadersInKongsOrder) {
  auto plugin = Make(R"({
    "remove":  {"headers": ["x-remove", "x-then-add"]},
    "rename":  {"headers": ["x-old:x-new"]},
    "replace": {"headers": ["x-replace:replaced", "x-absent:never"]},
    "add":     {"headers": ["x-then-add:added", "x-replace:not-added", "x-added:v:with:colons"]},
    "append":  {"headers": ["x-multi:two", "x-appended:one"]}
  })");
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->Priority(), 801);
  EXPECT_FALSE(plugin->NeedsRequestBody());
  Call call("/p", "");
  auto& h = call.request.headers;
  h.Add("X-Remove", "1");
  h.Add("X-Then-Add", "old");
  h.Add("X-Old", "a");
  h.Add("X-Old", "b");
  h.Add("X-Replace", "orig");
  h.Add("X-Multi", "one");
  plugin->Access(call.ctx);
  EXPECT_FALSE(h.Has("x-remove"));
  EXPECT_EQ(call.All("x-then-add"), std::vector<std::string>{"added"});  // removed, then added back
  EXPECT_FALSE(h.Has("x-old"));
  EXPECT_EQ(call.All("x-new"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(call.All("x-replace"), std::vector<std::string>{"replaced"});
  EXPECT_FALSE(h.Has("x-absent"));
  EXPECT_EQ(call.All("x-added"), std::vector<std::string>{"v:with:colons"});
  EXPECT_EQ(call.All("x-multi"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(call.All("x-appended"), std::vector<std::string>{"one"});
}

TEST(RequestTransformer, HostOnlyThroughReplace) {
  auto plugin =
      Make(R"({"add": {"headers": ["host:added.example"]}, "replace": {"headers": ["host:upstream.example"]}})");
  Call call("/p", "");
  plugin->Access(call.ctx);
  EXPECT_EQ(call.All("host"), std::vector<std::string>{"upstream.example"});
}

TEST(RequestTransformer, QueryString) {
  auto plugin = Make(R"({
    "remove":  {"querystring": ["drop"]},
    "rename":  {"querystring": ["old:new"]},
    "replace": {"querystring": ["rep:r2", "missing:x"]},
    "add":     {"querystring": ["added:a b", "rep:no"]},
    "append":  {"querystring": ["multi:2"]}
  })");
  Call call("/p", "drop=1&old=o&rep=r1&multi=1&keep=k%26");
  plugin->Access(call.ctx);
  EXPECT_EQ(call.request.query, "new=o&rep=r2&multi=1&multi=2&keep=k%26&added=a%20b");
  EXPECT_EQ(call.request.target, "/p?new=o&rep=r2&multi=1&multi=2&keep=k%26&added=a%20b");
}

TEST(RequestTransformer, JsonBodyAndContentLength) {
  auto plugin = Make(R"({
    "remove":  {"body": ["secret"]},
    "rename":  {"body": ["old:new"]},
    "replace": {"body": ["status:replaced", "absent:x"]},
    "add":     {"body": ["source:gateway", "status:not-added"]},
    "append":  {"body": ["tags:b", "list:y", "fresh:z"]}
  })");
  ASSERT_TRUE(plugin->NeedsRequestBody());
  Call call("/p", "");
  call.ctx.body_buffered = true;
  call.request.headers.Set("Content-Type", "application/json; charset=utf-8");
  call.request.body = R"({"secret":"s","old":1,"status":"new","tags":"a","list":["x"]})";
  call.request.headers.Set("Content-Length", std::to_string(call.request.body.size()));
  plugin->Access(call.ctx);
  EXPECT_EQ(json::parse(call.request.body),
            json::parse(R"({"new":1,"status":"replaced","tags":["a","b"],"list":["x","y"],"source":"gateway",
                            "fresh":["z"]})"));
  EXPECT_EQ(call.request.headers.Get("Content-Length"), std::to_string(call.request.body.size()));
}

TEST(RequestTransformer, EmptyJsonBodyGetsAddedMembersOnly) {
  auto plugin = Make(R"({"add": {"body": ["a:1"]}, "remove": {"body": ["b"]}})");
  Call call("/p", "");
  call.ctx.body_buffered = true;
  call.request.headers.Set("Content-Type", "application/json");
  plugin->Access(call.ctx);
  EXPECT_EQ(call.request.body, R"({"a":"1"})");
}

TEST(RequestTransformer, FormBodyAndOtherContentTypes) {
  auto plugin = Make(R"({"remove": {"body": ["pin"]}, "add": {"body": ["via:kong"]}})");
  Call form("/p", "");
  form.ctx.body_buffered = true;
  form.request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  form.request.body = "user=bob&pin=1234";
  plugin->Access(form.ctx);
  EXPECT_EQ(form.request.body, "user=bob&via=kong");
  EXPECT_EQ(form.request.headers.Get("Content-Length"), "17");

  Call text("/p", "");
  text.ctx.body_buffered = true;
  text.request.headers.Set("Content-Type", "text/plain");
  text.request.body = "pin=1234";
  plugin->Access(text.ctx);
  EXPECT_EQ(text.request.body, "pin=1234");
  EXPECT_FALSE(text.request.headers.Has("Content-Length"));
}

TEST(RequestTransformer, MethodAndUri) {
  auto plugin = Make(R"({"http_method": "GET", "replace": {"uri": "/v2/items"}})");
  ASSERT_TRUE(plugin->NeedsRequestBody());  // a form body moves to the query string
  Call call("/v1/items", "a=1");
  call.ctx.body_buffered = true;
  call.request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  call.request.body = "b=2";
  plugin->Access(call.ctx);
  EXPECT_EQ(call.request.method, http::Method::kGet);
  EXPECT_EQ(call.request.method_name, "GET");
  EXPECT_EQ(call.request.path, "/v2/items");
  EXPECT_EQ(call.request.target, "/v2/items?a=1&b=2");
}

TEST(RequestTransformerSchema, RefusesEntriesWithoutValue) {
  std::vector<ConfigIssue> issues;
  EXPECT_FALSE(Make(R"({"add": {"headers": ["x-no-value"]}, "http_method": "get", "remove": {"nope": []}})", &issues));
  std::string text;
  for (const auto& i : issues) text += i.field + ": " + i.message + "\n";
  EXPECT_NE(text.find("config.add.headers[1]: key 'x-no-value' has no value"), std::string::npos) << text;
  EXPECT_NE(text.find("config.http_method: invalid value: get"), std::string::npos) << text;
  EXPECT_NE(text.find("config.remove.nope: unknown field"), std::string::npos) << text;
}

}  // namespace
}  // namespace comptoir::gateway::plugins
