// The outbox relay and the consumer group against the real PostgreSQL and Redis of the fixtures: a fresh
// database and a stream name of their own per test; a private redis-server for "Redis down".
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/events/consumer.hpp"
#include "comptoir/events/relay.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"
#include "comptoir/testing/redis_server.hpp"

namespace comptoir::events {
namespace {

namespace asio = boost::asio;
namespace ct = comptoir::testing;
using asio::awaitable;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kSchema =
    "CREATE TABLE outbox (id uuid PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY,"
    " aggregate_type text NOT NULL, aggregate_id text NOT NULL, type text NOT NULL, payload jsonb NOT NULL,"
    " occurred_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);"
    "CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;"
    "CREATE TABLE processed_events (event_id text PRIMARY KEY, type text NOT NULL, source text NOT NULL,"
    " stream_id text NOT NULL, skipped text, processed_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE applied (event_id text NOT NULL, aggregate text NOT NULL, n bigint NOT NULL);";

std::string Unique(std::string_view name) {
  return "events_test:" + std::to_string(::getpid()) + ":" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ":" + std::string(name);
}

/// Appends `count` events (aggregate "a<i % aggregates>", data {"n": <i>}) to the outbox, as AppendEvent does.
void Append(const std::string& db, int count, int aggregates = 3, int first = 0) {
  for (int i = first; i < first + count; ++i) {
    const std::string agg = "a" + std::to_string(i % aggregates);
    ct::RunSql(db, "INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload) SELECT e, 'thing', '" + agg +
                       "', 'ThingChanged', jsonb_build_object('id', e::text, 'type', 'ThingChanged', 'source', 'test',"
                       " 'occurred_at', now()::text, 'correlation_id', 'c', 'data', jsonb_build_object('n', " +
                       std::to_string(i) + ", 'aggregate', '" + agg + "')) FROM gen_random_uuid() e");
  }
}

redis::Options RedisAt(int port) {
  redis::Options o;
  o.port = static_cast<std::uint16_t>(port);
  o.connect_timeout = 500ms;
  o.command_timeout = 2000ms;
  return o;
}

awaitable<redis::Reply> Call(redis::Client& client, std::vector<std::string> args) {
  co_return co_await client.Command(std::move(args));
}

awaitable<std::size_t> Publish(Relay& relay) { co_return co_await relay.PublishOnce(); }
awaitable<std::int64_t> Backlog(Relay& relay) { co_return co_await relay.MeasureBacklog(); }
awaitable<std::size_t> Poll(Consumer& consumer) { co_return co_await consumer.PollOnce(); }
awaitable<std::size_t> Claim(Consumer& consumer) { co_return co_await consumer.ClaimStale(); }
awaitable<bool> Rewind(Consumer& consumer) { co_return co_await consumer.Rewind(); }

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = ct::CreateDatabase("events");
    ct::RunSql(db_, kSchema);
    settings_.stream = Unique("stream");
    settings_.batch_size = 7;  // several rounds for the tests' 20 events
    settings_.poll_interval = 20ms;
    settings_.redis_url = "redis://127.0.0.1:" + std::to_string(ct::RedisPort());
    pool_ = std::make_unique<pg::Pool>(runtime_, pg::PoolOptions{.conninfo = db_, .max_per_worker = 4});
  }
  void TearDown() override {
    // Let background rollbacks finish before the pool goes.
    runtime_.Context(0).poll();
  }
  template <class T>
  T Run(awaitable<T> task) {
    return ct::RunAsync(runtime_, std::move(task));
  }
  /// Every entry of the stream: [ [id, [field, value, ...]], ... ].
  std::vector<redis::Reply> Entries(redis::Client& client) {
    return Run(Call(client, {"XRANGE", settings_.stream, "-", "+"})).Array();
  }
  static std::string Field(const redis::Reply& entry, std::string_view name) {
    const auto& fields = entry.Array().at(1).Array();
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].String() == name) return fields[i + 1].String();
    }
    return {};
  }

  http::Runtime runtime_{1};
  std::string db_;
  Settings settings_;
  std::unique_ptr<pg::Pool> pool_;
};

