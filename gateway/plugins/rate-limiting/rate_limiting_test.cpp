#include "rate_limiting.hpp"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

// 2024-02-29T13:45:30.250Z
constexpr std::int64_t kNow = 1709214330250;

struct Made {
  std::shared_ptr<RateLimiting> plugin;
  std::vector<ConfigIssue> issues;
  json::object output;
};

Made Make(std::string_view config_json, std::int64_t now = kNow) {
  Made m;
  json::value input = json::parse(config_json);
  PluginEnv env;
  {
    SchemaReader reader(&input, m.issues, "plugins", "rate-limiting", "config");
    auto plugin = CreateRateLimiting(reader, env);
    m.output = reader.output();
    if (plugin) {
      EXPECT_TRUE(reader.ok());
      m.plugin = std::static_pointer_cast<RateLimiting>(plugin);
      m.plugin->SetClock([now] { return now; });
    }
  }
  return m;
}

std::string IssueText(const std::vector<ConfigIssue>& issues) {
  std::string out;
  for (const auto& i : issues) out += i.field + ": " + i.message + "\n";
  return out;
}

/// One request through the plugin; the counters are per process, so each test uses its own client IP.
struct Call {
  Config config;
  http::Request request;
  RequestContext ctx{request, config};

  explicit Call(std::string ip) {
    ctx.client_ip = std::move(ip);
    ctx.request_id = "req-1";
    request.path = "/things";
  }
  std::string Header(std::string_view name) const {
    auto v = ctx.response_headers.Get(name);
    return v ? std::string(*v) : "<none>";
  }
};

TEST(RateLimitingWindows, AreCalendarAlignedUtc) {
  EXPECT_EQ(RatePeriodStart(RatePeriod::kSecond, kNow), 1709214330000);
  EXPECT_EQ(RatePeriodStart(RatePeriod::kMinute, kNow), 1709214300000);
  EXPECT_EQ(RatePeriodStart(RatePeriod::kHour, kNow), 1709211600000);
  EXPECT_EQ(RatePeriodStart(RatePeriod::kDay, kNow), 1709164800000);
  EXPECT_EQ(RatePeriodStart(RatePeriod::kMonth, kNow), 1706745600000);  // 2024-02-01
  EXPECT_EQ(RatePeriodStart(RatePeriod::kYear, kNow), 1704067200000);   // 2024-01-01
  EXPECT_EQ(RatePeriodSeconds(RatePeriod::kMonth), 2592000);
}

TEST(RateLimiting, CountsDownAndRefusesWithKongsHeadersAndBody) {
  auto m = Make(R"({"minute": 3})");
  ASSERT_TRUE(m.plugin) << IssueText(m.issues);
  EXPECT_EQ(m.plugin->Priority(), 910);
  EXPECT_FALSE(m.plugin->HasAsyncAccess());
  for (int i = 1; i <= 3; ++i) {
    Call call("10.0.0.1");
    m.plugin->Access(call.ctx);
    EXPECT_FALSE(call.ctx.exit.has_value()) << "request " << i;
    EXPECT_EQ(call.Header("X-RateLimit-Limit-Minute"), "3");
    EXPECT_EQ(call.Header("X-RateLimit-Remaining-Minute"), std::to_string(3 - i));
    EXPECT_EQ(call.Header("RateLimit-Limit"), "3");
    EXPECT_EQ(call.Header("RateLimit-Remaining"), std::to_string(3 - i));
    EXPECT_EQ(call.Header("RateLimit-Reset"), "30");  // 13:45:30.250 -> 30 s left in the minute
    EXPECT_EQ(call.Header("Retry-After"), "<none>");
  }
  Call refused("10.0.0.1");
  m.plugin->Access(refused.ctx);
  ASSERT_TRUE(refused.ctx.exit.has_value());
  EXPECT_EQ(refused.ctx.exit->status, 429);
  EXPECT_EQ(json::parse(refused.ctx.exit->body),
            json::parse(R"({"message":"API rate limit exceeded","request_id":"req-1"})"));
  EXPECT_EQ(refused.Header("X-RateLimit-Remaining-Minute"), "0");
  EXPECT_EQ(refused.Header("RateLimit-Remaining"), "0");
  EXPECT_EQ(refused.Header("Retry-After"), "30");

  // Another client has its own budget.
  Call other("10.0.0.2");
  m.plugin->Access(other.ctx);
  EXPECT_FALSE(other.ctx.exit.has_value());
  EXPECT_EQ(other.Header("X-RateLimit-Remaining-Minute"), "2");
}

