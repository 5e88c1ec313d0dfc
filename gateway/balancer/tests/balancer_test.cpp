// Target selection and health state without I/O: no upstream here has active checks, so no probe
// ever runs; the runtime is only needed to build the Balancers.
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

// RequestContext is an aggregate with many defaulted members; designated initialisers name two.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "comptoir/gateway/balancer.hpp"
#include "comptoir/http/client.hpp"
#include "comptoir/http/runtime.hpp"
#include "ring.hpp"

namespace comptoir::gateway {
namespace {

Target MakeTarget(const std::string& host, std::uint16_t port, int weight = 100) {
  Target t;
  t.host = host;
  t.port = port;
  t.target = host + ":" + std::to_string(port);
  t.weight = weight;
  return t;
}

Upstream MakeUpstream(const std::string& name, const std::string& algorithm, std::vector<Target> targets) {
  Upstream u;
  u.name = name;
  u.algorithm = algorithm;
  u.targets = std::move(targets);
  return u;
}

std::shared_ptr<const Config> MakeConfig(std::vector<Upstream> upstreams) {
  auto c = std::make_shared<Config>();
  c->upstreams = std::move(upstreams);
  return c;
}

class BalancerTest : public ::testing::Test {
 protected:
  std::optional<Pick> Select(const std::string& upstream, const std::vector<std::string>& tried = {}) {
    return balancers.Select(upstream, ctx, tried);
  }
  std::string SelectName(const std::string& upstream, const std::vector<std::string>& tried = {}) {
    auto pick = Select(upstream, tried);
    return pick ? pick->target : std::string("<none>");
  }
  std::map<std::string, int> Count(const std::string& upstream, int n) {
    std::map<std::string, int> counts;
    for (int i = 0; i < n; ++i) ++counts[SelectName(upstream)];
    return counts;
  }
  TargetStatus Status(const std::string& target) {
    for (auto& s : balancers.Snapshot()) {
      if (s.target == target) return s;
    }
    ADD_FAILURE() << "no target " << target;
    return {};
  }
  void Fail(const std::string& upstream, const std::string& target, Outcome::Kind kind, int status = 0) {
    std::vector<std::string> others;
    // Select that exact target by excluding every other one.
    for (auto& s : balancers.Snapshot()) {
      if (s.upstream == upstream && s.target != target) others.push_back(s.target);
    }
    auto pick = balancers.Select(upstream, ctx, others);
    ASSERT_TRUE(pick.has_value());
    ASSERT_EQ(pick->target, target);
    balancers.Begin(*pick);
    balancers.End(*pick, Outcome{kind, status});
  }

