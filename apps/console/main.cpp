// comptoir-console: `comptoir-console <subcommand> …` runs one operation (see --help); without a
// subcommand the FINAL CUT screens start. Configuration: apps/console/README.md.
#include <iostream>

#include "cli/commands.hpp"
#include "comptoir/console/station.hpp"
#include "ui/app.hpp"

int main(int argc, char** argv) {
  using namespace comptoir::console;
  if (cli::IsSubcommand(argc, argv)) return cli::Run(argc, argv);
  std::vector<std::string> problems;
  Settings settings = LoadSettings(std::getenv("COMPTOIR_CONSOLE_CONFIG") ? "" : "", problems);
  if (!problems.empty()) {
    for (const auto& p : problems) std::cerr << "config: " << p << "\n";
    return 2;
  }
  try {
    Station station(settings, MakeHttpTransport(settings.gateway_url, std::chrono::milliseconds(settings.timeout_ms)));
    return ui::RunScreens(argc, argv, station);
  } catch (const std::exception& e) {
    std::cerr << "comptoir-console: " << e.what() << "\n";
    return 1;
  }
}
