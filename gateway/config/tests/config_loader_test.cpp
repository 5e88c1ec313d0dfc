#include "comptoir/gateway/config_loader.hpp"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "comptoir/gateway/jwt_key.hpp"
#include "comptoir/gateway/plugins/test_keys.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::gateway {
namespace {

namespace json = boost::json;

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// What the gateway gives plugins at creation (prometheus needs the metrics registry).
const PluginEnv& TestEnv() {
  static metrics::Registry registry;
  static const PluginEnv env = [] {
    PluginEnv e;
    e.registry = &registry;
    e.node_id = "test-node";
    return e;
  }();
  return env;
}

LoadResult Load(std::string_view text, std::map<std::string, std::string> vars = {}) {
  return LoadDeclarative(text, TestEnv(), Env(std::move(vars)));
}

std::string Dump(const std::vector<ConfigIssue>& issues) {
  return IssuesToText(issues);
}

// True when some issue has this entity, entity name and field (and a message containing `text`).
bool HasIssue(const LoadResult& r, std::string_view entity, std::string_view name, std::string_view field,
              std::string_view text = "") {
  return std::any_of(r.issues.begin(), r.issues.end(), [&](const ConfigIssue& i) {
    return i.entity == entity && i.entity_name == name && i.field == field && i.message.find(text) != std::string::npos;
  });
}

constexpr std::string_view kKongYml = R"yaml(
_format_version: "3.0"
_transform: true
_comment: Comptoir's gateway, as a Kong DB-less file

services:
  - name: products
    url: http://127.0.0.1:8101/api
    retries: 3
    read_timeout: 15000
    tags: [catalog]
    routes:
      - name: products-api
        paths: [/api/v1/products]
        methods: [GET, POST]
        plugins:
          - name: rate-limiting
            config:
              minute: 600
              policy: local
      - name: product-by-sku
        paths: ["~/api/v1/skus/(?<sku>[A-Z0-9-]+)$"]
        regex_priority: 10
        strip_path: false
    plugins:
      - name: key-auth
        config:
          key_names: [apikey, x-api-key]
          hide_credentials: true
  - name: cart
    host: cart-upstream
    port: 8102
    protocol: http
    routes:
      - name: cart-api
        hosts: [Shop.Example.com, "*.example.org"]
        headers:
          X-Version: [v1, v2]
        paths: [/api/v1/cart]
        preserve_host: true
  - name: secure
    url: https://payments.internal/v2/

routes:
  - name: payments
    service: secure
    paths: [/api/v1/payments]
    path_handling: v1

upstreams:
  - name: cart-upstream
    algorithm: least-connections
    healthchecks:
      threshold: 50
      active:
        http_path: /health
        timeout: 2
        healthy:
          interval: 5
          successes: 2
        unhealthy:
          interval: 3
          http_failures: 3
          timeouts: 2
      passive:
        unhealthy:
          tcp_failures: 2
    targets:
      - target: 127.0.0.1:8201
        weight: 50
      - target: 127.0.0.1:8202
      - target: cart-3.internal

targets:
  - target: 127.0.0.1:8203
    upstream: cart-upstream
    weight: 0

consumers:
  - username: cashier
    custom_id: emp-001
    keyauth_credentials:
      - key: ${CASHIER_KEY}
    jwt_secrets:
      - key: cashier-issuer
        secret: ${JWT_SECRET}
  - username: manager
    keyauth_credentials:
      - {}
  - custom_id: kiosk-7

keyauth_credentials:
  - consumer: manager
    key: manager-key-2

plugins:
  - name: correlation-id
    config:
      header_name: X-Request-ID
      echo_downstream: true
  - name: prometheus
  - name: cors
    service: products
    config:
      origins: ["https://shop.example.com"]
      credentials: true
  - name: rate-limiting
    consumer: cashier
    route: products-api
    config:
      minute: 6000
)yaml";

const std::map<std::string, std::string> kVars = {{"CASHIER_KEY", "cashier-secret-key"},
                                                  {"JWT_SECRET", "jwt-shared-secret"}};

