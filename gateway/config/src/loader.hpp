#pragma once
// Internals of the declarative loader shared by its .cpp files: the Loader (one .cpp per kind of
// entity: load_services.cpp, load_consumers.cpp, load_upstreams.cpp, load_plugins.cpp; the document
// and the shared field handling in config_loader.cpp) and the value syntaxes of Kong's typedefs
// (syntax.cpp). Not installed, not public.
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/json.hpp>

#include "comptoir/gateway/config_loader.hpp"
#include "detail.hpp"

namespace comptoir::gateway::config_detail {
namespace json = boost::json;

/// Kong's protocols (kong/constants.lua); only http and https are served here.
extern const std::initializer_list<std::string_view> kKongProtocols;

/// Kong's declarative id of an entity: v5(v5(ns, "<collection>"), "<endpoint key>").
std::string GenerateId(std::string_view collection, std::string_view key);
std::string Join(std::initializer_list<std::string_view> items);
bool Contains(std::initializer_list<std::string_view> set, std::string_view v);
std::string Lower(std::string s);
bool IsIpv4(std::string_view s);
bool IsIpv6(std::string_view s);
bool IsHostname(std::string_view s);
bool IsHost(std::string_view s);
bool ParsePort(std::string_view s, int& port);
bool SplitHostPort(std::string_view s, std::string& host, std::optional<int>& port);
bool IsUtf8Name(std::string_view s);
bool LooksLikeRegex(std::string_view path);
std::string ToEcmaRegex(const std::string& pcre);

struct Raw {
  const json::value* value = nullptr;
  std::string path;  // where it is in the document: "services[1].routes[2]"
  int parent = -1;   // index of the parent entity when nested
  std::string parent_kind;
  std::size_t position = 0;  // 0-based position in the list it was written in
  std::string display;       // entity_name in issues

  [[nodiscard]] const json::object* Object() const { return value != nullptr ? value->if_object() : nullptr; }
  [[nodiscard]] std::optional<std::string> Str(std::string_view key) const {
    const auto* o = Object();
    if (o == nullptr) return std::nullopt;
    const auto* v = o->if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
  }
};

struct Index {
  std::unordered_map<std::string, int> by_key;  // name / username
  std::unordered_map<std::string, int> by_id;
  std::vector<std::string> ids;
  std::vector<std::string> names;
  /// Records entity `i` under its id and, when it has one, its name.
  void Add(const std::string& id, const std::string& name, int i) {
    ids.push_back(id);
    by_id.emplace(id, i);
    if (!name.empty()) by_key.emplace(name, i);
  }
  [[nodiscard]] std::optional<int> Find(const std::string& s) const {
    if (auto it = by_id.find(s); it != by_id.end()) return it->second;
    if (auto it = by_key.find(s); it != by_key.end()) return it->second;
    return std::nullopt;
  }
};

class Loader {
 public:
  Loader(const PluginEnv& env, std::vector<ConfigIssue>& issues, std::string unset_reason)
      : env_(env), issues_(issues), unset_reason_(std::move(unset_reason)) {}

  std::unique_ptr<Config> Run(const json::value& doc, const std::vector<UnknownVariable>& unknown);

 private:
  // ---- document level -------------------------------------------------------------------------

  void DocIssue(std::string field, std::string message);

  void ReadTop(const json::object& top);

  const json::array* Nested(const Raw& parent, std::string_view parent_kind, std::string_view key);

  int Push(std::vector<Raw>& into, std::string_view kind, const json::value& v, std::string path, int parent,
           std::string_view parent_kind, std::size_t position);

  void PushPluginsOf(std::string_view kind, int index, const Raw& parent);

  void Collect(const json::object& top);

  void ReportUnknownVariables(const std::vector<UnknownVariable>& unknown);

  // ---- shared field handling --------------------------------------------------------------------

  static void Meta(SchemaReader& r);

  std::string ReadId(SchemaReader& r, std::string_view collection, const std::string& key,
                     std::unordered_set<std::string>& seen);

  int Ref(SchemaReader& r, std::string_view field, std::string_view target, const Index& index, const Raw& raw);

  int Parent(SchemaReader& r, const Raw& raw, std::string_view field, std::string_view parent_kind, const Index& index);

  void UniqueName(SchemaReader& r, std::string_view collection, std::string_view field, const std::string& value,
                  std::unordered_set<std::string>& seen);

  std::string ParentIdOf(const Raw& raw);

  // Key for the id of an unnamed entity: stable as long as the file keeps its order.
  std::string PositionalKey(const Raw& raw);

  // ---- services ---------------------------------------------------------------------------------

  struct ParsedUrl {
    std::string protocol, host, path;
    int port = 0;
  };

  static std::optional<std::string> ParseUrl(const std::string& url, ParsedUrl& out);

  void Protocol(SchemaReader& r, std::string_view field, const std::string& protocol);

  void LoadService(int i);

  // ---- routes -----------------------------------------------------------------------------------

  void LoadRoute(int i);

  // ---- consumers and credentials ----------------------------------------------------------------

  void LoadConsumer(int i);

  void LoadKeyAuth(int i);

  void LoadJwt(int i);

  // ---- upstreams and targets --------------------------------------------------------------------

  static std::vector<int> ToInts(const std::vector<std::int64_t>& v);

  void HealthcheckType(SchemaReader& r, std::string& type);

  void LoadHealthchecks(SchemaReader& hc, Healthchecks& out);

  void LoadUpstream(int i);

  void LoadTarget(int i);

  // ---- plugins ----------------------------------------------------------------------------------

  std::string ScopeKey(const SchemaReader& r, const Raw& raw, std::string_view field, std::string_view kind);

  void LoadPlugin(int i);

  // ---- lookups ----------------------------------------------------------------------------------

  void BuildLookups();

  const PluginEnv& env_;
  std::vector<ConfigIssue>& issues_;
  std::string unset_reason_;
  std::unique_ptr<Config> config_;
  std::string format_version_;
  std::vector<Raw> services_, routes_, consumers_, upstreams_, targets_, plugins_, keyauths_, jwts_;
  Index services_index_, routes_index_, consumers_index_, upstreams_index_;
  std::unordered_set<std::string> service_names_, route_names_, upstream_names_, consumer_usernames_,
      consumer_custom_ids_, plugin_instance_names_, keyauth_keys_, jwt_keys_, plugin_scopes_;
  std::unordered_set<std::string> service_ids_, route_ids_, upstream_ids_, consumer_ids_, target_ids_, plugin_ids_,
      keyauth_ids_, jwt_ids_;
};

}  // namespace comptoir::gateway::config_detail
