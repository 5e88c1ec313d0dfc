#pragma once
// The gateway process: the proxy listener (Kong's proxy on :8080), the Admin API (:8011), the
// current configuration (swapped atomically on POST /config or SIGHUP), balancers and plugins.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "comptoir/gateway/real_ip.hpp"
#include "comptoir/gateway/schema.hpp"
#include "comptoir/http/runtime.hpp"

namespace comptoir::gateway {

struct GatewayOptions {
  std::string proxy_host = "127.0.0.1";
  std::uint16_t proxy_port = 8080;
  std::string admin_host = "127.0.0.1";  ///< loopback by default, as Kong's admin_listen
  std::uint16_t admin_port = 8011;
  std::string config_file;  ///< declarative kong.yml
  std::size_t header_limit = 32 * 1024;
  std::size_t buffered_body_limit = 8 * 1024 * 1024;  ///< when a plugin needs the whole body
  /// Request bodies up to this size are read whole before the upstream is chosen, so that a
  /// connection-level failure can be retried on another target (nginx's proxy_request_buffering);
  /// larger ones are streamed and not retried once part of them was sent.
  std::size_t replay_body_limit = 1024 * 1024;
  std::chrono::milliseconds client_timeout{60000};  ///< client idle/read timeout
  std::chrono::milliseconds shutdown_grace{10000};
  std::size_t upstream_idle_per_target = 64;  ///< keep-alive connections kept per worker
  /// An idle upstream connection is closed after this long (Kong's upstream_keepalive_idle_timeout,
  /// nginx's keepalive_timeout in an upstream block). Below the services' own idle keep-alive
  /// (libs/http ServerOptions::read_timeout, 30 s), so that the gateway closes first.
  std::chrono::milliseconds upstream_keepalive_idle_timeout{15000};
  /// Largest request body on a route without a request-size-limiting plugin (nginx's
  /// client_max_body_size); 0: no limit. A route's request-size-limiting plugin replaces it.
  std::uint64_t default_body_limit = 1024 * 1024;
  bool access_log = false;
  std::string node_id;
  /// The Admin API listens (`--admin-listen off` turns it off).
  bool admin_enabled = true;
  /// The Admin API's credential, sent as `Kong-Admin-Token: <token>` or `Authorization: Bearer
  /// <token>`. Every endpoint but GET /status/ready answers 401 without it. Required when the Admin
  /// API listens.
  std::string admin_token;
  /// The `${NAME}` a configuration posted to the Admin API may use; the file given at start (and
  /// reloaded on SIGHUP) may use any.
  std::vector<std::string> config_variables;
  /// Kong's trusted_ips / real_ip_header / real_ip_recursive: whose X-Real-IP or X-Forwarded-For
  /// names the client (limit_by ip, ip-restriction, hash_on ip) and whose X-Forwarded-* go upstream.
  RealIpSettings real_ip;
};

/// Outcome of loading a configuration.
struct ReloadResult {
  bool ok = false;
  std::vector<ConfigIssue> issues;
  std::string kong_body;  ///< 201 entities or 400 Kong error body
};

class Gateway {
 public:
  Gateway(http::Runtime& runtime, GatewayOptions options);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  /// Loads options.config_file (and ${VAR} from the environment). Not ok: nothing changed.
  /// `source` names the occasion in the log line of the change ("start", "SIGHUP").
  ReloadResult LoadFile(std::string_view source = "start");
  /// Loads a declarative document (YAML or JSON); on success swaps it in atomically.
  ReloadResult LoadText(std::string_view text);
  /// Binds the proxy and admin listeners and starts health checkers.
  void Start();
  /// Stops accepting, lets requests in flight finish, then calls `done`.
  void Shutdown(std::function<void()> done);
  [[nodiscard]] std::uint16_t proxy_port() const;
  [[nodiscard]] std::uint16_t admin_port() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace comptoir::gateway