TEST(LoadDeclarative, RealisticFileLoadsWithKongDefaults) {
  auto r = Load(kKongYml, kVars);
  ASSERT_TRUE(r.issues.empty()) << Dump(r.issues);
  ASSERT_NE(r.config, nullptr);
  const Config& c = *r.config;
  EXPECT_EQ(c.format_version, "3.0");

  ASSERT_EQ(c.services.size(), 3U);
  const auto& products = c.services[0];
  EXPECT_EQ(products.name, "products");
  EXPECT_EQ(products.protocol, "http");
  EXPECT_EQ(products.host, "127.0.0.1");
  EXPECT_EQ(products.port, 8101);
  EXPECT_EQ(products.path, "/api");
  EXPECT_EQ(products.retries, 3);
  EXPECT_EQ(products.read_timeout.count(), 15000);
  EXPECT_EQ(products.connect_timeout.count(), 60000);
  EXPECT_EQ(products.write_timeout.count(), 60000);
  EXPECT_EQ(products.tags, std::vector<std::string>{"catalog"});
  const auto& cart = c.services[1];
  EXPECT_EQ(cart.host, "cart-upstream");
  EXPECT_EQ(cart.port, 8102);
  EXPECT_EQ(cart.retries, 5);
  EXPECT_TRUE(cart.path.empty());
  const auto& secure = c.services[2];
  EXPECT_EQ(secure.protocol, "https");
  EXPECT_EQ(secure.port, 443);
  EXPECT_EQ(secure.path, "/v2/");
  // The Admin API view: url expanded, defaults filled, nested lists not repeated.
  EXPECT_FALSE(products.source.as_object().contains("url"));
  EXPECT_FALSE(products.source.as_object().contains("routes"));
  EXPECT_EQ(products.source.at("port").as_int64(), 8101);
  EXPECT_EQ(products.source.at("write_timeout").as_int64(), 60000);
  EXPECT_EQ(products.source.at("id").as_string(), products.id);

  ASSERT_EQ(c.routes.size(), 4U);
  const auto& api = c.routes[0];
  EXPECT_EQ(api.name, "products-api");
  EXPECT_EQ(api.service, 0);
  EXPECT_EQ(api.methods, (std::vector<std::string>{"GET", "POST"}));
  ASSERT_EQ(api.paths.size(), 1U);
  EXPECT_FALSE(api.paths[0].is_regex);
  EXPECT_EQ(api.paths[0].value, "/api/v1/products");
  EXPECT_TRUE(api.strip_path);
  EXPECT_FALSE(api.preserve_host);
  EXPECT_EQ(api.path_handling, "v0");
  EXPECT_EQ(api.regex_priority, 0);
  EXPECT_EQ(api.https_redirect_status_code, 426);
  EXPECT_EQ(api.protocols, (std::vector<std::string>{"http", "https"}));
  EXPECT_EQ(api.source.at("service").at("id").as_string(), products.id);

  const auto& sku = c.routes[1];
  ASSERT_EQ(sku.paths.size(), 1U);
  EXPECT_TRUE(sku.paths[0].is_regex);
  EXPECT_EQ(sku.paths[0].value, "/api/v1/skus/(?<sku>[A-Z0-9-]+)$");
  ASSERT_NE(sku.paths[0].regex, nullptr);
  EXPECT_TRUE(std::regex_search("/api/v1/skus/AB-12", *sku.paths[0].regex));
  EXPECT_FALSE(std::regex_search("/x/api/v1/skus/AB-12", *sku.paths[0].regex)) << "anchored at the start";
  EXPECT_EQ(sku.regex_priority, 10);
  EXPECT_FALSE(sku.strip_path);

  const auto& cart_api = c.routes[2];
  EXPECT_EQ(cart_api.service, 1);
  EXPECT_EQ(cart_api.hosts, (std::vector<std::string>{"shop.example.com", "*.example.org"}));
  ASSERT_EQ(cart_api.headers.size(), 1U);
  EXPECT_EQ(cart_api.headers[0].first, "x-version");
  EXPECT_EQ(cart_api.headers[0].second, (std::vector<std::string>{"v1", "v2"}));
  EXPECT_TRUE(cart_api.preserve_host);
  EXPECT_EQ(c.routes[3].name, "payments");
  EXPECT_EQ(c.routes[3].service, 2);
  EXPECT_EQ(c.routes[3].path_handling, "v1");

  ASSERT_EQ(c.upstreams.size(), 1U);
  const auto& up = c.upstreams[0];
  EXPECT_EQ(up.name, "cart-upstream");
  EXPECT_EQ(up.algorithm, "least-connections");
  EXPECT_EQ(up.slots, 10000);
  EXPECT_EQ(up.hash_on, "none");
  EXPECT_EQ(up.hash_on_cookie_path, "/");
  const auto& hc = up.healthchecks;
  EXPECT_EQ(hc.threshold, 50);
  EXPECT_EQ(hc.active.http_path, "/health");
  EXPECT_EQ(hc.active.timeout, 2);
  EXPECT_EQ(hc.active.concurrency, 10);
  EXPECT_EQ(hc.active.type, "http");
  EXPECT_EQ(hc.active.healthy.interval, 5);
  EXPECT_EQ(hc.active.healthy.successes, 2);
  EXPECT_EQ(hc.active.healthy.http_statuses, (std::vector<int>{200, 302}));
  EXPECT_EQ(hc.active.unhealthy.interval, 3);
  EXPECT_EQ(hc.active.unhealthy.http_failures, 3);
  EXPECT_EQ(hc.active.unhealthy.timeouts, 2);
  EXPECT_EQ(hc.active.unhealthy.tcp_failures, 0);
  EXPECT_EQ(hc.active.unhealthy.http_statuses, (std::vector<int>{429, 404, 500, 501, 502, 503, 504, 505}));
  EXPECT_EQ(hc.passive.unhealthy.tcp_failures, 2);
  EXPECT_EQ(hc.passive.unhealthy.http_statuses, (std::vector<int>{429, 500, 503}));
  EXPECT_EQ(hc.passive.healthy.http_statuses.size(), 19U);
  EXPECT_TRUE(hc.ActiveEnabled());
  EXPECT_TRUE(hc.PassiveEnabled());
  EXPECT_EQ(up.source.at("healthchecks").at("active").at("healthy").at("successes").as_int64(), 2);
  EXPECT_EQ(up.source.at("healthchecks").at("passive").at("healthy").at("successes").as_int64(), 0);
  ASSERT_EQ(up.targets.size(), 4U);
  EXPECT_EQ(up.targets[0].target, "127.0.0.1:8201");
  EXPECT_EQ(up.targets[0].weight, 50);
  EXPECT_EQ(up.targets[1].weight, 100);
  EXPECT_EQ(up.targets[2].host, "cart-3.internal");
  EXPECT_EQ(up.targets[2].port, 8000) << "Kong's default target port";
  EXPECT_EQ(up.targets[2].target, "cart-3.internal:8000");
  EXPECT_EQ(up.targets[3].target, "127.0.0.1:8203");
  EXPECT_EQ(up.targets[3].weight, 0);
  EXPECT_EQ(c.upstream_by_name.at("cart-upstream"), 0);

  ASSERT_EQ(c.consumers.size(), 3U);
  EXPECT_EQ(c.consumers[0].username, "cashier");
  EXPECT_EQ(c.consumers[0].custom_id, "emp-001");
  EXPECT_EQ(c.consumers[2].custom_id, "kiosk-7");
  EXPECT_EQ(c.FindConsumer("cashier"), &c.consumers[0]);
  EXPECT_EQ(c.FindConsumer("emp-001"), &c.consumers[0]);
  EXPECT_EQ(c.FindConsumer(c.consumers[1].id), &c.consumers[1]);
  EXPECT_EQ(c.FindConsumer("nobody"), nullptr);

  ASSERT_EQ(c.keyauth_credentials.size(), 3U);
  EXPECT_EQ(c.keyauth_credentials[0].key, "cashier-secret-key") << "substituted from ${CASHIER_KEY}";
  EXPECT_EQ(c.consumer_by_key.at("cashier-secret-key"), 0);
  EXPECT_EQ(c.keyauth_credentials[1].consumer, 1);
  EXPECT_EQ(c.keyauth_credentials[1].key.size(), 32U) << "generated when absent";
  EXPECT_EQ(c.consumer_by_key.at("manager-key-2"), 1);
  EXPECT_EQ(c.credential_by_key.at("manager-key-2"), 2);
  ASSERT_EQ(c.jwt_secrets.size(), 1U);
  EXPECT_EQ(c.jwt_secrets[0].key, "cashier-issuer");
  EXPECT_EQ(c.jwt_secrets[0].secret, "jwt-shared-secret");
  EXPECT_EQ(c.jwt_secrets[0].algorithm, "HS256");
  EXPECT_EQ(c.jwt_by_key.at("cashier-issuer"), 0);

  ASSERT_EQ(c.plugins.size(), 6U);
  auto find_plugin = [&](std::string_view name, int service, int route, int consumer) -> const PluginInstance* {
    for (const auto& p : c.plugins) {
      if (p.name == name && p.service == service && p.route == route && p.consumer == consumer) return &p;
    }
    return nullptr;
  };
  const auto* route_rl = find_plugin("rate-limiting", -1, 0, -1);
  ASSERT_NE(route_rl, nullptr);
  EXPECT_EQ(route_rl->config.at("minute").to_number<double>(), 600);
  EXPECT_EQ(route_rl->config.at("policy").as_string(), "local");
  EXPECT_TRUE(route_rl->config.at("hour").is_null());
  EXPECT_NE(route_rl->plugin, nullptr);
  const auto* keyauth = find_plugin("key-auth", 0, -1, -1);
  ASSERT_NE(keyauth, nullptr);
  EXPECT_EQ(keyauth->config.at("key_names").as_array().size(), 2U);
  EXPECT_EQ(keyauth->protocols, (std::vector<std::string>{"grpc", "grpcs", "http", "https"}));
  EXPECT_TRUE(keyauth->enabled);
  EXPECT_NE(find_plugin("correlation-id", -1, -1, -1), nullptr);
  EXPECT_NE(find_plugin("prometheus", -1, -1, -1), nullptr);
  EXPECT_NE(find_plugin("cors", 0, -1, -1), nullptr);
  EXPECT_NE(find_plugin("rate-limiting", -1, 0, 0), nullptr);

  EXPECT_EQ(c.hash.size(), 32U);
}

