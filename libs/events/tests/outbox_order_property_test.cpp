// Property test (rapidcheck) of the outbox relay's ordering per aggregate (ADR 0060), against the fixture's
// real PostgreSQL and a private Redis: random interleavings of events written in their own transaction or in
// transactions held open (at most one per aggregate at a time, as the aggregate's row lock makes it in the
// services) that commit or roll back later, rounds of two relays with different batch sizes, and Redis going
// down and coming back. Once everything is committed and Redis is up, the stream — duplicates dropped by event
// id, as consumers do — holds every committed event exactly once, none rolled back, and each aggregate's events
// in the order they were committed; at any earlier point, each aggregate's events are a prefix of that order.
#include <libpq-fe.h>

#include <unistd.h>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "comptoir/events/relay.hpp"
#include "comptoir/redis/redis.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/redis_server.hpp"

namespace comptoir::events {
namespace {

namespace ct = comptoir::testing;
using namespace std::chrono_literals;

constexpr const char* kSchema =
    "CREATE TABLE outbox (id uuid PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY,"
    " aggregate_type text NOT NULL, aggregate_id text NOT NULL, type text NOT NULL, payload jsonb NOT NULL,"
    " occurred_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);"
    "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;";

constexpr int kAggregates = 3;

std::string InsertSql(int aggregate, int n) {
  const std::string agg = "a" + std::to_string(aggregate);
  return "INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload) SELECT e, 'thing', '" + agg +
         "', 'ThingChanged', jsonb_build_object('id', e::text, 'type', 'ThingChanged', 'source', 'test',"
         " 'occurred_at', now()::text, 'correlation_id', 'c', 'data', jsonb_build_object('n', " +
         std::to_string(n) + ")) FROM gen_random_uuid() e";
}

// One libpq connection holding a transaction open.
struct OpenTx {
  PGconn* conn = nullptr;
  int n = 0;
  ~OpenTx() {
    if (conn != nullptr) PQfinish(conn);
  }
};

void Exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  const auto status = PQresultStatus(r);
  const std::string error = PQresultErrorMessage(r);
  PQclear(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(sql + ": " + error);
}

boost::asio::awaitable<std::size_t> Publish(Relay& relay) {
  co_return co_await relay.PublishOnce();
}
boost::asio::awaitable<redis::Reply> Call(redis::Client& client, std::vector<std::string> args) {
  co_return co_await client.Command(std::move(args));
}

// Per aggregate, the `n` of its events in the stream's order, each event id once.
std::map<int, std::vector<int>> StreamOrder(http::Runtime& runtime, redis::Client& client, const std::string& stream) {
  std::map<int, std::vector<int>> out;
  std::set<std::string> seen;
  // The client reconnects by itself after a restart of Redis: a read right after it may fail once or twice.
  std::optional<redis::Reply> read;
  for (int attempt = 0; !read; ++attempt) {
    try {
      read = ct::RunAsync(runtime, Call(client, {"XRANGE", stream, "-", "+"}));
    } catch (const ApiError&) {
      if (attempt == 100) throw;
      std::this_thread::sleep_for(50ms);
    }
  }
  const redis::Reply& reply = *read;
  for (const auto& entry : reply.Array()) {
    std::string id, aggregate, payload;
    const auto& fields = entry.Array().at(1).Array();
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].String() == "id") id = fields[i + 1].String();
      if (fields[i].String() == "aggregate") aggregate = fields[i + 1].String();
      if (fields[i].String() == "payload") payload = fields[i + 1].String();
    }
    if (!seen.insert(id).second) continue;
    const auto at = payload.find("\"n\":");
    const int n = std::stoi(payload.substr(at + 4));
    out[aggregate.back() - '0'].push_back(n);
  }
  return out;
}

