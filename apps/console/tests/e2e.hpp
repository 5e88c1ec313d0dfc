#pragma once
// What the console's end-to-end tests share: one real platform (product, inventory, customer, sales,
// reporting and the gateway, each its own process and database, on free ports) for the test process,
// a fresh console home per test, and the helpers to check the server's side.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "comptoir/testing/platform.hpp"
#include "tests/tmux.hpp"

namespace comptoir::console::testing {

/// The platform of this test process (started once).
comptoir::testing::Platform& ThePlatform();

/// A staff token from the real sign-in.
std::string StaffToken(const std::string& email);
/// on_hand at a location (read through the gateway).
std::int64_t OnHand(int location, int product);
/// GET through the gateway as a manager; the body as JSON.
boost::json::value ManagerGet(const std::string& target);
/// One value from the sales database.
std::string SalesDb(const std::string& sql);

/// The gateway stopped for the life of the object (restarted however the test ends).
struct GatewayDown {
  GatewayDown() { ThePlatform().StopGateway(); }
  ~GatewayDown() { ThePlatform().StartGateway(); }
  GatewayDown(const GatewayDown&) = delete;
  GatewayDown& operator=(const GatewayDown&) = delete;
};

/// Writes `screen` to $COMPTOIR_CONSOLE_SCREENS/<name>.txt when that variable is set (the README's
/// captured screens come from there).
void Keep(const std::string& name, const std::string& screen);

/// A folder of its own for one console (its journal, its receipts).
struct Home {
  explicit Home(const std::string& name);
  std::string path;
  std::string Receipts() const;  ///< what the console printed
  /// The environment of a console using this home against the test gateway.
  std::vector<std::pair<std::string, std::string>> Env() const;
};

/// `comptoir-console <args>` with `home`; stdout in `out`, returns the exit status.
int Console(const Home& home, const std::vector<std::string>& args, std::string& out);

/// The console's screens in tmux, signed in as `email` (password comptoir-demo).
std::unique_ptr<Terminal> SignedIn(const Home& home, const std::string& name, const std::string& email);

}  // namespace comptoir::console::testing
