// libs/pg against a real PostgreSQL (the "pg" CTest fixture); each test has its own database.
#include <gtest/gtest.h>

#include <array>
#include <atomic>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/metrics.hpp"
#include "comptoir/pg/migrate.hpp"
#include "comptoir/pg/pg.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"

namespace comptoir::pg {
namespace {

namespace asio = boost::asio;
namespace ct = comptoir::testing;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view kSchema =
    "CREATE TABLE item (id bigint PRIMARY KEY, name text NOT NULL UNIQUE, note text, price integer CHECK (price >= 0))";
constexpr Statement kInsert{"item.insert", "INSERT INTO item (id, name, note) VALUES ($1, $2, $3)"};
constexpr Statement kFind{"item.find", "SELECT id, name, note, note IS NULL FROM item WHERE id = $1"};
constexpr Statement kCount{"item.count", "SELECT count(*) FROM item"};
constexpr Statement kDeleteAll{"item.delete_all", "DELETE FROM item"};
constexpr Statement kPrepared{"session.prepared", "SELECT count(*) FROM pg_prepared_statements WHERE name = $1"};
constexpr Statement kSessions{"session.count",
                              "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"};
constexpr Statement kSleep{"session.sleep", "SELECT pg_sleep($1::float8)"};
constexpr Statement kOne{"session.one", "SELECT 1"};
constexpr Statement kBadPrice{"item.bad_price", "UPDATE item SET price = -1"};

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    conninfo_ = ct::CreateDatabase(::testing::UnitTest::GetInstance()->current_test_info()->name());
    ct::RunSql(conninfo_, std::string(kSchema));
  }

  PoolOptions Options(std::size_t max_per_worker = 2) const {
    PoolOptions options;
    options.conninfo = conninfo_;
    options.application_name = "pg_test";
    options.max_per_worker = max_per_worker;
    return options;
  }

  std::int64_t Count() { return std::stoll(ct::QueryValue(conninfo_, "SELECT count(*) FROM item")); }

  http::Runtime runtime_{1};
  std::string conninfo_;
};

awaitable<std::int64_t> CountRows(Pool& pool) {
  const Result result = co_await pool.Execute(kCount);
  co_return result[0].Int(0);
}

// --- statements and parameters ---------------------------------------------------------------------------------

struct Found {
  std::int64_t id = 0;
  std::string name;
  bool note_null = false;
  bool note_null_server = false;
  std::int64_t prepared = 0;
  std::int64_t affected = 0;
};

awaitable<Found> InsertAndFind(Pool& pool) {
  Found found;
  const Result inserted = co_await pool.Execute(kInsert, Params().Add(1).Add("Café").AddNull());
  found.affected = inserted.AffectedRows();
  co_await pool.Execute(kInsert, Params().Add(2).Add("Thé").Add(std::optional<std::string>("chaud")));
  const Result row = co_await pool.Execute(kFind, Params().Add(1));
  found.id = row[0].Int(0);
  found.name = std::string(row[0].Text(1));
  found.note_null = row[0].IsNull(2) && !row[0].OptText(2).has_value();
  found.note_null_server = row[0].Bool(3);
  // One connection (max_per_worker = 1): the statement was prepared once on it and reused.
  const Result prepared = co_await pool.Execute(kPrepared, Params().Add("item.insert"));
  found.prepared = prepared[0].Int(0);
  co_return found;
}

TEST_F(PgTest, ExecutesPreparedStatementsWithParametersNullAndUtf8) {
  Pool pool(runtime_, Options(1));
  const Found found = ct::RunAsync(runtime_, InsertAndFind(pool));
  EXPECT_EQ(found.affected, 1);
  EXPECT_EQ(found.id, 1);
  EXPECT_EQ(found.name, "Café");
  EXPECT_TRUE(found.note_null);
  EXPECT_TRUE(found.note_null_server);
  EXPECT_EQ(found.prepared, 1);
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(ct::QueryValue(conninfo_, "SELECT note FROM item WHERE id = 2"), "chaud");
}

// --- errors ------------------------------------------------------------------------------------------------------

