// The operations page's server side for real (ADR 0103): the web service behind the gateway and deploy/kong.yml,
// two cart instances, a real Prometheus (Debian `prometheus`, the rules of deploy/prometheus/rules with their
// `for:` shortened) with Alertmanager and the alert receiver. Who may read it, what it answers while Prometheus
// is down, the live figures once it runs, a killed cart instance seen down and alerting.
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/http/server.hpp"
#include "comptoir/testing/http.hpp"
#include "comptoir/testing/monitoring.hpp"
#include "comptoir/testing/platform.hpp"

namespace comptoir {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using auth::Role;

constexpr const char* kWebKey = "pos-web-app-2025-frontend-key";

bool WaitFor(std::chrono::seconds timeout, const std::function<bool()>& condition) {
  for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(250))) {
    if (condition()) return true;
  }
  return condition();
}

class Operations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prometheus_port_ = testing::FreePort();
    receiver_port_ = testing::FreePort();
    options_ = new testing::PlatformOptions{
        .services = {"product", "cart", "web"},
        .gateway = true,
        .name = "web_ops",
        .env = {{"COMPTOIR_WEB_PROMETHEUS_URL", "http://127.0.0.1:" + std::to_string(prometheus_port_)},
                {"COMPTOIR_WEB_ALERT_RECEIVER_URL", "http://127.0.0.1:" + std::to_string(receiver_port_)}},
        .instances = {{"cart", 2}}};
    platform_ = new testing::Platform(*options_);
  }
  static void TearDownTestSuite() {
    monitoring_.reset();
    delete platform_;
    delete options_;
    platform_ = nullptr;
    options_ = nullptr;
  }
  static void StartMonitoring() {
    monitoring_ = std::make_unique<testing::Monitoring>(testing::MonitoringOptions{
        .targets = testing::TargetsOf(*platform_, *options_),
        .rules_dir = COMPTOIR_SOURCE_DIR "/deploy/prometheus/rules",
        .for_override = "2s",
        .alertmanager = true,
        .name = "web_ops",
        .prometheus_port = prometheus_port_,
        .receiver_port = receiver_port_});
  }
  static std::string Token(Role role, std::optional<std::int64_t> location = std::nullopt) {
    return platform_->Auth().Token(role, "7", location);
  }
  /// Through the gateway with the test-automation key (and a token when given).
  static testing::HttpResult Get(const std::string& target, const std::string& bearer) {
    return platform_->Call("GET", target, {}, bearer);
  }
  static testing::HttpResult Direct(const std::string& target, const std::string& bearer) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + bearer);
    return testing::Http(static_cast<std::uint16_t>(platform_->Port("web")), "GET", target, {}, headers);
  }
  static json::object Status(const std::string& bearer) {
    auto r = Get("/api/v1/operations/status", bearer);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body).as_object() : json::object{};
  }
  static std::string Health(const json::object& status, const std::string& instance_id) {
    for (const auto& t : status.at("targets").as_array()) {
      const auto& id = t.at("instance_id");
      if (id.is_string() && id.as_string() == instance_id) return std::string(t.at("health").as_string());
    }
    return "absent";
  }

  static inline int prometheus_port_ = 0;
  static inline int receiver_port_ = 0;
  static inline testing::PlatformOptions* options_ = nullptr;
  static inline testing::Platform* platform_ = nullptr;
  static inline std::unique_ptr<testing::Monitoring> monitoring_;
};

void ExpectProblem(const testing::HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "application/problem+json") << r.body;
  const auto problem = json::parse(r.body).as_object();
  EXPECT_EQ(problem.at("code").as_string(), code) << r.body;
  EXPECT_EQ(problem.at("status").as_int64(), status) << r.body;
}

