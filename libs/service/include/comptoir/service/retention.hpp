#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "comptoir/config.hpp"
#include "comptoir/pg/pg.hpp"
#include "comptoir/redis/redis.hpp"

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::service {

/// The retention rule of one table (ADR 0065): rows older than an age are deleted by a periodic job, a batch at a
/// time, so that nothing grows for ever.
struct RetentionJob {
  /// The table: the `table` label of the metrics and the setting `<service>.retention.<table>_days`.
  std::string table;
  /// The age in days when the setting is absent (documented in the service's README).
  std::int64_t default_days = 30;
  /// Deletes at most `batch` rows older than `age` and returns how many it deleted; called again while it deletes
  /// a full batch.
  std::function<boost::asio::awaitable<std::int64_t>(pg::Pool& db, std::chrono::seconds age, std::int64_t batch)> purge;
};

/// A job whose purge is one statement taking $1 = the age in seconds and $2 = the batch size.
RetentionJob PurgeByStatement(std::string table, std::int64_t default_days, pg::Statement statement);

/// `idempotency_keys` (idempotency.hpp): stored answers older than the age (default 30 days; a client retrying a
/// write later than that makes it again).
RetentionJob IdempotencyKeysRetention(std::int64_t default_days = 30);

/// `outbox` (outbox.hpp): rows published to the stream more than the age ago (default 7 days); an unpublished row
/// is never deleted.
RetentionJob PublishedOutboxRetention(std::int64_t default_days = 7);

/// `processed_events` (events/consumer.hpp): ids of applied events recorded more than the age ago (default 90
/// days) AND older than the oldest entry `stream` still holds (asked of `redis` at each run): an event the stream
/// can still deliver keeps its row. Redis down: nothing is purged this round.
RetentionJob ProcessedEventsRetention(redis::Client& redis, std::string stream, std::int64_t default_days = 90);

/// Settings of the job (`retention.*`), shared by the services of a process.
///
/// | key                      | default  | meaning                                                        |
/// |--------------------------|----------|----------------------------------------------------------------|
/// | `retention.enabled`      | true     | run the purge at all                                           |
/// | `retention.interval_ms`  | 3600000  | period of the job (it also runs once at start)                  |
/// | `retention.batch_size`   | 1000     | rows per DELETE (one short transaction each)                   |
/// | `retention.max_batches`  | 100      | DELETEs per table and run; the rest waits for the next run     |
/// | `<service>.retention.<table>_days` | per job | the age beyond which rows go (1 to 3650)              |
struct RetentionSettings {
  bool enabled = true;
  std::chrono::milliseconds interval{3'600'000};
  std::int64_t batch_size = 1000;
  std::int64_t max_batches = 100;
};

/// Reads `retention.*`; problems recorded in `source`.
RetentionSettings LoadRetentionSettings(config::Source& source);

/// A job with its age resolved from the settings.
struct ResolvedRetention {
  RetentionJob job;
  std::chrono::seconds age{0};
};

/// Reads `<service>.retention.<table>_days` for each job (default: the job's); problems recorded in `source`.
std::vector<ResolvedRetention> ResolveRetention(config::Source& source, const std::string& service,
                                                std::vector<RetentionJob> jobs);

/// The periodic purge of one service's tables, on one event loop (a service::Periodic). Each run deletes, table
/// by table, batches of rows older than their age until a batch comes back short (or `max_batches`). A table that
/// fails (database down) is counted and retried at the next run; the other tables still run.
///
/// Metrics (when a registry is given): `retention_rows_purged_total{table}`, `retention_failures_total{table}`,
/// `retention_last_run_timestamp_seconds{table}` (end of the last successful run, seconds since the epoch).
class Retention {
 public:
  Retention(boost::asio::io_context& io, pg::Pool& db, std::string service, RetentionSettings settings,
            std::vector<ResolvedRetention> jobs, metrics::Registry* registry = nullptr);
  ~Retention();
  Retention(const Retention&) = delete;
  Retention& operator=(const Retention&) = delete;

  /// Starts the job; the first run is at once.
  void Start();
  /// Ends the job after the run in progress. Must be awaited on the job's event loop.
  boost::asio::awaitable<void> Stop();
  /// One run over every table; returns the rows deleted (for tests and the loop).
  boost::asio::awaitable<std::int64_t> RunOnce();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace comptoir::service
