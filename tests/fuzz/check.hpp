#pragma once
// A fuzz target's invariant: when it does not hold, say where and abort (libFuzzer saves the input).
#include <cstdio>
#include <cstdlib>
#include <source_location>

namespace comptoir::fuzz {

inline void Check(bool condition, std::source_location where = std::source_location::current()) {
  if (condition) return;
  std::fprintf(stderr, "invariant broken at %s:%u\n", where.file_name(), static_cast<unsigned>(where.line()));
  std::abort();
}

}  // namespace comptoir::fuzz
