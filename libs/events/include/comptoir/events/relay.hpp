#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/events/settings.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/pg/pg.hpp"
#include "comptoir/redis/redis.hpp"

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::events {

/// Publishes a service's `outbox` rows (libs/service/outbox.hpp) to the chain's Redis Stream.
///
/// Each round is one transaction on the service's database:
///   1. `pg_try_advisory_xact_lock` on a fixed key: only one relay per database publishes at a time (several
///      processes of one service may run; the others find the lock taken and wait for the next round), so the
///      stream receives the rows in `seq` order;
///   2. the oldest unpublished rows (`ORDER BY seq LIMIT batch_size FOR UPDATE`);
///   3. one pipelined `XADD <stream> MAXLEN ~ <max_len> * id <event id> type <type> source <service>
///      aggregate <aggregate_type>:<aggregate_id> seq <seq> payload <envelope JSON>` per row, in that order;
///   4. `published_at = now()` on those rows, COMMIT.
/// If Redis fails (down, timeout) the transaction rolls back: the rows stay unpublished and are tried again
/// after a backoff (100 ms doubling up to `max_backoff`); events wait in the outbox, never lost. Delivery is
/// at least once: if the commit fails after XADD, the next round publishes the rows again, and consumers drop
/// the duplicate by its event id. An aggregate's events are written by transactions that lock that
/// aggregate's row, so their `seq` order is their commit order, and the stream keeps it.
///
/// Metrics (when a registry is given): `outbox_backlog` (unpublished rows), `outbox_lag_seconds` (age of the
/// oldest unpublished row, 0 when none), `outbox_published_total`, `outbox_publish_failures_total`.
class Relay {
 public:
  /// `source` is the service's name (logs). Nothing runs before Start().
  Relay(http::Runtime& runtime, pg::Pool& db, redis::Client& redis, Settings settings, std::string source,
        metrics::Registry* registry = nullptr);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  /// Starts the publishing loop (coroutine `RunRelay` on worker 0).
  void Start();
  /// Ends the loop after its current round (a wait is cut short) and then calls `done` (on worker 0).
  /// Without Start(), calls `done` at once. Rows not yet published stay in the outbox for the next start.
  void Stop(std::function<void()> done);

  /// One round, for tests and for the loop: the number of rows published (0 when the outbox is empty or
  /// another relay holds the lock). Throws when PostgreSQL or Redis fails (nothing is marked published).
  boost::asio::awaitable<std::size_t> PublishOnce();
  /// Refreshes the backlog and lag gauges; returns the backlog.
  boost::asio::awaitable<std::int64_t> MeasureBacklog();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace comptoir::events