  http::Runtime runtime{1};
  http::Client client{runtime, http::ClientOptions{}};
  Balancers balancers{runtime, client};
  http::Request request;
  Config config;
  RequestContext ctx{.request = request, .config = config};
};

TEST_F(BalancerTest, WeightedRoundRobinGivesExactInterleavedRatio) {
  balancers.Apply(MakeConfig(
      {MakeUpstream("u", "round-robin", {MakeTarget("10.0.0.1", 80, 100), MakeTarget("10.0.0.2", 80, 50)})}));
  std::vector<std::string> seq;
  for (int i = 0; i < 300; ++i) seq.push_back(SelectName("u"));
  EXPECT_EQ(std::count(seq.begin(), seq.end(), "10.0.0.1:80"), 200);
  EXPECT_EQ(std::count(seq.begin(), seq.end(), "10.0.0.2:80"), 100);
  // Smooth: the light target comes every third pick, never twice in a row.
  for (std::size_t i = 0; i + 2 < seq.size(); i += 3) {
    EXPECT_EQ(std::count(seq.begin() + static_cast<long>(i), seq.begin() + static_cast<long>(i) + 3, "10.0.0.2:80"), 1)
        << "window at " << i;
  }
}

TEST_F(BalancerTest, RoundRobinCyclesEqualTargets) {
  balancers.Apply(
      MakeConfig({MakeUpstream("u", "round-robin", {MakeTarget("a", 1), MakeTarget("b", 2), MakeTarget("c", 3)})}));
  for (int round = 0; round < 10; ++round) {
    std::set<std::string> seen;
    for (int i = 0; i < 3; ++i) seen.insert(SelectName("u"));
    EXPECT_EQ(seen.size(), 3u);
  }
}

TEST_F(BalancerTest, WeightZeroIsNeverPicked) {
  balancers.Apply(MakeConfig({MakeUpstream("u", "round-robin", {MakeTarget("a", 1, 0), MakeTarget("b", 2, 10)}),
                              MakeUpstream("lc", "least-connections", {MakeTarget("a", 1, 0), MakeTarget("b", 2)}),
                              MakeUpstream("ch", "consistent-hashing", {MakeTarget("a", 1, 0), MakeTarget("b", 2)}),
                              MakeUpstream("zero", "round-robin", {MakeTarget("a", 1, 0)})}));
  for (const auto* name : {"u", "lc", "ch"}) {
    auto counts = Count(name, 50);
    EXPECT_EQ(counts["b:2"], 50) << name;
  }
  EXPECT_FALSE(Select("zero").has_value());
  EXPECT_FALSE(Select("unknown").has_value());
}

TEST_F(BalancerTest, UnhealthyTargetsAreSkippedAndComeBack) {
  balancers.Apply(MakeConfig({MakeUpstream("u", "round-robin", {MakeTarget("a", 1), MakeTarget("b", 2)})}));
  ASSERT_TRUE(balancers.SetHealth("u", "a:1", false));
  EXPECT_EQ(Count("u", 20)["b:2"], 20);
  ASSERT_TRUE(balancers.SetHealth("u", "b:2", false));
  EXPECT_FALSE(Select("u").has_value());
  ASSERT_TRUE(balancers.SetHealth("u", "a:1", true));
  EXPECT_EQ(Count("u", 20)["a:1"], 20);
  EXPECT_FALSE(balancers.SetHealth("u", "nope:1", true));
  EXPECT_FALSE(balancers.SetHealth("nope", "a:1", true));
}

TEST_F(BalancerTest, ThresholdMakesTheWholeUpstreamUnavailable) {
  auto up = MakeUpstream("u", "round-robin", {MakeTarget("a", 1), MakeTarget("b", 2), MakeTarget("c", 3)});
  up.healthchecks.threshold = 50;
  up.healthchecks.passive.unhealthy.tcp_failures = 1;
  balancers.Apply(MakeConfig({up}));
  balancers.SetHealth("u", "a:1", false);  // 66 % healthy >= 50
  EXPECT_TRUE(Select("u").has_value());
  balancers.SetHealth("u", "b:2", false);  // 33 % < 50: nothing, though c is healthy
  EXPECT_FALSE(Select("u").has_value());
  balancers.SetHealth("u", "b:2", true);
  EXPECT_TRUE(Select("u").has_value());
}

TEST_F(BalancerTest, TriedTargetsAreExcludedForRetries) {
  balancers.Apply(MakeConfig({MakeUpstream("rr", "round-robin", {MakeTarget("a", 1), MakeTarget("b", 2)}),
                              MakeUpstream("lc", "least-connections", {MakeTarget("a", 1), MakeTarget("b", 2)}),
                              MakeUpstream("ch", "consistent-hashing", {MakeTarget("a", 1), MakeTarget("b", 2)})}));
  for (const auto* name : {"rr", "lc", "ch"}) {
    for (int i = 0; i < 10; ++i) EXPECT_EQ(SelectName(name, {"a:1"}), "b:2") << name;
    EXPECT_FALSE(Select(name, {"a:1", "b:2"}).has_value()) << name;
  }
}

TEST_F(BalancerTest, LeastConnectionsPicksTheLeastLoaded) {
  balancers.Apply(MakeConfig(
      {MakeUpstream("u", "least-connections", {MakeTarget("a", 1), MakeTarget("b", 2), MakeTarget("c", 3)})}));
  // Three requests in flight spread over the three targets.
  std::vector<Pick> held;
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    auto pick = Select("u");
    ASSERT_TRUE(pick);
    balancers.Begin(*pick);
    seen.insert(pick->target);
    held.push_back(*pick);
  }
  EXPECT_EQ(seen.size(), 3u);
  // Two more on a: the next picks avoid it until the load evens out.
  for (auto& p : held) {
    if (p.target == "a:1") {
      balancers.Begin(p);
      balancers.Begin(p);
    }
  }
  EXPECT_EQ(Status("a:1").active_connections, 3);
  for (int i = 0; i < 4; ++i) {
    auto pick = Select("u");
    ASSERT_TRUE(pick);
    EXPECT_NE(pick->target, "a:1");
    balancers.Begin(*pick);
    held.push_back(*pick);
  }
  // Finished requests free capacity: end everything on b and c, they are picked again.
  for (auto& p : held) {
    if (p.target != "a:1") balancers.End(p, Outcome{Outcome::Kind::kResponse, 200});
  }
  EXPECT_EQ(Status("b:2").active_connections, 0);
  EXPECT_NE(SelectName("u"), "a:1");
}

TEST_F(BalancerTest, LeastConnectionsHonoursWeights) {
  balancers.Apply(
      MakeConfig({MakeUpstream("u", "least-connections", {MakeTarget("big", 1, 200), MakeTarget("small", 2, 100)})}));
  std::map<std::string, int> counts;
  for (int i = 0; i < 300; ++i) {
    auto pick = Select("u");
    ASSERT_TRUE(pick);
    balancers.Begin(*pick);  // never ended: in-flight grows
    ++counts[pick->target];
  }
  EXPECT_NEAR(counts["big:1"], 200, 2);
  EXPECT_NEAR(counts["small:2"], 100, 2);
}

TEST_F(BalancerTest, ConsistentHashingIsStableAndMovesOnlyTheLostTargetsKeys) {
  auto up = MakeUpstream("u", "round-robin",
                         {MakeTarget("10.0.0.1", 80), MakeTarget("10.0.0.2", 80), MakeTarget("10.0.0.3", 80)});
  up.hash_on = "header";  // implies consistent-hashing
  up.hash_on_header = "X-User";
  balancers.Apply(MakeConfig({up}));

  auto map_keys = [this]() {
    std::map<std::string, std::string> m;
    for (int i = 0; i < 2000; ++i) {
      auto key = "user-" + std::to_string(i);
      request.headers.Set("X-User", key);
      m[key] = SelectName("u");
    }
    return m;
  };
  auto first = map_keys();
  EXPECT_EQ(map_keys(), first);
  std::map<std::string, int> share;
  for (auto& [k, t] : first) ++share[t];
  ASSERT_EQ(share.size(), 3u);
  for (auto& [t, n] : share) EXPECT_GT(n, 2000 / 3 / 2) << t;

  // An unhealthy target stays on the ring: only its keys move, and they come back.
  balancers.SetHealth("u", "10.0.0.2:80", false);
  auto degraded = map_keys();
  for (auto& [k, t] : first) {
    if (t != "10.0.0.2:80") {
      EXPECT_EQ(degraded[k], t) << k;
    }
    EXPECT_NE(degraded[k], "10.0.0.2:80");
  }
  balancers.SetHealth("u", "10.0.0.2:80", true);
  EXPECT_EQ(map_keys(), first);

  // Removing a target (equal weights) moves its keys only, bar the odd ring collision.
  up.targets.erase(up.targets.begin() + 1);
  balancers.Apply(MakeConfig({up}));
  auto removed = map_keys();
  int moved = 0;
  for (auto& [k, t] : first) {
    if (t != "10.0.0.2:80" && removed[k] != t) ++moved;
  }
  EXPECT_LE(moved, 2000 / 50) << "keys of remaining targets that moved";
}

TEST_F(BalancerTest, HashOnCookieGeneratesTheCookieWhenMissing) {
  auto up = MakeUpstream("u", "consistent-hashing", {MakeTarget("a", 1), MakeTarget("b", 2), MakeTarget("c", 3)});
  up.hash_on = "cookie";
  up.hash_on_cookie = "sticky";
  up.hash_on_cookie_path = "/shop";
  balancers.Apply(MakeConfig({up}));
  auto pick = Select("u");
  ASSERT_TRUE(pick);
  ASSERT_EQ(pick->set_cookie.rfind("sticky=", 0), 0u) << pick->set_cookie;
  EXPECT_NE(pick->set_cookie.find("; Path=/shop"), std::string::npos);
  auto value = pick->set_cookie.substr(7, pick->set_cookie.find(';') - 7);
  request.headers.Set("Cookie", "other=1; sticky=" + value);
  for (int i = 0; i < 10; ++i) {
    auto again = Select("u");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->target, pick->target);
    EXPECT_TRUE(again->set_cookie.empty());
  }
}

