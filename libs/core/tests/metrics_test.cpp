#include "comptoir/metrics.hpp"

#include <gtest/gtest.h>

namespace comptoir::metrics {
namespace {

TEST(MetricsTest, CounterTextExposition) {
  Registry r;
  auto& requests = r.AddCounter("http_requests_total", "Requests", {"route", "status"});
  requests.WithLabels({"/api/v1/products/{id}", "200"}).Inc();
  requests.WithLabels({"/api/v1/products/{id}", "200"}).Inc(2);
  auto text = r.Render();
  EXPECT_NE(text.find("# HELP http_requests_total Requests\n# TYPE http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{route=\"/api/v1/products/{id}\",status=\"200\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.AddHistogram("latency_seconds", "Latency", {"route"}, {0.01, 0.1, 1});
  auto& child = h.WithLabels({"/x"});
  child.Observe(0.005);
  child.Observe(0.05);
  child.Observe(0.05);
  child.Observe(5);
  auto text = r.Render();
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"0.01\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"/x\"} 4\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum{route=\"/x\"} 5.105\n"), std::string::npos);
}

TEST(MetricsTest, GaugesAndCallbacks) {
  Registry r;
  auto& g = r.AddGauge("open", "Open things").WithLabels({});
  g.Inc();
  g.Inc();
  g.Dec();
  r.AddCallbackGauge("pool_idle", "Idle", [] { return 7.0; });
  auto text = r.Render();
  EXPECT_NE(text.find("open 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE pool_idle gauge\npool_idle 7\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(0.25), "0.25");
}

}  // namespace
}  // namespace comptoir::metrics