TEST(LoadDeclarative, IdsAreDeterministicAndKongCompatible) {
  auto a = Load(kKongYml, kVars);
  auto b = Load(kKongYml, kVars);
  ASSERT_TRUE(a.issues.empty()) << Dump(a.issues);
  ASSERT_TRUE(b.issues.empty());
  for (std::size_t i = 0; i < a.config->services.size(); ++i)
    EXPECT_EQ(a.config->services[i].id, b.config->services[i].id);
  for (std::size_t i = 0; i < a.config->routes.size(); ++i) EXPECT_EQ(a.config->routes[i].id, b.config->routes[i].id);
  for (std::size_t i = 0; i < a.config->plugins.size(); ++i)
    EXPECT_EQ(a.config->plugins[i].id, b.config->plugins[i].id);
  for (std::size_t i = 0; i < a.config->consumers.size(); ++i) {
    EXPECT_EQ(a.config->consumers[i].id, b.config->consumers[i].id);
  }
  for (std::size_t i = 0; i < a.config->keyauth_credentials.size(); ++i) {
    EXPECT_EQ(a.config->keyauth_credentials[i].id, b.config->keyauth_credentials[i].id);
  }
  EXPECT_EQ(a.config->upstreams[0].targets[2].id, b.config->upstreams[0].targets[2].id);
  EXPECT_EQ(a.config->hash, b.config->hash);
  // UUID v5 in Kong's declarative namespace: a service named "products" has the id Kong gives it.
  const std::string& id = a.config->services[0].id;
  ASSERT_EQ(id.size(), 36U);
  EXPECT_EQ(id[14], '5');
  std::set<std::string> all;
  for (const auto& s : a.config->services) all.insert(s.id);
  for (const auto& r : a.config->routes) all.insert(r.id);
  for (const auto& p : a.config->plugins) all.insert(p.id);
  EXPECT_EQ(all.size(), a.config->services.size() + a.config->routes.size() + a.config->plugins.size());

  auto changed = Load(std::string(kKongYml) + "\n_comment_2: x\n", kVars);
  EXPECT_FALSE(changed.issues.empty());
  auto other = Load(std::string(kKongYml).replace(std::string(kKongYml).find("retries: 3"), 10, "retries: 4"), kVars);
  ASSERT_TRUE(other.issues.empty()) << Dump(other.issues);
  EXPECT_NE(other.config->hash, a.config->hash);
  EXPECT_EQ(other.config->services[0].id, a.config->services[0].id);
}

