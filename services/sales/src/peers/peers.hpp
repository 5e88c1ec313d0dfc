#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/service/peer.hpp"
#include "domain/sales.hpp"

/// The services sales calls (issue 4 contracts): product for prices, inventory for the stock ledger.
namespace comptoir::sales {

/// Prices and names from the product service (GET /api/v1/products/{id}, /by-sku/{sku}).
class Catalogue {
 public:
  explicit Catalogue(service::Peer peer) : peer_(std::move(peer)) {}
  /// The product; nullopt when product answers 404 (unknown id or SKU).
  boost::asio::awaitable<std::optional<Product>> ById(const http::Request& origin, std::int64_t id) const;
  boost::asio::awaitable<std::optional<Product>> BySku(const http::Request& origin, std::string sku) const;
  /// The promotions in force at a store (GET /api/v1/promotions?location_id=, ADR 0141). 503
  /// `product.unavailable` when product cannot say: a sale is never priced without its promotions.
  boost::asio::awaitable<std::vector<pricing::Promotion>> Promotions(const http::Request& origin,
                                                                     std::int64_t location_id) const;
  /// A scanned EAN-13 / UPC-A (GET /api/v1/products/by-barcode/{code}); a price-embedded code gives the product
  /// priced at the embedded price, with `price_embedded` set.
  boost::asio::awaitable<std::optional<Product>> ByBarcode(const http::Request& origin, std::string code) const;

 private:
  service::Peer peer_;
};

/// A movement group as inventory answered it.
struct StockMovement {
  std::string key;
  bool reversed = false;
};

/// Stock moves through inventory's ledger (POST /api/v1/inventory/movements, …/{key}/reverse).
class Stock {
 public:
  explicit Stock(service::Peer peer) : peer_(std::move(peer)) {}
  /// Applies signed quantities at `location_id` atomically, idempotent by `key` (also the reference).
  /// Inventory's 4xx problems (409 `inventory.insufficient_stock`, …) come back as the same ApiError; a
  /// transport failure is 503 `inventory.unavailable`, a timeout 504 `inventory.timeout`.
  boost::asio::awaitable<StockMovement> Move(const http::Request& origin, const std::string& key,
                                             std::int64_t location_id, std::string_view reason,
                                             std::span<const SaleLine> lines, int sign) const;
  /// What inventory has available of each product at `location_id` (GET /api/v1/inventory); a product
  /// it does not list has none. Errors as for Move.
  boost::asio::awaitable<std::vector<StockLevel>> Available(const http::Request& origin, std::int64_t location_id,
                                                            std::span<const SaleLine> lines) const;
  /// Compensation: reverses the group `key` (or leaves a tombstone so that a late arrival is refused).
  /// Never throws: false when inventory could not do it (logged; the stock intent stays for the recovery pass).
  boost::asio::awaitable<bool> Reverse(const http::Request& origin, const std::string& key) const;

 private:
  service::Peer peer_;
};

}  // namespace comptoir::sales