TEST_F(BalancerTest, HashFallsBackWhenThePrimaryValueIsMissing) {
  auto up = MakeUpstream("u", "consistent-hashing",
                         {MakeTarget("a", 1), MakeTarget("b", 2), MakeTarget("c", 3), MakeTarget("d", 4)});
  up.hash_on = "header";
  up.hash_on_header = "X-Tenant";
  up.hash_fallback = "ip";
  balancers.Apply(MakeConfig({up}));
  std::set<std::string> by_ip;
  for (int i = 0; i < 50; ++i) {
    ctx.client_ip = "192.0.2." + std::to_string(i);
    auto a = SelectName("u");
    EXPECT_EQ(SelectName("u"), a);
    by_ip.insert(a);
  }
  EXPECT_GT(by_ip.size(), 1u);  // the ip is used: different clients land on different targets
  request.headers.Set("X-Tenant", "t1");
  ctx.client_ip = "192.0.2.1";
  auto t1 = SelectName("u");
  ctx.client_ip = "192.0.2.2";
  EXPECT_EQ(SelectName("u"), t1);  // the header wins over the ip
}

TEST_F(BalancerTest, PassiveChecksTripOnConsecutiveFailures) {
  auto up = MakeUpstream("u", "round-robin", {MakeTarget("a", 1), MakeTarget("b", 2)});
  up.healthchecks.passive.unhealthy.tcp_failures = 2;
  up.healthchecks.passive.unhealthy.timeouts = 2;
  up.healthchecks.passive.unhealthy.http_failures = 3;
  balancers.Apply(MakeConfig({up}));
  EXPECT_EQ(Status("a:1").health, TargetHealth::kHealthy);

  // A success in between resets the count.
  Fail("u", "a:1", Outcome::Kind::kTcpFailure);
  Fail("u", "a:1", Outcome::Kind::kResponse, 200);
  Fail("u", "a:1", Outcome::Kind::kTcpFailure);
  EXPECT_EQ(Status("a:1").health, TargetHealth::kHealthy);
  Fail("u", "a:1", Outcome::Kind::kTcpFailure);
  EXPECT_EQ(Status("a:1").health, TargetHealth::kUnhealthy);
  EXPECT_EQ(Count("u", 10)["b:2"], 10);

  // HTTP failures: only statuses of passive.unhealthy.http_statuses count (404 does not).
  Fail("u", "b:2", Outcome::Kind::kResponse, 500);
  Fail("u", "b:2", Outcome::Kind::kResponse, 404);
  Fail("u", "b:2", Outcome::Kind::kResponse, 503);
  EXPECT_EQ(Status("b:2").health, TargetHealth::kHealthy);
  Fail("u", "b:2", Outcome::Kind::kResponse, 429);
  EXPECT_EQ(Status("b:2").health, TargetHealth::kUnhealthy);
  EXPECT_FALSE(Select("u").has_value());

  // Timeouts, after a manual reset.
  balancers.SetHealth("u", "b:2", true);
  Fail("u", "b:2", Outcome::Kind::kTimeout);
  EXPECT_EQ(Status("b:2").health, TargetHealth::kHealthy);
  Fail("u", "b:2", Outcome::Kind::kTimeout);
  EXPECT_EQ(Status("b:2").health, TargetHealth::kUnhealthy);
  EXPECT_EQ(Status("b:2").active_connections, 0);
}

