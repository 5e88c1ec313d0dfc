// The gateway under real traffic (issue 11): pauses longer than the upstreams' idle timeouts,
// upstreams restarting between two requests, answers that come before the request body is sent,
// bodies larger than any route takes. Real `comptoir gateway` and backend processes on loopback.
#include <gtest/gtest.h>

#include "support.hpp"

namespace {
using namespace gateway_test;

/// The health changes the gateway logged (any check, any target).
std::vector<std::string> HealthChanges(const Gateway& gw) {
  return gw.LogLines("upstream target health changed");
}

/// deploy/kong.yml's kind of upstream: three targets, active checks, and a passive check that takes
/// a target out at its first TCP failure, so that any connection failure the gateway counts shows.
std::string BalancedConfig(const std::vector<const Backend*>& targets) {
  std::string list;
  for (const auto* b : targets) list += "      - target: " + b->target() + "\n";
  return R"(_format_version: "3.0"
services:
  - name: shop
    url: http://shop-upstream
    routes:
      - name: shop
        paths: [/api/v1/shop]
        strip_path: false
upstreams:
  - name: shop-upstream
    healthchecks:
      active:
        http_path: /health
        healthy: {interval: 0.5, successes: 1}
        unhealthy: {interval: 0.5, tcp_failures: 2, http_failures: 2, timeouts: 2}
      passive:
        unhealthy: {tcp_failures: 1, timeouts: 1}
    targets:
)" + list;
}

int OpenConnections(const Backend& b) {
  auto metrics = t::Http(static_cast<std::uint16_t>(b.port()), "GET", "/metrics");
  const auto at = metrics.body.find("\nhttp_connections_open ");
  if (at == std::string::npos) return -1;
  return std::atoi(metrics.body.c_str() + at + std::strlen("\nhttp_connections_open "));
}

// --- 1. Idle upstream connections ------------------------------------------------------------------

// The shop after a quiet night: the upstreams closed the gateway's pooled connections (their idle
// timeout, 1 s here, is shorter than the gateway's); every request after the pause is answered, and
// no target is ever taken out.
TEST(GatewayEdge, ConnectionsTheUpstreamsClosedWhileIdleAreNeverAnError) {
  auto dir = TestDir("idle-upstream");
  const std::vector<std::string> quick_idle{"--idle-timeout-ms", "1000"};
  Backend c1(dir, "c1", 0, quick_idle);
  Backend c2(dir, "c2", 0, quick_idle);
  Backend c3(dir, "c3", 0, quick_idle);
  Gateway gw(dir, BalancedConfig({&c1, &c2, &c3}));
  auto burst = [&](int n) {
    std::vector<std::string> failures;
    for (int i = 0; i < n; ++i) {
      auto r = gw.Get("/api/v1/shop/cart?session_id=" + std::to_string(i));
      if (r.status != 200) failures.push_back(std::to_string(r.status) + " " + r.body);
    }
    return failures;
  };
  ASSERT_EQ(burst(12), std::vector<std::string>{});
  for (int round = 0; round < 2; ++round) {
    std::this_thread::sleep_for(2500ms);  // past the upstreams' idle timeout
    EXPECT_EQ(burst(12), std::vector<std::string>{}) << "round " << round;
  }
  EXPECT_EQ(HealthChanges(gw), std::vector<std::string>{});
  for (const auto* b : {&c1, &c2, &c3}) EXPECT_EQ(gw.Health("shop-upstream", b->target()), "HEALTHY");
}

// A deployment restarts an upstream between two requests (gracefully, then abruptly): the pooled
// connections to the old process are gone, the next requests go to the new one without an error.
TEST(GatewayEdge, AnUpstreamRestartedBetweenTwoRequestsIsNotAnError) {
  auto dir = TestDir("restart-upstream");
  Backend c1(dir, "c1");
  Backend c2(dir, "c2");
  Gateway gw(dir, BalancedConfig({&c1, &c2}), 1);
  auto all_ok = [&](int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i) ok += gw.Get("/api/v1/shop/x").status == 200 ? 1 : 0;
    return ok;
  };
  ASSERT_EQ(all_ok(6), 6);
  c1.Restart();
  c2.Restart();
  EXPECT_EQ(all_ok(6), 6);
  c1.Kill();
  c1.Start();
  EXPECT_EQ(all_ok(6), 6);
  EXPECT_EQ(HealthChanges(gw), std::vector<std::string>{});
}

