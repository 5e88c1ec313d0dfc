// Issue 16's alert path, for real: three cart instances behind the gateway, scraped every second by Prometheus
// with the rules of deploy/prometheus/rules (their `for:` shortened to 3 s, expressions unchanged), Alertmanager
// routing to `comptoir alert-receiver`. One cart instance is killed: CartInstanceDown fires in Prometheus,
// reaches Alertmanager and the receiver; the instance comes back and the receiver gets the resolution.
#include <chrono>
#include <functional>
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

bool WaitFor(std::chrono::seconds timeout, const std::function<bool()>& condition) {
  for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(250))) {
    if (condition()) return true;
  }
  return condition();
}

json::value Get(int port, const std::string& target) {
  auto r = testing::Http(static_cast<std::uint16_t>(port), "GET", target);
  EXPECT_EQ(r.status, 200) << target << ": " << r.body;
  return json::parse(r.body);
}

std::string Label(const json::value& alert, const char* name) {
  const auto* labels = alert.as_object().if_contains("labels");
  const auto* v = labels != nullptr ? labels->as_object().if_contains(name) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The CartInstanceDown alerts of Prometheus's /api/v1/alerts in `state` (pending, firing).
int PrometheusAlerts(const testing::Monitoring& m, const std::string& state) {
  int n = 0;
  const json::value answer = Get(m.PrometheusPort(), "/api/v1/alerts");
  for (const auto& a : answer.at("data").at("alerts").as_array()) {
    if (Label(a, "alertname") == "CartInstanceDown" && a.at("state").as_string() == state) {
      EXPECT_EQ(Label(a, "instance_id"), "cart-2");
      ++n;
    }
  }
  return n;
}

// Notifications of the receiver for CartInstanceDown of cart-2 with `status` (firing, resolved).
int Notifications(const testing::Monitoring& m, const std::string& status) {
  int n = 0;
  const json::value answer = Get(m.ReceiverPort(), "/alerts");
  for (const auto& notification : answer.at("data").as_array()) {
    if (notification.at("status").as_string() != status) continue;
    for (const auto& alert : notification.at("alerts").as_array()) {
      if (Label(alert, "alertname") == "CartInstanceDown" && Label(alert, "instance_id") == "cart-2" &&
          alert.at("status").as_string() == status) {
        ++n;
      }
    }
  }
  return n;
}

TEST(Alerts, KilledCartInstanceFiresThroughAlertmanagerAndResolvesAfterRestart) {
  testing::PlatformOptions options{
      .services = {"product", "cart"}, .gateway = true, .name = "alerts", .instances = {{"cart", 3}}};
  testing::Platform platform(options);
  testing::Monitoring monitoring({.targets = testing::TargetsOf(platform, options),
                                  .rules_dir = COMPTOIR_SOURCE_DIR "/deploy/prometheus/rules",
                                  .for_override = "3s",
                                  .alertmanager = true,
                                  .name = "alerts"});
  ASSERT_TRUE(monitoring.WaitAllUp(std::chrono::seconds(60)));

  // Healthy platform: the rules are loaded and nothing about the cart fires.
  auto rules = Get(monitoring.PrometheusPort(), "/api/v1/rules?type=alert");
  int loaded = 0;
  for (const auto& group : rules.at("data").at("groups").as_array())
    loaded += static_cast<int>(group.at("rules").as_array().size());
  EXPECT_GE(loaded, 20);
  std::this_thread::sleep_for(std::chrono::seconds(5));  // longer than the shortened `for:`
  EXPECT_EQ(PrometheusAlerts(monitoring, "firing"), 0);
  EXPECT_EQ(Notifications(monitoring, "firing"), 0);

  // Kill cart-2 (SIGKILL, as a crash): its scrape fails, CartInstanceDown goes pending, then fires.
  platform.StopService("cart", /*kill=*/true, 1);
  EXPECT_TRUE(WaitFor(std::chrono::seconds(60), [&] { return PrometheusAlerts(monitoring, "firing") == 1; }))
      << json::serialize(Get(monitoring.PrometheusPort(), "/api/v1/alerts"));
  // The shop keeps working through the two others (the gateway balances around the dead target).
  for (int i = 0; i < 6; ++i) {
    auto r = platform.Call("GET", "/api/v1/cart?session_id=" + http::NewUuid());
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.headers["x-instance-id"], "cart-2");
  }

  // Alertmanager holds it, active, with Prometheus's labels.
  EXPECT_TRUE(WaitFor(std::chrono::seconds(45), [&] {
    const json::value active = Get(monitoring.AlertmanagerPort(), "/api/v2/alerts?active=true");
    for (const auto& a : active.as_array()) {
      if (Label(a, "alertname") == "CartInstanceDown" && Label(a, "instance_id") == "cart-2" &&
          Label(a, "severity") == "warning" && a.at("status").at("state").as_string() == "active") {
        return true;
      }
    }
    return false;
  }));
  // And the receiver got the notification.
  EXPECT_TRUE(WaitFor(std::chrono::seconds(45), [&] { return Notifications(monitoring, "firing") >= 1; }))
      << json::serialize(Get(monitoring.ReceiverPort(), "/alerts"));

  // cart-2 back on its port: the alert resolves, and the receiver is told.
  platform.StartService("cart", 1);
  EXPECT_TRUE(WaitFor(std::chrono::seconds(60), [&] {
    return PrometheusAlerts(monitoring, "firing") == 0 && PrometheusAlerts(monitoring, "pending") == 0;
  }));
  EXPECT_TRUE(WaitFor(std::chrono::seconds(60), [&] { return Notifications(monitoring, "resolved") >= 1; }))
      << json::serialize(Get(monitoring.ReceiverPort(), "/alerts"));
  // The receiver refuses what is not a notification, and counts what it received.
  auto bad = testing::Http(static_cast<std::uint16_t>(monitoring.ReceiverPort()), "POST", "/alerts", R"({"hello":1})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("alerts.invalid_notification"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace comptoir
