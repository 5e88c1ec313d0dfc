#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "comptoir/http/message.hpp"

namespace comptoir::testing {

/// One route a service serves, as its route table declares it.
struct ServedRoute {
  http::Method method;
  std::string pattern;
};

/// Every route of a service's route table (any range of entries with `method` and `pattern`).
template <class Range>
std::vector<ServedRoute> ServedRoutes(const Range& table) {
  std::vector<ServedRoute> routes;
  for (const auto& entry : table) routes.push_back({entry.method, std::string(entry.pattern)});
  return routes;
}

/// What is wrong with a service's OpenAPI document, one line per problem (empty: nothing): not OpenAPI
/// 3.1; a served route (or a standard one: /health, /ready, /metrics, /openapi.json, /docs) or its method
/// missing; a documented path or method that is not served; a `$ref` that does not resolve.
std::vector<std::string> OpenApiProblems(std::string_view openapi, const std::vector<ServedRoute>& routes);

}  // namespace comptoir::testing
