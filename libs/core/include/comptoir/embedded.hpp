#pragma once
#include <string_view>
#include <vector>

namespace comptoir {

/// A file compiled into the binary (migrations, OpenAPI documents): see cmake/Embed.cmake.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

}  // namespace comptoir
