#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace comptoir::load {
namespace {
constexpr int kSubBits = 7;                       // 128 buckets per power of two
constexpr std::uint64_t kSub = 1ULL << kSubBits;  // 128
constexpr std::uint64_t kExact = 2 * kSub;        // values below 256 have a bucket each
}  // namespace

std::size_t Histogram::IndexOf(std::uint64_t value) noexcept {
  if (value < kExact) return static_cast<std::size_t>(value);
  // value >> shift lies in [128, 256): its position there is the bucket within the power of two.
  const int shift = std::bit_width(value) - 1 - kSubBits;
  return static_cast<std::size_t>(kExact + static_cast<std::uint64_t>(shift - 1) * kSub + ((value >> shift) - kSub));
}

std::uint64_t Histogram::LowestOf(std::size_t index) noexcept {
  if (index < kExact) return index;
  const std::uint64_t above = index - kExact;
  const int shift = static_cast<int>(above / kSub) + 1;
  return (kSub + above % kSub) << shift;
}

std::uint64_t Histogram::HighestOf(std::size_t index) noexcept {
  if (index < kExact) return index;
  const std::uint64_t above = index - kExact;
  const int shift = static_cast<int>(above / kSub) + 1;
  return LowestOf(index) + (1ULL << shift) - 1;
}

void Histogram::Record(std::uint64_t value, std::uint64_t count) {
  if (count == 0) return;
  const std::size_t index = IndexOf(value);
  if (index >= counts_.size()) counts_.resize(index + 1, 0);
  counts_[index] += count;
  if (count_ == 0 || value < min_) min_ = value;
  max_ = std::max(max_, value);
  count_ += count;
  sum_ += static_cast<double>(value) * static_cast<double>(count);
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

void Histogram::Clear() {
  counts_.clear();
  count_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0;
}

std::uint64_t Histogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t middle = LowestOf(i) + (HighestOf(i) - LowestOf(i)) / 2;
      return std::clamp(middle, min_, max_);
    }
  }
  return max_;
}

}  // namespace comptoir::load
