#pragma once
// Loading a Kong declarative configuration (`kong.yml`, `_format_version: "3.0"`) into a Config,
// with every problem reported at once, and Kong's plugin precedence for the proxy.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "comptoir/gateway/model.hpp"
#include "comptoir/gateway/plugin.hpp"
#include "comptoir/gateway/schema.hpp"

namespace comptoir::gateway {

/// Looks up `${NAME}` for substitution; nullopt when the variable is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The outcome of a load: a config when `issues` is empty, otherwise nullptr and every problem.
struct LoadResult {
  std::shared_ptr<const Config> config;
  std::vector<ConfigIssue> issues;
  boost::json::value document;  ///< the document as parsed, `${NAME}` substituted (secrets included)
};

/// What `${NAME}` a document may use, and how an unset one is reported.
struct Substitution {
  EnvLookup lookup;
  /// Completes "unknown variable ${NAME} (...)" for a name `lookup` does not know.
  std::string unset_reason = "not set in the environment";
};

/// What stands for a secret in what the Admin API shows.
inline constexpr std::string_view kRedacted = "[redacted]";

/// `document` (a declarative document, an entity or a plugin config) without its secrets: the
/// `key` of keyauth credentials and the `secret` of jwt secrets, wherever they are nested; fields
/// named password, redis_password, secret, client_secret, token, api_key, apikey, private_key;
/// header values whose name looks like a credential (authorization, cookie, *key*, *token*,
/// *secret*, *password*) in `headers` lists ("Name:value") and maps. Each becomes kRedacted.
boost::json::value Redacted(boost::json::value document);

/// Parses a declarative document (YAML or JSON text), substitutes `${NAME}` (and
/// `${NAME:-default}`; `$${` is a literal `${`) in every scalar from `env_lookup`, validates every
/// entity with Kong's defaults and rules, and creates the plugin instances. Never throws for bad
/// input: each problem is an issue naming its entity, entity name and field. An unknown variable
/// is an issue (its value is not guessed).
LoadResult LoadDeclarative(std::string_view text, const PluginEnv& env, EnvLookup env_lookup);
/// The same, with `substitution.unset_reason` in the issue of a name its lookup does not know.
LoadResult LoadDeclarative(std::string_view text, const PluginEnv& env, const Substitution& substitution);

/// Environment lookup backed by the process environment (getenv).
EnvLookup ProcessEnvLookup();

/// Kong's 400 body for `POST /config` (kong/db/errors.lua, declarative_config_flattened):
/// {"code":14,"name":"invalid declarative configuration","message":"declarative config is
/// invalid: ...","fields":{...},"flattened_errors":[{"entity_type","entity_name","errors":[...]}]}.
std::string IssuesToKongBody(const std::vector<ConfigIssue>& issues);

/// One line per issue, for logs and stderr at startup.
std::string IssuesToText(const std::vector<ConfigIssue>& issues);

/// The plugins that run for a request matched to `route` / `service` and identified as `consumer`
/// (indices into the config, -1 for none), with Kong's precedence: for each plugin name the most
/// specific enabled instance wins (consumer+route+service > consumer+route > consumer+service >
/// route+service > consumer > route > service > global), and the result is ordered by Priority(),
/// higher first (ties by name). Disabled instances are ignored, as Kong does (a disabled route
/// instance does not hide the global one).
std::vector<const PluginInstance*> ResolvePlugins(const Config& config, int route, int service, int consumer);

}  // namespace comptoir::gateway
