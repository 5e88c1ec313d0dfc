#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "comptoir/events/settings.hpp"
#include "comptoir/http/runtime.hpp"
#include "comptoir/pg/pg.hpp"
#include "comptoir/redis/redis.hpp"

namespace comptoir::metrics {
class Registry;
}

namespace comptoir::events {

/// One event read from the stream: the envelope of DESIGN §6 plus where it sits in the stream.
struct StreamEvent {
  std::string stream_id;  ///< "1700000000000-0"
  std::string id;         ///< event id (uuid), the deduplication key
  std::string type;
  std::string source;
  std::string occurred_at;
  std::string correlation_id;
  std::string trace_id;     ///< the W3C trace id of the request that caused it; empty when it had none
  boost::json::value data;  ///< the `data` object
};

/// Parses a stream entry's fields (flat [name, value, ...] as XREADGROUP returns them) into a StreamEvent.
/// Throws ApiError validation "events.malformed" when the payload is not an envelope with an id and a type.
StreamEvent ParseEntry(std::string stream_id, const std::vector<redis::Reply>& fields);

/// Splits "ms-seq" into its two numbers (for ordering by stream position); {0, 0} when malformed.
std::pair<std::int64_t, std::int64_t> StreamPosition(std::string_view stream_id);

/// Applies one event in the consumer's transaction. Throwing ApiError validation (bad data) marks the event
/// as skipped (recorded, acknowledged, logged); any other exception leaves it pending, to be retried.
using Handler = std::function<boost::asio::awaitable<void>(pg::Transaction&, const StreamEvent&)>;

struct ConsumerOptions {
  std::string group;     ///< consumer group, e.g. "reporting"
  std::string consumer;  ///< this process's name in the group; stable across restarts (e.g. "reporting-1")
  std::chrono::milliseconds block{1000};  ///< XREADGROUP BLOCK; below the Redis client's command timeout
};

/// What the stream holds (XINFO STREAM), to tell whether it still has its whole history.
struct StreamInfo {
  bool exists = false;
  std::int64_t length = 0;
  std::int64_t entries_added = -1;            ///< ever added (Redis ≥ 7); −1 when the server does not say
  std::optional<std::string> first_entry_id;  ///< the oldest entry still held
};

/// Reads the stream with a consumer group and applies each event exactly once to the consumer's database.
///
/// The consumer's database has (in its migrations):
///
///   CREATE TABLE processed_events (
///     event_id text PRIMARY KEY, type text NOT NULL, source text NOT NULL, stream_id text NOT NULL,
///     skipped text, processed_at timestamptz NOT NULL DEFAULT now());
///
/// For each entry: BEGIN; INSERT the event id into processed_events (a duplicate — the relay published it
/// twice, or the entry was delivered again after a crash — inserts nothing and is only acknowledged); the
/// handler's writes; COMMIT; then XACK. A crash between COMMIT and XACK re-delivers the entry, which the
/// recorded id turns into a no-op. On start and after each failure the consumer first re-reads its own
/// pending entries (XREADGROUP ... 0), then new ones (>). Every `claim_idle / 2` it takes over entries that
/// another consumer of the group has left pending for `claim_idle` (XAUTOCLAIM: that consumer crashed).
/// The group is created at the start of the stream (`XGROUP CREATE ... 0 MKSTREAM`), so a new consumer reads
/// the whole retained history; it is created again if Redis lost it (NOGROUP).
///
/// Metrics: `events_consumed_total{group}`, `events_duplicates_total{group}`, `events_skipped_total{group}`,
/// `events_consumer_failures_total{group}`, and, read from XINFO GROUPS at most every 5 s,
/// `events_consumer_lag{group}` (entries not yet delivered) and `events_consumer_pending{group}` (not acknowledged).
class Consumer {
 public:
  Consumer(http::Runtime& runtime, pg::Pool& db, redis::Client& redis, Settings settings, ConsumerOptions options,
           Handler handler, metrics::Registry* registry = nullptr);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  /// Starts the reading loop (coroutine `RunConsumer` on worker 0).
  void Start();
  /// Ends the loop after the entry in progress, then calls `done` (on worker 0); at once without Start().
  void Stop(std::function<void()> done);

  /// One read: own pending entries first, else new ones (waiting up to `block`); returns the entries handled.
  boost::asio::awaitable<std::size_t> PollOnce();
  /// Claims and handles entries pending longer than `claim_idle` on other consumers; returns how many.
  boost::asio::awaitable<std::size_t> ClaimStale();

  /// Rewinds the group to the start of the stream (XGROUP SETID 0) so that every retained entry is delivered
  /// again; call after emptying the read models and processed_events (in a committed transaction). Returns
  /// whether the stream still holds its whole history (`entries-added` == length: nothing was trimmed).
  boost::asio::awaitable<bool> Rewind();
  /// The stream's length, entries ever added and oldest entry; `exists` false when there is no stream.
  boost::asio::awaitable<StreamInfo> Describe();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace comptoir::events