// An upstream that closes a kept-alive connection just as the next request arrives (the race the
// checks before reuse cannot see): an idempotent request is sent again on a new connection, and the
// target is not counted as failing; a POST that left whole is not replayed (it may have been
// processed), as nginx and Go's net/http do.
TEST(GatewayEdge, AConnectionClosedAsTheRequestArrivesIsRetriedForIdempotentRequestsOnly) {
  auto dir = TestDir("close-race");
  std::atomic<int> requests{0};
  // Answers the first request of each connection (keep-alive), then reads the next one and closes.
  RawUpstream upstream([&](int fd) {
    std::string pending;
    std::string head;
    if (!ReadHead(fd, pending, head)) return;
    ++requests;
    const std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    if (ReadHead(fd, pending, head)) ++requests;
  });
  Gateway gw(dir,
             Fill(R"(_format_version: "3.0"
services:
  - name: race
    url: http://race-upstream
    routes:
      - name: race
        paths: [/api/v1/race]
        strip_path: false
upstreams:
  - name: race-upstream
    healthchecks:
      passive:
        unhealthy: {tcp_failures: 1}
    targets:
      - target: {TARGET}
)",
                  {{"TARGET", upstream.target()}}),
             1);
  for (int i = 0; i < 5; ++i) {
    auto r = gw.Get("/api/v1/race/x");
    EXPECT_EQ(r.status, 200) << i << ": " << r.body;
  }
  EXPECT_EQ(HealthChanges(gw), std::vector<std::string>{});
  EXPECT_EQ(gw.Health("race-upstream", upstream.target()), "HEALTHY");

  const int before = requests.load();
  auto post = gw.Post("/api/v1/race/x", R"({"quantity":1})");
  EXPECT_EQ(post.status, 502) << post.body;
  EXPECT_TRUE(Eventually([&] { return requests.load() == before + 1; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(requests.load(), before + 1) << "the POST reached the upstream more than once";
}

// --- 2. Early answers and body limits --------------------------------------------------------------

/// A POST of `size` bytes with its Content-Length, on a raw connection; the answer until the server closes.
RawAnswer Upload(int port, const std::string& target, std::size_t size) {
  RawConnection c(port);
  const bool sent =
      c.Send("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
             "Content-Length: " + std::to_string(size) + "\r\nConnection: close\r\n\r\n" + std::string(size, ' '));
  const std::string raw = c.ReadUntilClosed();
  RawAnswer answer;
  if (raw.rfind("HTTP/1.1 ", 0) == 0 && raw.size() >= 12) answer.status = std::atoi(raw.substr(9, 3).c_str());
  const auto end = raw.find("\r\n\r\n");
  if (end != std::string::npos) answer.body = raw.substr(end + 4);
  if (!sent && answer.status == 0) answer.body = "the upload was cut and nothing came back";
  return answer;
}

std::string SingleRoute(int port, const std::string& route_plugins = "") {
  return Fill(R"(_format_version: "3.0"
services:
  - name: auth
    url: http://127.0.0.1:{PORT}
    routes:
      - name: auth
        paths: [/api/v1/auth]
        strip_path: false
)",
              {{"PORT", std::to_string(port)}}) +
         route_plugins;
}

// The gateway closes an idle upstream connection after upstream_keepalive_idle_timeout, before the
// upstream's own idle timeout (30 s here) would.
TEST(GatewayEdge, TheGatewayClosesIdleUpstreamConnectionsAfterItsIdleTimeout) {
  auto dir = TestDir("idle-timeout");
  Backend c1(dir, "c1");
  // No active checks here: their probes keep connections of their own.
  Gateway gw(dir, SingleRoute(c1.port()), 1, "gateway", {}, {"--upstream-keepalive-idle-timeout", "1"});
  ASSERT_EQ(gw.Get("/api/v1/auth/x").status, 200);
  // Ours (the /metrics request) and the gateway's pooled one.
  EXPECT_EQ(OpenConnections(c1), 2);
  EXPECT_TRUE(Eventually([&] { return OpenConnections(c1) == 1; }, 10s)) << OpenConnections(c1);
  EXPECT_EQ(gw.Get("/api/v1/auth/x").status, 200);
}

// An upstream that answers 413 as soon as it has the head and closes, without reading the body (the
// kernel then resets the connection under the gateway's writes): like nginx, the gateway relays
// that answer instead of a 502, and logs no failure.
TEST(GatewayEdge, AnAnswerBeforeTheWholeBodyIsRelayed) {
  auto dir = TestDir("early-answer");
  RawUpstream upstream([](int fd) {
    std::string pending;
    std::string head;
    if (!ReadHead(fd, pending, head)) return;
    const std::string body = R"({"status":413,"code":"request.too_large"})";
    const std::string answer =
        "HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/problem+json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
  });
  // The route takes 8 MB (so the gateway's own 1 MiB default does not answer first).
  Gateway gw(dir, SingleRoute(upstream.port(), R"(        plugins:
          - name: request-size-limiting
            config: {allowed_payload_size: 8}
)"));
  for (std::size_t size : {std::size_t{2} << 20, std::size_t{6} << 20}) {
    auto r = Upload(gw.proxy(), "/api/v1/auth/login", size);
    EXPECT_EQ(r.status, 413) << size << ": " << r.body.substr(0, 300);
    EXPECT_EQ(JsonString(ParseJson(r.body), {"code"}), "request.too_large") << r.body.substr(0, 300);
  }
  EXPECT_EQ(gw.LogLines("\"level\":\"warn\""), std::vector<std::string>{});
  EXPECT_EQ(gw.LogLines("\"level\":\"error\""), std::vector<std::string>{});
}

// The same with a real service (libs/http's 1 MiB body limit) behind a route that allows more.
TEST(GatewayEdge, AServicesOwn413IsRelayed) {
  auto dir = TestDir("service-413");
  Backend service(dir, "svc", 0, {"--body-limit", "1048576"});
  Gateway gw(dir, SingleRoute(service.port(), R"(        plugins:
          - name: request-size-limiting
            config: {allowed_payload_size: 8}
)"));
  auto r = Upload(gw.proxy(), "/api/v1/auth/login", std::size_t{3} << 20);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  EXPECT_EQ(JsonString(ParseJson(r.body), {"code"}), "request.too_large") << r.body.substr(0, 300);
  EXPECT_EQ(gw.LogLines("upstream request failed"), std::vector<std::string>{});
  EXPECT_EQ(gw.Get("/api/v1/auth/x").status, 200);
}

// Every route has a body limit (1 MiB unless the route says otherwise): a 2 MiB sign-in gets the
// gateway's 413 problem before any upstream reads it, announced or chunked; a route with its own
// request-size-limiting takes more.
TEST(GatewayEdge, EveryRouteHasADefaultBodyLimit) {
  auto dir = TestDir("default-limit");
  std::atomic<int> upstream_requests{0};
  RawUpstream upstream([&](int fd) {
    std::string pending;
    std::string head;
    while (ReadHead(fd, pending, head)) {
      ++upstream_requests;
      const auto cl = head.find("Content-Length: ");
      std::size_t length = cl == std::string::npos ? 0 : std::strtoul(head.c_str() + cl + 16, nullptr, 10);
      char buf[64 * 1024];
      while (pending.size() < length) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        pending.append(buf, static_cast<std::size_t>(n));
      }
      pending.erase(0, length);
      const std::string body = R"({"read":)" + std::to_string(length) + "}";
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
      ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
  });
  Gateway gw(dir, SingleRoute(upstream.port(), "") + Fill(R"(  - name: import
    url: http://127.0.0.1:{PORT}
    routes:
      - name: import
        paths: [/api/v1/import]
        strip_path: false
        plugins:
          - name: request-size-limiting
            config: {allowed_payload_size: 4}
)",
                                                          {{"PORT", std::to_string(upstream.port())}}));
  auto announced = Upload(gw.proxy(), "/api/v1/auth/login", std::size_t{2} << 20);
  EXPECT_EQ(announced.status, 413) << announced.body;
  auto problem = ParseJson(announced.body);
  EXPECT_EQ(JsonString(problem, {"code"}), "gateway.request_too_large") << announced.body;
  EXPECT_EQ(JsonString(problem, {"title"}), "Payload Too Large") << announced.body;
  EXPECT_EQ(JsonString(problem, {"message"}), "Request size limit exceeded") << announced.body;
  EXPECT_FALSE(JsonString(problem, {"request_id"}).empty()) << announced.body;

  auto chunked = ChunkedUpload(gw.proxy(), "/api/v1/auth/login", std::size_t{2} << 20);
  EXPECT_EQ(chunked.status, 413) << chunked.body;
  EXPECT_EQ(JsonString(ParseJson(chunked.body), {"code"}), "gateway.request_too_large") << chunked.body;
  EXPECT_EQ(upstream_requests.load(), 0) << "an upstream saw a body over the limit";

  // At the limit it goes through; a route with its own limit takes more.
  EXPECT_EQ(Upload(gw.proxy(), "/api/v1/auth/login", std::size_t{1} << 20).status, 200);
  auto large = Upload(gw.proxy(), "/api/v1/import/x", std::size_t{3} << 20);
  EXPECT_EQ(large.status, 200) << large.body;
  EXPECT_EQ(ParseJson(large.body).at("read").to_number<std::int64_t>(), std::int64_t{3} << 20);
  EXPECT_EQ(gw.LogLines("\"level\":\"error\""), std::vector<std::string>{});
}

}  // namespace

namespace {

// --- 3. The Admin API's credential ---------------------------------------------------------------

/// A configuration full of secrets: API keys, a jwt secret, a Redis password, a token added to
/// upstream requests, a probe's Authorization header.
std::string SecretsConfig(int port, const std::string& extra = "") {
  return Fill(R"(_format_version: "3.0"
services:
  - name: shop
    url: http://shop-upstream
    routes:
      - name: shop
        paths: [/api/v1/shop]
        strip_path: false
        plugins:
          - name: request-transformer
            config:
              add:
                headers: ["X-Service-Token:svc-token-0001", "X-Channel:web"]
upstreams:
  - name: shop-upstream
    healthchecks:
      active:
        http_path: /health
        headers: {Authorization: ["Bearer probe-token-0002"]}
        healthy: {interval: 5, successes: 1}
    targets:
      - target: 127.0.0.1:{PORT}
consumers:
  - username: web
    keyauth_credentials:
      - key: web-key-0003
    jwt_secrets:
      - key: web-iss
        secret: jwt-secret-0004
plugins:
  - name: key-auth
    config: {key_names: [X-API-Key]}
  - name: rate-limiting
    config:
      minute: 1000
      policy: redis
      fault_tolerant: true
      redis: {host: 127.0.0.1, port: 1, password: redis-password-0005}
)",
              {{"PORT", std::to_string(port)}}) +
         extra;
}

const std::vector<std::string> kSecrets = {"svc-token-0001", "probe-token-0002", "web-key-0003", "jwt-secret-0004",
                                           "redis-password-0005"};

/// Every endpoint of the Admin API (method, path).
const std::vector<std::pair<std::string, std::string>>& AdminEndpoints() {
  static const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"GET", "/"},
      {"GET", "/status"},
      {"GET", "/services"},
      {"GET", "/services/shop"},
      {"GET", "/services/shop/routes"},
      {"GET", "/routes"},
      {"GET", "/routes/shop"},
      {"GET", "/upstreams"},
      {"GET", "/upstreams/shop-upstream"},
      {"GET", "/upstreams/shop-upstream/targets"},
      {"GET", "/upstreams/shop-upstream/targets/all"},
      {"GET", "/upstreams/shop-upstream/health"},
      {"GET", "/consumers"},
      {"GET", "/consumers/web"},
      {"GET", "/plugins"},
      {"GET", "/metrics"},
      {"GET", "/config"},
      {"POST", "/config"},
      {"GET", "/health"},
      {"GET", "/ready"},
      {"GET", "/no-such-endpoint"},
  };
  return endpoints;
}