TEST_F(BalancerTest, PassiveSuccessesBringATargetBackOnlyWhenConfigured) {
  auto up = MakeUpstream("u", "round-robin", {MakeTarget("a", 1), MakeTarget("b", 2)});
  up.healthchecks.passive.unhealthy.tcp_failures = 1;
  balancers.Apply(MakeConfig({up}));
  auto pick = Select("u", {"b:2"});
  ASSERT_TRUE(pick);
  balancers.Begin(*pick);  // a slow request still in flight on a
  Fail("u", "a:1", Outcome::Kind::kTcpFailure);
  EXPECT_EQ(Status("a:1").health, TargetHealth::kUnhealthy);
  balancers.End(*pick, Outcome{Outcome::Kind::kResponse, 200});  // successes = 0: stays down
  EXPECT_EQ(Status("a:1").health, TargetHealth::kUnhealthy);

  up.healthchecks.passive.healthy.successes = 2;
  balancers.Apply(MakeConfig({up}));
  EXPECT_EQ(Status("a:1").health, TargetHealth::kUnhealthy);  // the reload kept the state
  for (int i = 0; i < 2; ++i) {
    balancers.Begin(*pick);
    balancers.End(*pick, Outcome{Outcome::Kind::kResponse, 200});
  }
  EXPECT_EQ(Status("a:1").health, TargetHealth::kHealthy);
}

