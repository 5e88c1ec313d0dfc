#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"
#include "comptoir/redis/redis.hpp"

namespace comptoir::events {

/// What may be purged from the tables of the outbox and of the consumers (ADR 0065). The periodic job that runs
/// these statements is libs/service's `service::Retention`; the rules of what is safe to delete live here, next to
/// the relay and the consumer that write those rows.

/// Deletes at most $2 outbox rows published more than $1 seconds ago. An unpublished row (`published_at` NULL)
/// never matches: events waiting for Redis are never lost. The relay only locks unpublished rows, so the two never
/// wait on each other.
inline constexpr pg::Statement kPurgePublishedOutbox{
    "events.retention.outbox",
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE published_at IS NOT NULL"
    " AND published_at < now() - make_interval(secs => $1::bigint) ORDER BY seq LIMIT $2::bigint)"};

/// Deletes at most $2 `processed_events` rows recorded more than $1 seconds ago whose stream entry is older than
/// $3 (milliseconds since the epoch, the oldest entry the stream still holds). An event the stream can still deliver
/// (a rewind, a claimed pending entry) keeps its row, so a redelivery stays a no-op whatever the age.
inline constexpr pg::Statement kPurgeProcessedEvents{
    "events.retention.processed",
    "DELETE FROM processed_events WHERE event_id IN (SELECT event_id FROM processed_events"
    " WHERE processed_at < now() - make_interval(secs => $1::bigint)"
    // A CASE, not AND: SQL does not promise to test the pattern before the cast.
    " AND CASE WHEN split_part(stream_id, '-', 1) ~ '^[0-9]{1,18}$' THEN split_part(stream_id, '-', 1)::bigint END"
    " < $3::bigint"
    " LIMIT $2::bigint)"};

/// The time (milliseconds since the epoch, from its id) of the oldest entry `stream` still holds; nullopt when the
/// stream is empty or does not exist. Throws when Redis fails.
boost::asio::awaitable<std::optional<std::int64_t>> OldestEntryMs(redis::Client& redis, const std::string& stream);

}  // namespace comptoir::events
