// Plugin entities of a declarative file: scope, unique cache key, and the plugin's own config
// read by its factory.
#include <algorithm>
#include <cctype>
#include <climits>

#include "loader.hpp"

namespace comptoir::gateway::config_detail {

std::string Loader::ScopeKey(const SchemaReader& r, const Raw& raw, std::string_view field, std::string_view kind) {
  if (raw.parent_kind == kind) return ParentIdOf(raw);
  const auto* v = r.Raw(field);
  if (v != nullptr && v->is_string()) return std::string(v->get_string());
  return "";
}

void Loader::LoadPlugin(int i) {
  const Raw& raw = plugins_[static_cast<std::size_t>(i)];
  SchemaReader r(raw.value, issues_, "plugins", raw.display, "");
  PluginInstance p;
  p.name = r.String("name", "");
  PluginFactory factory = nullptr;
  if (p.name.empty()) {
    if (r.Raw("name") == nullptr) r.Fail("name", "required field missing");
  } else {
    factory = FindPluginFactory(p.name);
    if (factory == nullptr) {
      std::string known;
      for (auto n : KnownPlugins()) known += (known.empty() ? "" : ", ") + std::string(n);
      r.Fail("name", "plugin '" + p.name + "' not enabled; this gateway provides: " + known);
    }
  }
  p.instance_name = r.OptString("instance_name").value_or("");
  if (!p.instance_name.empty()) {
    if (!IsUtf8Name(p.instance_name)) {
      r.Fail("instance_name", "invalid value '" + p.instance_name +
                                  "': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
    }
    UniqueName(r, "plugins", "instance_name", p.instance_name, plugin_instance_names_);
  }
  p.enabled = r.Bool("enabled", true);
  p.protocols = r.StringArray("protocols", {"grpc", "grpcs", "http", "https"}, kKongProtocols);
  p.tags = r.StringArray("tags", {});
  std::string key = p.instance_name.empty()
                        ? "plugins:" + p.name + ":" + ScopeKey(r, raw, "route", "routes") + ":" +
                              ScopeKey(r, raw, "service", "services") + ":" + ScopeKey(r, raw, "consumer", "consumers")
                        : p.instance_name;
  p.service = Parent(r, raw, "service", "services", services_index_);
  p.route = Parent(r, raw, "route", "routes", routes_index_);
  p.consumer = Parent(r, raw, "consumer", "consumers", consumers_index_);
  p.id = ReadId(r, "plugins", key, plugin_ids_);
  if (factory != nullptr) {
    SchemaReader config = r.Record("config");
    std::size_t before = issues_.size();
    try {
      p.plugin = factory(config, env_);
    } catch (const std::exception& e) {
      r.Fail("config", std::string("invalid configuration: ") + e.what());
    }
    config.RejectUnknown();
    // A factory may have called RejectUnknown itself: report each problem once.
    for (std::size_t k = issues_.size(); k-- > before + 1;) {
      const auto& a = issues_[k];
      bool dup = std::any_of(issues_.begin() + static_cast<std::ptrdiff_t>(before),
                             issues_.begin() + static_cast<std::ptrdiff_t>(k), [&](const ConfigIssue& b) {
                               return a.field == b.field && a.message == b.message && a.entity == b.entity &&
                                      a.entity_name == b.entity_name;
                             });
      if (dup) issues_.erase(issues_.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (issues_.size() == before && p.plugin == nullptr) r.Fail("config", "plugin could not be created");
    p.config = config.output();
  } else {
    r.Keep("config");
  }
  Meta(r);
  r.RejectUnknown();
  // Kong's plugins cache_key (name, route, service, consumer) is unique.
  std::string scope =
      p.name + "|" + std::to_string(p.service) + "|" + std::to_string(p.route) + "|" + std::to_string(p.consumer);
  if (!p.name.empty() && !plugin_scopes_.insert(scope).second) {
    std::string where;
    if (p.service >= 0) where += " service '" + services_[static_cast<std::size_t>(p.service)].display + "'";
    if (p.route >= 0) where += " route '" + routes_[static_cast<std::size_t>(p.route)].display + "'";
    if (p.consumer >= 0) where += " consumer '" + consumers_[static_cast<std::size_t>(p.consumer)].display + "'";
    r.Fail("name", "plugin '" + p.name + "' is configured more than once on the same scope (" +
                       (where.empty() ? std::string("global") : where.substr(1)) + ")");
  }
  config_->plugins.push_back(std::move(p));
}

}  // namespace comptoir::gateway::config_detail