// Loopback is not an authorisation: every endpoint but the readiness probe answers 401 without the
// admin token, and with a wrong one, whatever the path; the token is accepted in Kong-Admin-Token
// and as a bearer.
TEST(GatewayEdge, TheAdminApiAnswers401WithoutItsToken) {
  auto dir = TestDir("admin-token");
  Backend b(dir, "b");
  Gateway gw(dir, SecretsConfig(b.port()));
  const std::string target = "/upstreams/shop-upstream/targets/" + b.target();
  auto endpoints = AdminEndpoints();
  endpoints.emplace_back("POST", target + "/unhealthy");
  endpoints.emplace_back("POST", target + "/healthy");
  for (const auto& [method, path] : endpoints) {
    for (const Headers& headers : {Headers{}, Headers{{"Kong-Admin-Token", "not-the-token-at-all"}},
                                   Headers{{"Authorization", "Bearer " + gw.admin_token() + "x"}},
                                   Headers{{"Authorization", "Basic " + gw.admin_token()}}}) {
      auto r = gw.AdminAs(method, path, headers, method == "POST" ? SecretsConfig(b.port()) : "");
      EXPECT_EQ(r.status, 401) << method << " " << path << ": " << r.body;
      EXPECT_EQ(JsonString(ParseJson(r.body), {"code"}), "gateway.admin_unauthorized") << path << ": " << r.body;
      EXPECT_EQ(r.headers["www-authenticate"], "Bearer realm=\"comptoir-gateway-admin\"") << path;
      for (const auto& secret : kSecrets) EXPECT_EQ(r.body.find(secret), std::string::npos) << path;
    }
  }
  // Nothing changed: the target is still healthy, and the configuration is the one loaded.
  EXPECT_EQ(gw.Health("shop-upstream", b.target()), "HEALTHY");
  EXPECT_EQ(gw.LogLines("\"msg\":\"configuration changed\"").size(), 1U);

  auto ready = gw.AdminAs("GET", "/status/ready", {});
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(JsonString(ParseJson(ready.body), {"message"}), "ready");

  EXPECT_EQ(gw.AdminAs("GET", "/status", {{"Kong-Admin-Token", gw.admin_token()}}).status, 200);
  EXPECT_EQ(gw.AdminAs("GET", "/status", {{"Authorization", "Bearer " + gw.admin_token()}}).status, 200);
}

