#pragma once
#include <cstdint>
#include <exception>
#include <string>

namespace comptoir::app {

/// Splits "host:port" (the --listen options); false when it is not one.
inline bool SplitHostPort(const std::string& text, std::string& host, std::uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  try {
    int p = std::stoi(text.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty();
}

}  // namespace comptoir::app