awaitable<void> InsertOne(Pool& pool, std::int64_t id, std::string name) {
  co_await pool.Execute(kInsert, Params().Add(id).Add(name).AddNull());
}

TEST_F(PgTest, UniqueViolationIsConflictAndConnectionStaysUsable) {
  Pool pool(runtime_, Options(1));
  ct::RunAsync(runtime_, InsertOne(pool, 1, "a"));
  try {
    ct::RunAsync(runtime_, InsertOne(pool, 2, "a"));
    FAIL() << "expected a unique violation";
  } catch (const PgError& e) {
    EXPECT_TRUE(e.IsUniqueViolation());
    EXPECT_EQ(e.kind(), ErrorKind::kConflict);
    EXPECT_EQ(e.code(), "db.unique_violation");
    EXPECT_EQ(e.constraint(), "item_name_key");
  }
  EXPECT_EQ(ct::RunAsync(runtime_, CountRows(pool)), 1);
}

awaitable<void> SetBadPrice(Pool& pool) {
  co_await pool.Execute(kBadPrice);
}

TEST_F(PgTest, CheckViolationIsValidation) {
  Pool pool(runtime_, Options(1));
  ct::RunAsync(runtime_, InsertOne(pool, 1, "a"));
  try {
    ct::RunAsync(runtime_, SetBadPrice(pool));
    FAIL() << "expected a check violation";
  } catch (const PgError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kValidation);
    EXPECT_EQ(e.code(), "db.invalid_value");
  }
}

constexpr Statement kSyntaxError{"bad.syntax", "SELEKT 1"};

awaitable<void> RunSyntaxError(Pool& pool) {
  co_await pool.Execute(kSyntaxError);
}

TEST_F(PgTest, FailedPrepareIsNotRemembered) {
  Pool pool(runtime_, Options(1));
  for (int i = 0; i < 2; ++i) {
    try {
      ct::RunAsync(runtime_, RunSyntaxError(pool));
      FAIL() << "expected a syntax error";
    } catch (const PgError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInternal);
      EXPECT_EQ(e.sqlstate(), "42601");
    }
  }
  EXPECT_EQ(ct::RunAsync(runtime_, CountRows(pool)), 0);
}

// --- transactions ------------------------------------------------------------------------------------------------

awaitable<void> CommitOne(Pool& pool) {
  Transaction tx = co_await pool.Begin();
  co_await tx.Execute(kInsert, Params().Add(1).Add("committed").AddNull());
  co_await tx.Commit();
}

awaitable<void> AbandonOne(Pool& pool) {
  Transaction tx = co_await pool.Begin();
  co_await tx.Execute(kInsert, Params().Add(2).Add("abandoned").AddNull());
  throw std::runtime_error("handler failed");
}

awaitable<void> RollBackOne(Pool& pool) {
  Transaction tx = co_await pool.Begin();
  co_await tx.Execute(kInsert, Params().Add(3).Add("rolled back").AddNull());
  co_await tx.Rollback();
}

TEST_F(PgTest, TransactionCommitsOrRollsBack) {
  Pool pool(runtime_, Options(1));
  ct::RunAsync(runtime_, CommitOne(pool));
  EXPECT_THROW(ct::RunAsync(runtime_, AbandonOne(pool)), std::runtime_error);
  ct::RunAsync(runtime_, RollBackOne(pool));
  // With one connection this also proves that the abandoned transaction's connection came back.
  EXPECT_EQ(ct::RunAsync(runtime_, CountRows(pool)), 1);
  EXPECT_EQ(Count(), 1);
  EXPECT_EQ(ct::QueryValue(conninfo_, "SELECT name FROM item"), "committed");
}

awaitable<void> CommitAfterFailure(Pool& pool) {
  Transaction tx = co_await pool.Begin();
  co_await tx.Execute(kInsert, Params().Add(1).Add("first").AddNull());
  try {
    co_await tx.Execute(kInsert, Params().Add(1).Add("duplicate").AddNull());
  } catch (const PgError&) {
    // ignored on purpose: Commit must not pretend success
  }
  co_await tx.Commit();
}

