#pragma once
// Shared by the plugins' unit tests: build a plugin from a JSON config as the loader would.
#include <memory>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "comptoir/gateway/plugin.hpp"
#include "comptoir/gateway/schema.hpp"

namespace comptoir::gateway::plugins::testing {

/// A plugin made from a config, with what the schema reader reported and normalised.
struct MadePlugin {
  std::vector<ConfigIssue> issues;
  std::shared_ptr<Plugin> plugin;
  boost::json::object output;
};

/// Reads `config_json` as plugin `name`'s `config` record and calls `factory`, like the loader.
inline MadePlugin MakePlugin(PluginFactory factory, std::string_view name, std::string_view config_json,
                             const PluginEnv& env = {}) {
  MadePlugin made;
  boost::json::value config = boost::json::parse(config_json);
  SchemaReader reader(&config, made.issues, "plugins", std::string(name), "config");
  made.plugin = factory(reader, env);
  made.output = reader.output();
  return made;
}

}  // namespace comptoir::gateway::plugins::testing
