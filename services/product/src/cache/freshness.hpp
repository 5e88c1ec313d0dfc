#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "cache/response_cache.hpp"
#include "comptoir/pg/pg.hpp"

namespace comptoir::product {

/// `product.cache.*` settings (README).
struct CacheSettings {
  bool enabled = true;
  std::chrono::milliseconds lease{2000};  ///< how long a renewal lets the instance serve from its cache
  std::chrono::milliseconds renew{500};   ///< how often the lease is renewed
};

/// Keeps this instance's ResponseCache fresh, and makes a catalogue write wait until no instance can still
/// answer from before it (ADR 0120):
///  - LISTEN comptoir_catalogue: a notification (sent by the products trigger after commit) empties the
///    cache at once; a renewal then reports the version applied (table cache_readers);
///  - every `renew`, the instance reports its applied version and, only if it is the latest committed one,
///    extends its lease; a version it did not hear of empties the cache first;
///  - the cache serves only within the lease, counted from before the renewal was sent: an instance cut off
///    from the database (or its listener) stops serving from its cache before its lease in the table ends;
///  - a write, once committed, waits until every live lease has applied its version (at most one lease).
class Freshness {
 public:
  Freshness(pg::Pool& db, ResponseCache& cache, CacheSettings settings);
  ~Freshness();
  Freshness(const Freshness&) = delete;
  Freshness& operator=(const Freshness&) = delete;

  /// Registers the instance and starts listening and renewing on `io` (worker 0). No-op when disabled.
  void Start(boost::asio::io_context& io);
  /// Ends the lease, stops the loops and removes the instance's row (writers stop waiting for it).
  boost::asio::awaitable<void> Stop();
  /// Awaited after a catalogue write committed and before it is acknowledged.
  boost::asio::awaitable<void> AwaitPublished();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace comptoir::product
