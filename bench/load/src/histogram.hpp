#pragma once
#include <cstdint>
#include <vector>

namespace comptoir::load {

/// A log-linear latency histogram in the manner of HdrHistogram: values (microseconds) below 256 are
/// counted exactly; above, each power of two is cut into 128 equal buckets, so a reported value is
/// within 1/128 (< 0.8 %) of the recorded one. Memory grows with the largest value seen (about 2,400
/// buckets up to 10 s), and histograms merge exactly, so per-worker and per-interval ones add up.
class Histogram {
 public:
  void Record(std::uint64_t value, std::uint64_t count = 1);
  void Merge(const Histogram& other);
  void Clear();

  [[nodiscard]] std::uint64_t Count() const noexcept { return count_; }
  [[nodiscard]] std::uint64_t Min() const noexcept { return count_ == 0 ? 0 : min_; }
  [[nodiscard]] std::uint64_t Max() const noexcept { return max_; }
  [[nodiscard]] double Mean() const noexcept { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }
  /// The value at percentile `p` (0..100) by nearest rank: the smallest recorded value such that at
  /// least p % of the values are at or below it, as the middle of its bucket, clamped to [Min, Max].
  [[nodiscard]] std::uint64_t Percentile(double p) const;

  /// Bucket index of a value and the range of values a bucket holds (exposed for tests).
  static std::size_t IndexOf(std::uint64_t value) noexcept;
  static std::uint64_t LowestOf(std::size_t index) noexcept;
  static std::uint64_t HighestOf(std::size_t index) noexcept;

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  double sum_ = 0;
};

}  // namespace comptoir::load
