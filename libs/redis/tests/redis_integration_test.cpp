// libs/redis against a real Redis: the shared server of the "redis" fixture (keys prefixed per test), and private
// redis-server processes for the tests that stop the server, need a password, or flush the script cache.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "comptoir/log.hpp"
#include "comptoir/metrics.hpp"
#include "comptoir/redis/redis.hpp"
#include "comptoir/testing/async.hpp"
#include "comptoir/testing/pg.hpp"
#include "comptoir/testing/process.hpp"
#include "comptoir/testing/redis_server.hpp"

namespace comptoir::redis {
namespace {

namespace asio = boost::asio;
namespace ct = comptoir::testing;
using asio::awaitable;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// A key no other test (or run) uses.
std::string Key(std::string_view name) {
  return "redis_test:" + std::to_string(::getpid()) + ":" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ":" + std::string(name);
}

Options Shared() {
  Options options;
  options.port = static_cast<std::uint16_t>(ct::RedisPort());
  return options;
}

class RedisTest : public ::testing::Test {
 protected:
  template <class T>
  T Run(awaitable<T> task) {
    return ct::RunAsync(runtime_, std::move(task));
  }

  http::Runtime runtime_{1};
};

awaitable<Reply> Call(Client& client, std::vector<std::string> args) {
  co_return co_await client.Command(std::move(args));
}

awaitable<std::vector<Reply>> Batch(Client& client, std::vector<std::vector<std::string>> commands) {
  co_return co_await client.Pipeline(std::move(commands));
}

awaitable<Reply> Script(Client& client, std::string_view script, std::vector<std::string> keys,
                        std::vector<std::string> args) {
  co_return co_await client.Eval(script, std::move(keys), std::move(args));
}

awaitable<void> Pause(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

awaitable<void> PingOnce(Client& client) {
  co_await client.Ping();
}

/// The ApiError a task throws (fails the test when it throws nothing).
template <class T>
std::optional<ApiError> ErrorOf(http::Runtime& runtime, awaitable<T> task) {
  try {
    ct::RunAsync(runtime, std::move(task));
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError";
  return std::nullopt;
}

// --- values ----------------------------------------------------------------------------------------------------

TEST_F(RedisTest, BinarySafeValuesAndKeys) {
  Client client(runtime_, Shared());
  const std::string key = Key(std::string("bin\0key", 7));
  const std::string value = std::string("a\0b\r\n$3\r\n\xff\x00", 12) + "héllo wörld €😀";
  EXPECT_EQ(Run(Call(client, {"SET", key, value})).String(), "OK");
  const Reply got = Run(Call(client, {"GET", key}));
  ASSERT_TRUE(got.IsString());
  EXPECT_EQ(got.String(), value);
  EXPECT_EQ(Run(Call(client, {"STRLEN", key})).Integer(), static_cast<std::int64_t>(value.size()));
  EXPECT_EQ(Run(Call(client, {"GET", std::string("bin", 3)})).OptString(), std::nullopt);  // not the \0 key
}

TEST_F(RedisTest, NilAndArrayReplies) {
  Client client(runtime_, Shared());
  const std::string present = Key("present");
  Run(Call(client, {"SET", present, "v"}));
  EXPECT_TRUE(Run(Call(client, {"GET", Key("missing")})).IsNil());
  const Reply both = Run(Call(client, {"MGET", present, Key("missing")}));
  ASSERT_EQ(both.Array().size(), 2u);
  EXPECT_EQ(both.Array()[0].String(), "v");
  EXPECT_TRUE(both.Array()[1].IsNil());
}

TEST_F(RedisTest, ErrorReplyIsReturnedAndTheConnectionGoesOn) {
  Client client(runtime_, Shared());
  const std::string key = Key("string");
  Run(Call(client, {"SET", key, "x"}));
  const Reply wrong = Run(Call(client, {"LPUSH", key, "y"}));
  ASSERT_TRUE(wrong.IsError());
  EXPECT_TRUE(wrong.Error().starts_with("WRONGTYPE")) << wrong.Error();
  try {
    wrong.ThrowIfError();
    ADD_FAILURE() << "no exception";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "redis.error");
  }
  EXPECT_TRUE(Run(Call(client, {"NOSUCHCOMMAND"})).IsError());
  EXPECT_EQ(Run(Call(client, {"GET", key})).String(), "x");
}

TEST_F(RedisTest, PipelineKeepsOrder) {
  Client client(runtime_, Shared());
  const std::string counter = Key("counter");
  const std::vector<Reply> replies = Run(Batch(client, {{"SET", counter, "1"},
                                                        {"INCR", counter},
                                                        {"INCRBY", counter, "10"},
                                                        {"GET", counter},
                                                        {"LPUSH", counter, "x"},
                                                        {"GET", Key("none")}}));
  ASSERT_EQ(replies.size(), 6u);
  EXPECT_EQ(replies[0].String(), "OK");
  EXPECT_EQ(replies[1].Integer(), 2);
  EXPECT_EQ(replies[2].Integer(), 12);
  EXPECT_EQ(replies[3].String(), "12");
  EXPECT_TRUE(replies[4].IsError());
  EXPECT_TRUE(replies[5].IsNil());

  const std::string list = Key("list");
  std::vector<std::vector<std::string>> pushes;
  for (int i = 0; i < 500; ++i) pushes.push_back({"RPUSH", list, std::to_string(i)});
  const std::vector<Reply> lengths = Run(Batch(client, pushes));
  ASSERT_EQ(lengths.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(lengths[i].Integer(), i + 1);
  const Reply all = Run(Call(client, {"LRANGE", list, "0", "-1"}));
  ASSERT_EQ(all.Array().size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(all.Array()[i].String(), std::to_string(i));

  EXPECT_TRUE(Run(Batch(client, {})).empty());
}

// --- concurrency -----------------------------------------------------------------------------------------------

struct IncrRun {
  Client* client;
  std::string key;
  std::atomic<int> remaining{0};
  std::atomic<int> failures{0};
  std::atomic<int> per_worker[2] = {0, 0};
  std::promise<void> all_done;
};

awaitable<void> IncrOnce(IncrRun* run) {
  std::vector<std::string> incr{"INCR", run->key};
  co_await run->client->Command(std::move(incr));
  run->per_worker[http::Runtime::CurrentWorker() % 2]++;
}

struct IncrDone {
  IncrRun* run;
  void operator()(const std::exception_ptr& failure) const {
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        log::Error("INCR failed", {{"error", e.what()}});
      }
      run->failures++;
    }
    if (--run->remaining == 0) run->all_done.set_value();
  }
};

TEST(RedisConcurrency, IncrFrom200CoroutinesOnTwoWorkers) {
  http::Runtime runtime(2);
  Client client(runtime, Shared());
  IncrRun run;
  run.client = &client;
  run.key = Key("counter");
  run.remaining = 200;
  for (int i = 0; i < 200; ++i) asio::co_spawn(runtime.Context(i % 2), IncrOnce(&run), IncrDone{&run});
  std::thread loops([&runtime] { runtime.Run(); });
  const auto status = run.all_done.get_future().wait_for(60s);
  runtime.Stop();
  loops.join();
  ASSERT_EQ(status, std::future_status::ready);
  EXPECT_EQ(run.failures.load(), 0);
  EXPECT_EQ(run.per_worker[0].load(), 100);
  EXPECT_EQ(run.per_worker[1].load(), 100);

  http::Runtime check(1);
  Client reader(check, Shared());
  EXPECT_EQ(ct::RunAsync(check, Call(reader, {"GET", run.key})).String(), "200");
}

TEST(RedisThreads, CallFromOutsideTheWorkersIsForwardedToWorkerZero) {
  http::Runtime runtime(1);
  Client client(runtime, Shared());
  std::thread loops([&runtime] { runtime.Run(); });
  asio::io_context foreign;  // not a worker of `runtime`
  std::optional<std::string> echoed;
  std::exception_ptr failure;
  asio::co_spawn(foreign, Call(client, {"ECHO", "forwarded"}), [&](std::exception_ptr e, Reply reply) {
    failure = e;
    if (!e) echoed = reply.String();
  });
  foreign.run();
  runtime.Stop();
  loops.join();
  if (failure) std::rethrow_exception(failure);
  EXPECT_EQ(echoed, "forwarded");
}

// --- scripts ---------------------------------------------------------------------------------------------------

constexpr std::string_view kIncrBy = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

std::int64_t CommandCalls(const std::string& info, std::string_view command) {
  const std::string field = "cmdstat_" + std::string(command) + ":calls=";
  const auto at = info.find(field);
  if (at == std::string::npos) return 0;
  return std::stoll(info.substr(at + field.size()));
}

TEST_F(RedisTest, EvalRunsScripts) {
  Client client(runtime_, Shared());
  const std::string key = Key("scripted");
  EXPECT_EQ(Run(Script(client, kIncrBy, {key}, {"5"})).Integer(), 5);
  EXPECT_EQ(Run(Script(client, kIncrBy, {key}, {"7"})).Integer(), 12);
  // The script is now known to the server under the SHA1 EVALSHA uses.
  const std::string sha = Run(Call(client, {"SCRIPT", "LOAD", std::string(kIncrBy)})).String();
  EXPECT_EQ(Run(Call(client, {"SCRIPT", "EXISTS", sha})).Array()[0].Integer(), 1);
  // Script errors come back as error replies.
  EXPECT_TRUE(Run(Script(client, "return redis.call('NOPE')", {}, {})).IsError());
  EXPECT_TRUE(Run(Script(client, "return nil", {}, {})).IsNil());
}

TEST_F(RedisTest, EvalUsesEvalshaAndReloadsAfterFlush) {
  ct::RedisServer server;
  Options options;
  options.port = static_cast<std::uint16_t>(server.port());
  Client client(runtime_, options);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(Run(Script(client, kIncrBy, {"k"}, {"1"})).Integer(), i);
  std::string info = Run(Call(client, {"INFO", "commandstats"})).String();
  EXPECT_EQ(CommandCalls(info, "eval"), 1) << info;  // once, after the first NOSCRIPT
  EXPECT_EQ(CommandCalls(info, "evalsha"), 3) << info;

  EXPECT_EQ(Run(Call(client, {"SCRIPT", "FLUSH"})).String(), "OK");
  EXPECT_EQ(Run(Script(client, kIncrBy, {"k"}, {"1"})).Integer(), 4);
  info = Run(Call(client, {"INFO", "commandstats"})).String();
  EXPECT_EQ(CommandCalls(info, "eval"), 2) << info;
}

// --- failures --------------------------------------------------------------------------------------------------

TEST_F(RedisTest, UnreachableServerIsUnavailableAtOnce) {
  metrics::Registry registry;
  Options options;
  options.port = static_cast<std::uint16_t>(ct::FreePort());  // nothing listens there
  options.connect_timeout = 1000ms;
  Client client(runtime_, options, &registry);
  for (int i = 0; i < 2; ++i) {
    const auto start = Clock::now();
    const auto error = ErrorOf(runtime_, Call(client, {"PING"}));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind(), ErrorKind::kUnavailable);
    EXPECT_EQ(error->code(), "redis.unavailable");
    EXPECT_NE(error->detail().find(std::to_string(options.port)), std::string::npos) << error->detail();
    EXPECT_LT(Clock::now() - start, options.connect_timeout);
  }
  const auto ping = ErrorOf(runtime_, PingOnce(client));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->kind(), ErrorKind::kUnavailable);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("redis_commands_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find("redis_errors_total{code=\"redis.unavailable\"} 3"), std::string::npos) << text;
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs.
class Blackhole {
 public:
  Blackhole() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), size) != 0 || ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
      throw std::runtime_error("blackhole listener");
    }
    port_ = ntohs(addr.sin_port);
    for (int i = 0; i < 4; ++i) {  // fill the queue; these connects may or may not complete
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      fillers_.push_back(fd);
    }
    std::this_thread::sleep_for(100ms);
  }
  ~Blackhole() {
    for (const int fd : fillers_) ::close(fd);
    ::close(listener_);
  }
  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::vector<int> fillers_;
};