TEST(LoadDeclarative, GivenIdsAreKeptAndMustBeUuids) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - id: 0B8A5E4E-1B71-4C06-9D6A-6C2B0D3B4C11
    name: a
    host: a.internal
  - id: not-a-uuid
    name: b
    host: b.internal
)");
  EXPECT_TRUE(HasIssue(r, "services", "b", "id", "expected a valid UUID")) << Dump(r.issues);
  EXPECT_EQ(r.issues.size(), 1U) << Dump(r.issues);
}

TEST(LoadDeclarative, JsonDocumentsLoadToo) {
  auto r = Load(R"({"_format_version": "3.0",
    "services": [{"name": "s", "url": "http://s.internal:9000",
                  "routes": [{"name": "r", "paths": ["/s"], "strip_path": false}]}]})");
  ASSERT_TRUE(r.issues.empty()) << Dump(r.issues);
  EXPECT_EQ(r.config->services[0].port, 9000);
  EXPECT_FALSE(r.config->routes[0].strip_path);
}

TEST(LoadDeclarative, MissingFormatVersion) {
  auto r = Load("services: []\n");
  EXPECT_TRUE(HasIssue(r, "", "", "_format_version", "required field missing")) << Dump(r.issues);
  EXPECT_EQ(r.config, nullptr);
  auto bad = Load("_format_version: '4.0'\n");
  EXPECT_TRUE(HasIssue(bad, "", "", "_format_version", "expected one of: 1.1, 2.1, 3.0")) << Dump(bad.issues);
  // Unquoted 3.0 is a YAML float, not Kong's string.
  auto unquoted = Load("_format_version: 3.0\n");
  EXPECT_TRUE(HasIssue(unquoted, "", "", "_format_version", "expected a string")) << Dump(unquoted.issues);
}

TEST(LoadDeclarative, NotYamlIsOneIssue) {
  auto r = Load("_format_version: \"3.0\"\nservices: [\n");
  ASSERT_EQ(r.issues.size(), 1U);
  EXPECT_NE(r.issues[0].message.find("failed parsing declarative configuration"), std::string::npos);
  auto scalar = Load("just a string");
  ASSERT_EQ(scalar.issues.size(), 1U);
  EXPECT_EQ(scalar.config, nullptr);
}

