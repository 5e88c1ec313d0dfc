// Integration tests of the gateway: the real `comptoir gateway` process in front of real backend
// processes (gateway_test_backend), over HTTP on free loopback ports. Each test writes its own
// kong.yml, starts its own processes and stops them by pid. Nothing asserts on timing: waits are
// polls with generous deadlines, client loops are bounded in count and time.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {
using namespace gateway_test;

// --- a. Authentication outcomes -------------------------------------------------------------------

TEST(GatewayIntegration, AuthenticationOutcomes) {
  auto dir = TestDir("auth");
  Backend b1(dir, "b1");
  const std::string config = Fill(R"(_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:{PORT}
    routes:
      - name: echo
        paths: [/api/v1/echo]
        strip_path: false
      - name: jwt
        paths: [/api/v1/jwt]
        strip_path: false
        plugins:
          - name: jwt
            config:
              claims_to_verify: [exp]
consumers:
  - username: alice
    keyauth_credentials:
      - key: alice-secret-key
    jwt_secrets:
      - key: alice-iss
        secret: alice-jwt-secret
plugins:
  - name: key-auth
    config:
      key_names: [X-API-Key]
      hide_credentials: true
)",
                                  {{"PORT", std::to_string(b1.port())}});
  Gateway gw(dir, config);

  // No key: Kong's 401 with its message (kong.response.error adds the request id).
  auto none = gw.Get("/api/v1/echo");
  EXPECT_EQ(none.status, 401);
  auto none_body = ParseJson(none.body);
  EXPECT_EQ(JsonString(none_body, {"message"}), "No API key found in request") << none.body;
  EXPECT_EQ(JsonString(none_body, {"request_id"}), none.headers["x-kong-request-id"]) << none.body;
  EXPECT_TRUE(none.headers.contains("www-authenticate"));

  // Wrong key.
  auto wrong = gw.Get("/api/v1/echo", {{"X-API-Key", "not-a-key"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(JsonString(ParseJson(wrong.body), {"message"}), "Unauthorized") << wrong.body;

  // Right key: the backend answers, sees the consumer and not the key (hide_credentials).
  auto right = gw.Get("/api/v1/echo?x=1", {{"X-API-Key", "alice-secret-key"}});
  ASSERT_EQ(right.status, 200) << right.body;
  auto echoed = ParseJson(right.body);
  EXPECT_EQ(JsonString(echoed, {"served_by"}), "b1");
  EXPECT_EQ(JsonString(echoed, {"path"}), "/api/v1/echo");
  EXPECT_EQ(JsonString(echoed, {"query"}), "x=1");
  EXPECT_EQ(JsonString(echoed, {"headers", "x-consumer-username"}), "alice") << right.body;
  EXPECT_FALSE(HasKey(echoed, {"headers", "x-api-key"})) << right.body;
  EXPECT_EQ(right.headers["x-instance-id"], "b1");

  // jwt on one route (key-auth still applies globally, so the key is sent too).
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const std::string valid = SignHs256({{"iss", "alice-iss"}, {"exp", now + 300}}, "alice-jwt-secret");
  auto ok = gw.Get("/api/v1/jwt", {{"X-API-Key", "alice-secret-key"}, {"Authorization", "Bearer " + valid}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(JsonString(ParseJson(ok.body), {"headers", "x-consumer-username"}), "alice");

  // The signature's first character, not its last: the last of 43 base64url characters carries two padding bits,
  // so 'A' -> 'B' there decodes to the same 32 bytes (a valid signature, once in 16 tokens).
  std::string tampered = valid;
  char& first = tampered[tampered.rfind('.') + 1];
  first = first == 'A' ? 'B' : 'A';
  auto bad_sig = gw.Get("/api/v1/jwt", {{"X-API-Key", "alice-secret-key"}, {"Authorization", "Bearer " + tampered}});
  EXPECT_EQ(bad_sig.status, 401);
  EXPECT_EQ(JsonString(ParseJson(bad_sig.body), {"message"}), "Invalid signature") << bad_sig.body;

  const std::string expired = SignHs256({{"iss", "alice-iss"}, {"exp", now - 60}}, "alice-jwt-secret");
  auto old = gw.Get("/api/v1/jwt", {{"X-API-Key", "alice-secret-key"}, {"Authorization", "Bearer " + expired}});
  EXPECT_EQ(old.status, 401);
  EXPECT_EQ(JsonString(ParseJson(old.body), {"exp"}), "token expired") << old.body;

  auto no_token = gw.Get("/api/v1/jwt", {{"X-API-Key", "alice-secret-key"}});
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(JsonString(ParseJson(no_token.body), {"message"}), "Unauthorized") << no_token.body;
}

// The customer service signs with a private key only it holds; the gateway verifies with the
// public key (jwt_secrets.rsa_public_key) given in the environment, as a deployment would.
TEST(GatewayIntegration, EdDsaTokensAreVerifiedWithThePublicKeyFromTheEnvironment) {
  namespace keys = comptoir::gateway::testing;
  auto dir = TestDir("jwt-eddsa");
  Backend b1(dir, "b1");
  auto signer = keys::GenerateKey("ED25519");
  auto stranger = keys::GenerateKey("ED25519");
  const std::string config = Fill(R"(_format_version: "3.0"
services:
  - name: orders
    url: http://127.0.0.1:{PORT}
    routes:
      - name: orders
        paths: [/api/v1/orders]
        strip_path: false
        plugins:
          - name: jwt
            config:
              claims_to_verify: [exp]
consumers:
  - username: shoppers
    jwt_secrets:
      - key: comptoir-customer
        algorithm: EdDSA
        rsa_public_key: ${CUSTOMER_JWT_PUBLIC_KEY}
)",
                                  {{"PORT", std::to_string(b1.port())}});
  Gateway gw(dir, config, 2, "gateway", {{"CUSTOMER_JWT_PUBLIC_KEY", keys::PublicPem(signer.get())}});
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto bearer = [](const std::string& token) { return Headers{{"Authorization", "Bearer " + token}}; };

  const std::string good =
      keys::SignJwt("EdDSA", signer.get(), {{"iss", "comptoir-customer"}, {"sub", "42"}, {"exp", now + 300}});
  auto ok = gw.Get("/api/v1/orders", bearer(good));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(JsonString(ParseJson(ok.body), {"headers", "x-consumer-username"}), "shoppers") << ok.body;

  // Signed with another key: Kong's "Invalid signature".
  auto foreign =
      gw.Get("/api/v1/orders",
             bearer(keys::SignJwt("EdDSA", stranger.get(), {{"iss", "comptoir-customer"}, {"exp", now + 300}})));
  EXPECT_EQ(foreign.status, 401);
  EXPECT_EQ(JsonString(ParseJson(foreign.body), {"message"}), "Invalid signature") << foreign.body;

  // An HS256 token for the same issuer (its HMAC key the public PEM): "Invalid algorithm".
  auto confused =
      gw.Get("/api/v1/orders",
             bearer(SignHs256({{"iss", "comptoir-customer"}, {"exp", now + 300}}, keys::PublicPem(signer.get()))));
  EXPECT_EQ(confused.status, 401);
  EXPECT_EQ(JsonString(ParseJson(confused.body), {"message"}), "Invalid algorithm") << confused.body;

  auto expired =
      gw.Get("/api/v1/orders",
             bearer(keys::SignJwt("EdDSA", signer.get(), {{"iss", "comptoir-customer"}, {"exp", now - 60}})));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(JsonString(ParseJson(expired.body), {"exp"}), "token expired") << expired.body;

  // A bad PEM is refused when the configuration is loaded, with the field named; the running
  // configuration stays.
  std::string bad_pem = config;
  const std::string variable = "${CUSTOMER_JWT_PUBLIC_KEY}";
  bad_pem.replace(bad_pem.find(variable), variable.size(), "not-a-pem");
  auto refused = gw.PostConfig(bad_pem);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("rsa_public_key"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("invalid key"), std::string::npos) << refused.body;
  EXPECT_EQ(gw.Get("/api/v1/orders", bearer(good)).status, 200);
}

// --- b. Correlation id --------------------------------------------------------------------------

TEST(GatewayIntegration, CorrelationIdIsGeneratedEchoedAndKept) {
  auto dir = TestDir("correlation");
  Backend b1(dir, "b1");
  Gateway gw(dir, Fill(R"(_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:{PORT}
    routes:
      - name: echo
        paths: [/api/v1/echo]
        strip_path: false
plugins:
  - name: correlation-id
    config:
      header_name: X-Request-ID
      generator: uuid
      echo_downstream: true
)",
                       {{"PORT", std::to_string(b1.port())}}));

  auto fresh = gw.Get("/api/v1/echo");
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  const std::string id = fresh.headers["x-request-id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(JsonString(ParseJson(fresh.body), {"headers", "x-request-id"}), id) << fresh.body;

  auto second = gw.Get("/api/v1/echo");
  EXPECT_NE(second.headers["x-request-id"], id);

  auto given = gw.Get("/api/v1/echo", {{"X-Request-ID", "client-chosen-id-42"}});
  ASSERT_EQ(given.status, 200);
  EXPECT_EQ(given.headers["x-request-id"], "client-chosen-id-42");
  EXPECT_EQ(JsonString(ParseJson(given.body), {"headers", "x-request-id"}), "client-chosen-id-42");
}

// --- c. Balancing distributions ------------------------------------------------------------------

class Balancing : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = TestDir("balancing");
    a = std::make_unique<Backend>(dir, "a");
    b = std::make_unique<Backend>(dir, "b");
    c = std::make_unique<Backend>(dir, "c");
    slow = std::make_unique<Backend>(dir, "slow", 200);
    // One worker thread: round-robin state is per worker, so its sequence is then exact.
    gw = std::make_unique<Gateway>(dir,
                                   Fill(R"(_format_version: "3.0"
services:
  - name: rr
    url: http://rr-upstream
    routes:
      - name: rr
        paths: [/api/v1/rr]
        strip_path: false
  - name: lc
    url: http://lc-upstream
    routes:
      - name: lc
        paths: [/api/v1/lc]
        strip_path: false
  - name: hash
    url: http://hash-upstream
    routes:
      - name: hash
        paths: [/api/v1/carts]
        strip_path: false
upstreams:
  - name: rr-upstream
    algorithm: round-robin
    targets:
      - {target: "127.0.0.1:{A}", weight: 100}
      - {target: "127.0.0.1:{B}", weight: 100}
      - {target: "127.0.0.1:{C}", weight: 50}
  - name: lc-upstream
    algorithm: least-connections
    targets:
      - {target: "127.0.0.1:{A}", weight: 100}
      - {target: "127.0.0.1:{B}", weight: 100}
      - {target: "127.0.0.1:{SLOW}", weight: 100}
  - name: hash-upstream
    algorithm: consistent-hashing
    hash_on: header
    hash_on_header: X-Cart-Id
    targets:
      - {target: "127.0.0.1:{A}", weight: 100}
      - {target: "127.0.0.1:{B}", weight: 100}
      - {target: "127.0.0.1:{C}", weight: 100}
)",
                                        {{"A", std::to_string(a->port())},
                                         {"B", std::to_string(b->port())},
                                         {"C", std::to_string(c->port())},
                                         {"SLOW", std::to_string(slow->port())}}),
                                   1);
  }

  fs::path dir;
  std::unique_ptr<Backend> a, b, c, slow;
  std::unique_ptr<Gateway> gw;
};