TEST_F(PgTest, CommitOfAFailedTransactionFails) {
  Pool pool(runtime_, Options(1));
  try {
    ct::RunAsync(runtime_, CommitAfterFailure(pool));
    FAIL() << "expected the commit to fail";
  } catch (const PgError& e) {
    EXPECT_EQ(e.code(), "db.transaction_aborted");
  }
  EXPECT_EQ(ct::RunAsync(runtime_, CountRows(pool)), 0);
}

// --- pool ----------------------------------------------------------------------------------------------------------

struct Crowd {
  explicit Crowd(asio::io_context& io, int tasks) : remaining(tasks), done(io, Clock::time_point::max()) {}
  int remaining;
  asio::steady_timer done;
  std::int64_t max_sessions = 0;
  int succeeded = 0;
  int failed = 0;
};

awaitable<void> CrowdMember(Pool& pool, std::shared_ptr<Crowd> crowd, int i) {
  co_await pool.Execute(kSleep, Params().Add("0.01"));
  const Result sessions = co_await pool.Execute(kSessions);
  crowd->max_sessions = std::max(crowd->max_sessions, sessions[0].Int(0));
  co_await pool.Execute(kInsert, Params().Add(i).Add("item " + std::to_string(i)).AddNull());
}

awaitable<std::shared_ptr<Crowd>> RunCrowd(Pool& pool, int tasks) {
  auto executor = co_await asio::this_coro::executor;
  auto crowd = std::make_shared<Crowd>(static_cast<asio::io_context&>(executor.context()), tasks);
  for (int i = 0; i < tasks; ++i) {
    asio::co_spawn(executor, CrowdMember(pool, crowd, i), [crowd](std::exception_ptr e) {
      (e ? crowd->failed : crowd->succeeded)++;
      if (--crowd->remaining == 0) crowd->done.cancel();
    });
  }
  boost::system::error_code ec;
  co_await crowd->done.async_wait(asio::redirect_error(use_awaitable, ec));
  co_return crowd;
}

TEST_F(PgTest, TwoConnectionsServeFiftyConcurrentTasks) {
  metrics::Registry registry;
  Pool pool(runtime_, Options(2), &registry);
  const auto crowd = ct::RunAsync(runtime_, RunCrowd(pool, 50));
  EXPECT_EQ(crowd->succeeded, 50);
  EXPECT_EQ(crowd->failed, 0);
  EXPECT_LE(crowd->max_sessions, 2);
  EXPECT_EQ(Count(), 50);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("db_queries_total{pool=\"pg_test\"} 150"), std::string::npos) << text;
  EXPECT_NE(text.find("db_pool_connections{pool=\"pg_test\",state=\"idle\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("db_pool_connections{pool=\"pg_test\",state=\"busy\"} 0"), std::string::npos) << text;
}

TEST_F(PgTest, PoolsSharingARegistryShareMetricNames) {
  metrics::Registry registry;
  PoolOptions other = Options(1);
  other.application_name = "other";
  Pool first(runtime_, Options(1), &registry);
  Pool second(runtime_, other, &registry);
  ct::RunAsync(runtime_, CountRows(first));
  ct::RunAsync(runtime_, CountRows(second));
  const std::string text = registry.Render();
  std::size_t types = 0;
  for (auto at = text.find("# TYPE db_queries_total"); at != std::string::npos;
       at = text.find("# TYPE db_queries_total", at + 1)) {
    ++types;
  }
  EXPECT_EQ(types, 1u) << text;
  EXPECT_NE(text.find("db_queries_total{pool=\"other\"} 1"), std::string::npos) << text;
}

awaitable<void> HoldConnection(Pool& pool, std::chrono::milliseconds hold) {
  Transaction tx = co_await pool.Begin();
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor, hold);
  co_await timer.async_wait(use_awaitable);
  co_await tx.Commit();
}