TEST_F(RedisTest, ConnectTimeoutIsUnavailable) {
  Blackhole blackhole;
  Options options;
  options.port = blackhole.port();
  options.connect_timeout = 300ms;
  options.command_timeout = 5000ms;
  Client client(runtime_, options);
  const auto error = ErrorOf(runtime_, Call(client, {"PING"}));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kUnavailable) << error->detail();
  EXPECT_NE(error->detail().find("no connection within 300 ms"), std::string::npos) << error->detail();
}

TEST_F(RedisTest, CommandTimeoutDropsTheConnectionAndTheClientGoesOn) {
  Options options = Shared();
  options.command_timeout = 200ms;
  Client client(runtime_, options);
  // BLPOP blocks only this connection, not the shared server.
  const auto error = ErrorOf(runtime_, Call(client, {"BLPOP", Key("empty"), "5"}));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kTimeout);
  EXPECT_EQ(error->code(), "redis.timeout");
  // A new connection: the late BLPOP answer cannot be taken for this reply.
  EXPECT_EQ(Run(Call(client, {"ECHO", "after"})).String(), "after");
  Run(PingOnce(client));
}

TEST_F(RedisTest, DebugSleepTimesOutThenTheClientRecovers) {
  ct::RedisServer server({.args = {"--enable-debug-command", "yes"}});
  Options options;
  options.port = static_cast<std::uint16_t>(server.port());
  options.command_timeout = 200ms;
  Client client(runtime_, options);
  Run(PingOnce(client));
  const auto error = ErrorOf(runtime_, Call(client, {"DEBUG", "SLEEP", "1"}));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kTimeout);
  std::this_thread::sleep_for(1s);  // the server is busy until then
  EXPECT_EQ(Run(Call(client, {"ECHO", "awake"})).String(), "awake");
}