TEST_F(Balancing, WeightedRoundRobinFollowsTheWeights) {
  std::map<std::string, int> counts;
  for (int i = 0; i < 250; ++i) {
    auto e = Call(gw->proxy(), "/api/v1/rr");
    ASSERT_EQ(e.status, 200);
    ++counts[e.served_by];
  }
  EXPECT_EQ(counts["a"], 100);
  EXPECT_EQ(counts["b"], 100);
  EXPECT_EQ(counts["c"], 50);
}

TEST_F(Balancing, LeastConnectionsAvoidsTheSlowTarget) {
  std::mutex mutex;
  std::map<std::string, int> counts;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 12; ++i) {
    clients.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        try {
          auto e = Call(gw->proxy(), "/api/v1/lc/x");
          std::lock_guard lock(mutex);
          if (e.status != 200) ++failures;
          ++counts[e.served_by];
        } catch (const std::exception&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : clients) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(counts["a"] + counts["b"] + counts["slow"], 120);
  // Round-robin would give 40 each; least-connections sends most requests to the fast ones.
  EXPECT_LT(counts["slow"] * 2, counts["a"])
      << "a=" << counts["a"] << " b=" << counts["b"] << " slow=" << counts["slow"];
  EXPECT_LT(counts["slow"] * 2, counts["b"])
      << "a=" << counts["a"] << " b=" << counts["b"] << " slow=" << counts["slow"];
}