TEST(LoadDeclarative, BadServiceUrl) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: nohost
    url: "http://"
  - name: noscheme
    url: "example.com/x"
  - name: badport
    url: "http://example.com:99999/"
  - name: grpc
    url: "grpc://example.com"
  - name: missing
    port: 80
)");
  EXPECT_TRUE(HasIssue(r, "services", "nohost", "url", "missing host in url")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "noscheme", "url", "missing scheme in url")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "badport", "url", "invalid port")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "grpc", "url", "not supported by this gateway")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "missing", "host", "required field missing")) << Dump(r.issues);
}

TEST(LoadDeclarative, ServiceRanges) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: s.internal
    retries: 40000
    connect_timeout: 0
    protocol: ftp
)");
  EXPECT_TRUE(HasIssue(r, "services", "s", "retries", "between 0 and 32767")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "s", "connect_timeout", "between 1 and 2147483646")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "s", "protocol", "expected one of")) << Dump(r.issues);
}

TEST(LoadDeclarative, RouteWithoutMatchers) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: s.internal
    routes:
      - name: nothing
        strip_path: true
)");
  EXPECT_TRUE(HasIssue(r, "routes", "nothing", "", "must set one of 'methods', 'hosts', 'headers', 'paths'"))
      << Dump(r.issues);
  auto body = json::parse(IssuesToKongBody(r.issues));
  const auto& errors = body.at("flattened_errors").at(0).at("errors").at(0);
  EXPECT_EQ(errors.at("type").as_string(), "entity");
}

TEST(LoadDeclarative, BadRegexAndPaths) {
  auto r = Load(R"(
_format_version: "3.0"
routes:
  - name: r1
    paths: ["~/orders/(\\d+", "orders", "/ok"]
    methods: [get]
    hosts: ["*.a.*"]
    headers:
      Host: [x]
)");
  EXPECT_TRUE(HasIssue(r, "routes", "r1", "paths[1]", "invalid regex")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "routes", "r1", "paths[2]", "should start with: /")) << Dump(r.issues);
  EXPECT_FALSE(HasIssue(r, "routes", "r1", "paths[3]"));
  EXPECT_TRUE(HasIssue(r, "routes", "r1", "methods[1]", "invalid value: get")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "routes", "r1", "hosts[1]", "at most one wildcard")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "routes", "r1", "headers", "cannot contain 'host' header")) << Dump(r.issues);
}

TEST(LoadDeclarative, OldFormatRegexPathsGetTilde) {
  auto r = Load(R"(
_format_version: "2.1"
routes:
  - name: r
    paths: ["/users/\\d+$", "/plain"]
)");
  ASSERT_TRUE(r.issues.empty()) << Dump(r.issues);
  EXPECT_TRUE(r.config->routes[0].paths[0].is_regex);
  EXPECT_FALSE(r.config->routes[0].paths[1].is_regex);
}

TEST(LoadDeclarative, UnknownPluginAndBadPluginConfig) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: s.internal
    plugins:
      - name: acme-magic
      - name: rate-limiting
        config:
          minute: "many"
          policy: cluster
          frobnicate: true
plugins:
  - name: correlation-id
    config:
      nonsense: 1
)");
  EXPECT_TRUE(HasIssue(r, "plugins", "acme-magic", "name", "plugin 'acme-magic' not enabled")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "plugins", "rate-limiting", "config.minute", "expected a number")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "plugins", "rate-limiting", "config.policy", "expected one of")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "plugins", "rate-limiting", "config.frobnicate", "unknown field")) << Dump(r.issues);
  // Reported once even though the factory also rejects unknown fields.
  auto count = std::count_if(r.issues.begin(), r.issues.end(),
                             [](const ConfigIssue& i) { return i.field == "config.nonsense"; });
  EXPECT_EQ(count, 1) << Dump(r.issues);
}

TEST(LoadDeclarative, DanglingReferences) {
  auto r = Load(R"(
_format_version: "3.0"
routes:
  - name: r
    service: ghost
    paths: [/r]
plugins:
  - name: cors
    route: nowhere
keyauth_credentials:
  - consumer: nobody
    key: k
targets:
  - upstream: no-such-upstream
    target: 10.0.0.1:80
)");
  EXPECT_TRUE(HasIssue(r, "routes", "r", "service", "invalid reference 'service: ghost' (no such entry in 'services')"))
      << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "plugins", "cors", "route", "no such entry in 'routes'")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "keyauth_credentials", "#1", "consumer", "no such entry in 'consumers'")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "targets", "10.0.0.1:80", "upstream", "no such entry in 'upstreams'")) << Dump(r.issues);
}

