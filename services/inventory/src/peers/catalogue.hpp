#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/service/peer.hpp"

namespace comptoir::inventory {

/// Prices from the product service (its public GET /api/v1/products/{id}), to value a count's variance (ADR 0172).
class Catalogue {
 public:
  explicit Catalogue(service::Peer peer) : peer_(std::move(peer)) {}
  /// price_cents of each product product knows (an unknown product is left out). A transport failure is 503
  /// `product.unavailable`: the count is then not posted, nothing changes.
  boost::asio::awaitable<std::map<std::int64_t, std::int64_t>> Prices(const http::Request& origin,
                                                                      const std::vector<std::int64_t>& products) const;

 private:
  service::Peer peer_;
};

}  // namespace comptoir::inventory