RC_GTEST_PROP(OutboxOrderProperty, EachAggregatesEventsReachTheStreamOnceInCommitOrder, ()) {
  static const std::string db = [] {
    auto d = ct::CreateDatabase("outbox_property");
    ct::RunSql(d, kSchema);
    return d;
  }();
  static http::Runtime runtime{1};
  static ct::RedisServer server({.keep_data = true});
  static pg::Pool pool(runtime, pg::PoolOptions{.conninfo = db, .max_per_worker = 4});
  static redis::Client client(runtime, [] {
    redis::Options o;
    o.port = static_cast<std::uint16_t>(server.port());
    // Generous: a loaded CI machine must not turn a slow answer into a failed round (Redis down is refused
    // at once, not timed out).
    o.connect_timeout = 2000ms;
    o.command_timeout = 5000ms;
    return o;
  }());
  static int run = 0;
  if (!server.Running()) server.Start();
  ct::RunSql(db, "TRUNCATE outbox RESTART IDENTITY");
  Settings settings;
  settings.stream = "outbox_property:" + std::to_string(::getpid()) + ":" + std::to_string(++run);
  settings.redis_url = "redis://127.0.0.1:" + std::to_string(server.port());
  settings.batch_size = 1;
  Relay one_by_one(runtime, pool, client, settings, "test");
  settings.batch_size = 3;
  Relay by_three(runtime, pool, client, settings, "test");

  std::map<int, std::vector<int>> committed;  // per aggregate, the n of its committed events, in commit order
  std::map<int, std::unique_ptr<OpenTx>> open;
  int next_n = 0;
  bool restarted = false;  // Redis came back and no round has succeeded since
  const auto check_prefix = [&] {
    if (!server.Running()) return;
    for (const auto& [agg, ns] : StreamOrder(runtime, client, settings.stream)) {
      const auto& want = committed[agg];
      RC_ASSERT(ns.size() <= want.size());
      RC_ASSERT(std::equal(ns.begin(), ns.end(), want.begin()));
    }
  };
  const int steps = *rc::gen::inRange(5, 40);
  for (int step = 0; step < steps; ++step) {
    const int agg = *rc::gen::inRange(0, kAggregates);
    switch (*rc::gen::inRange(0, 9)) {
      case 0:
      case 1:  // an event in a transaction of its own
        if (open.contains(agg)) break;
        ct::RunSql(db, InsertSql(agg, next_n));
        committed[agg].push_back(next_n++);
        break;
      case 2:  // a transaction that stays open for now
        if (open.contains(agg)) break;
        {
          auto tx = std::make_unique<OpenTx>();
          tx->conn = PQconnectdb(db.c_str());
          RC_ASSERT(PQstatus(tx->conn) == CONNECTION_OK);
          Exec(tx->conn, "BEGIN");
          tx->n = next_n++;
          Exec(tx->conn, InsertSql(agg, tx->n));
          open[agg] = std::move(tx);
        }
        break;
      case 3:  // it commits, or rolls back
        if (!open.contains(agg)) break;
        if (*rc::gen::arbitrary<bool>()) {
          Exec(open[agg]->conn, "COMMIT");
          committed[agg].push_back(open[agg]->n);
        } else {
          Exec(open[agg]->conn, "ROLLBACK");
        }
        open.erase(agg);
        break;
      case 4:
      case 5:
      case 6: {  // a relay's round
        Relay& relay = *rc::gen::arbitrary<bool>() ? one_by_one : by_three;
        try {
          // Nothing to publish needs no Redis; publishing something does.
          if (ct::RunAsync(runtime, Publish(relay)) > 0) RC_ASSERT(server.Running());
          restarted = false;
        } catch (const ApiError& e) {
          // Only Redis down, still reconnecting, or slower than the client's timeout (the client then drops
          // the connection and reconnects) fails a round; what was published stays a prefix either way.
          const bool slow = e.code() == "redis.timeout";
          RC_ASSERT(!server.Running() || restarted || slow);
          if (slow) restarted = true;
        }
        check_prefix();
        break;
      }
      case 7:  // Redis goes down, or comes back
        if (server.Running() && *rc::gen::inRange(0, 3) == 0) {
          server.Stop();
        } else if (!server.Running()) {
          server.Start();
          restarted = true;
        }
        break;
      default:
        check_prefix();
    }
  }
  // Everything ends: open transactions commit, Redis is up, the relays drain the outbox.
  for (auto& [agg, tx] : open) {
    Exec(tx->conn, "COMMIT");
    committed[agg].push_back(tx->n);
  }
  open.clear();
  if (!server.Running()) server.Start();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (ct::QueryValue(db, "SELECT count(*) FROM outbox WHERE published_at IS NULL") != "0") {
    RC_ASSERT(std::chrono::steady_clock::now() < deadline);
    try {
      ct::RunAsync(runtime, Publish(by_three));
    } catch (const ApiError&) {
      std::this_thread::sleep_for(50ms);  // the client reconnecting
    }
  }
  auto order = StreamOrder(runtime, client, settings.stream);
  for (int agg = 0; agg < kAggregates; ++agg) RC_ASSERT(order[agg] == committed[agg]);
}

}  // namespace
}  // namespace comptoir::events