TEST_F(RedisTest, ReconnectsAfterRedisRestarts) {
  ct::RedisServer server;
  Options options;
  options.port = static_cast<std::uint16_t>(server.port());
  options.connect_timeout = 1000ms;
  options.command_timeout = 1000ms;
  Client client(runtime_, options);
  EXPECT_EQ(Run(Call(client, {"SET", "k", "before"})).String(), "OK");

  ASSERT_TRUE(server.Shutdown());
  for (int i = 0; i < 3; ++i) {  // the old connection is dead, and no new one can be opened
    const auto error = ErrorOf(runtime_, Call(client, {"GET", "k"}));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind(), ErrorKind::kUnavailable) << error->detail();
  }

  server.Start();  // same port, empty (nosave)
  int failures = 0;
  std::optional<Reply> reply;
  while (!reply && failures < 20) {
    try {
      reply = Run(Call(client, {"SET", "k", "after"}));
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUnavailable) << e.detail();
      ++failures;
      std::this_thread::sleep_for(50ms);
    }
  }
  ASSERT_TRUE(reply) << "no success after " << failures << " attempts";
  EXPECT_EQ(reply->String(), "OK");
  EXPECT_EQ(Run(Call(client, {"GET", "k"})).String(), "after");
}

// The client's one connection per worker is kept while idle. When Redis closes it (its `timeout` setting, here
// 1 s) or restarts between two commands, the next command is answered: the client watches the idle connection,
// sees it closing, and opens a new one for that command (issue 11's audit of the pooled clients).
TEST_F(RedisTest, AConnectionClosedWhileIdleIsReplacedBeforeTheNextCommand) {
  ct::RedisServer server({.keep_data = false, .args = {"--timeout", "1"}});
  Options options;
  options.port = static_cast<std::uint16_t>(server.port());
  Client client(runtime_, options);
  EXPECT_EQ(Run(Call(client, {"SET", "k", "1"})).String(), "OK");
  for (int pause = 0; pause < 2; ++pause) {
    Run(Pause(2500ms));  // Redis closes the idle connection meanwhile (the worker's loop runs, as in a service)
    EXPECT_EQ(Run(Call(client, {"INCR", "k"})).Integer(), 2 + pause);
  }
  ASSERT_TRUE(server.Shutdown());
  server.Start();  // same port, empty
  Run(Pause(200ms));
  EXPECT_EQ(Run(Call(client, {"INCR", "k"})).Integer(), 1) << "the first command after the restart failed";
}