// Without a credential the gateway does not start its Admin API (it exits, saying why); with
// --admin-listen off it runs without one.
TEST(GatewayEdge, TheGatewayNeedsAnAdminTokenToStart) {
  auto dir = TestDir("admin-required");
  WriteFile(dir / "kong.yml", "_format_version: \"3.0\"\n");
  const std::string admin = "127.0.0.1:" + std::to_string(t::FreePort());
  const std::string proxy = "127.0.0.1:" + std::to_string(t::FreePort());
  const auto log = (dir / "no-token.log").string();
  const int rc =
      t::RunComptoir({"gateway", "--config", (dir / "kong.yml").string(), "--listen", proxy, "--admin-listen", admin},
                     {{"COMPTOIR_GATEWAY_ADMIN_TOKEN", ""}}, log);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(ReadFile(log).find("the Admin API needs a credential"), std::string::npos) << ReadFile(log);
  const int short_rc =
      t::RunComptoir({"gateway", "--config", (dir / "kong.yml").string(), "--listen", proxy, "--admin-listen", admin},
                     {{"COMPTOIR_GATEWAY_ADMIN_TOKEN", "short"}}, log);
  EXPECT_EQ(short_rc, 2);

  // From a file (what scripts/platform.sh does): that token, and only it, opens the Admin API.
  WriteFile(dir / "admin-token", "token-from-a-file-0123456789\n");
  Gateway from_file(dir, "_format_version: \"3.0\"\n", 1, "from-file",
                    {{"COMPTOIR_GATEWAY_ADMIN_TOKEN_FILE", (dir / "admin-token").string()}});
  EXPECT_EQ(from_file.AdminAs("GET", "/status", {{"Kong-Admin-Token", "token-from-a-file-0123456789"}}).status, 200);
  EXPECT_EQ(from_file.AdminAs("GET", "/status", {{"Kong-Admin-Token", std::string(Gateway::kAdminToken)}}).status, 401);

  // No Admin API at all: no credential needed, the proxy runs.
  t::ProcessOptions off;
  off.path = RequiredEnv("COMPTOIR_BIN");
  off.args = {"gateway", "--config", (dir / "kong.yml").string(), "--listen", proxy, "--admin-listen", "off"};
  off.env = {{"COMPTOIR_GATEWAY_ADMIN_TOKEN", ""}};
  off.log_file = (dir / "admin-off.log").string();
  t::ChildProcess process(std::move(off));
  const int proxy_port = std::atoi(proxy.substr(proxy.rfind(':') + 1).c_str());
  ASSERT_TRUE(WaitUntilServing(process, {{proxy_port, ""}})) << ReadFile(dir / "admin-off.log");
  EXPECT_EQ(t::Http(static_cast<std::uint16_t>(proxy_port), "GET", "/x").status, 404);
  EXPECT_FALSE(t::WaitForPort(std::atoi(admin.substr(admin.rfind(':') + 1).c_str()), 300ms));
}

