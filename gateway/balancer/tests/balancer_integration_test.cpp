// Active health checks against real HTTP backends on loopback: a target whose /health fails is taken
// out and put back, a stopped backend is taken out by TCP failures, a slow one by timeouts.
#include <array>
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

// RequestContext is an aggregate with many defaulted members; designated initialisers name two.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "comptoir/gateway/balancer.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::gateway {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr int kSlow = -1;  // /health answers after 2 s

struct HealthState {
  std::atomic<int> status{200};
  std::atomic<int> in_flight{0};  // handlers still running, drained before the runtime stops
};

asio::awaitable<http::Response> HealthHandler(std::shared_ptr<HealthState> state) {
  const int s = state->status.load();
  if (s == kSlow) {
    ++state->in_flight;
    asio::steady_timer timer(co_await asio::this_coro::executor, 1s);
    co_await timer.async_wait(asio::use_awaitable);
    --state->in_flight;
    co_return http::Response::Text(200, "late");
  }
  co_return http::Response::Text(s, "health");
}

struct Backend {
  std::shared_ptr<HealthState> health = std::make_shared<HealthState>();
  bool running = true;
  http::Router router;
  std::unique_ptr<http::Server> server;
  std::string target;
};

class BalancerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto& b : backends) {
      auto health = b.health;
      b.router.Add(http::Method::kGet, "/health", [health](http::Request&) { return HealthHandler(health); });
      http::ServerOptions options;
      options.access_log = false;
      options.shutdown_grace = 3s;  // longer than a slow /health, so Shutdown waits for it
      b.server = std::make_unique<http::Server>(runtime, options, b.router, registry);
      b.server->Start();
      b.target = "127.0.0.1:" + std::to_string(b.server->port());
    }
    thread = std::thread([this] { runtime.Run(); });

    Upstream up;
    up.name = "cart";
    up.algorithm = "round-robin";
    auto& hc = up.healthchecks;
    hc.active.http_path = "/health";
    hc.active.timeout = 0.3;
    hc.active.healthy.interval = 0.1;
    hc.active.healthy.successes = 2;
    hc.active.unhealthy.interval = 0.1;
    hc.active.unhealthy.http_failures = 2;
    hc.active.unhealthy.tcp_failures = 2;
    hc.active.unhealthy.timeouts = 2;
    for (auto& b : backends) {
      Target t;
      t.host = "127.0.0.1";
      t.port = b.server->port();
      t.target = b.target;
      up.targets.push_back(t);
    }
    auto config = std::make_shared<Config>();
    config->upstreams.push_back(up);
    balancers.Apply(config);
  }

  void TearDown() override {
    balancers.Stop();
    // Let slow handlers finish and servers close before the event loops stop.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (auto& b : backends) {
      while (b.health->in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
      }
      if (b.running) StopBackend(b);
    }
    runtime.Stop();
    thread.join();
  }

  static void StopBackend(Backend& b) {
    std::promise<void> stopped;
    b.server->Shutdown([&stopped] { stopped.set_value(); });
    ASSERT_EQ(stopped.get_future().wait_for(10s), std::future_status::ready);
    b.running = false;
  }

  TargetHealth Health(const std::string& target) {
    for (auto& s : balancers.Snapshot()) {
      if (s.target == target) return s.health;
    }
    return TargetHealth::kDnsError;
  }

  // Polls until the target has `health`; generous deadline, no timing asserted.
  bool WaitFor(const std::string& target, TargetHealth health) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Health(target) == health) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  std::set<std::string> Picked(int n) {
    std::set<std::string> seen;
    for (int i = 0; i < n; ++i) {
      auto pick = balancers.Select("cart", ctx, {});
      if (pick) seen.insert(pick->target);
    }
    return seen;
  }

  http::Runtime runtime{2};
  metrics::Registry registry;
  std::array<Backend, 3> backends;
  http::Client client{runtime, http::ClientOptions{.connect_timeout = 500ms}};
  Balancers balancers{runtime, client};
  std::thread thread;
  http::Request request;
  Config config;
  RequestContext ctx{.request = request, .config = config};
};

TEST_F(BalancerIntegrationTest, FailingHealthEndpointTakesATargetOutAndBackIn) {
  for (auto& b : backends) EXPECT_EQ(Health(b.target), TargetHealth::kHealthy);
  auto& sick = backends[1];
  sick.health->status.store(503);
  ASSERT_TRUE(WaitFor(sick.target, TargetHealth::kUnhealthy));
  EXPECT_EQ(Picked(30), (std::set<std::string>{backends[0].target, backends[2].target}));

  sick.health->status.store(200);
  ASSERT_TRUE(WaitFor(sick.target, TargetHealth::kHealthy));
  EXPECT_EQ(Picked(30).size(), 3u);
}

TEST_F(BalancerIntegrationTest, StoppedBackendIsTakenOutByTcpFailures) {
  StopBackend(backends[2]);
  ASSERT_TRUE(WaitFor(backends[2].target, TargetHealth::kUnhealthy));
  EXPECT_EQ(Picked(30), (std::set<std::string>{backends[0].target, backends[1].target}));
  EXPECT_EQ(Health(backends[0].target), TargetHealth::kHealthy);
}

TEST_F(BalancerIntegrationTest, SlowHealthEndpointIsTakenOutByTimeouts) {
  backends[0].health->status.store(kSlow);
  ASSERT_TRUE(WaitFor(backends[0].target, TargetHealth::kUnhealthy));
  backends[0].health->status.store(200);
  ASSERT_TRUE(WaitFor(backends[0].target, TargetHealth::kHealthy));
}

TEST_F(BalancerIntegrationTest, ReloadWithoutTheUpstreamStopsItsChecker) {
  backends[1].health->status.store(500);
  ASSERT_TRUE(WaitFor(backends[1].target, TargetHealth::kUnhealthy));
  balancers.Apply(std::make_shared<Config>());
  EXPECT_TRUE(balancers.Snapshot().empty());
  EXPECT_FALSE(balancers.Select("cart", ctx, {}).has_value());
}

}  // namespace
}  // namespace comptoir::gateway
