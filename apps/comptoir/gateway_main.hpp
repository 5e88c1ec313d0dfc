#pragma once
#include <cstdint>
#include <string>

namespace comptoir::app {

/// Command-line settings of `comptoir gateway`.
struct GatewayCli {
  std::string config_file = "deploy/kong.yml";
  std::string listen = "127.0.0.1:8080";
  std::string admin_listen = "127.0.0.1:8011";
  int threads = 0;
  bool access_log = false;
  /// Seconds an idle upstream connection is kept (Kong's upstream_keepalive_idle_timeout); 0: none kept.
  double upstream_keepalive_idle_timeout = 15;
  /// Largest request body, in bytes, on a route without a request-size-limiting plugin; 0: no limit.
  std::uint64_t body_limit = 1024 * 1024;
  /// Seconds a client has to send a request head (from the end of the previous answer, so also the
  /// idle keep-alive) and for each read or write of a body or answer (nginx's client_header_timeout,
  /// client_body_timeout, send_timeout).
  double client_timeout = 60;
  /// A file holding the Admin API token (else COMPTOIR_GATEWAY_ADMIN_TOKEN, read from the environment
  /// only, never from the command line where `ps` shows it).
  std::string admin_token_file;
  /// Kong's trusted_ips (addresses and CIDRs, comma-separated; none by default), real_ip_header,
  /// real_ip_recursive (on | off).
  std::string trusted_ips;
  std::string real_ip_header = "X-Real-IP";
  std::string real_ip_recursive = "off";
};

/// Runs the gateway until SIGINT/SIGTERM; SIGHUP reloads the file. Returns the exit status.
int RunGateway(const GatewayCli& cli);

}  // namespace comptoir::app