TEST(RateLimiting, RefusedRequestsAreNotCountedAndTheNextWindowStartsAfresh) {
  auto m = Make(R"({"minute": 1})");
  ASSERT_TRUE(m.plugin);
  std::int64_t now = kNow;
  m.plugin->SetClock([&now] { return now; });
  Call a("10.0.1.1");
  m.plugin->Access(a.ctx);
  EXPECT_FALSE(a.ctx.exit);
  for (int i = 0; i < 3; ++i) {
    Call b("10.0.1.1");
    m.plugin->Access(b.ctx);
    EXPECT_TRUE(b.ctx.exit);
  }
  now = RatePeriodStart(RatePeriod::kMinute, kNow) + 60'000;  // next minute
  Call c("10.0.1.1");
  m.plugin->Access(c.ctx);
  EXPECT_FALSE(c.ctx.exit);
  EXPECT_EQ(c.Header("X-RateLimit-Remaining-Minute"), "0");
  EXPECT_EQ(c.Header("RateLimit-Reset"), "60");
}

TEST(RateLimiting, MostRestrictiveWindowDrivesRateLimitHeaders) {
  auto m = Make(R"({"second": 2, "hour": 100})");
  ASSERT_TRUE(m.plugin);
  Call first("10.0.2.1");
  m.plugin->Access(first.ctx);
  EXPECT_EQ(first.Header("X-RateLimit-Limit-Second"), "2");
  EXPECT_EQ(first.Header("X-RateLimit-Remaining-Second"), "1");
  EXPECT_EQ(first.Header("X-RateLimit-Limit-Hour"), "100");
  EXPECT_EQ(first.Header("X-RateLimit-Remaining-Hour"), "99");
  EXPECT_EQ(first.Header("RateLimit-Limit"), "2");
  EXPECT_EQ(first.Header("RateLimit-Remaining"), "1");
  EXPECT_EQ(first.Header("RateLimit-Reset"), "1");
  Call second("10.0.2.1");
  m.plugin->Access(second.ctx);
  Call third("10.0.2.1");
  m.plugin->Access(third.ctx);
  ASSERT_TRUE(third.ctx.exit);
  // Only the exhausted window shows this request; the hour is untouched by a refused one.
  EXPECT_EQ(third.Header("X-RateLimit-Remaining-Second"), "0");
  EXPECT_EQ(third.Header("X-RateLimit-Remaining-Hour"), "98");
  EXPECT_EQ(third.Header("Retry-After"), "1");
}

TEST(RateLimiting, HideClientHeadersAndCustomError) {
  auto m = Make(R"({"second": 1, "hide_client_headers": true, "error_code": 503, "error_message": "slow down"})");
  ASSERT_TRUE(m.plugin);
  Call a("10.0.3.1");
  m.plugin->Access(a.ctx);
  EXPECT_EQ(a.ctx.response_headers.size(), 0u);
  Call b("10.0.3.1");
  m.plugin->Access(b.ctx);
  ASSERT_TRUE(b.ctx.exit);
  EXPECT_EQ(b.ctx.exit->status, 503);
  EXPECT_EQ(json::parse(b.ctx.exit->body).at("message"), "slow down");
  EXPECT_EQ(b.ctx.response_headers.size(), 0u);
}

TEST(RateLimiting, IdentifiersFollowLimitByWithIpFallback) {
  Consumer consumer;
  consumer.id = "c-1";
  auto by_consumer = Make(R"({"minute": 5})");
  Call call("10.0.4.1");
  EXPECT_EQ(by_consumer.plugin->Identifier(call.ctx), "10.0.4.1");
  call.ctx.credential_id = "cred-9";
  EXPECT_EQ(by_consumer.plugin->Identifier(call.ctx), "cred-9");
  call.ctx.consumer = &consumer;
  EXPECT_EQ(by_consumer.plugin->Identifier(call.ctx), "c-1");

  auto by_header = Make(R"({"minute": 5, "limit_by": "header", "header_name": "X-Tenant"})");
  EXPECT_EQ(by_header.plugin->Identifier(call.ctx), "10.0.4.1");
  call.request.headers.Set("x-tenant", "acme");
  EXPECT_EQ(by_header.plugin->Identifier(call.ctx), "acme");

  auto by_path = Make(R"({"minute": 5, "limit_by": "path", "path": "/things"})");
  EXPECT_EQ(by_path.plugin->Identifier(call.ctx), "/things");
  call.request.path = "/other";
  EXPECT_EQ(by_path.plugin->Identifier(call.ctx), "10.0.4.1");

  Service service;
  service.id = "svc-1";
  auto by_service = Make(R"({"minute": 5, "limit_by": "service"})");
  EXPECT_EQ(by_service.plugin->Identifier(call.ctx), "10.0.4.1");
  call.ctx.service = &service;
  EXPECT_EQ(by_service.plugin->Identifier(call.ctx), "svc-1");
}

