#pragma once
#include <string>

#include <boost/asio/awaitable.hpp>

#include "comptoir/pg/pg.hpp"

namespace comptoir::service {

/// A business event, written to the service's `outbox` table in the transaction of the change that
/// caused it (DESIGN §6). Each service that emits events has, in its migrations:
///
///   CREATE TABLE outbox (
///     id uuid PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY,
///     aggregate_type text NOT NULL, aggregate_id text NOT NULL, type text NOT NULL,
///     payload jsonb NOT NULL, occurred_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);
///   CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
struct Event {
  std::string type;            ///< e.g. "SaleCompleted"
  std::string aggregate_type;  ///< e.g. "sale"
  std::string aggregate_id;    ///< e.g. the sale id; events of one aggregate are published in order
  std::string data_json;       ///< the `data` object, JSON text
  std::string correlation_id;  ///< the request id that caused it
  std::string trace_id;        ///< its W3C trace id; empty: the trace id of the request being served, if any
};

/// Inserts the envelope {id, type, source, occurred_at, correlation_id, data, trace_id (when known)} into `outbox`;
/// returns the event id (a fresh UUID).
boost::asio::awaitable<std::string> AppendEvent(pg::Transaction& tx, std::string source, Event event);

}  // namespace comptoir::service