TEST_F(Balancing, ConsistentHashingKeepsACartOnOneTarget) {
  std::map<std::string, std::string> owner;
  std::set<std::string> used;
  for (int round = 0; round < 3; ++round) {
    for (int cart = 0; cart < 30; ++cart) {
      const std::string id = "cart-" + std::to_string(cart);
      auto e = Call(gw->proxy(), "/api/v1/carts/" + id, {{"X-Cart-Id", id}});
      ASSERT_EQ(e.status, 200);
      if (round == 0) {
        owner[id] = e.served_by;
        used.insert(e.served_by);
      } else {
        EXPECT_EQ(e.served_by, owner[id]) << id;
      }
    }
  }
  EXPECT_GE(used.size(), 2U);
}

// --- d. Failover and health checks ---------------------------------------------------------------

TEST(GatewayIntegration, KilledTargetIsTakenOutAndComesBackWithoutClientErrors) {
  auto dir = TestDir("failover");
  Backend f1(dir, "f1");
  Backend f2(dir, "f2");
  Backend f3(dir, "f3");
  Gateway gw(
      dir,
      Fill(R"(_format_version: "3.0"
services:
  - name: fo
    url: http://fo-upstream
    retries: 3
    connect_timeout: 2000
    routes:
      - name: fo
        paths: [/api/v1/fo]
        strip_path: false
upstreams:
  - name: fo-upstream
    healthchecks:
      active:
        type: http
        http_path: /health
        timeout: 1
        healthy:
          interval: 0.2
          successes: 1
        unhealthy:
          interval: 0.2
          tcp_failures: 1
          http_failures: 1
          timeouts: 1
      passive:
        unhealthy:
          tcp_failures: 1
    targets:
      - target: 127.0.0.1:{F1}
      - target: 127.0.0.1:{F2}
      - target: 127.0.0.1:{F3}
)",
           {{"F1", std::to_string(f1.port())}, {"F2", std::to_string(f2.port())}, {"F3", std::to_string(f3.port())}}));
  ASSERT_EQ(gw.Health("fo-upstream", f2.target()), "HEALTHY");

  LoadClient client(gw.proxy(), "/api/v1/fo/x", 3000, 90s);
  ASSERT_TRUE(client.WaitFor(60));
  EXPECT_GT(client.served("f2"), 0);

  // Killed: taken out, no request fails (connection failures are retried on another target).
  f2.Kill();
  EXPECT_TRUE(Eventually([&] { return gw.Health("fo-upstream", f2.target()) == "UNHEALTHY"; }))
      << gw.Health("fo-upstream", f2.target());
  ASSERT_TRUE(client.WaitFor(60));
  const int served_while_down = client.served("f2");
  ASSERT_TRUE(client.WaitFor(60));
  EXPECT_EQ(client.served("f2"), served_while_down) << "an unhealthy target got traffic";

  // Restarted on the same port: healthy again and serving.
  f2.Start();
  EXPECT_TRUE(Eventually([&] { return gw.Health("fo-upstream", f2.target()) == "HEALTHY"; }))
      << gw.Health("fo-upstream", f2.target());
  EXPECT_TRUE(Eventually([&] { return client.served("f2") > served_while_down; }));

  // /health answering 503 takes a target out; healing brings it back.
  ASSERT_EQ(t::Http(static_cast<std::uint16_t>(f1.port()), "POST", "/admin/fail-health").status, 204);
  EXPECT_TRUE(Eventually([&] { return gw.Health("fo-upstream", f1.target()) == "UNHEALTHY"; }));
  ASSERT_TRUE(client.WaitFor(30));
  const int f1_while_out = client.served("f1");
  ASSERT_TRUE(client.WaitFor(60));
  EXPECT_EQ(client.served("f1"), f1_while_out) << "a target failing its health check got traffic";
  ASSERT_EQ(t::Http(static_cast<std::uint16_t>(f1.port()), "POST", "/admin/heal-health").status, 204);
  EXPECT_TRUE(Eventually([&] { return gw.Health("fo-upstream", f1.target()) == "HEALTHY"; }));
  EXPECT_TRUE(Eventually([&] { return client.served("f1") > f1_while_out; }));

  client.Stop();
  EXPECT_GT(client.total(), 200);
  EXPECT_TRUE(client.failures().empty()) << client.failures().size() << " failed of " << client.total() << ":\n"
                                         << JoinFailures(client.failures());
}

