// The retention job (ADR 0065) against the real PostgreSQL and Redis of the fixtures: a fresh database per test with
// the tables of libs/service and libs/events, rows dated in the past, and the job's own runs (RunOnce, and the
// periodic loop). Rows older than the age go, newer ones stay; an unpublished outbox row never goes; an event the
// stream still holds keeps its processed_events row.
#include <gtest/gtest.h>

#include <thread>

#include <unistd.h>

#include "comptoir/config.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/redis/redis.hpp"
#include "comptoir/service/retention.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::service {
namespace {

namespace asio = boost::asio;
namespace ct = comptoir::testing;
using asio::awaitable;
using namespace std::chrono_literals;

constexpr const char* kSchema =
    "CREATE TABLE idempotency_keys (scope text NOT NULL, key text NOT NULL, fingerprint text NOT NULL,"
    " status int NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, "
    "key));"
    "CREATE TABLE outbox (id uuid PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY,"
    " aggregate_type text NOT NULL, aggregate_id text NOT NULL, type text NOT NULL, payload jsonb NOT NULL,"
    " occurred_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);"
    "CREATE TABLE processed_events (event_id text PRIMARY KEY, type text NOT NULL, source text NOT NULL,"
    " stream_id text NOT NULL, skipped text, processed_at timestamptz NOT NULL DEFAULT now());";

awaitable<std::int64_t> Purge(Retention& retention) {
  co_return co_await retention.RunOnce();
}
awaitable<void> Stop(Retention& retention) {
  co_await retention.Stop();
}
awaitable<redis::Reply> Command(redis::Client& client, std::vector<std::string> args) {
  co_return co_await client.Command(std::move(args));
}

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = ct::CreateDatabase("retention");
    ct::RunSql(db_, kSchema);
    pool_ = std::make_unique<pg::Pool>(runtime_, pg::PoolOptions{.conninfo = db_, .max_per_worker = 2});
  }
  void TearDown() override { runtime_.Context(0).poll(); }

  /// An idempotency answer stored `age` ago (a PostgreSQL interval, e.g. '31 days').
  void Key(const std::string& key, const std::string& age) {
    ct::RunSql(db_,
               "INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) VALUES"
               " ('sale', '" +
                   key + "', 'f', 201, '{}', now() - interval '" + age + "')");
  }
  /// An outbox row published `published` ago (NULL: not yet published), having occurred 100 days ago.
  void Event(const std::string& name, const std::string& published) {
    std::string at = published == "NULL" ? "NULL" : "now() - interval '" + published + "'";
    ct::RunSql(db_,
               "INSERT INTO outbox (id, aggregate_type, aggregate_id, type, payload, occurred_at, published_at)"
               " VALUES (gen_random_uuid(), 'thing', '" +
                   name +
                   "', 'ThingChanged', '{}',"
                   " now() - interval '100 days', " +
                   at + ")");
  }
  void Processed(const std::string& id, const std::string& stream_id, const std::string& age) {
    ct::RunSql(db_, "INSERT INTO processed_events (event_id, type, source, stream_id, processed_at) VALUES ('" + id +
                        "', 'ThingChanged', 'test', '" + stream_id + "', now() - interval '" + age + "')");
  }
  std::string Remaining(const std::string& table, const std::string& column) {
    return ct::QueryValue(db_,
                          "SELECT coalesce(string_agg(" + column + ", ',' ORDER BY " + column + "), '') FROM " + table);
  }
  std::vector<ResolvedRetention> Resolve(std::vector<RetentionJob> jobs, std::string file_json = "{}") {
    config::Source source(std::move(file_json), [](const std::string&) { return std::optional<std::string>(); });
    auto resolved = ResolveRetention(source, "sales", std::move(jobs));
    source.ThrowIfErrors();
    return resolved;
  }

  http::Runtime runtime_{1};
  std::string db_;
  std::unique_ptr<pg::Pool> pool_;
  metrics::Registry registry_;
};

TEST_F(RetentionTest, IdempotencyKeysOlderThanTheAgeGoInBatchesAndNewerOnesStay) {
  for (int i = 0; i < 5; ++i) Key("old-" + std::to_string(i), "31 days");
  Key("young", "29 days");
  Key("today", "1 second");
  RetentionSettings settings;
  settings.batch_size = 2;  // three DELETEs for the five old rows
  Retention retention(runtime_.Context(0), *pool_, "sales", settings, Resolve({IdempotencyKeysRetention()}),
                      &registry_);
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 5);
  EXPECT_EQ(Remaining("idempotency_keys", "key"), "today,young");
  EXPECT_NE(registry_.Render().find("retention_rows_purged_total{table=\"idempotency_keys\"} 5"), std::string::npos)
      << registry_.Render();
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 0);  // nothing more to do
  EXPECT_EQ(Remaining("idempotency_keys", "key"), "today,young");
}

