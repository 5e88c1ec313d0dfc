#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "comptoir/http/message.hpp"
#include "comptoir/money.hpp"
#include "comptoir/pricing.hpp"
#include "comptoir/service/peer.hpp"

namespace comptoir::cart {

/// What the cart shows of a product (the product service is the truth; the cart never stores prices).
struct ProductInfo {
  std::int64_t id = 0;
  std::string sku;
  std::string name;
  std::int64_t price_cents = 0;
  bool active = false;
  std::optional<std::int64_t> category_id;
  money::TaxClass tax_class = money::TaxClass::kTaxable;
};

/// The product service (`GET /api/v1/products/{id}`), with an in-process cache of `cache_ttl` per product
/// (0 disables it), shared by the worker threads: a cart answer is at most that much behind a price change,
/// and a cart of ten lines does not cost ten calls on every answer. Unknown products (404) are cached too.
class Catalogue {
 public:
  Catalogue(service::Peer peer, std::chrono::milliseconds cache_ttl) : peer_(std::move(peer)), ttl_(cache_ttl) {}
  /// nullopt for an unknown product; `active` false for an archived one. 503/504 `product.*` when the
  /// product service cannot answer.
  boost::asio::awaitable<std::optional<ProductInfo>> Find(const http::Request& origin, std::int64_t id);
  /// The promotions in force online (`GET /api/v1/promotions?channel=online`, ADR 0141), cached like products.
  boost::asio::awaitable<std::vector<pricing::Promotion>> OnlinePromotions(const http::Request& origin);

 private:
  struct Entry {
    std::optional<ProductInfo> product;
    std::chrono::steady_clock::time_point expires;
  };
  service::Peer peer_;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Entry> cache_;
  std::vector<pricing::Promotion> promotions_;
  std::chrono::steady_clock::time_point promotions_expire_{};
};

/// Stock available online: `available` at the logistics centre from inventory's
/// `GET /api/v1/inventory?location_id=<location>&product_id=<id>` (never cached: it caps quantities).
class OnlineStock {
 public:
  OnlineStock(service::Peer peer, std::int64_t location_id) : peer_(std::move(peer)), location_id_(location_id) {}
  /// 0 when the centre has no stock row for the product.
  boost::asio::awaitable<std::int64_t> Available(const http::Request& origin, std::int64_t product_id) const;

 private:
  service::Peer peer_;
  std::int64_t location_id_;
};

}  // namespace comptoir::cart