/// Sends `method` with `body` to the gateway on another thread; waits until `backend` has the request in flight (its
/// delay is long), SIGKILLs it, and returns what the client got.
t::HttpResult KillWhileInFlight(const Gateway& gw, Backend& backend, const std::string& method,
                                const std::string& body = {}) {
  t::HttpResult result;
  std::string error;
  std::thread client([&] {
    try {
      result = t::Http(static_cast<std::uint16_t>(gw.proxy()), method, "/api/v1/inflight/x", body, {}, 30s);
    } catch (const std::exception& e) {
      error = e.what();
    }
  });
  // The backend delays every answer by seconds: a moment is enough for the request to reach it.
  std::this_thread::sleep_for(1s);
  backend.Kill();
  client.join();
  if (!error.empty()) result.body = "exception: " + error;
  return result;
}

TEST(GatewayIntegration, TargetDyingWithARequestInFlightIsRetriedForIdempotentMethods) {
  auto dir = TestDir("inflight");
  Backend slow(dir, "slow", 5000);
  Backend fast(dir, "fast");
  // Smooth weighted round-robin on one worker picks the heavy (slow) target first, and again after it.
  Gateway gw(dir,
             Fill(R"(_format_version: "3.0"
services:
  - name: inflight
    url: http://inflight-upstream
    retries: 2
    routes:
      - name: inflight
        paths: [/api/v1/inflight]
        strip_path: false
        plugins:  # more than the gateway's 1 MiB default, for the streamed upload below
          - name: request-size-limiting
            config: {allowed_payload_size: 8}
upstreams:
  - name: inflight-upstream
    targets:
      - {target: "127.0.0.1:{SLOW}", weight: 100}
      - {target: "127.0.0.1:{FAST}", weight: 1}
)",
                  {{"SLOW", std::to_string(slow.port())}, {"FAST", std::to_string(fast.port())}}),
             1);

  // GET: the connection closes before any byte of the answer; nginx's proxy_next_upstream "error"
  // passes it to the next target, so the client sees the other target's answer.
  auto get = KillWhileInFlight(gw, slow, "GET");
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(JsonString(ParseJson(get.body), {"served_by"}), "fast") << get.body;

  // A body (up to 1 MiB) is read whole before the upstream is chosen, as nginx buffers it: an idempotent
  // request with a body is sent again, body included, to the next target.
  slow.Start();
  const std::string json_body = R"({"sku":"CAFE-001","quantity":3})";
  auto put = KillWhileInFlight(gw, slow, "PUT", json_body);
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(JsonString(ParseJson(put.body), {"served_by"}), "fast") << put.body;
  EXPECT_EQ(JsonString(ParseJson(put.body), {"body"}), json_body);

  // A larger body is streamed: once part of it went to the dying target it cannot be sent again.
  slow.Start();
  auto large = KillWhileInFlight(gw, slow, "PUT", std::string((3u << 20) / 2, 'x'));
  EXPECT_EQ(large.status, 502) << large.body.substr(0, 200);
  EXPECT_EQ(JsonString(ParseJson(large.body), {"message"}),
            "An invalid response was received from the upstream server");

  // POST is not idempotent: once sent it is never replayed; Kong's 502.
  slow.Start();
  auto post = KillWhileInFlight(gw, slow, "POST");
  EXPECT_EQ(post.status, 502) << post.body;
  EXPECT_EQ(JsonString(ParseJson(post.body), {"message"}), "An invalid response was received from the upstream server")
      << post.body;
}