// Runs first (tests of a suite run in order): no Prometheus yet on its port.
TEST_F(Operations, PrometheusUnreachableIsAProblem503) {
  const std::string manager = Token(Role::kManager);
  for (const char* target : {"/api/v1/operations/status", "/api/v1/operations/series?window=15m"}) {
    const auto r = Get(target, manager);
    ExpectProblem(r, 503, "prometheus.unavailable");
    EXPECT_NE(r.body.find("Prometheus cannot be reached at 127.0.0.1:" + std::to_string(prometheus_port_)),
              std::string::npos)
        << r.body;
  }
}

TEST_F(Operations, OnlyManagersAndAdminsMayReadIt) {
  const std::string target = "/api/v1/operations/status";
  // The gateway's jwt plugin: no token at all, with the test key or with the web's own key.
  EXPECT_EQ(Get(target, "").status, 401);
  const auto web_key_only = testing::Http(static_cast<std::uint16_t>(platform_->GatewayPort()), "GET", target, {},
                                          {{"X-API-Key", kWebKey}});
  EXPECT_EQ(web_key_only.status, 401) << web_key_only.body;
  // No API key at all: the gateway's key-auth.
  EXPECT_EQ(testing::Http(static_cast<std::uint16_t>(platform_->GatewayPort()), "GET", target).status, 401);
  // A token signed with another key: the gateway refuses it, and so does the service.
  EXPECT_EQ(Get(target, platform_->Auth().ForgedToken(Role::kAdmin, "1")).status, 401);
  ExpectProblem(Direct(target, platform_->Auth().ForgedToken(Role::kAdmin, "1")), 401, "auth.invalid_token");
  // Signed-in people who are not managers or admins: the web service's role check.
  ExpectProblem(Get(target, Token(Role::kCashier, 1)), 403, "auth.forbidden");
  ExpectProblem(Get(target, Token(Role::kLogistics)), 403, "auth.forbidden");
  ExpectProblem(Get(target, Token(Role::kCustomer)), 403, "auth.forbidden");
  ExpectProblem(Get("/api/v1/operations/series?window=5m", Token(Role::kCustomer)), 403, "auth.forbidden");
  // Straight to the service (past the gateway): no token, an expired one, a service token.
  ExpectProblem(Direct(target, ""), 401, "auth.missing_token");
  ExpectProblem(Direct(target, platform_->Auth().Token(Role::kAdmin, "1", std::nullopt, auth::NowSeconds() - 7200)),
                401, "auth.token_expired");
  ExpectProblem(Direct(target, platform_->Auth().ServiceToken("reporting", "web", {"operations:read"})), 403,
                "auth.forbidden");
  ExpectProblem(Direct(target, platform_->Auth().ServiceToken("reporting", "sales", {"sales:read"})), 401,
                "auth.wrong_audience");
  // Only GET is routed: the gateway knows no other method there.
  EXPECT_EQ(platform_->Call("POST", target, "{}", Token(Role::kAdmin)).status, 404);
}

