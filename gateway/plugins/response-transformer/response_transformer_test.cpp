#include "response_transformer.hpp"

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
  SchemaReader reader(&input, issues, "plugins", "response-transformer", "config");
  auto plugin = CreateResponseTransformer(reader, env);
  if (issues_out != nullptr) *issues_out = issues;
  return plugin;
}

struct Call {
  Config config;
  http::Request request;
  RequestContext ctx{request, config};
  http::Response response;
  std::vector<std::string> All(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : response.headers) {
      if (http::IEquals(n, name)) out.push_back(v);
    }
    return out;
  }
};

TEST(ResponseTransformer, HeadersDecidedOnTheUpstreamHeaders) {
  auto plugin = Make(R"({
    "remove":  {"headers": ["server", "x-gone"]},
    "rename":  {"headers": ["x-old:x-new"]},
    "replace": {"headers": ["x-rep:new", "x-gone:back", "x-absent:no"]},
    "add":     {"headers": ["x-add:yes", "x-rep:no", "x-old:no"]},
    "append":  {"headers": ["x-multi:2", "link:<http://a:1/>"]}
  })");
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->Priority(), 800);
  EXPECT_FALSE(plugin->NeedsResponseBody());
  EXPECT_TRUE(plugin->HasHeaderFilter());  // the proxy runs the header phase for it
  Call call;
  auto& h = call.response.headers;
  h.Add("Server", "backend");
  h.Add("X-Gone", "1");
  h.Add("X-Old", "o");
  h.Add("X-Rep", "orig");
  h.Add("X-Multi", "1");
  h.Add("Content-Length", "2");
  call.response.body = "{}";
  plugin->HeaderFilter(call.ctx, call.response);
  EXPECT_FALSE(h.Has("server"));
  // Kong's replace looks at the headers as they came: x-gone was there, so it is set again.
  EXPECT_EQ(call.All("x-gone"), std::vector<std::string>{"back"});
  EXPECT_EQ(call.All("x-new"), std::vector<std::string>{"o"});
  // ... and add too: x-old existed upstream, so it is not added back after the rename.
  EXPECT_FALSE(h.Has("x-old"));
  EXPECT_EQ(call.All("x-rep"), std::vector<std::string>{"new"});
  EXPECT_FALSE(h.Has("x-absent"));
  EXPECT_EQ(call.All("x-add"), std::vector<std::string>{"yes"});
  EXPECT_EQ(call.All("x-multi"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(call.All("link"), std::vector<std::string>{"<http://a:1/>"});
  EXPECT_EQ(h.Get("Content-Length"), "2");  // no JSON operation: the body is not touched
}

TEST(ResponseTransformer, JsonBodyWithTypes) {
  auto plugin = Make(R"({
    "remove":  {"json": ["password"]},
    "rename":  {"json": ["old:new"]},
    "replace": {"json": ["count:42", "flag:true", "absent:1"], "json_types": ["number", "boolean", "number"]},
    "add":     {"json": ["source:gateway", "count:0", "ratio:0.5", "bad:abc"],
                "json_types": ["string", "number", "number", "number"]},
    "append":  {"json": ["tags:b", "items:3"], "json_types": ["string", "number"]}
  })");
  ASSERT_TRUE(plugin);
  ASSERT_TRUE(plugin->NeedsResponseBody());
  Call call;
  call.response.headers.Set("Content-Type", "application/json");
  call.response.headers.Set("Content-Length", "999");
  call.response.body = R"({"password":"x","old":"o","count":1,"flag":false,"tags":"a","items":[1,2]})";
  plugin->HeaderFilter(call.ctx, call.response);
  EXPECT_FALSE(call.response.headers.Has("Content-Length"));
  plugin->BodyFilter(call.ctx, call.response);
  // flag was false: Kong's `if json_body[name]` does not replace a false member.
  EXPECT_EQ(json::parse(call.response.body),
            json::parse(R"({"new":"o","count":42,"flag":false,"tags":["a","b"],"items":[1,2,3],
                            "source":"gateway","ratio":0.5})"));
}

TEST(ResponseTransformer, OnlyJsonResponsesAreRewritten) {
  auto plugin = Make(R"({"add": {"json": ["a:1"]}})");
  Call text;
  text.response.headers.Set("Content-Type", "text/html");
  text.response.body = "<p>hi</p>";
  plugin->HeaderFilter(text.ctx, text.response);
  plugin->BodyFilter(text.ctx, text.response);
  EXPECT_EQ(text.response.body, "<p>hi</p>");

  Call broken;
  broken.response.headers.Set("Content-Type", "application/json");
  broken.response.body = "{not json";
  plugin->BodyFilter(broken.ctx, broken.response);
  EXPECT_EQ(broken.response.body, "{not json");
}

TEST(ResponseTransformerSchema, RefusesBadEntries) {
  std::vector<ConfigIssue> issues;
  EXPECT_FALSE(Make(R"({"add": {"json": ["novalue"], "json_types": ["integer"]}})", &issues));
  std::string text;
  for (const auto& i : issues) text += i.field + ": " + i.message + "\n";
  EXPECT_NE(text.find("config.add.json[1]: key 'novalue' has no value"), std::string::npos) << text;
  EXPECT_NE(text.find("config.add.json_types[1]: expected one of: boolean, number, string"), std::string::npos) << text;
}

}  // namespace
}  // namespace comptoir::gateway::plugins