TEST_F(RetentionTest, TheAgeComesFromTheServiceSettings) {
  Key("ten-days", "10 days");
  Key("eight-days", "8 days");
  auto resolved = Resolve({IdempotencyKeysRetention()}, R"({"sales": {"retention": {"idempotency_keys_days": 9}}})");
  ASSERT_EQ(resolved.size(), 1u);
  EXPECT_EQ(resolved[0].age, std::chrono::hours(24 * 9));
  Retention retention(runtime_.Context(0), *pool_, "sales", RetentionSettings{}, std::move(resolved));
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 1);
  EXPECT_EQ(Remaining("idempotency_keys", "key"), "eight-days");

  config::Source zero(R"({"sales": {"retention": {"idempotency_keys_days": 0}}})",
                      [](const std::string&) { return std::optional<std::string>(); });
  ResolveRetention(zero, "sales", {IdempotencyKeysRetention()});
  EXPECT_THROW(zero.ThrowIfErrors(), config::ConfigError);  // "keep nothing" is not a retention period
}

TEST_F(RetentionTest, AnUnpublishedOutboxRowNeverGoesHoweverOld) {
  Event("published-8d", "8 days");
  Event("published-6d", "6 days");
  Event("waiting", "NULL");  // occurred 100 days ago, Redis has been down since
  Retention retention(runtime_.Context(0), *pool_, "sales", RetentionSettings{}, Resolve({PublishedOutboxRetention()}),
                      &registry_);
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 1);
  EXPECT_EQ(Remaining("outbox", "aggregate_id"), "published-6d,waiting");
  EXPECT_EQ(ct::QueryValue(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "1");
}

TEST_F(RetentionTest, AProcessedEventTheStreamStillHoldsKeepsItsRow) {
  redis::Options options;
  options.port = static_cast<std::uint16_t>(ct::RedisPort());
  redis::Client redis(runtime_, options);
  std::string stream = "retention_test:" + std::to_string(::getpid()) + ":stream";
  // The stream's oldest entry is at 5000 ms; entries before it were trimmed.
  for (const char* id : {"5000-0", "6000-0"}) {
    ct::RunAsync(runtime_, Command(redis, {"XADD", stream, id, "id", id}));
  }
  Processed("trimmed-old", "4000-0", "91 days");  // older than 90 days and gone from the stream: goes
  Processed("held-old", "5000-0", "91 days");     // old, but the stream can deliver it again: stays
  Processed("trimmed-young", "4000-1", "89 days");
  Processed("unreadable", "not-a-stream-id", "200 days");  // kept: its place in the stream is unknown
  Retention retention(runtime_.Context(0), *pool_, "reporting", RetentionSettings{},
                      Resolve({ProcessedEventsRetention(redis, stream)}), &registry_);
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 1);
  EXPECT_EQ(Remaining("processed_events", "event_id"), "held-old,trimmed-young,unreadable");

  // Once the stream no longer holds it (trimmed, or the stream is gone), the old row goes too.
  ct::RunAsync(runtime_, Command(redis, {"DEL", stream}));
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 1);
  EXPECT_EQ(Remaining("processed_events", "event_id"), "trimmed-young,unreadable");
}

TEST_F(RetentionTest, RedisDownPurgesNoProcessedEventAndTheOtherTablesStillRun) {
  redis::Options options;
  options.port = static_cast<std::uint16_t>(ct::FreePort());
  options.connect_timeout = 300ms;
  redis::Client nowhere(runtime_, options);
  Processed("old", "1000-0", "200 days");
  Key("old-key", "40 days");
  Retention retention(runtime_.Context(0), *pool_, "reporting", RetentionSettings{},
                      Resolve({ProcessedEventsRetention(nowhere, "s"), IdempotencyKeysRetention()}), &registry_);
  EXPECT_EQ(ct::RunAsync(runtime_, Purge(retention)), 1);
  EXPECT_EQ(Remaining("processed_events", "event_id"), "old");  // unknown floor: nothing is deleted
  EXPECT_EQ(Remaining("idempotency_keys", "key"), "");
  std::string metrics = registry_.Render();
  EXPECT_NE(metrics.find("retention_failures_total{table=\"processed_events\"} 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("retention_failures_total{table=\"idempotency_keys\"} 0"), std::string::npos) << metrics;
}

TEST_F(RetentionTest, ThePeriodicJobRunsAtStartAndAgainEachInterval) {
  Key("first", "31 days");
  RetentionSettings settings;
  settings.interval = 50ms;
  Retention retention(runtime_.Context(0), *pool_, "sales", settings, Resolve({IdempotencyKeysRetention()}),
                      &registry_);
  retention.Start();
  auto wait_for = [&](const std::string& expected) {
    asio::io_context& io = runtime_.Context(0);
    for (int i = 0; i < 200 && Remaining("idempotency_keys", "key") != expected; ++i) {
      if (io.stopped()) io.restart();
      io.run_for(20ms);  // the job runs on this loop; the bound only guards against a hang
    }
    return Remaining("idempotency_keys", "key");
  };
  EXPECT_EQ(wait_for(""), "");
  Key("second", "31 days");
  Key("kept", "1 day");
  EXPECT_EQ(wait_for("kept"), "kept");
  ct::RunAsync(runtime_, Stop(retention));
  EXPECT_NE(registry_.Render().find("retention_last_run_timestamp_seconds{table=\"idempotency_keys\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace comptoir::service