TEST(LoadDeclarative, ReferencesByIdWork) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - id: 9748f662-7711-4a90-8186-dc02f10eb0f5
    host: s.internal
routes:
  - service: 9748f662-7711-4a90-8186-dc02f10eb0f5
    paths: [/r]
  - service: {id: 9748f662-7711-4a90-8186-dc02f10eb0f5}
    paths: [/q]
)");
  ASSERT_TRUE(r.issues.empty()) << Dump(r.issues);
  EXPECT_EQ(r.config->routes[0].service, 0);
  EXPECT_EQ(r.config->routes[1].service, 0);
}

TEST(LoadDeclarative, NestedEntitiesCannotNameTheirParent) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: s.internal
    routes:
      - name: r
        service: s
        paths: [/r]
)");
  EXPECT_TRUE(HasIssue(r, "routes", "r", "service", "value must be null")) << Dump(r.issues);
}

TEST(LoadDeclarative, Duplicates) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: a.internal
  - name: s
    host: b.internal
routes:
  - name: r
    paths: [/a]
  - name: r
    paths: [/b]
upstreams:
  - name: u
  - name: u
consumers:
  - username: alice
    keyauth_credentials:
      - key: same-key
  - username: alice
  - username: bob
    keyauth_credentials:
      - key: same-key
plugins:
  - name: cors
  - name: cors
)");
  EXPECT_TRUE(HasIssue(r, "services", "s", "name", "uniqueness violation")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "routes", "r", "name", "uniqueness violation")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "u", "name", "uniqueness violation")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "consumers", "alice", "username", "uniqueness violation")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "keyauth_credentials", "#2", "key", "uniqueness violation")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "plugins", "cors", "name", "more than once on the same scope (global)")) << Dump(r.issues);
  // The duplicate key itself is a secret: it must not be echoed.
  for (const auto& i : r.issues) EXPECT_EQ(i.message.find("same-key"), std::string::npos) << i.message;
}

TEST(LoadDeclarative, TargetsAndUpstreamRules) {
  auto r = Load(R"(
_format_version: "3.0"
upstreams:
  - name: u1
    targets:
      - target: 10.0.0.1:99999
      - target: 10.0.0.2:80
        weight: 70000
      - target: 10.0.0.3:80
      - target: 10.0.0.3:80
  - name: u2:8080
  - name: 10.1.1.1
  - name: hashed
    hash_on: header
    healthchecks:
      active:
        concurrency: 0
        healthy:
          successes: 300
          http_statuses: [99]
      threshold: 101
  - name: slow
    algorithm: latency
)");
  EXPECT_TRUE(HasIssue(r, "targets", "10.0.0.1:99999", "target", "Invalid target")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "targets", "10.0.0.2:80", "weight", "between 0 and 65535")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "targets", "10.0.0.3:80", "target", "duplicate target")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "u2:8080", "name", "no port allowed")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "10.1.1.1", "name", "no ip addresses allowed")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "hashed", "hash_on_header", "required field missing")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "hashed", "healthchecks.active.concurrency", "between")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "hashed", "healthchecks.active.healthy.successes", "between 0 and 255"))
      << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "hashed", "healthchecks.active.healthy.http_statuses[1]", "between 100 and 999"))
      << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "hashed", "healthchecks.threshold", "between")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "upstreams", "slow", "algorithm", "not supported by this gateway")) << Dump(r.issues);
}

TEST(LoadDeclarative, HashOnImpliesConsistentHashing) {
  auto r = Load(R"(
_format_version: "3.0"
upstreams:
  - name: sticky
    hash_on: header
    hash_on_header: X-Cart-Id
    hash_fallback: ip
)");
  ASSERT_TRUE(r.issues.empty()) << Dump(r.issues);
  EXPECT_EQ(r.config->upstreams[0].algorithm, "consistent-hashing");
  EXPECT_EQ(r.config->upstreams[0].hash_on_header, "X-Cart-Id");
  EXPECT_EQ(r.config->upstreams[0].source.at("algorithm").as_string(), "consistent-hashing");
}

TEST(LoadDeclarative, ConsumersAndCredentialRules) {
  auto r = Load(R"(
_format_version: "3.0"
consumers:
  - tags: [nameless]
  - username: c
    jwt_secrets:
      - key: iss-1
        algorithm: RS256
      - key: iss-2
        algorithm: XX
      - key: iss-3
        algorithm: EdDSA
        rsa_public_key: not a key
)");
  EXPECT_TRUE(HasIssue(r, "consumers", "#1", "", "at least one of these fields must be non-empty")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "jwt_secrets", "#1", "rsa_public_key", "required field missing")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "jwt_secrets", "#2", "algorithm", "expected one of")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "jwt_secrets", "#3", "rsa_public_key", "invalid key: not a PEM public key"))
      << Dump(r.issues);
  EXPECT_EQ(r.issues.size(), 4U) << Dump(r.issues);
}

