#pragma once
// Internals of the declarative loader shared by its .cpp files (not installed, not public).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace comptoir::gateway::config_detail {

/// A `${NAME}` that the environment lookup did not know, with where it was found.
struct UnknownVariable {
  std::string path;  ///< document path: "services[1].plugins[2].config.redis_password"
  std::string name;
};

struct ParsedDocument {
  boost::json::value doc;
  std::vector<UnknownVariable> unknown;
  std::string error;  ///< non-empty when the text is not YAML/JSON
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// YAML (or JSON) text to JSON with YAML 1.1 scalar typing for plain scalars (as lyaml does for
/// Kong), quoted scalars staying strings; `${NAME}` / `${NAME:-default}` substituted in every
/// scalar before typing.
ParsedDocument ParseDocument(std::string_view text, const EnvLookup& env);

/// UUID v5 (RFC 4122, SHA-1) of `name` in the namespace `ns` (textual UUID).
std::string UuidV5(std::string_view ns, std::string_view name);
bool IsValidUuid(std::string_view text);
std::string Md5Hex(std::string_view data);
/// `bytes` random bytes as lower-case hex (OpenSSL RAND_bytes).
std::string RandomHex(std::size_t bytes);
/// JSON with object keys sorted at every level: the same document always gives the same text.
std::string CanonicalJson(const boost::json::value& v);

}  // namespace comptoir::gateway::config_detail
