#include "comptoir/service/outbox.hpp"

#include "comptoir/http/server.hpp"
#include "comptoir/log.hpp"

namespace comptoir::service {

namespace {
// The envelope is built by the database so that occurred_at is the transaction's own clock. `trace_id` is
// there only when the event was caused by a traced request.
constexpr pg::Statement kAppendEvent{
    "outbox.append",
    "INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload) "
    "VALUES ($1::uuid, $2, $3, $4, jsonb_build_object("
    "'id', $1::text, 'type', $4::text, 'source', $5::text, "
    "'occurred_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'correlation_id', $6::text, 'data', $7::jsonb) || "
    "CASE WHEN $8::text = '' THEN '{}'::jsonb ELSE jsonb_build_object('trace_id', $8::text) END)"};
}  // namespace

boost::asio::awaitable<std::string> AppendEvent(pg::Transaction& tx, std::string source, Event event) {
  std::string id = http::NewUuid();
  if (event.trace_id.empty()) {
    // The request being served (its log context is current while its coroutine runs).
    if (const log::RequestContext* context = log::CurrentContext()) event.trace_id = context->trace_id;
  }
  co_await tx.Execute(kAppendEvent, pg::Params()
                                        .Add(id)
                                        .Add(event.aggregate_type)
                                        .Add(event.aggregate_id)
                                        .Add(event.type)
                                        .Add(source)
                                        .Add(event.correlation_id)
                                        .Add(event.data_json)
                                        .Add(event.trace_id));
  co_return id;
}

}  // namespace comptoir::service