// The asymmetric algorithms of Kong's jwt_secrets, with the PEM from the environment (a multi-line
// value: substitution happens on the parsed scalar, so line breaks survive).
TEST(LoadDeclarative, AsymmetricJwtSecretsTakeAPemFromTheEnvironment) {
  auto ed = testing::GenerateKey("ED25519");
  auto p256 = testing::GenerateKey("EC", "P-256");
  auto rsa = testing::GenerateKey("RSA");
  const std::string doc = R"(
_format_version: "3.0"
consumers:
  - username: order
    jwt_secrets:
      - key: customer
        algorithm: EdDSA
        rsa_public_key: ${ED_PEM}
      - key: es
        algorithm: ES256
        rsa_public_key: "${EC_PEM}"
      - key: ps
        algorithm: PS256
        rsa_public_key: |
)";
  std::string rsa_pem = testing::PublicPem(rsa.get());
  std::string indented;
  for (std::size_t start = 0; start < rsa_pem.size();) {
    const auto end = rsa_pem.find('\n', start);
    indented += "          " + rsa_pem.substr(start, end - start) + "\n";
    start = end + 1;
  }
  auto r = Load(doc + indented, {{"ED_PEM", testing::PublicPem(ed.get())}, {"EC_PEM", testing::PublicPem(p256.get())}});
  ASSERT_TRUE(r.issues.empty()) << Dump(r.issues);
  ASSERT_EQ(r.config->jwt_secrets.size(), 3U);
  for (const auto& s : r.config->jwt_secrets) {
    ASSERT_NE(s.public_key, nullptr) << s.key;
    EXPECT_EQ(s.public_key->CheckAlgorithm(s.algorithm), "") << s.key;
  }
  EXPECT_EQ(r.config->jwt_secrets[0].public_key->Description(), "ED25519");
  EXPECT_EQ(r.config->jwt_secrets[2].rsa_public_key, rsa_pem);

  // A key that does not fit the algorithm, and a private key, are refused at load.
  auto bad = Load(R"(
_format_version: "3.0"
consumers:
  - username: order
    jwt_secrets:
      - key: a
        algorithm: ES384
        rsa_public_key: ${EC_PEM}
      - key: b
        algorithm: EdDSA
        rsa_public_key: ${PRIVATE}
)",
                  {{"EC_PEM", testing::PublicPem(p256.get())}, {"PRIVATE", testing::PrivatePem(ed.get())}});
  EXPECT_TRUE(HasIssue(bad, "jwt_secrets", "#1", "rsa_public_key", "ES384 needs an EC P-384 key, the key is EC P-256"))
      << Dump(bad.issues);
  EXPECT_TRUE(HasIssue(bad, "jwt_secrets", "#2", "rsa_public_key", "private key")) << Dump(bad.issues);
  EXPECT_EQ(bad.issues.size(), 2U) << Dump(bad.issues);
}

TEST(LoadDeclarative, UnknownTopLevelKeyAndUnknownFields) {
  auto r = Load(R"(
_format_version: "3.0"
_workspace: default
_ignore: [a]
certificates: []
services:
  - name: s
    host: s.internal
    colour: blue
    _comment: fine
)");
  EXPECT_TRUE(HasIssue(r, "", "", "certificates", "unknown field")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "s", "colour", "unknown field")) << Dump(r.issues);
  EXPECT_EQ(r.issues.size(), 2U) << Dump(r.issues);
}

TEST(LoadDeclarative, EnvironmentSubstitution) {
  auto r = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: ${BACKEND_HOST}
    port: ${BACKEND_PORT}
    path: ${BASE_PATH:-/v1}
    tags: ["$${LITERAL}"]
consumers:
  - username: pos
    keyauth_credentials:
      - key: ${POS_KEY}
)",
                {{"BACKEND_HOST", "10.0.0.5"}, {"BACKEND_PORT", "8181"}});
  EXPECT_TRUE(HasIssue(r, "keyauth_credentials", "#1", "key", "unknown variable ${POS_KEY}")) << Dump(r.issues);
  ASSERT_EQ(r.issues.size(), 1U) << Dump(r.issues);

  auto ok = Load(R"(
_format_version: "3.0"
services:
  - name: s
    host: ${BACKEND_HOST}
    port: ${BACKEND_PORT}
    path: ${BASE_PATH:-/v1}
    tags: ["$${LITERAL}"]
)",
                 {{"BACKEND_HOST", "10.0.0.5"}, {"BACKEND_PORT", "8181"}});
  ASSERT_TRUE(ok.issues.empty()) << Dump(ok.issues);
  EXPECT_EQ(ok.config->services[0].host, "10.0.0.5");
  EXPECT_EQ(ok.config->services[0].port, 8181) << "a substituted plain scalar is typed after substitution";
  EXPECT_EQ(ok.config->services[0].path, "/v1");
  EXPECT_EQ(ok.config->services[0].tags, std::vector<std::string>{"${LITERAL}"});
}