TEST(GatewayIntegration, ReadTimeoutIsRetriedForIdempotentMethodsAndIs504Otherwise) {
  auto dir = TestDir("readtimeout");
  Backend hung(dir, "hung", 60000);  // accepts and answers nothing within the read timeout
  Backend fast(dir, "fast");
  Gateway gw(dir,
             Fill(R"(_format_version: "3.0"
services:
  - name: rt
    url: http://rt-upstream
    retries: 2
    read_timeout: 1000
    routes:
      - name: rt
        paths: [/api/v1/rt]
        strip_path: false
  - name: rt-alone
    url: http://127.0.0.1:{HUNG}
    retries: 1
    read_timeout: 1000
    routes:
      - name: rt-alone
        paths: [/api/v1/alone]
        strip_path: false
upstreams:
  - name: rt-upstream
    targets:
      - {target: "127.0.0.1:{HUNG}", weight: 100}
      - {target: "127.0.0.1:{FAST}", weight: 1}
)",
                  {{"HUNG", std::to_string(hung.port())}, {"FAST", std::to_string(fast.port())}}),
             1);
  const auto proxy = static_cast<std::uint16_t>(gw.proxy());

  // nginx's proxy_next_upstream "error timeout" (Kong's default): a timeout reading the response header
  // passes an idempotent request to the next target, with its body.
  auto get = t::Http(proxy, "GET", "/api/v1/rt/x", {}, {}, 30s);
  EXPECT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(JsonString(ParseJson(get.body), {"served_by"}), "fast") << get.body;
  const std::string json_body = R"({"name":"Lampe LED"})";
  auto put = t::Http(proxy, "PUT", "/api/v1/rt/x", json_body, {}, 30s);
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(JsonString(ParseJson(put.body), {"served_by"}), "fast") << put.body;
  EXPECT_EQ(JsonString(ParseJson(put.body), {"body"}), json_body);

  // Non-idempotent methods are not passed on once sent: Kong's 504.
  auto post = t::Http(proxy, "POST", "/api/v1/rt/x", json_body, {}, 30s);
  EXPECT_EQ(post.status, 504) << post.body;
  EXPECT_EQ(JsonString(ParseJson(post.body), {"message"}), "The upstream server is timing out") << post.body;

  // Every try timing out: 504 as well.
  auto alone = t::Http(proxy, "GET", "/api/v1/alone/x", {}, {}, 30s);
  EXPECT_EQ(alone.status, 504) << alone.body;
  EXPECT_EQ(JsonString(ParseJson(alone.body), {"message"}), "The upstream server is timing out") << alone.body;
}

TEST(GatewayIntegration, RequestSizeLimitCountsChunkedUploads) {
  auto dir = TestDir("sizelimit");
  Backend backend(dir, "b");
  Gateway gw(dir, Fill(R"(_format_version: "3.0"
services:
  - name: upload
    url: http://127.0.0.1:{PORT}
    routes:
      - name: upload
        paths: [/api/v1/upload]
        strip_path: false
        plugins:
          - name: request-size-limiting
            config: {allowed_payload_size: 2, size_unit: megabytes}
      - name: small
        paths: [/api/v1/small]
        strip_path: false
        plugins:
          - name: request-size-limiting
            config: {allowed_payload_size: 10, size_unit: kilobytes}
)",
                       {{"PORT", std::to_string(backend.port())}}));

  // Under the limit, larger than what the gateway reads ahead: relayed whole.
  const std::size_t allowed = (3u << 20) / 2;
  auto ok = ChunkedUpload(gw.proxy(), "/api/v1/upload/x", allowed);
  EXPECT_EQ(ok.status, 200) << ok.body.substr(0, 200);
  EXPECT_EQ(JsonString(ParseJson(ok.body), {"body"}).size(), allowed);

  // Past the limit while streaming to the upstream: cut there, Kong's 413.
  auto too_large = ChunkedUpload(gw.proxy(), "/api/v1/upload/x", 3u << 20);
  EXPECT_EQ(too_large.status, 413) << too_large.body.substr(0, 200);
  EXPECT_EQ(JsonString(ParseJson(too_large.body), {"message"}), "Request size limit exceeded") << too_large.body;

  // Past the limit within what is read ahead: refused before any upstream is involved.
  auto small = ChunkedUpload(gw.proxy(), "/api/v1/small/x", 20 * 1024);
  EXPECT_EQ(small.status, 413) << small.body.substr(0, 200);
  EXPECT_EQ(JsonString(ParseJson(small.body), {"message"}), "Request size limit exceeded") << small.body;
  auto small_ok = ChunkedUpload(gw.proxy(), "/api/v1/small/x", 10 * 1024);
  EXPECT_EQ(small_ok.status, 200) << small_ok.body.substr(0, 200);

  // The gateway goes on serving (the cut upstream connection was not reused).
  EXPECT_EQ(gw.Get("/api/v1/upload/x").status, 200);
  auto again = ChunkedUpload(gw.proxy(), "/api/v1/upload/x", allowed);
  EXPECT_EQ(again.status, 200) << again.body.substr(0, 200);
}

// --- e. Rate limiting shared through Redis --------------------------------------------------------

