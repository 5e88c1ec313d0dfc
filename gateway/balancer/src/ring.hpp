#pragma once
// The consistent-hashing continuum (Kong's ketama-style ring on `slots` points).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace comptoir::gateway::balancer {

/// Stable 64-bit hash of a string (FNV-1a with a murmur3 finaliser): the same on every run and host.
std::uint64_t HashKey(std::string_view key) noexcept;

/// One target placed on the ring.
struct RingMember {
  std::string name;  ///< "host:port", the ring is built from these (sorted), so order in the config does not matter
  int weight = 0;    ///< weight 0: not on the ring
  std::size_t index = 0;  ///< caller's index, returned by lookups
};

/// Immutable after construction; lookups are lock-free.
class Ring {
 public:
  Ring() = default;
  /// `slots` as configured (Kong uses at least 1000 points).
  Ring(std::vector<RingMember> members, int slots);

  [[nodiscard]] std::uint32_t points() const noexcept { return points_; }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  /// Position of a hashed key on the ring.
  [[nodiscard]] std::uint32_t Position(std::string_view key) const noexcept;
  /// Walks the ring counter-clockwise from `position` (inclusive), once round, and returns the
  /// first member index for which `usable(index)` is true; -1 if none.
  template <typename Usable>
  [[nodiscard]] long Find(std::uint32_t position, Usable&& usable) const {
    if (entries_.empty()) return -1;
    std::size_t i = StartIndex(position);
    for (std::size_t step = 0; step < entries_.size(); ++step) {
      const auto& e = entries_[i];
      if (usable(e.index)) return static_cast<long>(e.index);
      i = (i == 0) ? entries_.size() - 1 : i - 1;
    }
    return -1;
  }
  /// Number of ring points held by each member index (for tests and diagnostics).
  [[nodiscard]] std::vector<std::size_t> PointsPerMember(std::size_t members) const;

 private:
  struct Entry {
    std::uint32_t position;
    std::size_t index;
  };
  /// Index of the last entry whose position is <= `position` (wrapping to the last entry).
  [[nodiscard]] std::size_t StartIndex(std::uint32_t position) const noexcept;

  std::uint32_t points_ = 1000;
  std::vector<Entry> entries_;  ///< sorted by position
};

}  // namespace comptoir::gateway::balancer
