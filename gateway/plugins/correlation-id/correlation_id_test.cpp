// RequestContext is an aggregate built from (request, config) only; -Wextra flags the rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/gateway/plugins/test_support.hpp"

namespace comptoir::gateway::plugins {
namespace {

using Made = testing::MadePlugin;

Made Make(std::string_view config_json) {
  return testing::MakePlugin(CreateCorrelationId, "correlation-id", config_json);
}

const std::regex kUuidCounter("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}#[0-9]+$");
const std::regex kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

TEST(CorrelationId, DefaultsAreKongs) {
  auto m = Make("{}");
  ASSERT_NE(m.plugin, nullptr);
  EXPECT_EQ(m.plugin->Priority(), 100001);
  EXPECT_EQ(m.plugin->Name(), "correlation-id");
  EXPECT_EQ(m.output.at("header_name"), "Kong-Request-ID");
  EXPECT_EQ(m.output.at("generator"), "uuid#counter");
  EXPECT_EQ(m.output.at("echo_downstream"), false);
}

TEST(CorrelationId, GeneratesUuidCounterAndSetsRequestId) {
  auto m = Make("{}");
  Config config;
  http::Request req;
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  auto id = req.headers.Get("kong-request-id");
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(std::regex_match(std::string(*id), kUuidCounter)) << *id;
  EXPECT_EQ(ctx.request_id, *id);

  http::Request req2;
  RequestContext ctx2{.request = req2, .config = config};
  m.plugin->Access(ctx2);
  std::string first(*id), second(*req2.headers.Get("Kong-Request-ID"));
  // Same worker: same UUID, next counter.
  EXPECT_EQ(first.substr(0, 36), second.substr(0, 36));
  EXPECT_EQ(std::stoull(second.substr(37)), std::stoull(first.substr(37)) + 1);

  // Not echoed by default.
  EXPECT_FALSE(ctx.response_headers.Has("Kong-Request-ID"));
}

TEST(CorrelationId, KeepsAnIncomingIdAndEchoesIt) {
  auto m = Make(R"({"header_name":"X-Request-ID","generator":"uuid","echo_downstream":true})");
  ASSERT_NE(m.plugin, nullptr);
  Config config;
  http::Request req;
  req.headers.Set("x-request-id", "abc-123");
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Rewrite(ctx);
  m.plugin->Access(ctx);  // a second pass is harmless
  EXPECT_EQ(ctx.request_id, "abc-123");
  EXPECT_EQ(*req.headers.Get("X-Request-ID"), "abc-123");
  // Echoed on the answer, once.
  EXPECT_EQ(*ctx.response_headers.Get("X-Request-ID"), "abc-123");
  EXPECT_EQ(ctx.response_headers.size(), 1u);
}

TEST(CorrelationId, UuidGeneratorAndEmptyHeaderIsReplaced) {
  auto m = Make(R"({"generator":"uuid","echo_downstream":true})");
  Config config;
  http::Request req;
  req.headers.Set("Kong-Request-ID", "");
  RequestContext ctx{.request = req, .config = config};
  m.plugin->Access(ctx);
  EXPECT_TRUE(std::regex_match(ctx.request_id, kUuid)) << ctx.request_id;
  EXPECT_EQ(*ctx.response_headers.Get("Kong-Request-ID"), ctx.request_id);
}

TEST(CorrelationId, TrackerIsUniquePerRequest) {
  auto m = Make(R"({"generator":"tracker"})");
  Config config;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    http::Request req;
    req.headers.Set("Host", "gw.local");
    RequestContext ctx{.request = req, .config = config};
    m.plugin->Access(ctx);
    EXPECT_EQ(ctx.request_id.rfind("gw.local-", 0), 0u);
    seen.insert(ctx.request_id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CorrelationId, UniqueAcrossThreads) {
  auto m = Make("{}");
  Config config;
  std::vector<std::vector<std::string>> ids(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        http::Request req;
        RequestContext ctx{.request = req, .config = config};
        m.plugin->Access(ctx);
        ids[t].push_back(ctx.request_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> all;
  for (auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 2000u);
}

TEST(CorrelationId, RejectsBadConfig) {
  auto m = Make(R"({"generator":"ulid","echo_downstream":"yes","extra":1})");
  EXPECT_EQ(m.plugin, nullptr);
  ASSERT_EQ(m.issues.size(), 3u);
  EXPECT_EQ(m.issues[0].field, "config.generator");
  EXPECT_EQ(m.issues[0].message, "expected one of: uuid, uuid#counter, tracker");
  EXPECT_EQ(m.issues[1].field, "config.echo_downstream");
  EXPECT_EQ(m.issues[2].field, "config.extra");
  EXPECT_EQ(m.issues[2].message, "unknown field");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