awaitable<std::string> AcquireWhileHeld(Pool& pool) {
  auto executor = co_await asio::this_coro::executor;
  // Its outcome is checked through the pool serving again afterwards.
  asio::co_spawn(executor, HoldConnection(pool, 1500ms), [](const std::exception_ptr&) {});
  asio::steady_timer timer(executor, 50ms);
  co_await timer.async_wait(use_awaitable);
  std::string code;
  try {
    co_await pool.Execute(kOne);
  } catch (const PgError& e) {
    code = e.code();
  }
  co_return code;
}

TEST_F(PgTest, WaitingForABusyPoolIsBounded) {
  PoolOptions options = Options(1);
  options.acquire_timeout = 200ms;
  Pool pool(runtime_, options);
  EXPECT_EQ(ct::RunAsync(runtime_, AcquireWhileHeld(pool)), "db.pool_timeout");
  // Once the holder finishes, the pool serves again.
  std::int64_t rows = -1;
  for (int i = 0; i < 20 && rows < 0; ++i) {
    try {
      rows = ct::RunAsync(runtime_, CountRows(pool));
    } catch (const PgError& e) {
      EXPECT_EQ(e.code(), "db.pool_timeout");
    }
  }
  EXPECT_EQ(rows, 0);
}

struct Workers {
  std::atomic<int> remaining{0};
  std::atomic<int> failed{0};
};

awaitable<void> WorkerQueries(Pool& pool, int worker) {
  for (int i = 0; i < 20; ++i) {
    co_await pool.Execute(kInsert, Params().Add(worker * 100 + i).Add(std::to_string(worker * 100 + i)).AddNull());
  }
}

TEST_F(PgTest, EachWorkerUsesItsOwnShard) {
  http::Runtime runtime(2);
  Pool pool(runtime, Options(2));
  Workers workers;
  workers.remaining = 2;
  for (int worker = 0; worker < 2; ++worker) {
    asio::co_spawn(runtime.Context(worker), WorkerQueries(pool, worker), [&workers, &runtime](std::exception_ptr e) {
      if (e) workers.failed++;
      if (--workers.remaining == 0) runtime.Stop();
    });
  }
  runtime.Run();
  EXPECT_EQ(workers.failed, 0);
  EXPECT_EQ(Count(), 40);
}

// --- timeouts and availability ---------------------------------------------------------------------------------

awaitable<void> SleepFor(Pool& pool, std::string seconds) {
  co_await pool.Execute(kSleep, Params().Add(seconds));
}

TEST_F(PgTest, StatementTimeoutIsTimeoutError) {
  PoolOptions options = Options(1);
  options.statement_timeout = 500ms;
  Pool pool(runtime_, options);
  const auto start = Clock::now();
  try {
    ct::RunAsync(runtime_, SleepFor(pool, "3"));
    FAIL() << "expected a timeout";
  } catch (const PgError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTimeout);
    EXPECT_EQ(e.code(), "db.timeout");
  }
  EXPECT_LT(Clock::now() - start, 2500ms);  // cancelled by the bound, not finished
  EXPECT_EQ(ct::RunAsync(runtime_, CountRows(pool)), 0);
}

constexpr Statement kShowJit{"session.jit", "SELECT current_setting('jit')"};

awaitable<std::string> ShowJit(Pool& pool) {
  const Result result = co_await pool.Execute(kShowJit);
  co_return std::string(result[0].Text(0));
}

// JIT is off on the pool's connections unless asked for, and the connection string's own options still apply
// (an operator's `-c jit=on` wins over the default; its other settings are kept beside it).
TEST_F(PgTest, ConnectionsRunWithoutJitUnlessTheConnectionStringAsks) {
  ASSERT_EQ(ct::QueryValue(conninfo_, "SELECT current_setting('jit')"), "on");  // the server's default
  {
    Pool pool(runtime_, Options(1));
    EXPECT_EQ(ct::RunAsync(runtime_, ShowJit(pool)), "off");
  }
  {
    PoolOptions options = Options(1);
    options.jit = true;
    Pool pool(runtime_, options);
    EXPECT_EQ(ct::RunAsync(runtime_, ShowJit(pool)), "on");
  }
  {
    PoolOptions options = Options(1);
    options.conninfo += " options='-c jit=on -c work_mem=8MB'";
    Pool pool(runtime_, options);
    EXPECT_EQ(ct::RunAsync(runtime_, ShowJit(pool)), "on");
    EXPECT_EQ(ct::RunAsync(runtime_, CountRows(pool)), 0);
  }
}