TEST(RateLimiting, KeyUsesThePluginsOwnScope) {
  auto global = Make(R"({"minute": 5})");
  Call call("10.0.5.1");
  EXPECT_EQ(global.plugin->Key(call.ctx, "ident", RatePeriod::kMinute, kNow),
            "ratelimit:00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000:ident:"
            "1709214300000:minute");

  auto scoped = Make(R"({"minute": 5})");
  Call in_config("10.0.5.1");
  Service service;
  service.id = "svc-id";
  in_config.config.services.push_back(service);
  Route route;
  route.id = "route-id";
  in_config.config.routes.push_back(route);
  PluginInstance instance;
  instance.name = "rate-limiting";
  instance.route = 0;
  instance.service = 0;
  instance.plugin = scoped.plugin;
  in_config.config.plugins.push_back(instance);
  EXPECT_EQ(scoped.plugin->Key(in_config.ctx, "ident", RatePeriod::kHour, kNow),
            "ratelimit:route-id:svc-id:ident:1709211600000:hour");
}

TEST(RateLimiting, CountsExactlyUnderConcurrency) {
  auto m = Make(R"({"minute": 1000})");
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        Call call("10.0.6.1");
        m.plugin->Access(call.ctx);
        if (!call.ctx.exit) accepted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 1000);
}

TEST(RateLimitingSchema, DefaultsAreKongs) {
  auto m = Make(R"({"minute": 10})");
  ASSERT_TRUE(m.plugin) << IssueText(m.issues);
  const auto& c = m.plugin->config();
  EXPECT_EQ(c.limit_by, "consumer");
  EXPECT_EQ(c.policy, "local");
  EXPECT_TRUE(c.fault_tolerant);
  EXPECT_FALSE(c.hide_client_headers);
  EXPECT_EQ(c.error_code, 429);
  EXPECT_EQ(c.error_message, "API rate limit exceeded");
  EXPECT_EQ(m.output.at("redis").at("port"), 6379);
  EXPECT_EQ(m.output.at("redis").at("timeout"), 2000);
  EXPECT_EQ(m.output.at("redis").at("database"), 0);
  EXPECT_EQ(m.output.at("policy"), "local");
  EXPECT_FALSE(m.output.contains("redis_host"));
}

TEST(RateLimitingSchema, RefusesBadConfigurationsWithKongsMessages) {
  auto none = Make(R"({})");
  EXPECT_FALSE(none.plugin);
  EXPECT_NE(IssueText(none.issues).find("at least one of these fields must be non-empty"), std::string::npos);

  auto order = Make(R"({"second": 10, "minute": 5})");
  EXPECT_FALSE(order.plugin);
  EXPECT_NE(IssueText(order.issues).find("The limit for minute(5.0) cannot be lower than the limit for second(10.0)"),
            std::string::npos)
      << IssueText(order.issues);

  auto zero = Make(R"({"minute": 0})");
  EXPECT_FALSE(zero.plugin);

  auto cluster = Make(R"({"minute": 5, "policy": "cluster"})");
  EXPECT_FALSE(cluster.plugin);
  EXPECT_NE(IssueText(cluster.issues).find("config.policy: expected one of: local, redis"), std::string::npos)
      << IssueText(cluster.issues);

  auto header = Make(R"({"minute": 5, "limit_by": "header"})");
  EXPECT_NE(IssueText(header.issues).find("config.header_name: required field missing"), std::string::npos);

  auto redis = Make(R"({"minute": 5, "policy": "redis"})");
  EXPECT_NE(IssueText(redis.issues).find("config.redis.host: required field missing"), std::string::npos)
      << IssueText(redis.issues);

  auto unknown = Make(R"({"minute": 5, "minutes": 5})");
  EXPECT_NE(IssueText(unknown.issues).find("config.minutes: unknown field"), std::string::npos);
}

TEST(RateLimitingSchema, DeprecatedFlatRedisFieldsAreMappedOntoRedis) {
  json::value input = json::parse(R"({"minute": 5, "policy": "redis", "redis_host": "cache", "redis_port": 6380,
                                       "redis_database": 2, "redis_timeout": 500})");
  std::vector<ConfigIssue> issues;
  std::string seen;
  PluginEnv env;
  env.redis = [&](const std::string& host, int port, const std::string& password, int database,
                  std::chrono::milliseconds timeout) {
    seen = host + ":" + std::to_string(port) + "/" + std::to_string(database) + " " + std::to_string(timeout.count());
    return std::shared_ptr<redis::Client>();
  };
  SchemaReader reader(&input, issues, "plugins", "rate-limiting", "config");
  auto plugin = CreateRateLimiting(reader, env);
  ASSERT_TRUE(plugin) << IssueText(issues);
  EXPECT_EQ(seen, "cache:6380/2 500");
  EXPECT_EQ(reader.output().at("redis").at("host"), "cache");
  EXPECT_EQ(reader.output().at("redis").at("port"), 6380);
}

}  // namespace
}  // namespace comptoir::gateway::plugins