std::size_t CountOf(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// The proxy writes the upstream's answer head itself when no plugin rewrites it: framing, HEAD,
// HTTP/1.0 and pipelining must come out as they would through Beast's serializer.
TEST(GatewayIntegration, PipelinedGetHeadAndHttp10AnswersAreFramedAsTheUpstreamSent) {
  auto dir = TestDir("framing");
  Backend b1(dir, "b1");
  Gateway gw(dir, Fill(R"(_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:{PORT}
    routes:
      - name: echo
        paths: [/api/v1/echo]
        strip_path: false
plugins:
  - name: correlation-id
    config: { header_name: X-Request-ID, generator: uuid, echo_downstream: true }
)",
                       {{"PORT", std::to_string(b1.port())}}));
  RawConnection c(gw.proxy());
  ASSERT_TRUE(
      c.Send("GET /api/v1/echo?n=1 HTTP/1.1\r\nHost: shop.local\r\n\r\n"
             "HEAD /api/v1/echo HTTP/1.1\r\nHost: shop.local\r\n\r\n"
             "GET /api/v1/echo?n=3 HTTP/1.0\r\nHost: shop.local\r\n\r\n"));
  const std::string raw = c.ReadUntilClosed();  // HTTP/1.0 without keep-alive: closed after the third

  struct Answer {
    std::string head;  // lower-cased
    std::string body;
  };
  std::vector<Answer> answers;
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    const auto end = raw.find("\r\n\r\n", pos);
    ASSERT_NE(end, std::string::npos) << "answer " << i << " of:\n" << raw;
    Answer a;
    a.head = raw.substr(pos, end - pos + 2);
    for (auto& ch : a.head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    pos = end + 4;
    if (i != 1) {  // the HEAD answer has no body, whatever its Content-Length says
      const auto cl = a.head.find("\r\ncontent-length: ");
      ASSERT_NE(cl, std::string::npos) << a.head;
      const std::size_t n = std::strtoul(a.head.c_str() + cl + 18, nullptr, 10);
      a.body = raw.substr(pos, n);
      pos += n;
    }
    answers.push_back(std::move(a));
  }
  EXPECT_EQ(pos, raw.size()) << "bytes after the third answer:\n" << raw.substr(pos);
  EXPECT_EQ(answers[0].head.rfind("http/1.1 200 ok\r\n", 0), 0u) << answers[0].head;
  EXPECT_EQ(answers[1].head.rfind("http/1.1 200 ok\r\n", 0), 0u) << answers[1].head;
  EXPECT_EQ(answers[2].head.rfind("http/1.0 200 ok\r\n", 0), 0u) << answers[2].head;
  for (const auto& a : answers) {
    // The backend echoes X-Request-ID too: the gateway's echo replaces it, once.
    EXPECT_EQ(CountOf(a.head, "\r\nx-request-id: "), 1u) << a.head;
    EXPECT_EQ(CountOf(a.head, "\r\nvia: "), 1u) << a.head;
    EXPECT_NE(a.head.find("\r\nvia: 1.1 comptoir-gateway/"), std::string::npos) << a.head;
    EXPECT_NE(a.head.find("\r\nx-kong-upstream-latency: "), std::string::npos) << a.head;
    EXPECT_NE(a.head.find("\r\nx-instance-id: b1\r\n"), std::string::npos) << a.head;
    EXPECT_EQ(a.head.find("transfer-encoding"), std::string::npos) << a.head;
  }
  EXPECT_EQ(answers[0].head.find("\r\nconnection: close"), std::string::npos) << answers[0].head;
  EXPECT_EQ(JsonString(ParseJson(answers[0].body), {"query"}), "n=1") << answers[0].body;
  EXPECT_EQ(JsonString(ParseJson(answers[2].body), {"query"}), "n=3") << answers[2].body;
  // The id echoed is the one the upstream received.
  const auto id_at = answers[0].head.find("\r\nx-request-id: ") + 16;
  const std::string id = answers[0].head.substr(id_at, answers[0].head.find("\r\n", id_at) - id_at);
  EXPECT_EQ(JsonString(ParseJson(answers[0].body), {"headers", "x-request-id"}), id) << answers[0].body;
}

/// An upstream the test backend cannot play: answers every request on a keep-alive connection with
/// a chunked body ("hello" + " world"). Listens on a port the kernel picks; a thread per connection.
// An upstream that answers every request of a connection chunked.
void AnswerChunked(int client) {
  std::string pending;
  std::string head;
  while (ReadHead(client, pending, head)) {
    const std::string answer =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    if (::send(client, answer.data(), answer.size(), MSG_NOSIGNAL) < 0) break;
  }
}

// A chunked answer goes to an HTTP/1.1 client chunked, and to an HTTP/1.0 client (which has no
// chunked coding) decoded, its end marked by closing the connection.
TEST(GatewayIntegration, ChunkedAnswerIsDecodedForHttp10Clients) {
  auto dir = TestDir("chunked");
  RawUpstream upstream(AnswerChunked);
  Gateway gw(dir, Fill(R"(_format_version: "3.0"
services:
  - name: chunked
    url: http://127.0.0.1:{PORT}
    routes:
      - name: chunked
        paths: [/api/v1/chunked]
        strip_path: false
)",
                       {{"PORT", std::to_string(upstream.port())}}));
  auto modern = gw.Get("/api/v1/chunked");
  ASSERT_EQ(modern.status, 200) << modern.body;
  EXPECT_EQ(modern.body, "hello world");

  RawConnection c(gw.proxy());
  ASSERT_TRUE(c.Send("GET /api/v1/chunked HTTP/1.0\r\nHost: shop.local\r\nConnection: keep-alive\r\n\r\n"));
  const std::string raw = c.ReadUntilClosed();  // closed by the gateway: that is where the body ends
  const auto end = raw.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos) << raw;
  std::string head = raw.substr(0, end + 2);
  for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  EXPECT_EQ(head.rfind("http/1.0 200 ok\r\n", 0), 0u) << head;
  EXPECT_EQ(head.find("transfer-encoding"), std::string::npos) << head;
  EXPECT_EQ(head.find("connection: keep-alive"), std::string::npos) << head;
  EXPECT_EQ(raw.substr(end + 4), "hello world");
}

