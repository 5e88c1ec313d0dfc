#include "ring.hpp"

#include <algorithm>
#include <cmath>

namespace comptoir::gateway::balancer {
namespace {
// Kong (consistent_hashing.lua): 160 points per target when all weights are equal, and a
// continuum of at least 1000 points.
constexpr double kPointsPerTarget = 160;
constexpr std::uint32_t kMinPoints = 1000;
}  // namespace

std::uint64_t HashKey(std::string_view key) noexcept {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // FNV alone clusters similar short keys ("t 1", "t 2"); the finaliser spreads them over the ring.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

Ring::Ring(std::vector<RingMember> members, int slots)
    : points_(std::max<std::uint32_t>(kMinPoints, slots > 0 ? static_cast<std::uint32_t>(slots) : 0)) {
  // Sorted by name so that the ring (and how collisions are settled) does not depend on the order
  // of the targets in the file.
  std::erase_if(members, [](const RingMember& m) { return m.weight <= 0; });
  std::sort(members.begin(), members.end(), [](const RingMember& a, const RingMember& b) { return a.name < b.name; });
  double total = 0;
  for (const auto& m : members) total += m.weight;
  if (members.empty()) return;

  std::vector<bool> taken(points_, false);
  std::size_t filled = 0;
  for (const auto& m : members) {
    auto wanted =
        static_cast<std::size_t>(std::floor(m.weight / total * static_cast<double>(members.size()) * kPointsPerTarget));
    if (wanted == 0) wanted = 1;
    std::size_t placed = 0;
    // A collision moves the problem forward (one more name to hash), as Kong does.
    for (std::size_t i = 1; placed < wanted && filled < points_ && i <= wanted + points_; ++i) {
      auto pos = static_cast<std::uint32_t>(HashKey(m.name + " " + std::to_string(i)) % points_);
      if (taken[pos]) continue;
      taken[pos] = true;
      entries_.push_back({pos, m.index});
      ++placed;
      ++filled;
    }
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.position < b.position; });
}

std::uint32_t Ring::Position(std::string_view key) const noexcept {
  return static_cast<std::uint32_t>(HashKey(key) % points_);
}

std::size_t Ring::StartIndex(std::uint32_t position) const noexcept {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), position,
                             [](std::uint32_t p, const Entry& e) { return p < e.position; });
  if (it == entries_.begin()) return entries_.size() - 1;  // wrap round
  return static_cast<std::size_t>(it - entries_.begin()) - 1;
}

std::vector<std::size_t> Ring::PointsPerMember(std::size_t members) const {
  std::vector<std::size_t> out(members, 0);
  for (const auto& e : entries_) {
    if (e.index < members) ++out[e.index];
  }
  return out;
}

}  // namespace comptoir::gateway::balancer