TEST_F(Operations, LiveFiguresFromARealPrometheusAndAKilledCartInstance) {
  StartMonitoring();
  ASSERT_TRUE(monitoring_->WaitAllUp(std::chrono::seconds(60)));
  const std::string manager = Token(Role::kManager);
  const std::string admin = Token(Role::kAdmin);

  // Traffic for the charts: shoppers' carts through the gateway, and on each instance directly (the gateway's
  // least-connections may send sequential calls to one of them).
  auto traffic = [] {
    for (int i = 0; i < 4; ++i) {
      platform_->Call("GET", "/api/v1/cart?session_id=" + http::NewUuid());
      for (int instance = 0; instance < 2; ++instance) {
        testing::Http(static_cast<std::uint16_t>(platform_->Port("cart", instance)), "GET",
                      "/api/v1/cart?session_id=" + http::NewUuid());
      }
    }
  };
  traffic();

  // The status: every target up, with the cart instances by id; the receiver's notifications readable.
  json::object status = Status(manager);
  EXPECT_EQ(Health(status, "cart-1"), "up") << json::serialize(status);
  EXPECT_EQ(Health(status, "cart-2"), "up") << json::serialize(status);
  int web = 0;
  for (const auto& t : status.at("targets").as_array()) {
    EXPECT_EQ(t.at("health").as_string(), "up") << json::serialize(t);
    if (t.at("job").as_string() == "web") ++web;
  }
  EXPECT_EQ(web, 1);
  EXPECT_TRUE(status.at("notifications").at("available").as_bool()) << json::serialize(status);
  EXPECT_TRUE(status.at("alerts").is_array());
  const auto answer = Get("/api/v1/operations/status", admin);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.headers.at("cache-control"), "no-store");

  // The charts: the four panels; the recording rules have values once two scrapes are in their minute.
  json::object series;
  EXPECT_TRUE(WaitFor(std::chrono::seconds(40), [&] {
    traffic();
    const auto r = Get("/api/v1/operations/series?window=5m", manager);
    if (r.status != 200) return false;
    series = json::parse(r.body).as_object();
    int cart_series = 0;
    for (const auto& p : series.at("panels").as_array()) {
      if (p.at("id") == "cart_load") cart_series = static_cast<int>(p.at("series").as_array().size());
    }
    return cart_series == 2;
  })) << json::serialize(series);
  std::vector<std::string> ids;
  for (const auto& p : series.at("panels").as_array()) ids.emplace_back(p.at("id").as_string());
  EXPECT_EQ(ids, (std::vector<std::string>{"requests", "latency", "errors", "cart_load"}));
  EXPECT_EQ(series.at("step_s").as_int64(), 5);
  EXPECT_EQ(series.at("end").as_int64() - series.at("start").as_int64(), 300);
  bool cart_requests = false;
  for (const auto& s : series.at("panels").as_array()[0].at("series").as_array()) {
    cart_requests = cart_requests || s.at("labels").at("job") == "cart";
  }
  EXPECT_TRUE(cart_requests) << json::serialize(series);

  // The browser chooses a window from the list, never a query.
  ExpectProblem(Get("/api/v1/operations/series?window=2h", manager), 400, "request.validation_failed");
  ExpectProblem(Get("/api/v1/operations/series?window=up", manager), 400, "request.validation_failed");
  const auto with_query = Get("/api/v1/operations/series?window=5m&query=up&expr=up", manager);
  EXPECT_EQ(with_query.status, 200);
  EXPECT_EQ(with_query.body.find("\"__name__\""), std::string::npos);

  // cart-2 crashes: the page's status says so within seconds, then its alert fires.
  platform_->StopService("cart", /*kill=*/true, 1);
  EXPECT_TRUE(WaitFor(std::chrono::seconds(15), [&] { return Health(Status(manager), "cart-2") == "down"; }));
  status = Status(manager);
  EXPECT_EQ(Health(status, "cart-1"), "up");
  for (const auto& t : status.at("targets").as_array()) {
    if (t.at("instance_id") == "cart-2") {
      EXPECT_FALSE(t.at("last_error").as_string().empty()) << json::serialize(t);
    }
  }
  EXPECT_TRUE(WaitFor(std::chrono::seconds(45), [&] {
    const json::object now = Status(manager);
    for (const auto& a : now.at("alerts").as_array()) {
      if (a.at("name") == "CartInstanceDown" && a.at("state") == "firing" &&
          a.at("labels").at("instance_id") == "cart-2" && a.at("severity") == "warning") {
        return true;
      }
    }
    return false;
  })) << json::serialize(Status(manager));

  // Back on its port: up again.
  platform_->StartService("cart", 1);
  EXPECT_TRUE(WaitFor(std::chrono::seconds(20), [&] { return Health(Status(manager), "cart-2") == "up"; }));
}

// Runs last: Prometheus stops, the page's data is a 503 again (the web service kept running).
TEST_F(Operations, PrometheusStoppedIsA503Again) {
  monitoring_.reset();
  ExpectProblem(Get("/api/v1/operations/status", Token(Role::kAdmin)), 503, "prometheus.unavailable");
  EXPECT_EQ(Direct("/health", "").status, 200);
}

}  // namespace
}  // namespace comptoir
