#pragma once
// The Kong declarative configuration (`_format_version: "3.0"`) as plain immutable structs.
// One Config is built per load (file, SIGHUP, POST /config) and shared read-only by every request
// that started under it; a reload swaps the pointer, so requests in flight finish on their config.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

namespace comptoir::gateway {

class Plugin;
class JwtPublicKey;

/// Kong Service (kong/db/schema/entities/services.lua).
struct Service {
  std::string id;
  std::string name;
  std::string protocol = "http";
  std::string host;
  std::uint16_t port = 80;
  std::string path;  ///< may be empty
  int retries = 5;
  std::chrono::milliseconds connect_timeout{60000};
  std::chrono::milliseconds write_timeout{60000};
  std::chrono::milliseconds read_timeout{60000};
  bool enabled = true;
  std::vector<std::string> tags;
  boost::json::value source;  ///< the entity as loaded, for the Admin API
};

/// One path of a route: a prefix, or a regex (leading `~`, anchored at the start as Kong does).
struct RoutePath {
  std::string value;  ///< as written, without the `~`
  bool is_regex = false;
  std::shared_ptr<const std::regex> regex;
};

/// Kong Route (routes.lua).
struct Route {
  std::string id;
  std::string name;
  std::vector<std::string> protocols{"http", "https"};
  std::vector<std::string> methods;  ///< upper-case
  std::vector<std::string> hosts;    ///< lower-case; "*.example.com" or "example.*" wildcards
  std::vector<RoutePath> paths;
  std::vector<std::pair<std::string, std::vector<std::string>>> headers;  ///< lower-case name -> values
  bool strip_path = true;
  bool preserve_host = false;
  std::string path_handling = "v0";
  int regex_priority = 0;
  int https_redirect_status_code = 426;
  int service = -1;  ///< index into Config::services, -1 if none
  std::vector<std::string> tags;
  boost::json::value source;
};

/// Health-check settings of an upstream (Kong's healthchecks_config; seconds as in Kong).
struct Healthchecks {
  struct ActiveHealthy {
    double interval = 0;
    std::vector<int> http_statuses{200, 302};
    int successes = 0;
  };
  struct ActiveUnhealthy {
    double interval = 0;
    std::vector<int> http_statuses{429, 404, 500, 501, 502, 503, 504, 505};
    int tcp_failures = 0;
    int timeouts = 0;
    int http_failures = 0;
  };
  struct PassiveHealthy {
    std::vector<int> http_statuses{200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
                                   300, 301, 302, 303, 304, 305, 306, 307, 308};
    int successes = 0;
  };
  struct PassiveUnhealthy {
    std::vector<int> http_statuses{429, 500, 503};
    int tcp_failures = 0;
    int timeouts = 0;
    int http_failures = 0;
  };
  struct Active {
    std::string type = "http";
    double timeout = 1;
    int concurrency = 10;
    std::string http_path = "/";
    std::vector<std::pair<std::string, std::string>> headers;
    ActiveHealthy healthy;
    ActiveUnhealthy unhealthy;
  } active;
  struct Passive {
    std::string type = "http";
    PassiveHealthy healthy;
    PassiveUnhealthy unhealthy;
  } passive;
  double threshold = 0;
  /// True when any active probing is configured.
  [[nodiscard]] bool ActiveEnabled() const { return active.healthy.interval > 0 || active.unhealthy.interval > 0; }
  /// True when passive checks can mark a target unhealthy.
  [[nodiscard]] bool PassiveEnabled() const {
    return passive.unhealthy.tcp_failures > 0 || passive.unhealthy.timeouts > 0 || passive.unhealthy.http_failures > 0;
  }
};

/// Kong Target (targets.lua): "host:port" with a weight (0 disables it).
struct Target {
  std::string id;
  std::string target;  ///< as written, "host:port"
  std::string host;
  std::uint16_t port = 8000;
  int weight = 100;
  std::vector<std::string> tags;
};

/// Kong Upstream (upstreams.lua).
struct Upstream {
  std::string id;
  std::string name;
  std::string algorithm = "round-robin";  ///< round-robin | least-connections | consistent-hashing
  std::string hash_on = "none";           ///< none | consumer | ip | header | cookie | path | query_arg
  std::string hash_fallback = "none";
  std::string hash_on_header;
  std::string hash_fallback_header;
  std::string hash_on_cookie;
  std::string hash_on_cookie_path = "/";
  std::string hash_on_query_arg;
  std::string hash_fallback_query_arg;
  int slots = 10000;
  std::string host_header;
  Healthchecks healthchecks;
  std::vector<Target> targets;
  std::vector<std::string> tags;
  boost::json::value source;
};

/// Kong Consumer.
struct Consumer {
  std::string id;
  std::string username;
  std::string custom_id;
  std::vector<std::string> tags;
};

/// key-auth credential (`keyauth_credentials`).
struct KeyAuthCredential {
  std::string id;
  int consumer = -1;
  std::string key;
};

/// jwt credential (`jwt_secrets`).
struct JwtSecret {
  std::string id;
  int consumer = -1;
  std::string key;  ///< matched against the token's `iss` (key_claim_name)
  std::string secret;
  std::string algorithm = "HS256";
  std::string rsa_public_key;                      ///< the PEM as written (RS*, PS*, ES*, EdDSA)
  std::shared_ptr<const JwtPublicKey> public_key;  ///< rsa_public_key parsed at load; null for HS*
};

/// Kong Plugin entity, with its parsed instance.
struct PluginInstance {
  std::string id;
  std::string name;
  std::string instance_name;
  bool enabled = true;
  int service = -1;
  int route = -1;
  int consumer = -1;
  std::vector<std::string> protocols{"grpc", "grpcs", "http", "https"};
  std::vector<std::string> tags;
  boost::json::value config;  ///< with defaults filled in (what the Admin API shows)
  std::shared_ptr<Plugin> plugin;
};

/// A whole configuration. Immutable once built.
struct Config {
  std::string format_version;
  std::vector<Service> services;
  std::vector<Route> routes;
  std::vector<Upstream> upstreams;
  std::vector<Consumer> consumers;
  std::vector<KeyAuthCredential> keyauth_credentials;
  std::vector<JwtSecret> jwt_secrets;
  std::vector<PluginInstance> plugins;
  std::string hash;  ///< MD5 hex of the normalised document (Kong's configuration_hash)

  // Lookups built by the loader.
  std::unordered_map<std::string, int> upstream_by_name;
  std::unordered_map<std::string, int> consumer_by_key;    ///< key-auth key -> consumer
  std::unordered_map<std::string, int> credential_by_key;  ///< key-auth key -> credential index
  std::unordered_map<std::string, int> jwt_by_key;         ///< jwt key (iss) -> secret index
  std::unordered_map<std::string, int> consumer_by_name;   ///< username, custom_id and id -> consumer

  [[nodiscard]] const Consumer* FindConsumer(std::string_view id_or_name) const;
};

}  // namespace comptoir::gateway