TEST(LoadDeclarative, SeveralErrorsAtOnce) {
  auto r = Load(R"(
services:
  - name: a
    url: "http://"
    routes:
      - name: r
        paths: ["~(["]
    plugins:
      - name: nope
upstreams:
  - name: u
    targets:
      - target: "h:0"
surprise: 1
)");
  EXPECT_TRUE(HasIssue(r, "", "", "_format_version")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "", "", "surprise")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "services", "a", "url")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "routes", "r", "paths[1]")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "plugins", "nope", "name")) << Dump(r.issues);
  EXPECT_TRUE(HasIssue(r, "targets", "h:0", "target")) << Dump(r.issues);
  EXPECT_EQ(r.config, nullptr);
  std::string text = IssuesToText(r.issues);
  EXPECT_NE(text.find("service 'a', field url: missing host in url"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(r.issues.size()));
}

TEST(IssuesToKongBody, IsKongsDeclarativeErrorShape) {
  auto r = Load(R"(
services:
  - name: svc
    url: "http://"
    plugins:
      - name: rate-limiting
        config:
          minute: "x"
routes:
  - name: r
    paths: ["/a", "b"]
)");
  ASSERT_FALSE(r.issues.empty());
  std::string text = IssuesToKongBody(r.issues);
  json::value body = json::parse(text);  // throws if invalid JSON
  EXPECT_EQ(body.at("code").as_int64(), 14);
  EXPECT_EQ(body.at("name").as_string(), "invalid declarative configuration");
  std::string message(body.at("message").as_string());
  EXPECT_EQ(message.rfind("declarative config is invalid: {", 0), 0U) << message;
  EXPECT_NE(message.find("_format_version=\"required field missing\""), std::string::npos) << message;
  const auto& fields = body.at("fields");
  EXPECT_EQ(fields.at("_format_version").as_string(), "required field missing");
  EXPECT_EQ(fields.at("services").at("svc").at("url").as_string(), "missing host in url");
  EXPECT_EQ(fields.at("plugins").at("rate-limiting").at("config").at("minute").as_string(), "expected a number");
  EXPECT_TRUE(fields.at("routes").at("r").at("paths").as_array()[0].is_null());
  EXPECT_TRUE(fields.at("routes").at("r").at("paths").as_array()[1].is_string());
  const auto& flat = body.at("flattened_errors").as_array();
  ASSERT_EQ(flat.size(), 3U) << text;
  EXPECT_EQ(flat[0].at("entity_type").as_string(), "service");
  EXPECT_EQ(flat[0].at("entity_name").as_string(), "svc");
  EXPECT_EQ(flat[0].at("errors").at(0).at("field").as_string(), "url");
  EXPECT_EQ(flat[0].at("errors").at(0).at("type").as_string(), "field");
  EXPECT_EQ(flat[0].at("errors").at(0).at("message").as_string(), "missing host in url");
  bool plugin_seen = false;
  for (const auto& f : flat) {
    if (f.at("entity_type").as_string() == "plugin") {
      plugin_seen = true;
      EXPECT_EQ(f.at("errors").at(0).at("field").as_string(), "config.minute");
    }
  }
  EXPECT_TRUE(plugin_seen);
}

TEST(IssuesToKongBody, EmptyListIsStillValidJson) {
  json::value body = json::parse(IssuesToKongBody({}));
  EXPECT_EQ(body.at("code").as_int64(), 14);
  EXPECT_TRUE(body.at("flattened_errors").as_array().empty());
}

TEST(LoadDeclarative, NeverThrowsOnOddInput) {
  for (std::string_view text :
       {"", "~", "[]", "- 1\n- 2", "_format_version: \"3.0\"\nservices: {a: 1}",
        "_format_version: \"3.0\"\nservices: [1, \"x\", null]", "_format_version: \"3.0\"\nroutes: [{paths: {}}]",
        "_format_version: \"3.0\"\nplugins: [{name: cors, config: 5}]",
        "_format_version: \"3.0\"\nupstreams: [{name: u, healthchecks: {active: []}}]", "{{{", "a: &x [*x]",
        "_format_version: \"3.0\"\nconsumers: [{username: u, keyauth_credentials: 7}]"}) {
    LoadResult r;
    EXPECT_NO_THROW(r = Load(text)) << text;
    EXPECT_FALSE(r.issues.empty()) << text;
    EXPECT_EQ(r.config, nullptr) << text;
  }
}

}  // namespace
}  // namespace comptoir::gateway
