#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "comptoir/redis/redis.hpp"
#include "domain/cart.hpp"

namespace comptoir::cart {

/// A cart as Redis holds it: quantities only (prices are never stored as truth).
struct StoredCart {
  std::string id;
  std::optional<std::string> customer_id;
  std::vector<std::pair<std::int64_t, std::int64_t>> items;  ///< product_id, quantity (ascending product_id)
  std::string created_at;
  std::string updated_at;
};

/// What a change of one line did.
enum class ChangeOutcome {
  kApplied,
  kCartNotFound,  ///< a guest cart that does not exist (or expired)
  kOverCap,       ///< the new quantity would exceed the cap: nothing changed
};
struct ChangeResult {
  ChangeOutcome outcome = ChangeOutcome::kApplied;
  std::int64_t quantity = 0;  ///< the line's quantity after the change (before it, for kOverCap)
};

enum class MergeOutcome {
  kMerged,
  kGuestNotFound,
  kUnknownProduct,  ///< the guest cart gained a product whose cap was not given: read it again and retry
};

/// Carts in Redis (key layout: domain/cart.hpp KeysOf). Every change is one Lua script, so that checking
/// the cap and changing the quantity happen in one atomic step on the server (no read-modify-write in
/// C++): concurrent changes of one cart, from any instance, lose nothing. Every change refreshes the
/// expiry of both keys of the cart (`ttl`).
class CartStore {
 public:
  CartStore(redis::Client& redis, std::string prefix, std::chrono::seconds ttl)
      : redis_(redis), prefix_(std::move(prefix)), ttl_(ttl) {}

  /// nullopt when the cart does not exist (never created, expired, merged away).
  boost::asio::awaitable<std::optional<StoredCart>> Load(const CartIdentity& cart);
  /// Creates the cart unless it exists; refreshes its expiry either way.
  boost::asio::awaitable<void> Touch(const CartIdentity& cart);
  /// quantity += delta if the result is at most `cap`. A guest cart must exist; a shopper's is created.
  boost::asio::awaitable<ChangeResult> Add(const CartIdentity& cart, std::int64_t product_id, std::int64_t delta,
                                           std::int64_t cap);
  /// quantity = `quantity` (0 removes the line); an increase is refused above `cap`.
  boost::asio::awaitable<ChangeResult> Set(const CartIdentity& cart, std::int64_t product_id, std::int64_t quantity,
                                           std::int64_t cap);
  /// Empties the cart (it keeps existing). False when a guest cart does not exist.
  boost::asio::awaitable<bool> Clear(const CartIdentity& cart);
  /// Product ids of a cart's lines (for the caps of a merge).
  boost::asio::awaitable<std::vector<std::int64_t>> ProductIds(const CartIdentity& cart);
  /// Moves the guest cart's lines into `own` (quantities sum, each line capped by `caps`, a line already
  /// above its cap is never reduced) and deletes the guest cart, in one script.
  boost::asio::awaitable<MergeOutcome> Merge(const CartIdentity& guest, const CartIdentity& own,
                                             const std::map<std::int64_t, std::int64_t>& caps);
  boost::asio::awaitable<void> Ping() { return redis_.Ping(); }

 private:
  std::vector<std::string> CommonArgs(const CartIdentity& cart) const;

  redis::Client& redis_;
  std::string prefix_;
  std::chrono::seconds ttl_;
};

}  // namespace comptoir::cart
