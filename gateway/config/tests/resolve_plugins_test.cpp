#include <gtest/gtest.h>

#include "comptoir/gateway/config_loader.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::gateway {
namespace {

class FakePlugin : public Plugin {
 public:
  FakePlugin(std::string name, int priority) : name_(std::move(name)), priority_(priority) {}
  [[nodiscard]] int Priority() const override { return priority_; }
  [[nodiscard]] std::string_view Name() const override { return name_; }

 private:
  std::string name_;
  int priority_;
};

// Builds a config with instances of one plugin name at the given scopes; the instance id says
// which scope it is ("global", "s", "r", "c", "rs", "cs", "cr", "crs").
class Precedence : public ::testing::Test {
 protected:
  static constexpr int kService = 0, kOtherService = 1, kRoute = 0, kOtherRoute = 1, kConsumer = 0, kOtherConsumer = 1;

  void Add(std::string id, std::string name, int service, int route, int consumer, bool enabled = true,
           int priority = 910) {
    PluginInstance p;
    p.id = std::move(id);
    p.name = name;
    p.service = service;
    p.route = route;
    p.consumer = consumer;
    p.enabled = enabled;
    p.plugin = std::make_shared<FakePlugin>(name, priority);
    config_.plugins.push_back(std::move(p));
  }

  void AddAllScopes(const std::string& name) {
    Add("global", name, -1, -1, -1);
    Add("s", name, kService, -1, -1);
    Add("r", name, -1, kRoute, -1);
    Add("c", name, -1, -1, kConsumer);
    Add("rs", name, kService, kRoute, -1);
    Add("cs", name, kService, -1, kConsumer);
    Add("cr", name, -1, kRoute, kConsumer);
    Add("crs", name, kService, kRoute, kConsumer);
  }

  std::string Winner(int route, int service, int consumer) {
    auto list = ResolvePlugins(config_, route, service, consumer);
    if (list.empty()) return "none";
    EXPECT_EQ(list.size(), 1U);
    return list[0]->id;
  }

  void Remove(const std::string& id) {
    std::erase_if(config_.plugins, [&](const PluginInstance& p) { return p.id == id; });
  }

  Config config_;
};

TEST_F(Precedence, MostSpecificScopeWinsStepByStep) {
  AddAllScopes("rate-limiting");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "crs");
  Remove("crs");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "cr");
  Remove("cr");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "cs");
  Remove("cs");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "rs");
  Remove("rs");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "c");
  Remove("c");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "r");
  Remove("r");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "s");
  Remove("s");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "global");
  Remove("global");
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "none");
}

TEST_F(Precedence, OnlyMatchingScopesApply) {
  AddAllScopes("rate-limiting");
  // No consumer identified: consumer-scoped instances never apply.
  EXPECT_EQ(Winner(kRoute, kService, -1), "rs");
  // Another route of the same service.
  EXPECT_EQ(Winner(kOtherRoute, kService, kConsumer), "cs");
  EXPECT_EQ(Winner(kOtherRoute, kService, -1), "s");
  // Another consumer on the configured route.
  EXPECT_EQ(Winner(kRoute, kService, kOtherConsumer), "rs");
  // Another service, another route, another consumer: only the global one.
  EXPECT_EQ(Winner(kOtherRoute, kOtherService, kOtherConsumer), "global");
  // The route under another service (route+service needs both to match).
  EXPECT_EQ(Winner(kRoute, kOtherService, -1), "r");
  EXPECT_EQ(Winner(kRoute, kOtherService, kConsumer), "cr");
  // No route matched yet (e.g. before routing): only global and consumer ones.
  EXPECT_EQ(Winner(-1, -1, kConsumer), "c");
  EXPECT_EQ(Winner(-1, -1, -1), "global");
}

