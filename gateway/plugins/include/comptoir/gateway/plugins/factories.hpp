#pragma once
// One factory per plugin, each defined in gateway/plugins/<name>/.
#include "comptoir/gateway/plugin.hpp"

namespace comptoir::gateway::plugins {

std::shared_ptr<Plugin> CreateCorrelationId(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateCors(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateJwt(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateKeyAuth(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateIpRestriction(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateRequestSizeLimiting(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateRateLimiting(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateRequestTransformer(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateResponseTransformer(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreatePrometheus(SchemaReader& config, const PluginEnv& env);
std::shared_ptr<Plugin> CreateRequestTermination(SchemaReader& config, const PluginEnv& env);

}  // namespace comptoir::gateway::plugins
