// comptoir-console: `comptoir-console <subcommand> …` runs one operation (see --help); without a
// subcommand the FINAL CUT screens start. Configuration: apps/console/README.md.
#include <sys/stat.h>

#include <iostream>

#include "cli/commands.hpp"
#include "comptoir/console/station.hpp"
#include "ui/app.hpp"

int main(int argc, char** argv) {
  using namespace comptoir::console;
  ::umask(077);  // the journal (and its -wal file) holds the session's tokens
  if (cli::IsSubcommand(argc, argv)) return cli::Run(argc, argv);
  // The screens take one option: --config FILE (the subcommands parse theirs with CLI11).
  std::string config;
  if (argc == 3 && std::string(argv[1]) == "--config") config = argv[2];
  if (argc > 1 && config.empty()) {
    std::cerr << "usage: comptoir-console [--config FILE] | comptoir-console [--config FILE] [--json] <command> …"
                 " (comptoir-console --help)\n";
    return 2;
  }
  std::vector<std::string> problems;
  Settings settings = LoadSettings(config, problems);
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