TEST(GatewayIntegration, RateLimitIsSharedByTwoGatewaysThroughRedis) {
  auto dir = TestDir("ratelimit");
  Backend b1(dir, "b1");
  // Names unique to this run: the counters' keys derive from the route and service ids.
  const std::string service = Unique("rl-svc");
  const std::string route = Unique("rl-route");
  const std::string config = Fill(R"(_format_version: "3.0"
services:
  - name: {SERVICE}
    url: http://127.0.0.1:{PORT}
    routes:
      - name: {ROUTE}
        paths: [/api/v1/limited]
        strip_path: false
        plugins:
          - name: rate-limiting
            config:
              minute: 10
              limit_by: ip
              policy: redis
              fault_tolerant: false
              redis:
                host: 127.0.0.1
                port: {REDIS}
)",
                                  {{"SERVICE", service},
                                   {"ROUTE", route},
                                   {"PORT", std::to_string(b1.port())},
                                   {"REDIS", std::to_string(t::RedisPort())}});
  Gateway gw_a(dir, config, 2, "gateway-a");
  Gateway gw_b(dir, config, 2, "gateway-b");

  // The 20 requests must fall in one minute window: do not start in the last 15 s of a minute.
  for (;;) {
    const auto seconds = std::time(nullptr) % 60;
    if (seconds < 45) break;
    std::this_thread::sleep_for(500ms);
  }
  int ok = 0;
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    const Gateway& gw = i % 2 == 0 ? gw_a : gw_b;
    auto r = gw.Get("/api/v1/limited");
    EXPECT_EQ(r.headers["x-ratelimit-limit-minute"], "10") << r.status << " " << r.body;
    if (r.status == 200) {
      ++ok;
    } else if (r.status == 429) {
      ++limited;
      EXPECT_EQ(JsonString(ParseJson(r.body), {"message"}), "API rate limit exceeded") << r.body;
      EXPECT_FALSE(r.headers["retry-after"].empty());
      EXPECT_EQ(r.headers["x-ratelimit-remaining-minute"], "0");
    } else {
      ADD_FAILURE() << "unexpected " << r.status << " " << r.body;
    }
  }
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(limited, 10);
}

// --- f. Reload under load ------------------------------------------------------------------------

std::string ReloadConfig(int b1, int b2, const std::string& extra_route, const std::string& marker) {
  return Fill(R"(_format_version: "3.0"
services:
  - name: main
    url: http://main-upstream
    retries: 2
    routes:
      - name: main
        paths: [/api/v1/main]
        strip_path: false
      - name: extra-{EXTRA}
        paths: [/api/v1/{EXTRA}]
        strip_path: false
        plugins:
          - name: response-transformer
            config:
              add:
                headers: ["X-Config-Marker:{MARKER}"]
upstreams:
  - name: main-upstream
    targets:
      - target: 127.0.0.1:{B1}
      - target: 127.0.0.1:{B2}
)",
              {{"B1", std::to_string(b1)}, {"B2", std::to_string(b2)}, {"EXTRA", extra_route}, {"MARKER", marker}});
}

TEST(GatewayIntegration, ReloadUnderLoadDropsNoRequest) {
  auto dir = TestDir("reload");
  Backend b1(dir, "b1");
  Backend b2(dir, "b2");
  Gateway gw(dir, ReloadConfig(b1.port(), b2.port(), "gen-start", "start"));
  ASSERT_EQ(gw.Get("/api/v1/main").status, 200);

  LoadClient client(gw.proxy(), "/api/v1/main", 5000, 120s);
  ASSERT_TRUE(client.WaitFor(20));

  std::string last_route = "gen-start";
  for (int i = 0; i < 10; ++i) {
    const std::string route = "gen-" + std::to_string(i);
    auto posted = gw.PostConfig(ReloadConfig(b1.port(), b2.port(), route, "post-" + std::to_string(i)));
    ASSERT_EQ(posted.status, 201) << posted.body;
    // The new document is in force as soon as POST /config has answered.
    auto fresh = gw.Get("/api/v1/" + route);
    EXPECT_EQ(fresh.status, 200) << route;
    EXPECT_EQ(fresh.headers["x-config-marker"], "post-" + std::to_string(i));
    EXPECT_EQ(gw.Get("/api/v1/" + last_route).status, 404) << last_route;
    last_route = route;
    ASSERT_TRUE(client.WaitFor(5));
  }
  for (int i = 0; i < 3; ++i) {
    const std::string route = "hup-" + std::to_string(i);
    gw.ReloadFile(ReloadConfig(b1.port(), b2.port(), route, "hup-" + std::to_string(i)));
    EXPECT_TRUE(Eventually([&] { return gw.Get("/api/v1/" + route).status == 200; })) << route;
    last_route = route;
    ASSERT_TRUE(client.WaitFor(5));
  }

  // An invalid document: 400 with Kong's declarative-config error code, nothing changes.
  const auto hash_before = JsonString(ParseJson(gw.Admin("GET", "/status").body), {"configuration_hash"});
  auto invalid = gw.PostConfig(R"(_format_version: "3.0"
services:
  - name: broken
    url: not a url
    routes:
      - name: broken
        paths: [/api/v1/broken]
        no_such_field: true
)");
  EXPECT_EQ(invalid.status, 400) << invalid.body;
  auto invalid_body = ParseJson(invalid.body);
  ASSERT_TRUE(invalid_body.is_object()) << invalid.body;
  EXPECT_EQ(invalid_body.at("code"), json::value(14)) << invalid.body;
  EXPECT_EQ(JsonString(invalid_body, {"name"}), "invalid declarative configuration") << invalid.body;
  EXPECT_EQ(JsonString(ParseJson(gw.Admin("GET", "/status").body), {"configuration_hash"}), hash_before);
  EXPECT_EQ(gw.Get("/api/v1/" + last_route).status, 200);
  EXPECT_EQ(gw.Get("/api/v1/broken").status, 404);

  ASSERT_TRUE(client.WaitFor(20));
  client.Stop();
  EXPECT_TRUE(gw.Running());
  EXPECT_TRUE(client.failures().empty()) << client.failures().size() << " failed of " << client.total() << ":\n"
                                         << JoinFailures(client.failures());
  EXPECT_GT(client.served("b1"), 0);
  EXPECT_GT(client.served("b2"), 0);
}