TEST_F(EventsTest, RelayPublishesInSeqOrderOnceAndMarksRowsPublished) {
  redis::Client client(runtime_, RedisAt(ct::RedisPort()));
  metrics::Registry registry;
  Relay relay(runtime_, *pool_, client, settings_, "test", &registry);
  Append(db_, 20);
  EXPECT_EQ(Run(Backlog(relay)), 20);
  EXPECT_NE(registry.Render().find("outbox_backlog 20"), std::string::npos) << registry.Render();
  std::size_t total = 0;
  while (std::size_t n = Run(Publish(relay))) total += n;
  EXPECT_EQ(total, 20u);
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "0");
  EXPECT_EQ(Run(Backlog(relay)), 0);
  EXPECT_NE(registry.Render().find("outbox_backlog 0"), std::string::npos);
  EXPECT_NE(registry.Render().find("outbox_lag_seconds 0"), std::string::npos);
  auto entries = Entries(client);
  ASSERT_EQ(entries.size(), 20u);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(Field(entries[i], "seq"), std::to_string(i + 1));
    EXPECT_EQ(Field(entries[i], "type"), "ThingChanged");
    EXPECT_EQ(Field(entries[i], "source"), "test");
    const StreamEvent e = ParseEntry(entries[i].Array()[0].String(), entries[i].Array()[1].Array());
    EXPECT_EQ(e.data.at("n").as_int64(), static_cast<std::int64_t>(i));
    EXPECT_EQ(e.id, Field(entries[i], "id"));
  }
  EXPECT_EQ(Run(Publish(relay)), 0u);  // nothing left: nothing published again
  EXPECT_EQ(Entries(client).size(), 20u);
}

constexpr pg::Statement kHoldLock{"test.hold_lock", "SELECT pg_advisory_xact_lock(hashtext('comptoir.outbox_relay'))"};

awaitable<std::size_t> PublishWhileLocked(pg::Pool& pool, Relay& relay) {
  pg::Transaction other = co_await pool.Begin();
  co_await other.Execute(kHoldLock);
  const std::size_t published = co_await relay.PublishOnce();
  co_await other.Commit();
  co_return published;
}

TEST_F(EventsTest, OnlyOneRelayPerDatabasePublishesAtATime) {
  redis::Client client(runtime_, RedisAt(ct::RedisPort()));
  Relay relay(runtime_, *pool_, client, settings_, "test");
  Append(db_, 3);
  EXPECT_EQ(Run(PublishWhileLocked(*pool_, relay)), 0u);  // another process holds the lock
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "3");
  EXPECT_EQ(Run(Publish(relay)), 3u);
}