awaitable<void> PingPool(Pool& pool) {
  co_await pool.Ping(1s);
}

TEST(PgUnavailable, NoServerIsUnavailableQuickly) {
  http::Runtime runtime(1);
  PoolOptions options;
  options.conninfo = "host=127.0.0.1 port=" + std::to_string(ct::FreePort()) + " user=postgres dbname=postgres";
  Pool pool(runtime, options);
  const auto start = Clock::now();
  try {
    ct::RunAsync(runtime, CountRows(pool));
    FAIL() << "expected unavailable";
  } catch (const PgError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(e.code(), "db.unavailable");
    EXPECT_EQ(e.status(), 503);
  }
  try {
    ct::RunAsync(runtime, PingPool(pool));
    FAIL() << "expected unavailable";
  } catch (const PgError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
  EXPECT_LT(Clock::now() - start, 1s);
}

awaitable<std::array<std::int64_t, 2>> TwoSessions(Pool& pool) {
  auto executor = co_await asio::this_coro::executor;
  // Two transactions at once, so that two connections end up idle in the pool.
  Transaction a = co_await pool.Begin();
  Transaction b = co_await pool.Begin();
  const Result ra = co_await a.Execute(kOne);
  const Result rb = co_await b.Execute(kOne);
  co_await a.Commit();
  co_await b.Commit();
  co_return std::array<std::int64_t, 2>{ra[0].Int(0), rb[0].Int(0)};
}

TEST(PgRestart, PoolRecoversAfterTheServerRestarts) {
  ct::PgCluster cluster("restart");
  const std::string conninfo = cluster.CreateDatabase("restart");
  ct::RunSql(conninfo, std::string(kSchema));
  http::Runtime runtime(1);
  PoolOptions options;
  options.conninfo = conninfo;
  options.max_per_worker = 2;
  Pool pool(runtime, options);
  EXPECT_EQ((ct::RunAsync(runtime, TwoSessions(pool))), (std::array<std::int64_t, 2>{1, 1}));

  cluster.Stop();
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    try {
      ct::RunAsync(runtime, CountRows(pool));
      FAIL() << "expected unavailable while the server is down";
    } catch (const PgError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUnavailable) << e.what();
    }
  }
  EXPECT_LT(Clock::now() - start, 2s);

  cluster.Start();
  // The same Pool works again at once: stale idle connections are noticed and replaced.
  EXPECT_EQ(ct::RunAsync(runtime, CountRows(pool)), 0);
  ct::RunAsync(runtime, InsertOne(pool, 1, "after restart"));
  EXPECT_EQ((ct::RunAsync(runtime, TwoSessions(pool))), (std::array<std::int64_t, 2>{1, 1}));
  ct::RunAsync(runtime, PingPool(pool));
}

TEST(PgRestart, IdleConnectionsAreReplacedAfterARestart) {
  ct::PgCluster cluster("idle");
  const std::string conninfo = cluster.CreateDatabase("idle");
  ct::RunSql(conninfo, std::string(kSchema));
  http::Runtime runtime(1);
  PoolOptions options;
  options.conninfo = conninfo;
  options.max_per_worker = 2;
  Pool pool(runtime, options);
  ct::RunAsync(runtime, TwoSessions(pool));
  cluster.Stop();
  cluster.Start();
  // No request was made while the server was down: the first one after the restart already succeeds.
  EXPECT_EQ(ct::RunAsync(runtime, CountRows(pool)), 0);
  EXPECT_EQ((ct::RunAsync(runtime, TwoSessions(pool))), (std::array<std::int64_t, 2>{1, 1}));
}

// --- migrations --------------------------------------------------------------------------------------------------

std::vector<EmbeddedFile> Migrations() {
  // Out of order on purpose: applied by number.
  return {
      {"0002_add_column.sql", "ALTER TABLE shelf ADD COLUMN label text;\nCREATE TABLE bin (id int);"},
      {"0001_create_shelf.sql", "CREATE TABLE shelf (id int PRIMARY KEY);"},
  };
}

