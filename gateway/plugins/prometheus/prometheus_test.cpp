#include "prometheus.hpp"

#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/health.hpp"
#include "comptoir/gateway/plugins/factories.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::gateway::plugins {
namespace {

namespace json = boost::json;

class FakeHealth : public HealthView {
 public:
  std::vector<TargetStatus> targets;
  [[nodiscard]] std::vector<TargetStatus> Snapshot() const override { return targets; }
};

class PrometheusTest : public ::testing::Test {
 protected:
  PrometheusTest() {
    service_.id = "s-id";
    service_.name = "cart";
    route_.id = "r-id";
    route_.name = "cart-route";
    consumer_.id = "c-id";
    consumer_.username = "alice";
    env_.registry = &registry_;
    env_.health = &health_;
  }

  std::shared_ptr<Plugin> Make(std::string_view config_json) {
    json::value input = json::parse(config_json);
    std::vector<ConfigIssue> issues;
    SchemaReader reader(&input, issues, "plugins", "prometheus", "config");
    auto plugin = CreatePrometheus(reader, env_);
    EXPECT_TRUE(plugin) << (issues.empty() ? "" : issues[0].field + ": " + issues[0].message);
    return plugin;
  }

  void Log(const Plugin& plugin, int status, bool from_upstream, const Consumer* consumer = nullptr) {
    http::Request request;
    RequestContext ctx{request, config_};
    ctx.service = &service_;
    ctx.route = &route_;
    ctx.consumer = consumer;
    ctx.status = status;
    ctx.from_upstream = from_upstream;
    ctx.kong_latency_ms = 3;
    ctx.upstream_latency_ms = from_upstream ? 60 : -1;
    ctx.request_latency_ms = from_upstream ? 63 : 3;
    ctx.bytes_received = 100;
    ctx.bytes_sent = 250;
    plugin.Log(ctx);
  }

  static bool Has(const std::string& text, std::string_view line) {
    return text.find(std::string(line) + "\n") != std::string::npos;
  }

  metrics::Registry registry_;  // outlives the plugins below
  FakeHealth health_;
  PluginEnv env_;
  Config config_;
  Service service_;
  Route route_;
  Consumer consumer_;
};

TEST_F(PrometheusTest, KongSeriesAfterAFewRequests) {
  auto plugin = Make(R"({"status_code_metrics": true, "latency_metrics": true, "bandwidth_metrics": true})");
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->Priority(), 13);
  Log(*plugin, 200, true, &consumer_);
  Log(*plugin, 200, true);
  Log(*plugin, 401, false);
  const std::string text = registry_.Render();
  // Without per_consumer the consumer label is there, empty.
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="200",source="service",workspace="default",consumer=""} 2)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="401",source="kong",workspace="default",consumer=""} 1)"));
  EXPECT_TRUE(
      Has(text, R"(kong_kong_latency_ms_bucket{service="cart",route="cart-route",workspace="default",le="5"} 3)"));
  EXPECT_TRUE(
      Has(text, R"(kong_kong_latency_ms_bucket{service="cart",route="cart-route",workspace="default",le="6000"} 3)"));
  EXPECT_TRUE(Has(text, R"(kong_kong_latency_ms_count{service="cart",route="cart-route",workspace="default"} 3)"));
  EXPECT_TRUE(Has(text, R"(kong_upstream_latency_ms_count{service="cart",route="cart-route",workspace="default"} 2)"));
  EXPECT_TRUE(
      Has(text, R"(kong_upstream_latency_ms_bucket{service="cart",route="cart-route",workspace="default",le="50"} 0)"));
  EXPECT_TRUE(
      Has(text, R"(kong_upstream_latency_ms_bucket{service="cart",route="cart-route",workspace="default",le="80"} 2)"));
  EXPECT_TRUE(Has(text, R"(kong_request_latency_ms_count{service="cart",route="cart-route",workspace="default"} 3)"));
  EXPECT_TRUE(Has(text, R"(kong_request_latency_ms_sum{service="cart",route="cart-route",workspace="default"} 129)"));
  EXPECT_TRUE(Has(
      text,
      R"(kong_bandwidth_bytes{service="cart",route="cart-route",direction="ingress",workspace="default",consumer=""} 300)"));
  EXPECT_TRUE(Has(
      text,
      R"(kong_bandwidth_bytes{service="cart",route="cart-route",direction="egress",workspace="default",consumer=""} 750)"));
  EXPECT_NE(text.find("# TYPE kong_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE kong_kong_latency_ms histogram"), std::string::npos);
  EXPECT_TRUE(Has(text, "kong_datastore_reachable 1"));
}

