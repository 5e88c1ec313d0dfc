#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

/// The in-process cache of catalogue answers (ADR 0120): serialised JSON bodies and their ETags, shared
/// by the workers of the process. No I/O here; cache/freshness.hpp decides when it may be used.
namespace comptoir::product {

/// One cached answer.
struct CachedBody {
  std::string body;  ///< JSON
  std::string etag;  ///< strong, quoted: "\"1a2b...\""
};

/// A strong ETag of a body: its 64-bit FNV-1a hash in hex, quoted.
std::string EtagOf(std::string_view body);
/// Whether an If-None-Match header value names `etag` (a list, weak forms W/"...", or *).
bool IfNoneMatchHits(std::string_view header, std::string_view etag);

/// Cached answers by key ("id:12", "sku:ELEC-0001", "list:<query>"). Thread-safe.
///
/// Served only while the lease runs (`SetLeaseUntil`): past it nothing is served, since a change may have
/// been missed. A fill is a ticket taken before reading the database; an invalidation in between voids
/// it, so an answer read before a change can never be stored after that change's invalidation.
class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ResponseCache(std::size_t max_entries = 20000) : max_entries_(max_entries) {}

  /// The entry, or nullptr (absent, or no lease).
  [[nodiscard]] std::shared_ptr<const CachedBody> Lookup(const std::string& key,
                                                         Clock::time_point now = Clock::now()) const;
  /// A ticket for storing what is about to be read.
  [[nodiscard]] std::uint64_t BeginFill() const noexcept { return generation_.load(std::memory_order_acquire); }
  /// Stores `entry` unless an invalidation happened since `ticket` (or the cache is full); returns whether stored.
  bool Fill(std::uint64_t ticket, const std::string& key, std::shared_ptr<const CachedBody> entry);
  /// Forgets every entry and voids the fills under way.
  void InvalidateAll();
  /// The cache may serve until `until` (a later call may shorten or extend it).
  void SetLeaseUntil(Clock::time_point until) noexcept;
  void EndLease() noexcept { SetLeaseUntil(Clock::time_point{}); }
  [[nodiscard]] bool Leased(Clock::time_point now = Clock::now()) const noexcept;
  [[nodiscard]] std::size_t size() const;

 private:
  std::size_t max_entries_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const CachedBody>> entries_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<Clock::rep> lease_until_{0};
};

}  // namespace comptoir::product
