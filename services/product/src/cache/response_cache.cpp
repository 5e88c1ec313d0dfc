#include "cache/response_cache.hpp"

#include <cstdio>
#include <mutex>

namespace comptoir::product {

std::string EtagOf(std::string_view body) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : body) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buffer;
}

bool IfNoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);  // If-None-Match compares weakly (RFC 9110 13.1.2)
    if (item == etag) return true;
  }
  return false;
}

std::shared_ptr<const CachedBody> ResponseCache::Lookup(const std::string& key, Clock::time_point now) const {
  if (!Leased(now)) return nullptr;
  std::shared_lock lock(mutex_);
  auto found = entries_.find(key);
  return found == entries_.end() ? nullptr : found->second;
}

bool ResponseCache::Fill(std::uint64_t ticket, const std::string& key, std::shared_ptr<const CachedBody> entry) {
  std::unique_lock lock(mutex_);
  // Checked under the lock that InvalidateAll also takes: no invalidation can slip in between.
  if (generation_.load(std::memory_order_acquire) != ticket) return false;
  if (entries_.size() >= max_entries_ && !entries_.contains(key)) return false;
  entries_[key] = std::move(entry);
  return true;
}

void ResponseCache::InvalidateAll() {
  std::unique_lock lock(mutex_);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  entries_.clear();
}

void ResponseCache::SetLeaseUntil(Clock::time_point until) noexcept {
  lease_until_.store(until.time_since_epoch().count(), std::memory_order_release);
}

bool ResponseCache::Leased(Clock::time_point now) const noexcept {
  return now.time_since_epoch().count() < lease_until_.load(std::memory_order_acquire);
}

std::size_t ResponseCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

}  // namespace comptoir::product
