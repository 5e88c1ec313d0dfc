#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "comptoir/config.hpp"

namespace comptoir::events {

/// Settings shared by the relay and the consumers (`events.*`), read once at start.
///
/// | key                        | default            | meaning                                              |
/// |----------------------------|--------------------|------------------------------------------------------|
/// | `events.enabled`           | true               | run the outbox relay / consumers at all              |
/// | `events.redis_url`         | `redis.url`        | Redis holding the stream; empty: events stay in the outbox |
/// | `events.stream`            | `comptoir:events`  | the one stream of the chain                          |
/// | `events.stream_max_len`    | 1000000            | `XADD MAXLEN ~` retention (entries); large enough to rebuild read models |
/// | `events.poll_interval_ms`  | 100                | relay: pause when the outbox is empty                 |
/// | `events.batch_size`        | 100                | relay rows per transaction / consumer entries per read |
/// | `events.max_backoff_ms`    | 5000               | longest pause between retries while Redis/PostgreSQL is down |
/// | `events.claim_idle_ms`     | 30000              | consumer: claim entries pending this long on a crashed consumer |
///
/// `redis.url` (env COMPTOIR_REDIS_URL) is what scripts/platform.sh and the test Platform set; a separate
/// `events.redis_url` lets a deployment (or a test) put the stream on another Redis than the carts.
struct Settings {
  bool enabled = true;
  std::string redis_url;  ///< empty: not configured (no relay, no consumer)
  std::string stream = "comptoir:events";
  std::int64_t stream_max_len = 1'000'000;
  std::chrono::milliseconds poll_interval{100};
  std::int64_t batch_size = 100;
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds claim_idle{30000};

  /// Whether events flow: enabled and a Redis configured.
  [[nodiscard]] bool Active() const noexcept { return enabled && !redis_url.empty(); }
};

/// Reads `events.*` (and `redis.url` as the default of `events.redis_url`); problems recorded in `source`.
Settings LoadSettings(config::Source& source);

/// The exponential backoff after `failures` consecutive failures: 100 ms, 200 ms, 400 ms ... capped at `max`.
std::chrono::milliseconds Backoff(int failures, std::chrono::milliseconds max);

}  // namespace comptoir::events
