#include "src/threshold.hpp"

#include <gtest/gtest.h>

namespace comptoir::load {
namespace {

Recorder Sample() {
  const auto start = Clock::now();
  Recorder r(start, std::chrono::milliseconds(1000));
  // 100 requests "sales.create": 1..100 ms; two of them failed (503).
  for (int i = 1; i <= 100; ++i) {
    Recorder::Sample s;
    s.name = "sales.create";
    s.status = i > 98 ? 503 : 201;
    s.failed = i > 98;
    s.latency_us = static_cast<std::uint64_t>(i) * 1000;
    s.service_us = static_cast<std::uint64_t>(i) * 500;
    r.Request(s, start);
    r.Check("sales.create status 201", !s.failed, "status 503");
    r.Iteration(s.latency_us, start);
  }
  r.Dropped(start);
  return r;
}

TEST(Threshold, ParsesK6Expressions) {
  auto t = ParseThreshold("http_req_latency{name:sales.create}: p(95)<15");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->metric, "http_req_latency");
  EXPECT_EQ(t->tag_value, "sales.create");
  EXPECT_EQ(t->aggregation, "p");
  EXPECT_DOUBLE_EQ(t->percentile, 95);
  EXPECT_EQ(t->op, "<");
  EXPECT_DOUBLE_EQ(t->bound, 15);
  EXPECT_TRUE(ParseThreshold("checks: rate>=0.999"));
  EXPECT_TRUE(ParseThreshold("dropped_iterations: count==0"));
  EXPECT_TRUE(ParseThreshold("http_reqs: rate>100"));
  EXPECT_TRUE(ParseThreshold("iteration_duration: avg<=200"));
  std::string error;
  for (const char* bad :
       {"checks rate>1", "nope: rate<1", "checks: p(95)<1", "http_req_latency: p(101)<1", "http_req_latency: p(95)=1",
        "http_req_latency: p(95)<x", "checks{name:a}: rate>0", "http_req_latency{scenario:a}: p(95)<1"}) {
    EXPECT_FALSE(ParseThreshold(bad, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Threshold, ObservesTheRecordedValues) {
  Recorder r = Sample();
  auto value = [&](const char* text) { return Observe(*ParseThreshold(text), r, 10.0); };
  EXPECT_NEAR(*value("http_req_latency: p(95)<1"), 95, 95 * 0.008);
  EXPECT_NEAR(*value("http_req_duration: p(95)<1"), 47.5, 47.5 * 0.01);
  EXPECT_NEAR(*value("http_req_latency{name:sales.create}: med<1"), 50, 0.5);
  EXPECT_DOUBLE_EQ(*value("http_req_latency: max<1"), 100);
  EXPECT_DOUBLE_EQ(*value("http_req_failed: rate<1"), 0.02);
  EXPECT_DOUBLE_EQ(*value("checks: rate<1"), 0.98);
  EXPECT_DOUBLE_EQ(*value("http_reqs: count<1"), 100);
  EXPECT_DOUBLE_EQ(*value("http_reqs: rate<1"), 10);
  EXPECT_DOUBLE_EQ(*value("dropped_iterations: count<1"), 1);
  EXPECT_DOUBLE_EQ(*value("iterations: count<1"), 100);
  // A request name never sent has no data: the threshold cannot hold.
  EXPECT_FALSE(value("http_req_latency{name:order.checkout}: p(95)<25"));
}

TEST(Threshold, ComparesBothWays) {
  auto t = *ParseThreshold("http_req_latency: p(95)<15");
  EXPECT_TRUE(Holds(t, 14.99));
  EXPECT_FALSE(Holds(t, 15));
  t = *ParseThreshold("checks: rate==1");
  EXPECT_TRUE(Holds(t, 1.0));
  EXPECT_FALSE(Holds(t, 0.9999));
  t = *ParseThreshold("checks: rate>=0.99");
  EXPECT_TRUE(Holds(t, 0.99));
}

}  // namespace
}  // namespace comptoir::load
