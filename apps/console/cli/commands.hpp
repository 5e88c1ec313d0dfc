#pragma once

/// The non-interactive subcommands of comptoir-console (`sale`, `restock approve`, `report sales`, …),
/// each printing text or, with --json, the server's answer. Returns the process exit status:
/// 0 done, 1 refused by the server, 2 bad usage, 3 the platform unreachable.
namespace comptoir::console::cli {

/// True when argv names a subcommand (otherwise the screens start).
bool IsSubcommand(int argc, char** argv);
int Run(int argc, char** argv);

}  // namespace comptoir::console::cli
