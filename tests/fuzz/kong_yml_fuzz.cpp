// The gateway's kong.yml loader (ADR 0130): any text, YAML or JSON, is either a configuration or a list of
// issues, never a crash, a hang or an exception. A configuration that loads is usable: the router is built
// from it, each route's plugins are resolved, and the issues' Kong body and text can be written.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "comptoir/gateway/router.hpp"
#include "gateway_support.hpp"

namespace gw = comptoir::gateway;
using comptoir::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gw::LoadResult result;
  try {
    result = gw::LoadDeclarative(text, comptoir::fuzz::PluginEnvForFuzzing(), comptoir::fuzz::EnvForFuzzing());
  } catch (...) {
    std::abort();  // "Never throws for bad input"
  }
  Check((result.config == nullptr) != result.issues.empty());
  if (!result.config) {
    (void)gw::IssuesToKongBody(result.issues);
    (void)gw::IssuesToText(result.issues);
    return 0;
  }
  const gw::Config& config = *result.config;
  gw::KongRouter router(config);
  comptoir::http::Headers headers;
  for (int r = 0; r < static_cast<int>(config.routes.size()); ++r) {
    const gw::Route& route = config.routes[r];
    Check(route.service < static_cast<int>(config.services.size()));
    (void)gw::ResolvePlugins(config, r, route.service, -1);
    // A request made for this route: its first method, host and plain path.
    const std::string method = route.methods.empty() ? "GET" : route.methods.front();
    const std::string host =
        route.hosts.empty() || route.hosts.front().find('*') != std::string::npos ? "example.com" : route.hosts.front();
    std::string path = "/";
    for (const auto& p : route.paths) {
      if (!p.is_regex) path = gw::NormalizePath(p.value);
    }
    auto match = router.Match(method, host, path, headers);
    if (!match) continue;
    Check(match->route >= 0 && match->route < static_cast<int>(config.routes.size()));
    Check(match->matched_length <= path.size());
    const gw::Route& chosen = config.routes[match->route];
    if (chosen.service >= 0) (void)gw::UpstreamPath(config.services[chosen.service], chosen, *match, path);
  }
  return 0;
}