// No answer of the Admin API shows a secret: GET /config, the entities, the plugins, the answer to
// POST /config; where a secret was, "[redacted]".
TEST(GatewayEdge, AdminAnswersNeverShowASecret) {
  auto dir = TestDir("admin-redacted");
  Backend b(dir, "b");
  Gateway gw(dir, SecretsConfig(b.port()));
  // The configuration works with its secrets (the key is accepted, the token sent upstream).
  auto proxied = gw.Get("/api/v1/shop/x", {{"X-API-Key", "web-key-0003"}});
  ASSERT_EQ(proxied.status, 200) << proxied.body;
  EXPECT_EQ(JsonString(ParseJson(proxied.body), {"headers", "x-service-token"}), "svc-token-0001");

  std::vector<std::pair<std::string, t::HttpResult>> answers;
  for (const auto& [method, path] : AdminEndpoints()) {
    if (method == "GET") answers.emplace_back(path, gw.Admin("GET", path));
  }
  answers.emplace_back("POST /config", gw.PostConfig(SecretsConfig(b.port())));
  for (const auto& [path, r] : answers) {
    for (const auto& secret : kSecrets) EXPECT_EQ(r.body.find(secret), std::string::npos) << path << ": " << secret;
  }
  auto config = gw.Admin("GET", "/config");
  ASSERT_EQ(config.status, 200);
  auto shown = ParseJson(JsonString(ParseJson(config.body), {"config"}));
  ASSERT_TRUE(shown.is_object()) << config.body;
  EXPECT_EQ(shown.at("consumers").at(0).at("keyauth_credentials").at(0).at("key"), "[redacted]");
  EXPECT_EQ(shown.at("consumers").at(0).at("jwt_secrets").at(0).at("secret"), "[redacted]");
  EXPECT_EQ(shown.at("plugins").at(1).at("config").at("redis").at("password"), "[redacted]");
  const auto& added = shown.at("services").at(0).at("routes").at(0).at("plugins").at(0).at("config").at("add");
  EXPECT_EQ(added.at("headers"), (json::array{"X-Service-Token:[redacted]", "X-Channel:web"}));
  EXPECT_EQ(shown.at("consumers").at(0).at("username"), "web") << "only secrets are hidden";
}