awaitable<int> MigrateWith(Pool& pool, std::vector<EmbeddedFile> files) {
  co_return co_await Migrate(pool, "pg_test", files);
}

TEST_F(PgTest, MigrationsAreAppliedOnce) {
  Pool pool(runtime_, Options());
  EXPECT_EQ(ct::RunAsync(runtime_, MigrateWith(pool, Migrations())), 2);
  EXPECT_EQ(ct::RunAsync(runtime_, MigrateWith(pool, Migrations())), 0);
  auto files = Migrations();
  files.push_back({"0003_index.sql", "CREATE INDEX bin_id ON bin (id);"});
  EXPECT_EQ(ct::RunAsync(runtime_, MigrateWith(pool, files)), 1);
  EXPECT_EQ(ct::QueryValue(conninfo_,
                           "SELECT string_agg(version || ':' || name, ',' ORDER BY version) "
                           "FROM schema_migrations"),
            "1:0001_create_shelf.sql,2:0002_add_column.sql,3:0003_index.sql");
  EXPECT_EQ(ct::QueryValue(conninfo_, "SELECT length(checksum) FROM schema_migrations WHERE version = 1"), "64");
}

TEST_F(PgTest, ChangedMigrationIsRefused) {
  Pool pool(runtime_, Options());
  EXPECT_EQ(ct::RunAsync(runtime_, MigrateWith(pool, Migrations())), 2);
  auto files = Migrations();
  files[1].content = "CREATE TABLE shelf (id bigint PRIMARY KEY);";
  files.push_back({"0003_index.sql", "CREATE INDEX bin_id ON bin (id);"});
  try {
    ct::RunAsync(runtime_, MigrateWith(pool, files));
    FAIL() << "expected a checksum mismatch";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "migrations.checksum_mismatch");
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
  }
  // Nothing of the refused run was applied.
  EXPECT_EQ(ct::QueryValue(conninfo_, "SELECT count(*) FROM schema_migrations"), "2");
}

TEST_F(PgTest, BadlyNamedMigrationIsRefused) {
  Pool pool(runtime_, Options());
  EXPECT_THROW(ct::RunAsync(runtime_, MigrateWith(pool, {{"create.sql", "SELECT 1"}})), ApiError);
}

struct Race {
  explicit Race(asio::io_context& io) : done(io, Clock::time_point::max()) {}
  asio::steady_timer done;
  int remaining = 2;
  int applied = 0;
  int failed = 0;
};

awaitable<void> MigrateInRace(Pool& pool, std::shared_ptr<Race> race) {
  const int applied = co_await Migrate(pool, "pg_test", Migrations());
  race->applied += applied;
}

awaitable<std::shared_ptr<Race>> ConcurrentMigrations(Pool& first, Pool& second) {
  auto executor = co_await asio::this_coro::executor;
  auto race = std::make_shared<Race>(static_cast<asio::io_context&>(executor.context()));
  for (Pool* pool : {&first, &second}) {
    asio::co_spawn(executor, MigrateInRace(*pool, race), [race](std::exception_ptr e) {
      if (e) race->failed++;
      if (--race->remaining == 0) race->done.cancel();
    });
  }
  boost::system::error_code ec;
  co_await race->done.async_wait(asio::redirect_error(use_awaitable, ec));
  co_return race;
}

TEST_F(PgTest, ConcurrentMigrationsApplyEachFileOnce) {
  // Fresh database: the two runs also race to create schema_migrations.
  Pool first(runtime_, Options());
  Pool second(runtime_, Options());
  const auto race = ct::RunAsync(runtime_, ConcurrentMigrations(first, second));
  EXPECT_EQ(race->failed, 0);
  EXPECT_EQ(race->applied, 2);
  EXPECT_EQ(ct::QueryValue(conninfo_, "SELECT count(*) FROM schema_migrations"), "2");
}

}  // namespace
}  // namespace comptoir::pg