TEST_F(Precedence, ConsumerBeatsRouteAndServiceAlone) {
  Add("r", "rate-limiting", -1, kRoute, -1);
  Add("s", "rate-limiting", kService, -1, -1);
  Add("c", "rate-limiting", -1, -1, kConsumer);
  EXPECT_EQ(Winner(kRoute, kService, kConsumer), "c");
  EXPECT_EQ(Winner(kRoute, kService, -1), "r");
  EXPECT_EQ(Winner(kOtherRoute, kService, -1), "s");
}

TEST_F(Precedence, DisabledInstancesAreIgnoredNotHiding) {
  Add("global", "cors", -1, -1, -1);
  Add("r-disabled", "cors", -1, kRoute, -1, /*enabled=*/false);
  EXPECT_EQ(Winner(kRoute, kService, -1), "global");
  Add("s", "cors", kService, -1, -1);
  EXPECT_EQ(Winner(kRoute, kService, -1), "s");
  Remove("global");
  Remove("s");
  EXPECT_EQ(Winner(kRoute, kService, -1), "none");
}

TEST_F(Precedence, OneInstancePerNameOrderedByPriority) {
  Add("prom", "prometheus", -1, -1, -1, true, 13);
  Add("corr", "correlation-id", -1, -1, -1, true, 100001);
  Add("key-s", "key-auth", kService, -1, -1, true, 1250);
  Add("key-g", "key-auth", -1, -1, -1, true, 1250);
  Add("rl-r", "rate-limiting", -1, kRoute, -1, true, 910);
  Add("rl-c", "rate-limiting", -1, -1, kConsumer, true, 910);
  Add("cors", "cors", kOtherService, -1, -1, true, 2000);
  Add("rt", "request-transformer", kService, kRoute, -1, true, 801);
  Add("rst", "response-transformer", kService, kRoute, -1, true, 800);

  auto list = ResolvePlugins(config_, kRoute, kService, kConsumer);
  std::vector<std::string> ids;
  for (const auto* p : list) ids.push_back(p->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"corr", "key-s", "rl-c", "rt", "rst", "prom"}));

  auto anonymous = ResolvePlugins(config_, kRoute, kService, -1);
  ids.clear();
  for (const auto* p : anonymous) ids.push_back(p->id);
  EXPECT_EQ(ids, (std::vector<std::string>{"corr", "key-s", "rl-r", "rt", "rst", "prom"}));
}

TEST_F(Precedence, EqualPrioritiesAreOrderedByName) {
  Add("b", "b-plugin", -1, -1, -1, true, 5);
  Add("a", "a-plugin", -1, -1, -1, true, 5);
  auto list = ResolvePlugins(config_, -1, -1, -1);
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list[0]->id, "a");
  EXPECT_EQ(list[1]->id, "b");
}

TEST(ResolvePluginsFromFile, LoadedConfigFollowsKongPrecedence) {
  metrics::Registry registry;
  PluginEnv env;
  env.registry = &registry;
  auto r = LoadDeclarative(R"(
_format_version: "3.0"
services:
  - name: s
    host: s.internal
    routes:
      - name: r
        paths: [/r]
        plugins:
          - name: rate-limiting
            config: {minute: 10}
    plugins:
      - name: rate-limiting
        config: {minute: 100}
consumers:
  - username: vip
plugins:
  - name: rate-limiting
    config: {minute: 1000}
  - name: rate-limiting
    consumer: vip
    config: {minute: 5000}
  - name: prometheus
)",
                           env, [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(r.issues.empty()) << IssuesToText(r.issues);
  const Config& c = *r.config;
  auto minute = [&](int consumer) {
    for (const auto* p : ResolvePlugins(c, 0, 0, consumer)) {
      if (p->name == "rate-limiting") return p->config.at("minute").to_number<double>();
    }
    return -1.0;
  };
  EXPECT_EQ(minute(-1), 10);   // route beats service and global
  EXPECT_EQ(minute(0), 5000);  // consumer beats route
  auto list = ResolvePlugins(c, 0, 0, -1);
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list.back()->name, "prometheus");
}

}  // namespace
}  // namespace comptoir::gateway