// --- connection set-up -----------------------------------------------------------------------------------------

TEST_F(RedisTest, AuthAndSelectAfterConnect) {
  ct::RedisServer server({.args = {"--requirepass", "s3cret"}});
  Options options;
  options.port = static_cast<std::uint16_t>(server.port());
  options.password = "s3cret";
  options.database = 2;
  Client client(runtime_, options);
  EXPECT_EQ(Run(Call(client, {"SET", "k", "in db 2"})).String(), "OK");
  const std::string info = Run(Call(client, {"CLIENT", "INFO"})).String();
  EXPECT_NE(info.find(" db=2 "), std::string::npos) << info;

  Options wrong = options;
  wrong.password = "nope";
  Client intruder(runtime_, wrong);
  const auto error = ErrorOf(runtime_, Call(intruder, {"GET", "k"}));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), ErrorKind::kUnavailable);
  EXPECT_NE(error->detail().find("AUTH failed"), std::string::npos) << error->detail();

  const Options from_url = ParseUrl("redis://:s3cret@127.0.0.1:" + std::to_string(server.port()) + "/2");
  Client by_url(runtime_, from_url);
  EXPECT_EQ(Run(Call(by_url, {"GET", "k"})).String(), "in db 2");
}

}  // namespace
}  // namespace comptoir::redis
