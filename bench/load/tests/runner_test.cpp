// The executors, checks, thresholds and JSON results against a real HTTP server on loopback (the
// project's own), with scenarios written for the test. No timing is asserted beyond what the
// schedule fixes by construction (e.g. a latency measured from the intended time includes a sleep).
#include "src/runner.hpp"

#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "comptoir/http/server.hpp"
#include "comptoir/metrics.hpp"
#include "src/results.hpp"

namespace comptoir::load {
namespace {
namespace asio = boost::asio;
using namespace std::chrono_literals;

asio::awaitable<http::Response> Ok(http::Request&) {
  co_return http::Response::Json(200, R"({"data":[],"meta":{}})");
}

asio::awaitable<http::Response> Slow(http::Request&) {
  asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
  co_await timer.async_wait(asio::use_awaitable);
  co_return http::Response::Json(200, "{}");
}

asio::awaitable<http::Response> Unavailable(http::Request&) {
  co_return http::Response::Json(503, R"({"code":"db.unavailable"})");
}

Call Get(std::string path, std::string name) {
  Call c;
  c.path = std::move(path);
  c.name = std::move(name);
  return c;
}
Call Post(std::string path, std::string name) {
  Call c = Get(std::move(path), std::move(name));
  c.method = http::Method::kPost;
  c.body = "{}";
  return c;
}

asio::awaitable<void> GetOk(Vu& vu) {
  Reply r = co_await vu.Send(Get("/ok", "ok"));
  vu.Check("ok is a list", r.body.find("\"data\"") != std::string::npos, r.body);
}
asio::awaitable<void> GetSlow(Vu& vu) {
  co_await vu.Send(Get("/slow", "slow"));
}
asio::awaitable<void> GetUnavailable(Vu& vu) {
  co_await vu.Send(Get("/down", "down"));
}
asio::awaitable<void> ThinkThenGet(Vu& vu) {
  co_await vu.Sleep(50ms);
  co_await vu.Send(Get("/ok", "ok"));
}
asio::awaitable<void> SleepThenGetOpenLoop(Vu& vu) {
  // In an open-loop iteration the first request is timed from when the iteration was due.
  co_await vu.Sleep(100ms);
  co_await vu.Send(Get("/ok", "ok"));
}
asio::awaitable<void> Throws(Vu& vu) {
  co_await vu.Send(Get("/ok", "ok"));
  throw std::runtime_error("unexpected answer shape");
}
asio::awaitable<void> SetupFails(Vu& vu) {
  co_await vu.Send(Post("/down", "login"));
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add(http::Method::kGet, "/ok", Ok);
    router.Add(http::Method::kGet, "/slow", Slow);
    router.Add(http::Method::kGet, "/down", Unavailable);
    router.Add(http::Method::kPost, "/down", Unavailable);
    http::ServerOptions options;
    options.access_log = false;
    server = std::make_unique<http::Server>(runtime, options, router, registry);
    server->Start();
    thread = std::thread([this] { runtime.Run(); });
    target.port = server->port();
    target.timeout = 5s;
    shared.run_id = "test";
  }
  void TearDown() override {
    runtime.Stop();
    thread.join();
  }

  ScenarioResult Run(Scenario s, std::vector<std::string> thresholds = {}) {
    std::vector<Threshold> parsed;
    for (const auto& t : thresholds) parsed.push_back(*ParseThreshold(t));
    RunOptions options;
    options.threads = threads;
    options.interval = 200ms;
    return RunScenario(s, target, shared, options, parsed);
  }

  static Scenario Arrival(double rate, Seconds duration, int pre, int max, asio::awaitable<void> (*it)(Vu&)) {
    Scenario s;
    s.name = "test";
    s.executor.type = ExecutorType::kConstantArrivalRate;
    s.executor.rate = rate;
    s.executor.duration = duration;
    s.executor.pre_allocated_vus = pre;
    s.executor.max_vus = max;
    s.executor.graceful_stop = 5s;
    s.iteration = it;
    return s;
  }

