// The redis policy against a real Redis (the "redis" CTest fixture): two plugin instances, each with
// its own client, stand for two gateway processes sharing one budget.
#include <chrono>
#include <random>

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/json.hpp>

#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/redis/redis.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"
#include "rate_limiting.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

class RateLimitingRedisTest : public ::testing::Test {
 protected:
  /// A plugin instance with its own Redis client (one gateway process).
  std::shared_ptr<RateLimiting> Gateway(int port, std::string_view extra = "") {
    json::value input = json::parse(R"({"minute": 5, "policy": "redis", "redis": {"host": "127.0.0.1", "port": )" +
                                    std::to_string(port) + R"(, "timeout": 500})" + std::string(extra) + "}");
    std::vector<ConfigIssue> issues;
    PluginEnv env;
    env.redis = [this](const std::string& host, int port, const std::string& password, int database,
                       std::chrono::milliseconds timeout) {
      redis::Options options;
      options.host = host;
      options.port = static_cast<std::uint16_t>(port);
      options.password = password;
      options.database = database;
      options.connect_timeout = timeout;
      options.command_timeout = timeout;
      auto client = std::make_shared<redis::Client>(runtime_, options);
      clients_.push_back(client);
      return client;
    };
    SchemaReader reader(&input, issues, "plugins", "rate-limiting", "config");
    auto plugin = std::static_pointer_cast<RateLimiting>(CreateRateLimiting(reader, env));
    EXPECT_TRUE(plugin) << (issues.empty() ? "" : issues[0].field + ": " + issues[0].message);
    // Both "processes" see the same wall clock; pinned so that the test never straddles a minute.
    plugin->SetClock([now = now_ms_] { return now; });
    return plugin;
  }

  struct Outcome {
    std::optional<http::Response> exit;
    http::Headers headers;
  };
  Outcome Send(const RateLimiting& plugin, const std::string& ip) {
    Config config;
    http::Request request;
    RequestContext ctx{request, config};
    ctx.client_ip = ip;
    ctx.request_id = "rid";
    testing::RunAsync(runtime_, plugin.AccessAsync(ctx));
    return {std::move(ctx.exit), std::move(ctx.response_headers)};
  }

  // A client IP of our own: keys from other runs in the same minute do not collide.
  std::string ip_ = "198.51.100." + std::to_string(std::random_device{}() % 1000000);
  std::int64_t now_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  http::Runtime runtime_{1};
  std::vector<std::shared_ptr<redis::Client>> clients_;
};

TEST_F(RateLimitingRedisTest, TwoGatewaysShareOneBudget) {
  const int port = testing::RedisPort();
  auto a = Gateway(port);
  auto b = Gateway(port);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->HasAsyncAccess());
  int accepted = 0;
  int refused = 0;
  for (int i = 0; i < 10; ++i) {
    auto outcome = Send(i % 2 == 0 ? *a : *b, ip_);
    if (!outcome.exit) {
      ++accepted;
      EXPECT_EQ(outcome.headers.Get("X-RateLimit-Remaining-Minute").value_or("?"), std::to_string(5 - accepted));
    } else {
      ++refused;
      EXPECT_EQ(outcome.exit->status, 429);
      EXPECT_EQ(json::parse(outcome.exit->body).at("message"), "API rate limit exceeded");
      EXPECT_TRUE(outcome.headers.Has("Retry-After"));
    }
  }
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(refused, 5);

  // The counter is the key Kong uses, with an expiry at the end of the window.
  redis::Options options;
  options.port = static_cast<std::uint16_t>(port);
  redis::Client check(runtime_, options);
  Config config;
  http::Request request;
  RequestContext ctx{request, config};
  const std::string key = a->Key(ctx, ip_, RatePeriod::kMinute, now_ms_);
  auto value = testing::RunAsync(runtime_, check.Command({"GET", key}));
  EXPECT_EQ(value.OptString().value_or("nil"), "5");
  auto ttl = testing::RunAsync(runtime_, check.Command({"TTL", key}));
  EXPECT_GT(ttl.Integer(), 0);
  EXPECT_LE(ttl.Integer(), 61);
}

TEST_F(RateLimitingRedisTest, ConcurrentRequestsNeverExceedTheLimit) {
  const int port = testing::RedisPort();
  auto a = Gateway(port);
  auto b = Gateway(port);
  // 20 requests in flight at once on both "gateways": the check-and-increment is one script, so the
  // budget holds even when the reads interleave.
  struct InFlight {
    Config config;
    http::Request request;
    RequestContext ctx{request, config};
  };
  std::vector<std::unique_ptr<InFlight>> calls;
  int done = 0;
  auto& io = runtime_.Context(0);
  for (int i = 0; i < 20; ++i) {
    calls.push_back(std::make_unique<InFlight>());
    calls.back()->ctx.client_ip = ip_;
    boost::asio::co_spawn(io, (i % 2 == 0 ? *a : *b).AccessAsync(calls.back()->ctx), [&](std::exception_ptr e) {
      EXPECT_FALSE(e);
      ++done;
    });
  }
  if (io.stopped()) io.restart();
  while (done < 20) io.run_one();
  int accepted = 0;
  for (const auto& c : calls) accepted += c->ctx.exit ? 0 : 1;
  EXPECT_EQ(accepted, 5);
}

TEST_F(RateLimitingRedisTest, RedisDownLetsRequestsThroughWhenFaultTolerant) {
  const int port = testing::FreePort();  // nothing listens there
  auto tolerant = Gateway(port);
  auto outcome = Send(*tolerant, ip_);
  EXPECT_FALSE(outcome.exit);
  EXPECT_FALSE(outcome.headers.Has("RateLimit-Limit"));

  auto strict = Gateway(port, R"(, "fault_tolerant": false)");
  auto refused = Send(*strict, ip_);
  ASSERT_TRUE(refused.exit);
  EXPECT_EQ(refused.exit->status, 500);
  EXPECT_EQ(json::parse(refused.exit->body).at("message"), "An unexpected error occurred");
}

}  // namespace
}  // namespace comptoir::gateway::plugins
