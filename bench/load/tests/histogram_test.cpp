#include "src/histogram.hpp"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace comptoir::load {
namespace {

TEST(Histogram, EmptyHasNothing) {
  Histogram h;
  EXPECT_EQ(h.Count(), 0u);
  EXPECT_EQ(h.Percentile(95), 0u);
  EXPECT_EQ(h.Min(), 0u);
  EXPECT_EQ(h.Max(), 0u);
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 200; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(50), 100u);
  EXPECT_EQ(h.Percentile(95), 190u);
  EXPECT_EQ(h.Percentile(100), 200u);
  EXPECT_EQ(h.Percentile(0), 1u);
  EXPECT_DOUBLE_EQ(h.Mean(), 100.5);
}

TEST(Histogram, PercentilesOfAUniformRangeWithinOnePercent) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v) h.Record(v);
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9}) {
    const double expected = p / 100.0 * 100000;
    EXPECT_NEAR(static_cast<double>(h.Percentile(p)), expected, expected * 0.008) << "p" << p;
  }
  EXPECT_EQ(h.Min(), 1u);
  EXPECT_EQ(h.Max(), 100000u);
  EXPECT_EQ(h.Count(), 100000u);
}

TEST(Histogram, NearestRankOnASkewedSet) {
  // 95 fast answers (1 ms) and 5 slow ones (2 s): p95 is still fast, p96 is slow.
  Histogram h;
  h.Record(1000, 95);
  h.Record(2'000'000, 5);
  EXPECT_NEAR(static_cast<double>(h.Percentile(95)), 1000, 8);
  EXPECT_NEAR(static_cast<double>(h.Percentile(96)), 2'000'000, 2'000'000 * 0.008);
  EXPECT_EQ(h.Percentile(100), 2'000'000u);
}

TEST(Histogram, EveryValueFallsInsideItsBucket) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 60);
    const auto index = Histogram::IndexOf(v);
    ASSERT_LE(Histogram::LowestOf(index), v);
    ASSERT_GE(Histogram::HighestOf(index), v);
    // The bucket is narrow: under 1/128 of its values.
    ASSERT_LE(Histogram::HighestOf(index) - Histogram::LowestOf(index), std::max<std::uint64_t>(v / 128, 1));
  }
  EXPECT_EQ(Histogram::IndexOf(255) + 1, Histogram::IndexOf(256));
  EXPECT_EQ(Histogram::LowestOf(Histogram::IndexOf(256)), 256u);
}

TEST(Histogram, MergeEqualsRecordingEverything) {
  Histogram a;
  Histogram b;
  Histogram all;
  for (std::uint64_t v = 1; v < 5000; v += 3) {
    (v % 2 ? a : b).Record(v * 7);
    all.Record(v * 7);
  }
  a.Merge(b);
  EXPECT_EQ(a.Count(), all.Count());
  EXPECT_EQ(a.Min(), all.Min());
  EXPECT_EQ(a.Max(), all.Max());
  for (double p : {1.0, 50.0, 95.0, 99.0}) EXPECT_EQ(a.Percentile(p), all.Percentile(p));
}

}  // namespace
}  // namespace comptoir::load