  http::Runtime runtime{1};
  http::Router router;
  metrics::Registry registry;
  std::unique_ptr<http::Server> server;
  std::thread thread;
  Target target;
  Shared shared;
  int threads = 1;
};

TEST_F(RunnerTest, ConstantArrivalRateStartsExactlyTheScheduledIterations) {
  auto r =
      Run(Arrival(50, 1s, 5, 20, &GetOk), {"checks: rate==1", "http_req_failed: rate==0", "iterations: count==50"});
  EXPECT_EQ(r.recorder.iterations(), 50u);
  EXPECT_EQ(r.recorder.dropped(), 0u);
  EXPECT_EQ(r.recorder.all().count, 50u);
  EXPECT_EQ(r.recorder.all().statuses.at(200), 50u);
  EXPECT_EQ(r.recorder.checks().at("ok status 200").passes, 50u);
  EXPECT_EQ(r.recorder.checks().at("ok is a list").passes, 50u);
  EXPECT_EQ(r.recorder.check_fails(), 0u);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(ExitCode({r}), 0);
  std::uint64_t in_series = 0;
  for (const auto& iv : r.recorder.series()) in_series += iv.requests;
  EXPECT_EQ(in_series, 50u);
}

TEST_F(RunnerTest, TwoWorkersShareTheScheduleWithoutLosingOrDoubling) {
  threads = 2;
  auto r = Run(Arrival(40, 1s, 4, 10, &GetOk));
  EXPECT_EQ(r.recorder.iterations() + r.recorder.dropped(), 40u);
  EXPECT_EQ(r.recorder.all().count, r.recorder.iterations());
}

TEST_F(RunnerTest, BusyVusAtTheMaximumDropIterations) {
  // 20 starts in a second, each taking 200 ms, with at most 2 VUs: some cannot start.
  auto r = Run(Arrival(20, 1s, 1, 2, &GetSlow), {"dropped_iterations: count==0"});
  EXPECT_GT(r.recorder.dropped(), 0u);
  EXPECT_EQ(r.recorder.iterations() + r.recorder.dropped(), 20u);
  EXPECT_LE(r.recorder.vus_max(), 2);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(ExitCode({r}), 99);
}

TEST_F(RunnerTest, OpenLoopLatencyCountsFromTheIntendedStart) {
  auto r = Run(Arrival(10, 500ms, 2, 5, &SleepThenGetOpenLoop));
  ASSERT_EQ(r.recorder.all().count, 5u);
  // Each request was due 100 ms before it was sent: latency includes that, the send-to-answer time does not.
  EXPECT_GE(r.recorder.all().latency.Min(), 100'000u);
  EXPECT_LT(r.recorder.all().service.Percentile(50), r.recorder.all().latency.Percentile(50));
}

TEST_F(RunnerTest, RampingVusFollowsTheStages) {
  Scenario s;
  s.name = "ramp";
  s.executor.type = ExecutorType::kRampingVus;
  s.executor.stages = {{300ms, 4}, {500ms, 4}, {200ms, 0}};
  s.executor.graceful_ramp_down = 5s;
  s.iteration = &ThinkThenGet;
  auto r = Run(s, {"checks: rate==1", "vus_max: value==4"});
  EXPECT_EQ(r.recorder.vus_max(), 4);
  EXPECT_GT(r.recorder.iterations(), 4u);
  EXPECT_EQ(r.recorder.all().count, r.recorder.iterations());
  EXPECT_TRUE(r.ok()) << TextSummary({r});
}

TEST_F(RunnerTest, UnexpectedStatusFailsTheCheckAndTheThresholdSetsTheExitCode) {
  auto r = Run(Arrival(10, 500ms, 2, 5, &GetUnavailable), {"checks: rate==1", "http_req_failed: rate<0.5"});
  const auto& check = r.recorder.checks().at("down status 200");
  EXPECT_EQ(check.fails, 5u);
  EXPECT_EQ(check.passes, 0u);
  ASSERT_FALSE(check.examples.empty());
  EXPECT_NE(check.examples.front().find("status 503"), std::string::npos) << check.examples.front();
  EXPECT_NE(check.examples.front().find("db.unavailable"), std::string::npos);
  EXPECT_EQ(r.recorder.all().failed, 5u);
  ASSERT_EQ(r.thresholds.size(), 2u);
  EXPECT_FALSE(r.thresholds[0].ok);
  EXPECT_DOUBLE_EQ(*r.thresholds[1].value, 1.0);
  EXPECT_EQ(ExitCode({r}), 99);
}

TEST_F(RunnerTest, NoAnswerIsAFailedRequestWithStatusZero) {
  target.port = static_cast<std::uint16_t>(server->port() == 1 ? 2 : 1);  // nothing listens on port 1
  auto r = Run(Arrival(4, 500ms, 1, 2, &GetOk));
  EXPECT_EQ(r.recorder.all().statuses.at(0), r.recorder.all().count);
  EXPECT_EQ(r.recorder.all().failed, r.recorder.all().count);
  const auto& check = r.recorder.checks().at("ok status 200");
  ASSERT_FALSE(check.examples.empty());
  EXPECT_NE(check.examples.front().find("no answer"), std::string::npos);
}

TEST_F(RunnerTest, AnExceptionInTheScenarioIsAFailedCheckNotACrash) {
  auto r = Run(Arrival(4, 500ms, 1, 2, &Throws));
  const auto& check = r.recorder.checks().at("test: iteration completed");
  EXPECT_EQ(check.fails, 2u);
  EXPECT_EQ(check.examples.front(), "unexpected answer shape");
}

TEST_F(RunnerTest, AFailedSetupIsRetriedAndItsRequestsStayOutOfTheScenarioLatency) {
  auto s = Arrival(4, 500ms, 1, 1, &GetOk);
  s.setup = &SetupFails;  // never makes the VU ready
  auto r = Run(s, {"checks: rate==1"});
  EXPECT_EQ(r.recorder.all().count, 0u);                        // no iteration ran
  EXPECT_GE(r.recorder.by_name().at("setup:login").count, 2u);  // pre-allocation, then before each start
  EXPECT_GE(r.recorder.checks().at("login status 200").fails, 2u);
  EXPECT_EQ(ExitCode({r}), 99);
}

TEST_F(RunnerTest, ResultsJsonCarriesTheMachineTheChecksAndTheSeries) {
  auto r = Run(Arrival(20, 1s, 2, 5, &GetOk), {"http_req_latency: p(95)<10000"});
  RunInfo info;
  info.label = "microservices";
  info.round = 2;
  info.machine = Machine::Now();
  info.machine.End();
  auto text = boost::json::serialize(ResultsJson(info, {r}));
  auto v = boost::json::parse(text);
  EXPECT_EQ(v.at("label").as_string(), "microservices");
  EXPECT_EQ(v.at("round").as_int64(), 2);
  EXPECT_GT(v.at("machine").at("nproc").as_int64(), 0);
  EXPECT_EQ(v.at("machine").at("loadavg_start").as_array().size(), 3u);
  const auto& s = v.at("scenarios").at(0);
  EXPECT_EQ(s.at("iterations").to_number<std::uint64_t>(), 20u);
  EXPECT_EQ(s.at("requests").at("count").to_number<std::uint64_t>(), 20u);
  EXPECT_EQ(s.at("requests").at("statuses").at("200").to_number<std::uint64_t>(), 20u);
  EXPECT_TRUE(s.at("requests").at("latency_ms").at("p95").is_double());
  EXPECT_EQ(s.at("checks").at("fails").to_number<std::uint64_t>(), 0u);
  EXPECT_EQ(s.at("thresholds").at(0).at("ok").as_bool(), true);
  EXPECT_EQ(s.at("executor").at("type").as_string(), "constant-arrival-rate");
  EXPECT_GE(s.at("series").as_array().size(), 5u);  // 1 s in 200 ms intervals
  EXPECT_TRUE(v.at("ok").as_bool());
}

}  // namespace
}  // namespace comptoir::load