TEST_F(PrometheusTest, PerConsumerAndDisabledMetrics) {
  auto plugin = Make(R"({"per_consumer": true, "status_code_metrics": true})");
  Log(*plugin, 200, true, &consumer_);
  Log(*plugin, 200, true);
  const std::string text = registry_.Render();
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="200",source="service",workspace="default",consumer="alice"} 1)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="200",source="service",workspace="default",consumer=""} 1)"));
  // latency and bandwidth are off (Kong 3.x defaults): no series, only the family headers.
  EXPECT_EQ(text.find("kong_kong_latency_ms_count{"), std::string::npos);
  EXPECT_EQ(text.find("kong_bandwidth_bytes{"), std::string::npos);

  auto nothing = Make(R"({})");
  Log(*nothing, 500, false);
  EXPECT_EQ(registry_.Render().find(R"(code="500")"), std::string::npos);
}

TEST_F(PrometheusTest, InstancesShareFamiliesAcrossReloads) {
  auto global = Make(R"({"status_code_metrics": true})");
  auto reloaded = Make(R"({"status_code_metrics": true})");
  Log(*global, 200, true);
  global.reset();  // the old configuration goes away, the counts stay
  Log(*reloaded, 200, true);
  const std::string text = registry_.Render();
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="200",source="service",workspace="default",consumer=""} 2)"))
      << text;
  std::size_t families = 0;
  for (std::size_t at = 0; (at = text.find("# TYPE kong_http_requests_total", at)) != std::string::npos; ++at) {
    ++families;
  }
  EXPECT_EQ(families, 1u);
}

TEST_F(PrometheusTest, UpstreamTargetHealthAtScrape) {
  health_.targets = {{"cart-up", "10.0.0.1:8080", 100, TargetHealth::kHealthy},
                     {"cart-up", "10.0.0.2:8080", 100, TargetHealth::kUnhealthy}};
  auto off = Make(R"({})");
  EXPECT_EQ(registry_.Render().find("kong_upstream_target_health{"), std::string::npos);
  auto plugin = Make(R"({"upstream_health_metrics": true})");
  std::string text = registry_.Render();
  EXPECT_TRUE(Has(
      text,
      R"(kong_upstream_target_health{upstream="cart-up",target="10.0.0.1:8080",address="10.0.0.1:8080",state="healthy",subsystem="http"} 1)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(kong_upstream_target_health{upstream="cart-up",target="10.0.0.1:8080",address="10.0.0.1:8080",state="unhealthy",subsystem="http"} 0)"));
  EXPECT_TRUE(Has(
      text,
      R"(kong_upstream_target_health{upstream="cart-up",target="10.0.0.2:8080",address="10.0.0.2:8080",state="unhealthy",subsystem="http"} 1)"));
  EXPECT_TRUE(Has(
      text,
      R"(kong_upstream_target_health{upstream="cart-up",target="10.0.0.2:8080",address="10.0.0.2:8080",state="healthchecks_off",subsystem="http"} 0)"));
  health_.targets[1].health = TargetHealth::kHealthy;
  text = registry_.Render();
  EXPECT_TRUE(Has(
      text,
      R"(kong_upstream_target_health{upstream="cart-up",target="10.0.0.2:8080",address="10.0.0.2:8080",state="healthy",subsystem="http"} 1)"));
}

