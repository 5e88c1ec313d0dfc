#pragma once
// What the gateway's fuzz targets share: the plugin environment of a loader without a running gateway
// (no runtime, no Redis), an environment lookup that knows a few names, a configuration loaded once.
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "check.hpp"
#include "comptoir/gateway/config_loader.hpp"
#include "comptoir/metrics.hpp"

namespace comptoir::fuzz {

inline const gateway::PluginEnv& PluginEnvForFuzzing() {
  static metrics::Registry registry;
  static const gateway::PluginEnv env = [] {
    gateway::PluginEnv e;
    e.registry = &registry;
    e.node_id = "fuzz-node";
    return e;
  }();
  return env;
}

/// `${COMPTOIR_AUTH_JWT_SECRET}`, `${COMPTOIR_AUTH_JWT_PUBLIC_KEY}` (RFC 8037's Ed25519 example key) and
/// `${FUZZ_*}` are set; any other variable is unknown (an issue).
inline gateway::EnvLookup EnvForFuzzing() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "COMPTOIR_AUTH_JWT_SECRET") return std::string(40, 's');
    if (name == "COMPTOIR_AUTH_JWT_PUBLIC_KEY") {
      return std::string(
          "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC "
          "KEY-----\n");
    }
    if (name.starts_with("FUZZ_")) return name.substr(5);
    return std::nullopt;
  };
}

/// A configuration that must load (the targets' fixed part); aborts with its issues otherwise. Rate limits
/// with `policy: redis` (deploy/kong.yml's) are loaded as `local`: a loader without a gateway has no Redis,
/// and routing does not depend on the policy.
inline std::shared_ptr<const gateway::Config> MustLoad(std::string_view text) {
  std::string local(text);
  for (auto at = local.find("policy: redis"); at != std::string::npos; at = local.find("policy: redis", at)) {
    local.replace(at, 13, "policy: local");
  }
  auto result = gateway::LoadDeclarative(local, PluginEnvForFuzzing(), EnvForFuzzing());
  if (!result.config) {
    std::fputs(gateway::IssuesToText(result.issues).c_str(), stderr);
    std::abort();
  }
  return result.config;
}

}  // namespace comptoir::fuzz
