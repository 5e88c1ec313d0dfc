#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

#include <boost/asio/awaitable.hpp>

#include "comptoir/receipt/document.hpp"
#include "comptoir/service/peer.hpp"

namespace comptoir::sales {

/// Store names and addresses for receipts, from their owner: inventory's locations
/// (GET /api/v1/locations/{id}, readable by anyone). Kept `ttl` in memory: a receipt reprinted a minute later
/// does not ask again, an address changed at inventory shows within `ttl` (ADR 0160).
class Locations {
 public:
  Locations(service::Peer peer, std::chrono::milliseconds ttl) : peer_(std::move(peer)), ttl_(ttl) {}
  /// The store's header. Inventory down is 503 `inventory.unavailable` (a receipt without its store's address
  /// is not printed); an unknown location 503 too (a sale always names an existing one).
  boost::asio::awaitable<receipt::Store> Find(const http::Request& origin, std::int64_t location_id);

 private:
  struct Entry {
    receipt::Store store;
    std::chrono::steady_clock::time_point fetched;
  };
  service::Peer peer_;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;  // handlers run on every worker; held only to read or write the map
  std::map<std::int64_t, Entry> cache_;
};

}  // namespace comptoir::sales