TEST_F(EventsTest, RedisDownEventsWaitInTheOutboxThenArriveOnceInOrder) {
  ct::RedisServer server({.keep_data = true});
  settings_.redis_url = "redis://127.0.0.1:" + std::to_string(server.port());
  redis::Client client(runtime_, RedisAt(server.port()));
  metrics::Registry registry;
  Relay relay(runtime_, *pool_, client, settings_, "test", &registry);
  Append(db_, 5, 2, 0);
  while (Run(Publish(relay)) > 0) {
  }
  server.Stop();
  Append(db_, 10, 2, 5);
  EXPECT_THROW(Run(Publish(relay)), ApiError);
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "10");
  EXPECT_EQ(Run(Backlog(relay)), 10);
  server.Start();
  // The client reconnects by itself; the relay publishes what waited.
  std::size_t total = 0;
  const auto deadline = Clock::now() + 20s;
  while (total < 10 && Clock::now() < deadline) {
    try {
      total += Run(Publish(relay));
    } catch (const ApiError&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_EQ(total, 10u);
  auto entries = Entries(client);
  ASSERT_EQ(entries.size(), 15u);
  for (std::size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(Field(entries[i], "seq"), std::to_string(i + 1));
  EXPECT_EQ(Run(Backlog(relay)), 0);
}

awaitable<void> Sleep(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

// Waits (bounded) until the stream has `count` entries, letting the relay's loop run meanwhile.
awaitable<std::int64_t> WaitForLength(redis::Client& client, std::string stream, std::int64_t count) {
  const auto deadline = Clock::now() + 20s;
  std::int64_t length = 0;
  while (Clock::now() < deadline) {
    try {
      std::vector<std::string> xlen{"XLEN", stream};
      length = (co_await client.Command(std::move(xlen))).Integer();
      if (length >= count) break;
    } catch (const ApiError&) {
    }
    co_await Sleep(50ms);
  }
  co_return length;
}

TEST_F(EventsTest, TheLoopRetriesWithBackoffAndStopsGracefully) {
  ct::RedisServer server({.keep_data = true});
  redis::Client client(runtime_, RedisAt(server.port()));
  Relay relay(runtime_, *pool_, client, settings_, "test");
  server.Stop();
  Append(db_, 12);
  relay.Start();
  Run(Sleep(500ms));  // the loop fails and backs off meanwhile
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "12");
  server.Start();
  EXPECT_EQ(Run(WaitForLength(client, settings_.stream, 12)), 12);
  bool stopped = false;
  relay.Stop([&] { stopped = true; });
  const auto deadline = Clock::now() + 10s;
  while (!stopped && Clock::now() < deadline) runtime_.Context(0).run_one_for(100ms);
  EXPECT_TRUE(stopped);
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "0");
}

constexpr pg::Statement kApply{"test.apply",
                               "INSERT INTO applied (event_id, aggregate, n) VALUES ($1::text, $2::text, $3::bigint)"};

awaitable<void> ApplyThing(pg::Transaction& tx, const StreamEvent& e) {
  co_await tx.Execute(kApply, pg::Params()
                                  .Add(e.id)
                                  .Add(std::string(e.data.at("aggregate").as_string()))
                                  .Add(e.data.at("n").as_int64()));
}

TEST_F(EventsTest, ConsumerAppliesEachEventOnceAndInOrderPerAggregate) {
  redis::Client client(runtime_, RedisAt(ct::RedisPort()));
  Relay relay(runtime_, *pool_, client, settings_, "test");
  Append(db_, 20);
  while (Run(Publish(relay)) > 0) {
  }
  // The relay published some rows twice (a commit lost after XADD): the copies carry the same event ids.
  auto entries = Entries(client);
  for (int i = 0; i < 4; ++i) {
    std::vector<std::string> again{"XADD", settings_.stream, "*"};
    for (const auto& f : entries[static_cast<std::size_t>(i)].Array()[1].Array()) again.push_back(f.String());
    Run(Call(client, again));
  }
  redis::Client consumer_client(runtime_, RedisAt(ct::RedisPort()));
  Consumer consumer(runtime_, *pool_, consumer_client, settings_, ConsumerOptions{"g", "c1", 100ms}, &ApplyThing);
  std::size_t handled = 0;
  for (int round = 0; round < 10; ++round) handled += Run(Poll(consumer));
  EXPECT_EQ(handled, 24u);
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM applied"), "20");
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(DISTINCT event_id) FROM applied"), "20");
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM processed_events"), "20");
  // Within each aggregate, events were applied in the order they were written.
  EXPECT_EQ(ct::QueryValue(db_,
                           "SELECT count(*) FROM (SELECT n, lag(n) OVER (PARTITION BY aggregate ORDER BY e.processed_at,"
                           " e.stream_id) AS before FROM applied a JOIN processed_events e USING (event_id)) x"
                           " WHERE before > n"),
            "0");
  // Everything acknowledged.
  EXPECT_EQ(Run(Call(client, {"XPENDING", settings_.stream, "g"})).Array().at(0).Integer(), 0);
}

TEST_F(EventsTest, EntriesLeftPendingByACrashedConsumerAreClaimed) {
  redis::Client client(runtime_, RedisAt(ct::RedisPort()));
  Relay relay(runtime_, *pool_, client, settings_, "test");
  Append(db_, 6);
  while (Run(Publish(relay)) > 0) {
  }
  settings_.claim_idle = 200ms;
  Run(Call(client, {"XGROUP", "CREATE", settings_.stream, "g", "0"}));
  // "dead" read three entries and crashed before applying them.
  auto taken = Run(Call(client, {"XREADGROUP", "GROUP", "g", "dead", "COUNT", "3", "STREAMS", settings_.stream, ">"}));
  ASSERT_EQ(taken.Array().at(0).Array().at(1).Array().size(), 3u);
  Consumer consumer(runtime_, *pool_, client, settings_, ConsumerOptions{"g", "alive", 100ms}, &ApplyThing);
  EXPECT_EQ(Run(Poll(consumer)), 0u);  // own pending: none
  EXPECT_EQ(Run(Poll(consumer)), 3u);  // the three nobody took
  Run(Sleep(300ms));
  EXPECT_EQ(Run(Claim(consumer)), 3u);  // the dead consumer's three
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM applied"), "6");
  EXPECT_EQ(Run(Call(client, {"XPENDING", settings_.stream, "g"})).Array().at(0).Integer(), 0);
}

TEST_F(EventsTest, RewindDeliversTheRetainedHistoryAgain) {
  redis::Client client(runtime_, RedisAt(ct::RedisPort()));
  Relay relay(runtime_, *pool_, client, settings_, "test");
  Append(db_, 5);
  while (Run(Publish(relay)) > 0) {
  }
  Consumer consumer(runtime_, *pool_, client, settings_, ConsumerOptions{"g", "c1", 100ms}, &ApplyThing);
  while (Run(Poll(consumer)) > 0 || Run(Poll(consumer)) > 0) {
  }
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM applied"), "5");
  ct::RunSql(db_, "TRUNCATE applied, processed_events");
  EXPECT_TRUE(Run(Rewind(consumer)));
  std::size_t handled = 0;
  for (int round = 0; round < 4; ++round) handled += Run(Poll(consumer));
  EXPECT_EQ(handled, 5u);
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM applied"), "5");
}

}  // namespace
}  // namespace comptoir::events
