#pragma once
#include "comptoir/console/station.hpp"

namespace comptoir::console::ui {

/// Runs the FINAL CUT screens until the user quits; returns the exit status.
int RunScreens(int argc, char** argv, Station& station);

}  // namespace comptoir::console::ui
