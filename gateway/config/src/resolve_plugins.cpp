// Kong's plugin precedence (kong/runloop/plugins_iterator.lua, OSS combinations).
#include <algorithm>
#include <unordered_map>

#include "comptoir/gateway/config_loader.hpp"

namespace comptoir::gateway {

std::vector<const PluginInstance*> ResolvePlugins(const Config& config, int route, int service, int consumer) {
  struct Best {
    const PluginInstance* plugin;
    int rank;
  };
  std::unordered_map<std::string_view, Best> best;
  for (const auto& p : config.plugins) {
    if (!p.enabled || p.plugin == nullptr) continue;
    bool has_consumer = p.consumer >= 0;
    bool has_route = p.route >= 0;
    bool has_service = p.service >= 0;
    if ((has_consumer && p.consumer != consumer) || (has_route && p.route != route) ||
        (has_service && p.service != service)) {
      continue;
    }
    // consumer+route+service > consumer+route > consumer+service > route+service > consumer >
    // route > service > global.
    int rank = 0;
    if (has_consumer && has_route && has_service)
      rank = 7;
    else if (has_consumer && has_route)
      rank = 6;
    else if (has_consumer && has_service)
      rank = 5;
    else if (has_route && has_service)
      rank = 4;
    else if (has_consumer)
      rank = 3;
    else if (has_route)
      rank = 2;
    else if (has_service)
      rank = 1;
    auto [it, inserted] = best.try_emplace(p.name, Best{&p, rank});
    if (!inserted && rank > it->second.rank) it->second = Best{&p, rank};
  }
  std::vector<const PluginInstance*> result;
  result.reserve(best.size());
  for (const auto& [name, b] : best) result.push_back(b.plugin);
  std::sort(result.begin(), result.end(), [](const PluginInstance* a, const PluginInstance* b) {
    int pa = a->plugin->Priority();
    int pb = b->plugin->Priority();
    if (pa != pb) return pa > pb;
    return a->name < b->name;
  });
  return result;
}

}  // namespace comptoir::gateway