// A configuration posted to the Admin API substitutes only the variables the operator allowed
// (COMPTOIR_GATEWAY_CONFIG_VARIABLES): a posted ${COMPTOIR_AUTH_JWT_SECRET} would read the signing
// secret into a header the client sees. The operator's own file may use any variable.
TEST(GatewayEdge, APostedConfigurationSubstitutesOnlyAllowedVariables) {
  auto dir = TestDir("admin-variables");
  Backend b(dir, "b");
  const std::string secret = "the-signing-secret-0123456789abcdef";
  const std::string leak = Fill(R"(_format_version: "3.0"
services:
  - name: shop
    url: http://127.0.0.1:{PORT}
    routes:
      - name: shop
        paths: [/api/v1/shop]
        strip_path: false
        plugins:
          - name: response-transformer
            config:
              add:
                headers: ["X-Leak:${COMPTOIR_AUTH_JWT_SECRET}"]
)",
                                {{"PORT", std::to_string(b.port())}});
  // The file may use it (here, to show it is substituted there; a real file puts it in jwt_secrets).
  Gateway gw(dir, leak, 2, "gateway",
             {{"COMPTOIR_AUTH_JWT_SECRET", secret},
              {"BACKEND_PORT", std::to_string(b.port())},
              {"COMPTOIR_GATEWAY_CONFIG_VARIABLES", "BACKEND_PORT, OTHER"}});
  ASSERT_EQ(gw.Get("/api/v1/shop/x").headers["x-leak"], secret);
  const auto loaded_hash = JsonString(ParseJson(gw.Admin("GET", "/status").body), {"configuration_hash"});

  auto refused = gw.PostConfig(leak);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.body.find(secret), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("${COMPTOIR_AUTH_JWT_SECRET}"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("COMPTOIR_GATEWAY_CONFIG_VARIABLES"), std::string::npos) << refused.body;
  EXPECT_EQ(JsonString(ParseJson(gw.Admin("GET", "/status").body), {"configuration_hash"}), loaded_hash)
      << "the refused configuration changed something";

  // An allowed variable is substituted; a literal $${...} stays a literal.
  std::string allowed = leak;
  allowed.replace(allowed.find("${COMPTOIR_AUTH_JWT_SECRET}"), std::string("${COMPTOIR_AUTH_JWT_SECRET}").size(),
                  "$${COMPTOIR_AUTH_JWT_SECRET}");
  allowed.replace(allowed.find(std::to_string(b.port())), std::to_string(b.port()).size(), "${BACKEND_PORT}");
  auto accepted = gw.PostConfig(allowed);
  ASSERT_EQ(accepted.status, 201) << accepted.body;
  auto r = gw.Get("/api/v1/shop/x");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-leak"], "${COMPTOIR_AUTH_JWT_SECRET}");
}

// Each change of configuration is one log line: who (the Admin API client and which credential, or
// the process and its file), when (the line's time), the new hash and the one before.
TEST(GatewayEdge, EveryConfigurationChangeIsLoggedWithWhoAndTheNewHash) {
  auto dir = TestDir("admin-audit");
  Backend b(dir, "b");
  Gateway gw(dir, SingleRoute(b.port()));
  auto hash = [&] { return JsonString(ParseJson(gw.Admin("GET", "/status").body), {"configuration_hash"}); };
  const std::string first = hash();
  ASSERT_EQ(gw.PostConfig(SingleRoute(b.port()) + "        tags: [posted]\n").status, 201);
  const std::string second = hash();
  ASSERT_NE(first, second);
  ASSERT_EQ(gw.PostConfig("_format_version: \"3.0\"\nservices: 3\n").status, 400);
  gw.ReloadFile(SingleRoute(b.port()));
  ASSERT_TRUE(Eventually([&] { return hash() == first; }));

  const auto changes = gw.LogLines("\"msg\":\"configuration changed\"");
  ASSERT_EQ(changes.size(), 3U);
  auto line = [](const std::string& text) { return ParseJson(text); };
  EXPECT_EQ(JsonString(line(changes[0]), {"source"}), "start");
  EXPECT_EQ(JsonString(line(changes[0]), {"hash"}), first);
  const auto posted = line(changes[1]);
  EXPECT_EQ(JsonString(posted, {"source"}), "admin api");
  EXPECT_NE(JsonString(posted, {"who"}).find("127.0.0.1"), std::string::npos) << changes[1];
  EXPECT_NE(JsonString(posted, {"who"}).find("sha256:"), std::string::npos) << changes[1];
  EXPECT_EQ(JsonString(posted, {"who"}).find(gw.admin_token()), std::string::npos) << changes[1];
  EXPECT_EQ(JsonString(posted, {"hash"}), second);
  EXPECT_EQ(JsonString(posted, {"previous_hash"}), first);
  EXPECT_FALSE(JsonString(posted, {"ts"}).empty());
  EXPECT_EQ(JsonString(line(changes[2]), {"source"}), "SIGHUP");
  EXPECT_EQ(JsonString(line(changes[2]), {"hash"}), first);
  EXPECT_EQ(gw.LogLines("\"msg\":\"configuration refused\"").size(), 1U);
}

// --- 4. Rate limits per client IP, and who the client is ----------------------------------------