TEST_F(PrometheusTest, ProcessMetrics) {
  RegisterPrometheusProcessMetrics(
      registry_, "node-1",
      [] {
        ConnectionStats s;
        s.active = 3;
        s.accepted = 10;
        s.handled = 10;
        s.total_requests = 42;
        return s;
      },
      "3.9.1");
  const std::string text = registry_.Render();
  EXPECT_TRUE(Has(text, R"(kong_nginx_connections_total{node_id="node-1",subsystem="http",state="active"} 3)")) << text;
  EXPECT_TRUE(Has(text, R"(kong_nginx_connections_total{node_id="node-1",subsystem="http",state="total"} 42)"));
  EXPECT_TRUE(Has(text, R"(kong_nginx_requests_total{node_id="node-1",subsystem="http"} 42)"));
  EXPECT_TRUE(Has(text, R"(kong_node_info{node_id="node-1",version="3.9.1"} 1)"));
  EXPECT_TRUE(Has(text, "kong_nginx_metric_errors_total 0"));
  // Dashboard 7424's "worker Lua VM usage" panel: the process's resident memory, never zero.
  const std::string memory =
      R"(kong_memory_workers_lua_vms_bytes{node_id="node-1",pid=")" + std::to_string(::getpid()) +
      R"(",kong_subsystem="http"} )";
  const auto at = text.find(memory);
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_GT(std::stod(text.substr(at + memory.size())), 1024.0 * 1024.0);
  // The per-request families exist before any plugin instance, as in Kong.
  EXPECT_NE(text.find("# TYPE kong_http_requests_total counter"), std::string::npos);
  RegisterPrometheusProcessMetrics(registry_, "node-1", [] { return ConnectionStats{}; });  // no duplicate families
  const std::string again = registry_.Render();
  EXPECT_EQ(again.find("# TYPE kong_node_info"), again.rfind("# TYPE kong_node_info"));
}

TEST_F(PrometheusTest, ConcurrentLogsAreAllCounted) {
  auto plugin = Make(R"({"status_code_metrics": true, "latency_metrics": true})");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) Log(*plugin, i % 2 == 0 ? 200 : 404 + t, i % 2 == 0);
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = registry_.Render();
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="200",source="service",workspace="default",consumer=""} 1000)"))
      << text;
  EXPECT_TRUE(Has(
      text,
      R"(kong_http_requests_total{service="cart",route="cart-route",code="407",source="kong",workspace="default",consumer=""} 250)"));
  EXPECT_TRUE(Has(text, R"(kong_kong_latency_ms_count{service="cart",route="cart-route",workspace="default"} 2000)"));
}

TEST(PrometheusSchema, DefaultsAndUnknownFields) {
  metrics::Registry registry;
  PluginEnv env;
  env.registry = &registry;
  json::value input = json::parse(R"({"per_consumer": "yes", "extra": 1})");
  std::vector<ConfigIssue> issues;
  {
    SchemaReader reader(&input, issues, "plugins", "prometheus", "config");
    EXPECT_FALSE(CreatePrometheus(reader, env));
  }
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].field, "config.per_consumer");
  EXPECT_EQ(issues[1].field, "config.extra");

  json::value empty = json::parse("{}");
  std::vector<ConfigIssue> none;
  SchemaReader reader(&empty, none, "plugins", "prometheus", "config");
  auto plugin = CreatePrometheus(reader, env);
  ASSERT_TRUE(plugin);
  for (auto key :
       {"per_consumer", "status_code_metrics", "latency_metrics", "bandwidth_metrics", "upstream_health_metrics"}) {
    EXPECT_EQ(reader.output().at(key), false) << key;
  }
}

}  // namespace
}  // namespace comptoir::gateway::plugins
