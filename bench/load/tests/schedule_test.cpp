#include "src/schedule.hpp"

#include <gtest/gtest.h>

namespace comptoir::load {
namespace {
using namespace std::chrono_literals;

TEST(Schedule, ConstantArrivalRateSpacesStartsEvenly) {
  ExecutorConfig c;
  c.type = ExecutorType::kConstantArrivalRate;
  c.rate = 50;
  c.duration = 1s;
  EXPECT_DOUBLE_EQ(ArrivalOffset(c, 0)->count(), 0.0);
  EXPECT_DOUBLE_EQ(ArrivalOffset(c, 1)->count(), 0.02);
  EXPECT_NEAR(ArrivalOffset(c, 49)->count(), 0.98, 1e-9);
  EXPECT_FALSE(ArrivalOffset(c, 50));  // exactly 50 iterations in one second
  c.rate = 30;
  c.time_unit = 1min;  // 30 per minute: one every 2 s
  c.duration = 10s;
  EXPECT_DOUBLE_EQ(ArrivalOffset(c, 3)->count(), 6.0);
  EXPECT_FALSE(ArrivalOffset(c, 5));
}

TEST(Schedule, RampingArrivalRateFollowsTheIntegralOfTheRate) {
  ExecutorConfig c;
  c.type = ExecutorType::kRampingArrivalRate;
  c.start_rate = 0;
  c.stages = {{10s, 10}, {10s, 10}, {10s, 0}};
  // 0 → 10/s over 10 s: N(t) = t²/2, so iteration 8 starts at 4 s and 50 iterations fill the ramp.
  EXPECT_NEAR(ArrivalOffset(c, 8)->count(), 4.0, 1e-9);
  EXPECT_NEAR(ArrivalOffset(c, 50)->count(), 10.0, 1e-9);
  // Then 10/s: iteration 60 at 11 s.
  EXPECT_NEAR(ArrivalOffset(c, 60)->count(), 11.0, 1e-9);
  // Ramp down 10 → 0 over 10 s: 50 more, 200 in all... 50 + 100 + 50.
  EXPECT_TRUE(ArrivalOffset(c, 199));
  EXPECT_FALSE(ArrivalOffset(c, 200));
  EXPECT_DOUBLE_EQ(RateAt(c, 5s), 5.0);
  EXPECT_DOUBLE_EQ(RateAt(c, 15s), 10.0);
  EXPECT_DOUBLE_EQ(RateAt(c, 31s), 0.0);
  EXPECT_DOUBLE_EQ(ScheduledDuration(c).count(), 30.0);
}

TEST(Schedule, RampingVusInterpolatesAndRoundsDown) {
  ExecutorConfig c;
  c.type = ExecutorType::kRampingVus;
  c.stages = {{30s, 15}, {300s, 15}, {30s, 0}};
  EXPECT_EQ(VusAt(c, 0s), 0);
  EXPECT_EQ(VusAt(c, 1s), 0);  // 0.5
  EXPECT_EQ(VusAt(c, 2s), 1);
  EXPECT_EQ(VusAt(c, 15s), 7);  // 7.5
  EXPECT_EQ(VusAt(c, 30s), 15);
  EXPECT_EQ(VusAt(c, 200s), 15);
  EXPECT_EQ(VusAt(c, 345s), 7);  // 7.5 on the way down
  EXPECT_EQ(VusAt(c, 360s), 0);
  EXPECT_EQ(MaxVus(c), 15);
  c.type = ExecutorType::kConstantVus;
  c.vus = 32;
  c.duration = 10s;
  EXPECT_EQ(VusAt(c, 9s), 32);
  EXPECT_EQ(VusAt(c, 10s), 0);
}

TEST(Schedule, ScaledShortensTimeOnly) {
  ExecutorConfig c;
  c.type = ExecutorType::kRampingVus;
  c.stages = {{60s, 50}, {60s, 100}, {420s, 100}, {60s, 0}};
  auto s = Scaled(c, 0.1);
  EXPECT_DOUBLE_EQ(ScheduledDuration(s).count(), 60.0);
  EXPECT_EQ(MaxVus(s), 100);
}

TEST(Schedule, ParsesDurationsAndStages) {
  EXPECT_DOUBLE_EQ(ParseDuration("30s")->count(), 30);
  EXPECT_DOUBLE_EQ(ParseDuration("1m30s")->count(), 90);
  EXPECT_DOUBLE_EQ(ParseDuration("250ms")->count(), 0.25);
  EXPECT_DOUBLE_EQ(ParseDuration("1.5s")->count(), 1.5);
  EXPECT_DOUBLE_EQ(ParseDuration("2h")->count(), 7200);
  for (const char* bad : {"", "s", "10", "10x", "-5s", "1m 30s"}) EXPECT_FALSE(ParseDuration(bad)) << bad;
  EXPECT_EQ(FormatDuration(Seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(Seconds(0.25)), "250ms");
  EXPECT_EQ(FormatDuration(Seconds(600)), "10m");
  auto stages = ParseStages("30s:15,5m:15,30s:0");
  ASSERT_TRUE(stages);
  ASSERT_EQ(stages->size(), 3u);
  EXPECT_DOUBLE_EQ((*stages)[1].duration.count(), 300);
  EXPECT_DOUBLE_EQ((*stages)[1].target, 15);
  for (const char* bad : {"", "30s", "30s:", "x:1", "30s:-1", "30s:1,"}) EXPECT_FALSE(ParseStages(bad)) << bad;
  EXPECT_EQ(ParseExecutor("ramping-vus"), ExecutorType::kRampingVus);
  EXPECT_FALSE(ParseExecutor("per-vu-iterations"));
}

}  // namespace
}  // namespace comptoir::load