/// The sign-in route of deploy/kong.yml, its per-IP budget a minute long here (a test cannot count
/// on staying inside one second), in Redis; the names are unique, so the counters are this test's.
std::string SignInConfig(int port, int minute_limit, const std::string& extra = "") {
  return Fill(R"(_format_version: "3.0"
services:
  - name: {SERVICE}
    url: http://127.0.0.1:{PORT}
    routes:
      - name: {ROUTE}
        paths: [/api/v1/auth]
        strip_path: false
        plugins:
          - name: rate-limiting
            config:
              minute: {LIMIT}
              limit_by: ip
              policy: redis
              fault_tolerant: false
              redis: {host: 127.0.0.1, port: {REDIS}}
)",
              {{"SERVICE", Unique("auth-svc")},
               {"ROUTE", Unique("auth-route")},
               {"PORT", std::to_string(port)},
               {"LIMIT", std::to_string(minute_limit)},
               {"REDIS", std::to_string(t::RedisPort())}}) +
         extra;
}

/// Waits, if needed, so that the next few seconds fall in one minute window.
void AwayFromAMinuteBoundary() {
  while (std::time(nullptr) % 60 >= 45) std::this_thread::sleep_for(500ms);
}

// Thirty wrong sign-ins from one address: the first ones reach the service, the rest are cut with
// Kong's 429; meanwhile another address signs in normally.
TEST(GatewayEdge, SignInsAreLimitedPerClientAddress) {
  auto dir = TestDir("per-ip");
  Backend customer(dir, "customer");
  Gateway gw(dir, SignInConfig(customer.port(), 5));
  AwayFromAMinuteBoundary();
  int passed = 0;
  int limited = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = HttpFrom("127.0.0.2", gw.proxy(), "POST", "/api/v1/auth/login", {},
                      R"({"email":"victim)" + std::to_string(i) + R"(@example.com","password":"guess"})");
    if (r.status == 200) {
      ++passed;
      EXPECT_EQ(JsonString(ParseJson(r.body), {"headers", "x-real-ip"}), "127.0.0.2");
    } else {
      ASSERT_EQ(r.status, 429) << r.body;
      ++limited;
      EXPECT_EQ(JsonString(ParseJson(r.body), {"message"}), "API rate limit exceeded");
      EXPECT_FALSE(r.headers["retry-after"].empty());
    }
  }
  EXPECT_EQ(passed, 5);
  EXPECT_EQ(limited, 25);
  auto other = HttpFrom("127.0.0.3", gw.proxy(), "POST", "/api/v1/auth/login", {}, R"({"email":"a@b.c"})");
  EXPECT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.headers["x-ratelimit-remaining-minute"], "4");
  // A forged X-Forwarded-For or X-Real-IP from a client that is no trusted proxy changes nothing.
  auto forged = HttpFrom("127.0.0.2", gw.proxy(), "POST", "/api/v1/auth/login",
                         {{"X-Forwarded-For", "203.0.113.9"}, {"X-Real-IP", "203.0.113.9"}}, "{}");
  EXPECT_EQ(forged.status, 429) << forged.body;
}

