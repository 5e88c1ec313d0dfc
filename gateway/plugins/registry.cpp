// The explicit table of plugins: no self-registration.
#include "comptoir/gateway/plugin.hpp"
#include "comptoir/gateway/plugins/factories.hpp"

namespace comptoir::gateway {
namespace {

struct Entry {
  std::string_view name;
  PluginFactory factory;
};

// Kong plugin names; the PRIORITY of each is in its class.
constexpr Entry kPlugins[] = {
    {"correlation-id", plugins::CreateCorrelationId},
    {"cors", plugins::CreateCors},
    {"jwt", plugins::CreateJwt},
    {"key-auth", plugins::CreateKeyAuth},
    {"ip-restriction", plugins::CreateIpRestriction},
    {"request-size-limiting", plugins::CreateRequestSizeLimiting},
    {"rate-limiting", plugins::CreateRateLimiting},
    {"request-transformer", plugins::CreateRequestTransformer},
    {"response-transformer", plugins::CreateResponseTransformer},
    {"prometheus", plugins::CreatePrometheus},
    {"request-termination", plugins::CreateRequestTermination},
};

}  // namespace

PluginFactory FindPluginFactory(std::string_view name) {
  for (const auto& e : kPlugins) {
    if (e.name == name) return e.factory;
  }
  return nullptr;
}

std::vector<std::string_view> KnownPlugins() {
  std::vector<std::string_view> names;
  for (const auto& e : kPlugins) names.push_back(e.name);
  return names;
}

}  // namespace comptoir::gateway
