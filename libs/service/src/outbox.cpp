#include "comptoir/service/outbox.hpp"

#include "comptoir/http/server.hpp"

namespace comptoir::service {

namespace {
// The envelope is built by the database so that occurred_at is the transaction's own clock.
constexpr pg::Statement kAppendEvent{
    "outbox.append",
    "INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload) "
    "VALUES ($1::uuid, $2, $3, $4, jsonb_build_object("
    "'id', $1::text, 'type', $4::text, 'source', $5::text, "
    "'occurred_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'correlation_id', $6::text, 'data', $7::jsonb))"};
}  // namespace

boost::asio::awaitable<std::string> AppendEvent(pg::Transaction& tx, std::string source, Event event) {
  std::string id = http::NewUuid();
  co_await tx.Execute(kAppendEvent, pg::Params()
                                        .Add(id)
                                        .Add(event.aggregate_type)
                                        .Add(event.aggregate_id)
                                        .Add(event.type)
                                        .Add(source)
                                        .Add(event.correlation_id)
                                        .Add(event.data_json));
  co_return id;
}

}  // namespace comptoir::service