TEST_F(BalancerTest, HealthIsOffWithoutChecksAndAReloadKeepsState) {
  auto up = MakeUpstream("u", "least-connections", {MakeTarget("a", 1), MakeTarget("b", 2)});
  balancers.Apply(MakeConfig({up}));
  EXPECT_EQ(Status("a:1").health, TargetHealth::kHealthchecksOff);

  up.healthchecks.passive.unhealthy.http_failures = 1;
  balancers.Apply(MakeConfig({up}));
  EXPECT_EQ(Status("a:1").health, TargetHealth::kHealthy);
  Fail("u", "a:1", Outcome::Kind::kResponse, 500);
  auto held = Select("u");
  ASSERT_TRUE(held);
  ASSERT_EQ(held->target, "b:2");
  balancers.Begin(*held);

  // Reload: weight change and a new target; a stays down, b keeps its in-flight request.
  up.targets[1].weight = 50;
  up.targets.push_back(MakeTarget("c", 3));
  balancers.Apply(MakeConfig({up}));
  EXPECT_EQ(Status("a:1").health, TargetHealth::kUnhealthy);
  EXPECT_EQ(Status("b:2").active_connections, 1);
  EXPECT_EQ(Status("b:2").weight, 50);
  EXPECT_EQ(SelectName("u"), "c:3");                             // least loaded
  balancers.End(*held, Outcome{Outcome::Kind::kResponse, 200});  // ends on the state that survived
  EXPECT_EQ(Status("b:2").active_connections, 0);

  // A target removed then added again starts afresh; turning checks off puts targets back.
  up.healthchecks = Healthchecks{};
  balancers.Apply(MakeConfig({up}));
  EXPECT_EQ(Status("a:1").health, TargetHealth::kHealthchecksOff);
  EXPECT_EQ(Count("u", 30).count("a:1"), 1u);
}

TEST_F(BalancerTest, ConcurrentSelectionAndReloadsKeepCountsRight) {
  auto up = MakeUpstream("u", "least-connections", {MakeTarget("a", 1), MakeTarget("b", 2), MakeTarget("c", 3)});
  up.healthchecks.passive.unhealthy.http_failures = 200;
  balancers.Apply(MakeConfig({up}));
  std::atomic<int> picked{0};
  auto work = [this, &picked] {
    http::Request own_request;
    RequestContext own{.request = own_request, .config = this->config};
    for (int i = 0; i < 5000; ++i) {
      auto pick = balancers.Select("u", own, {});
      if (!pick) continue;
      balancers.Begin(*pick);
      balancers.End(*pick, Outcome{Outcome::Kind::kResponse, i % 7 == 0 ? 500 : 200});
      ++picked;
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(work);
  for (int i = 0; i < 50; ++i) {
    up.targets[0].weight = 100 + i;
    up.algorithm = i % 2 ? "round-robin" : "least-connections";
    balancers.Apply(MakeConfig({up}));
    balancers.SetHealth("u", "b:2", i % 3 != 0);
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(picked.load(), 0);
  for (auto& s : balancers.Snapshot()) EXPECT_EQ(s.active_connections, 0) << s.target;
}

TEST(RingTest, HashIsStableAndMembersGetTheirShare) {
  EXPECT_EQ(balancer::HashKey("abc"), balancer::HashKey("abc"));
  EXPECT_NE(balancer::HashKey("abc"), balancer::HashKey("abd"));
  balancer::Ring ring({{"a:1", 100, 0}, {"b:1", 100, 1}, {"c:1", 0, 2}, {"d:1", 200, 3}}, 10);
  EXPECT_EQ(ring.points(), 1000u);  // Kong's minimum continuum
  auto points = ring.PointsPerMember(4);
  EXPECT_EQ(points[2], 0u);
  EXPECT_NEAR(static_cast<double>(points[3]), 2.0 * static_cast<double>(points[0]), 4);
  EXPECT_EQ(ring.Find(ring.Position("x"), [](std::size_t) { return false; }), -1);
}

}  // namespace
}  // namespace comptoir::gateway