// --- g. Admin API --------------------------------------------------------------------------------

TEST(GatewayIntegration, AdminApiReportsStatusMetricsAndHidesSecrets) {
  auto dir = TestDir("admin");
  Backend b1(dir, "b1");
  Gateway gw(dir, Fill(R"(_format_version: "3.0"
services:
  - name: catalogue
    url: http://127.0.0.1:{PORT}
    routes:
      - name: catalogue-products
        paths: [/api/v1/products]
        strip_path: false
consumers:
  - username: bob
    keyauth_credentials:
      - key: bob-very-secret-key
    jwt_secrets:
      - key: bob-iss
        secret: bob-very-secret-jwt
plugins:
  - name: key-auth
    config:
      key_names: [X-API-Key]
  - name: prometheus
    config:
      per_consumer: true
      status_code_metrics: true
)",
                       {{"PORT", std::to_string(b1.port())}}));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(gw.Get("/api/v1/products/" + std::to_string(i), {{"X-API-Key", "bob-very-secret-key"}}).status, 200);
  }
  ASSERT_EQ(gw.Get("/api/v1/products/9").status, 401);

  auto status = gw.Admin("GET", "/status");
  ASSERT_EQ(status.status, 200);
  auto status_body = ParseJson(status.body);
  ASSERT_TRUE(HasKey(status_body, {"server", "total_requests"})) << status.body;
  EXPECT_GE(status_body.at("server").at("total_requests").to_number<std::int64_t>(), 4);

  auto metrics = gw.Admin("GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(kong_http_requests_total{service="catalogue",route="catalogue-products",code="200",)"
                              R"(source="service",workspace="default",consumer="bob"} 3)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(kong_http_requests_total{service="catalogue",route="catalogue-products",code="401",)"
                              R"(source="kong",workspace="default",consumer=""} 1)"),
            std::string::npos)
      << metrics.body;

  auto consumers = gw.Admin("GET", "/consumers");
  ASSERT_EQ(consumers.status, 200);
  EXPECT_NE(consumers.body.find("bob"), std::string::npos);
  EXPECT_EQ(consumers.body.find("bob-very-secret-key"), std::string::npos) << consumers.body;
  EXPECT_EQ(consumers.body.find("bob-very-secret-jwt"), std::string::npos) << consumers.body;
}

// --- h. Kong's error bodies ----------------------------------------------------------------------

TEST(GatewayIntegration, KongErrorBodies) {
  auto dir = TestDir("errors");
  Backend down1(dir, "down1");
  Backend down2(dir, "down2");
  const int closed_port = t::FreePort();  // nothing listens there
  Gateway gw(dir, Fill(R"(_format_version: "3.0"
services:
  - name: closed
    url: http://127.0.0.1:{CLOSED}
    retries: 0
    routes:
      - name: closed
        paths: [/api/v1/closed]
        strip_path: false
  - name: down
    url: http://down-upstream
    retries: 3
    routes:
      - name: down
        paths: [/api/v1/down]
        strip_path: false
upstreams:
  - name: down-upstream
    healthchecks:
      active:
        http_path: /health
        healthy:
          interval: 0.2
          successes: 1
        unhealthy:
          interval: 0.2
          tcp_failures: 1
          http_failures: 1
    targets:
      - target: 127.0.0.1:{D1}
      - target: 127.0.0.1:{D2}
)",
                       {{"CLOSED", std::to_string(closed_port)},
                        {"D1", std::to_string(down1.port())},
                        {"D2", std::to_string(down2.port())}}));

  auto no_route = gw.Get("/nowhere");
  EXPECT_EQ(no_route.status, 404);
  EXPECT_EQ(JsonString(ParseJson(no_route.body), {"message"}), "no Route matched with those values") << no_route.body;

  auto closed = gw.Get("/api/v1/closed");
  EXPECT_EQ(closed.status, 502);
  EXPECT_EQ(JsonString(ParseJson(closed.body), {"message"}),
            "An invalid response was received from the upstream server")
      << closed.body;

  ASSERT_EQ(gw.Get("/api/v1/down/x").status, 200);
  // Every target failing its health check: no peer at all.
  ASSERT_EQ(t::Http(static_cast<std::uint16_t>(down1.port()), "POST", "/admin/fail-health").status, 204);
  ASSERT_EQ(t::Http(static_cast<std::uint16_t>(down2.port()), "POST", "/admin/fail-health").status, 204);
  ASSERT_TRUE(Eventually([&] {
    return gw.Health("down-upstream", down1.target()) == "UNHEALTHY" &&
           gw.Health("down-upstream", down2.target()) == "UNHEALTHY";
  }));
  auto none = gw.Get("/api/v1/down/x");
  EXPECT_EQ(none.status, 503);
  EXPECT_EQ(JsonString(ParseJson(none.body), {"message"}), "failure to get a peer from the ring-balancer") << none.body;
}

}  // namespace
