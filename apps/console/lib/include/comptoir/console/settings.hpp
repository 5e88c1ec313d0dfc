#pragma once
#include <string>
#include <vector>

/// Where the console finds the gateway and keeps its journal: a JSON config file and the environment
/// (the environment wins), read once at start.
namespace comptoir::console {

struct Settings {
  std::string gateway_url = "http://127.0.0.1:8080";
  /// The till app's consumer of deploy/kong.yml (a key identifies the app; it authorises nothing).
  std::string api_key = "pos-mobile-2025-app-secure-key";
  std::string home;       ///< folder of journal.db (created if missing)
  int timeout_ms = 5000;  ///< every call to the gateway
  std::string register_name = "1";
  std::string printer;        ///< file or printer device path receipts are written to ("" = home/receipts.txt)
  int replay_interval_s = 5;  ///< how often the screens retry the journal while offline
};

/// Reads `config_path` (or $COMPTOIR_CONSOLE_CONFIG, or ~/.config/comptoir/console.json when it exists),
/// then COMPTOIR_CONSOLE_URL, _API_KEY, _HOME, _TIMEOUT_MS, _REGISTER, _PRINTER, _REPLAY_INTERVAL_S.
/// Every problem is listed in `problems` (the caller stops before doing anything).
Settings LoadSettings(const std::string& config_path, std::vector<std::string>& problems);

}  // namespace comptoir::console
