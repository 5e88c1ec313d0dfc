#pragma once
#include <string>

namespace comptoir::app {

/// Command-line settings of `comptoir gateway`.
struct GatewayCli {
  std::string config_file = "deploy/kong.yml";
  std::string listen = "127.0.0.1:8080";
  std::string admin_listen = "127.0.0.1:8011";
  int threads = 0;
  bool access_log = false;
};

/// Runs the gateway until SIGINT/SIGTERM; SIGHUP reloads the file. Returns the exit status.
int RunGateway(const GatewayCli& cli);

}  // namespace comptoir::app