// Behind a load balancer that the gateway trusts, the client is the address the balancer put in
// X-Forwarded-For (walking back past trusted proxies); two gateways share each client's budget
// through Redis; what reaches the upstream says who the client is and who forwarded it.
TEST(GatewayEdge, BehindATrustedProxyTheForwardedAddressIsTheClient) {
  auto dir = TestDir("trusted-proxy");
  Backend customer(dir, "customer");
  const std::string config = SignInConfig(customer.port(), 4);
  const std::vector<std::string> behind_lb = {"--trusted-ips",   "127.0.0.1,10.0.0.0/8", "--real-ip-header",
                                              "X-Forwarded-For", "--real-ip-recursive",  "on"};
  Gateway gw_a(dir, config, 2, "gateway-a", {}, behind_lb);
  Gateway gw_b(dir, config, 2, "gateway-b", {}, behind_lb);
  AwayFromAMinuteBoundary();
  // The balancer (127.0.0.1) forwards for 198.51.100.7, through an inner proxy 10.0.0.3; the client
  // itself had written a forged first address.
  const Headers shopper_a = {{"X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.0.0.3"}, {"X-Forwarded-Proto", "https"}};
  const Headers shopper_b = {{"X-Forwarded-For", "198.51.100.8"}};
  int passed = 0;
  for (int i = 0; i < 8; ++i) {
    const Gateway& gw = i % 2 == 0 ? gw_a : gw_b;
    auto r = HttpFrom("127.0.0.1", gw.proxy(), "POST", "/api/v1/auth/login", shopper_a, "{}");
    if (r.status == 200) {
      ++passed;
      const auto echoed = ParseJson(r.body);
      EXPECT_EQ(JsonString(echoed, {"headers", "x-real-ip"}), "198.51.100.7");
      EXPECT_EQ(JsonString(echoed, {"headers", "x-forwarded-for"}), "1.1.1.1, 198.51.100.7, 10.0.0.3, 127.0.0.1");
      EXPECT_EQ(JsonString(echoed, {"headers", "x-forwarded-proto"}), "https") << "a trusted proxy's is kept";
    } else {
      EXPECT_EQ(r.status, 429) << r.body;
    }
  }
  EXPECT_EQ(passed, 4) << "the two gateways did not share the client's budget";
  EXPECT_EQ(HttpFrom("127.0.0.1", gw_b.proxy(), "POST", "/api/v1/auth/login", shopper_b, "{}").status, 200);

  // From an address that is no trusted proxy, X-Forwarded-* are the client's word: ignored.
  auto direct = HttpFrom(
      "127.0.0.5", gw_a.proxy(), "POST", "/api/v1/auth/login",
      {{"X-Forwarded-For", "198.51.100.8"}, {"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "evil.example"}},
      "{}");
  ASSERT_EQ(direct.status, 200) << direct.body;
  const auto echoed = ParseJson(direct.body);
  EXPECT_EQ(JsonString(echoed, {"headers", "x-real-ip"}), "127.0.0.5");
  EXPECT_EQ(JsonString(echoed, {"headers", "x-forwarded-proto"}), "http");
  EXPECT_EQ(JsonString(echoed, {"headers", "x-forwarded-host"}), "127.0.0.1:" + std::to_string(gw_a.proxy()));
}

// Kong's precedence decides each plugin's configuration with the consumer known when it runs: a
// consumer-scoped rate limit (the load tests' own budget) replaces the route's per-IP one even when
// jwt first identified another consumer and key-auth then the key's.
TEST(GatewayEdge, AConsumerScopedLimitWinsAfterJwtThenKeyAuth) {
  auto dir = TestDir("consumer-limit");
  Backend order(dir, "order");
  const std::string route = Unique("checkout");
  const std::string config = Fill(R"(_format_version: "3.0"
services:
  - name: order
    url: http://127.0.0.1:{PORT}
    routes:
      - name: {ROUTE}
        paths: [/api/v1/checkout]
        strip_path: false
        plugins:
          - name: jwt
          - name: rate-limiting
            config: {minute: 2, limit_by: ip, policy: local}
consumers:
  - username: accounts
    jwt_secrets:
      - {key: comptoir, secret: jwt-secret-for-this-test}
  - username: load-tests
    keyauth_credentials: [{key: load-key}]
  - username: web
    keyauth_credentials: [{key: web-key}]
plugins:
  - name: key-auth
    config: {key_names: [X-API-Key]}
  - name: rate-limiting
    consumer: load-tests
    route: {ROUTE}
    config: {minute: 1000, limit_by: consumer, policy: local}
)",
                                  {{"PORT", std::to_string(order.port())}, {"ROUTE", route}});
  Gateway gw(dir, config);
  AwayFromAMinuteBoundary();
  const std::string token = SignHs256({{"iss", "comptoir"}, {"sub", "42"}}, "jwt-secret-for-this-test");
  auto call = [&](const std::string& key) {
    return gw.Post("/api/v1/checkout", "{}", {{"Authorization", "Bearer " + token}, {"X-API-Key", key}});
  };
  for (int i = 0; i < 6; ++i) {
    auto r = call("load-key");
    EXPECT_EQ(r.status, 200) << i << ": " << r.body;
    EXPECT_EQ(r.headers["x-ratelimit-limit-minute"], "1000");
  }
  EXPECT_EQ(call("web-key").status, 200);
  EXPECT_EQ(call("web-key").status, 200);
  auto cut = call("web-key");
  EXPECT_EQ(cut.status, 429) << cut.body;
  EXPECT_EQ(cut.headers["x-ratelimit-limit-minute"], "2");
}

// --- 5. GET /health on the proxy port (request-termination on a route without a service) ------

TEST(GatewayEdge, HealthIsAnsweredByTheGatewayWithoutAKey) {
  auto dir = TestDir("health");
  Gateway gw(dir, R"(_format_version: "3.0"
routes:
  - name: gateway-health
    paths: ["~/health$"]
    methods: [GET, HEAD]
    plugins:
      - name: request-termination
        config:
          status_code: 200
          content_type: application/json
          body: '{"status":"ok","service":"gateway"}'
      - name: key-auth
        config: {key_names: [X-API-Key], anonymous: health-probe}
  - name: no-service
    paths: [/nowhere]
consumers:
  - username: health-probe
plugins:
  - name: key-auth
    config: {key_names: [X-API-Key]}
)");
  auto health = gw.Get("/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.body, R"({"status":"ok","service":"gateway"})");
  EXPECT_EQ(health.headers["content-type"], "application/json");
  EXPECT_EQ(gw.Get("/healthz").status, 404);
  EXPECT_EQ(gw.Get("/nowhere").status, 401) << "global key-auth still guards other routes";
  EXPECT_EQ(gw.Get("/nowhere", {{"X-API-Key", "nope"}}).status, 401);
}

}  // namespace
