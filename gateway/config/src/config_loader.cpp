// The declarative loader: Kong's declarative_config schema (kong/db/schema/others/
// declarative_config.lua) and entity schemas (kong/db/schema/entities/*.lua) as code. Every entity
// is read with a SchemaReader so defaults, the normalised record and field paths are uniform.
#include "comptoir/gateway/config_loader.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include <boost/json.hpp>

#include "comptoir/gateway/jwt_key.hpp"
#include "detail.hpp"

namespace comptoir::gateway {
namespace json = boost::json;
using namespace config_detail;

namespace {

// Kong's namespace for declarative ids (declarative_config.lua `uuid_generators._entities`):
// id = v5(v5(ns, "<entity>"), "<endpoint key>"), so a named entity gets the id Kong gives it.
constexpr std::string_view kEntitiesNamespace = "fd02801f-0957-4a15-a55a-c8d9606f30b5";

const std::initializer_list<std::string_view> kKongProtocols = {"grpc", "grpcs",           "http", "https", "tcp",
                                                                "tls",  "tls_passthrough", "udp",  "ws",    "wss"};

std::string GenerateId(std::string_view collection, std::string_view key) {
  static const std::unordered_map<std::string, std::string> namespaces = [] {
    std::unordered_map<std::string, std::string> m;
    for (const char* c :
         {"services", "routes", "upstreams", "targets", "consumers", "plugins", "keyauth_credentials", "jwt_secrets"}) {
      m[c] = UuidV5(kEntitiesNamespace, c);
    }
    return m;
  }();
  auto it = namespaces.find(std::string(collection));
  std::string ns = it != namespaces.end() ? it->second : UuidV5(kEntitiesNamespace, collection);
  return UuidV5(ns, key);
}

std::string Join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

bool Contains(std::initializer_list<std::string_view> set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    int value = 0;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) != 0) {
      value = value * 10 + (s[j] - '0');
      if (value > 255) return false;
      ++j;
    }
    if (j == i || j - i > 3) return false;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool IsIpv6(std::string_view s) {
  if (s.find(':') == std::string_view::npos) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; });
}

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t label = 0;
  for (char c : s) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-' && c != '_') return false;
    if (++label > 63) return false;
  }
  return label > 0 || s.back() == '.';
}

// A host as Kong's typedefs.host accepts it: hostname, IPv4 or IPv6 (bracketed or not).
bool IsHost(std::string_view s) {
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') return IsIpv6(s.substr(1, s.size() - 2));
  return IsIpv4(s) || IsIpv6(s) || IsHostname(s);
}

bool ParsePort(std::string_view s, int& port) {
  if (s.empty() || s.size() > 5) return false;
  port = 0;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
    port = port * 10 + (c - '0');
  }
  return port >= 0 && port <= 65535;
}

// "host", "host:port", "[v6]", "[v6]:port", bare v6. Returns false when malformed.
bool SplitHostPort(std::string_view s, std::string& host, std::optional<int>& port) {
  port.reset();
  if (s.empty()) return false;
  if (s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(s.substr(0, close + 1));
    auto rest = s.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':') return false;
    int p = 0;
    if (!ParsePort(rest.substr(1), p)) return false;
    port = p;
    return true;
  }
  if (std::count(s.begin(), s.end(), ':') > 1) {  // bare IPv6
    host = "[" + std::string(s) + "]";
    return true;
  }
  auto colon = s.find(':');
  host = std::string(s.substr(0, colon));
  if (colon == std::string_view::npos) return true;
  int p = 0;
  if (!ParsePort(s.substr(colon + 1), p)) return false;
  port = p;
  return true;
}

// Kong's typedefs.utf8_name: alphanumerics (any UTF-8 letter), '.', '-', '_', '~'.
bool IsUtf8Name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) != 0 || c == '.' || c == '-' || c == '_' || c == '~';
  });
}

// Regex-looking paths of format 1.1/2.1 files get the `~` prefix, as Kong's route_path migration.
bool LooksLikeRegex(std::string_view path) {
  return !std::all_of(path.begin(), path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' || c == '~' ||
           c == '/' || c == '%';
  });
}

// PCRE named groups `(?<name>` / `(?P<name>` are not ECMAScript: compile them as plain groups.
std::string ToEcmaRegex(const std::string& pcre) {
  std::string out;
  for (std::size_t i = 0; i < pcre.size(); ++i) {
    if (pcre[i] == '\\' && i + 1 < pcre.size()) {
      out += pcre[i];
      out += pcre[++i];
      continue;
    }
    if (pcre.compare(i, 3, "(?<") == 0 && i + 3 < pcre.size() && pcre[i + 3] != '=' && pcre[i + 3] != '!') {
      auto close = pcre.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    if (pcre.compare(i, 4, "(?P<") == 0) {
      auto close = pcre.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    out += pcre[i];
  }
  return out;
}

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
  Loader(const PluginEnv& env, std::vector<ConfigIssue>& issues) : env_(env), issues_(issues) {}

  std::unique_ptr<Config> Run(const json::value& doc, const std::vector<UnknownVariable>& unknown) {
    config_ = std::make_unique<Config>();
    const auto* top = doc.if_object();
    if (top == nullptr) {
      issues_.push_back({"", "", "", "expected a declarative configuration (a YAML or JSON object)"});
      return nullptr;
    }
    ReadTop(*top);
    Collect(*top);
    ReportUnknownVariables(unknown);
    for (std::size_t i = 0; i < services_.size(); ++i) LoadService(static_cast<int>(i));
    for (std::size_t i = 0; i < routes_.size(); ++i) LoadRoute(static_cast<int>(i));
    for (std::size_t i = 0; i < consumers_.size(); ++i) LoadConsumer(static_cast<int>(i));
    for (std::size_t i = 0; i < upstreams_.size(); ++i) LoadUpstream(static_cast<int>(i));
    for (std::size_t i = 0; i < targets_.size(); ++i) LoadTarget(static_cast<int>(i));
    for (std::size_t i = 0; i < keyauths_.size(); ++i) LoadKeyAuth(static_cast<int>(i));
    for (std::size_t i = 0; i < jwts_.size(); ++i) LoadJwt(static_cast<int>(i));
    for (std::size_t i = 0; i < plugins_.size(); ++i) LoadPlugin(static_cast<int>(i));
    BuildLookups();
    return std::move(config_);
  }

 private:
  // ---- document level -------------------------------------------------------------------------

  void DocIssue(std::string field, std::string message) {
    issues_.push_back({"", "", std::move(field), std::move(message)});
  }

  void ReadTop(const json::object& top) {
    static const std::initializer_list<std::string_view> kCollections = {
        "services", "routes", "upstreams", "targets", "consumers", "plugins", "keyauth_credentials", "jwt_secrets"};
    const auto* fv = top.if_contains("_format_version");
    if (fv == nullptr || fv->is_null()) {
      DocIssue("_format_version", "required field missing");
    } else if (!fv->is_string()) {
      DocIssue("_format_version", "expected a string");
    } else {
      format_version_ = std::string(fv->get_string());
      if (!Contains({"1.1", "2.1", "3.0"}, format_version_))
        DocIssue("_format_version", "expected one of: 1.1, 2.1, 3.0");
    }
    config_->format_version = format_version_;
    for (const auto& [key, value] : top) {
      if (key == "_format_version") continue;
      if (key == "_transform") {
        if (!value.is_bool() && !value.is_null()) DocIssue("_transform", "expected a boolean");
      } else if (key == "_comment" || key == "_workspace") {
        if (!value.is_string() && !value.is_null()) DocIssue(std::string(key), "expected a string");
      } else if (key == "_ignore") {
        if (!value.is_array() && !value.is_null()) DocIssue("_ignore", "expected an array");
      } else if (Contains(kCollections, key)) {
        if (!value.is_array() && !value.is_null()) DocIssue(std::string(key), "expected an array");
      } else {
        DocIssue(std::string(key), "unknown field");
      }
    }
  }

  // Nested lists of an entity (`routes` under a service...). Returns the array, or nullptr.
  const json::array* Nested(const Raw& parent, std::string_view parent_kind, std::string_view key) {
    const auto* obj = parent.Object();
    if (obj == nullptr) return nullptr;
    const auto* v = obj->if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_array()) {
      issues_.push_back({std::string(parent_kind), parent.display, std::string(key), "expected an array"});
      return nullptr;
    }
    return &v->get_array();
  }

  int Push(std::vector<Raw>& into, std::string_view kind, const json::value& v, std::string path, int parent,
           std::string_view parent_kind, std::size_t position) {
    Raw raw;
    raw.value = &v;
    raw.path = std::move(path);
    raw.parent = parent;
    raw.parent_kind = std::string(parent_kind);
    raw.position = position;
    std::optional<std::string> name;
    if (kind == "consumers") {
      name = raw.Str("username");
      if (!name) name = raw.Str("custom_id");
    } else if (kind == "targets") {
      name = raw.Str("target");
    } else if (kind != "keyauth_credentials" && kind != "jwt_secrets") {
      name = raw.Str("name");
    }
    raw.display = name && !name->empty() ? *name : "#" + std::to_string(into.size() + 1);
    into.push_back(std::move(raw));
    return static_cast<int>(into.size()) - 1;
  }

  void PushPluginsOf(std::string_view kind, int index, const Raw& parent) {
    if (const auto* arr = Nested(parent, kind, "plugins")) {
      for (std::size_t k = 0; k < arr->size(); ++k) {
        Push(plugins_, "plugins", (*arr)[k], parent.path + ".plugins[" + std::to_string(k + 1) + "]", index, kind, k);
      }
    }
  }

  void Collect(const json::object& top) {
    auto each = [&](std::string_view key, auto&& fn) {
      const auto* v = top.if_contains(key);
      if (v == nullptr || !v->is_array()) return;
      const auto& arr = v->get_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        fn(arr[i], std::string(key) + "[" + std::to_string(i + 1) + "]", i);
      }
    };
    each("services", [&](const json::value& v, std::string path, std::size_t pos) {
      int s = Push(services_, "services", v, std::move(path), -1, "", pos);
      if (const auto* routes = Nested(services_[s], "services", "routes")) {
        for (std::size_t j = 0; j < routes->size(); ++j) {
          int r = Push(routes_, "routes", (*routes)[j], services_[s].path + ".routes[" + std::to_string(j + 1) + "]", s,
                       "services", j);
          PushPluginsOf("routes", r, Raw(routes_[r]));
        }
      }
      PushPluginsOf("services", s, Raw(services_[s]));
    });
    each("routes", [&](const json::value& v, std::string path, std::size_t pos) {
      int r = Push(routes_, "routes", v, std::move(path), -1, "", pos);
      PushPluginsOf("routes", r, Raw(routes_[r]));
    });
    each("consumers", [&](const json::value& v, std::string path, std::size_t pos) {
      int c = Push(consumers_, "consumers", v, std::move(path), -1, "", pos);
      Raw parent = consumers_[c];
      PushPluginsOf("consumers", c, parent);
      if (const auto* arr = Nested(parent, "consumers", "keyauth_credentials")) {
        for (std::size_t k = 0; k < arr->size(); ++k) {
          Push(keyauths_, "keyauth_credentials", (*arr)[k],
               parent.path + ".keyauth_credentials[" + std::to_string(k + 1) + "]", c, "consumers", k);
        }
      }
      if (const auto* arr = Nested(parent, "consumers", "jwt_secrets")) {
        for (std::size_t k = 0; k < arr->size(); ++k) {
          Push(jwts_, "jwt_secrets", (*arr)[k], parent.path + ".jwt_secrets[" + std::to_string(k + 1) + "]", c,
               "consumers", k);
        }
      }
    });
    each("upstreams", [&](const json::value& v, std::string path, std::size_t pos) {
      int u = Push(upstreams_, "upstreams", v, std::move(path), -1, "", pos);
      Raw parent = upstreams_[u];
      if (const auto* arr = Nested(parent, "upstreams", "targets")) {
        for (std::size_t k = 0; k < arr->size(); ++k) {
          Push(targets_, "targets", (*arr)[k], parent.path + ".targets[" + std::to_string(k + 1) + "]", u, "upstreams",
               k);
        }
      }
    });
    each("targets", [&](const json::value& v, std::string path, std::size_t pos) {
      Push(targets_, "targets", v, std::move(path), -1, "", pos);
    });
    each("plugins", [&](const json::value& v, std::string path, std::size_t pos) {
      Push(plugins_, "plugins", v, std::move(path), -1, "", pos);
    });
    each("keyauth_credentials", [&](const json::value& v, std::string path, std::size_t pos) {
      Push(keyauths_, "keyauth_credentials", v, std::move(path), -1, "", pos);
    });
    each("jwt_secrets", [&](const json::value& v, std::string path, std::size_t pos) {
      Push(jwts_, "jwt_secrets", v, std::move(path), -1, "", pos);
    });
  }

  // An unknown `${NAME}` is reported on the innermost entity whose document path contains it.
  void ReportUnknownVariables(const std::vector<UnknownVariable>& unknown) {
    const std::pair<const char*, const std::vector<Raw>*> kinds[] = {{"services", &services_},
                                                                     {"routes", &routes_},
                                                                     {"consumers", &consumers_},
                                                                     {"upstreams", &upstreams_},
                                                                     {"targets", &targets_},
                                                                     {"plugins", &plugins_},
                                                                     {"keyauth_credentials", &keyauths_},
                                                                     {"jwt_secrets", &jwts_}};
    for (const auto& u : unknown) {
      const Raw* best = nullptr;
      const char* best_kind = "";
      for (const auto& [kind, list] : kinds) {
        for (const auto& raw : *list) {
          if (u.path.size() > raw.path.size() && u.path.compare(0, raw.path.size(), raw.path) == 0 &&
              u.path[raw.path.size()] == '.' && (best == nullptr || raw.path.size() > best->path.size())) {
            best = &raw;
            best_kind = kind;
          }
        }
      }
      std::string message = "unknown variable ${" + u.name + "} (not set in the environment)";
      if (best != nullptr) {
        issues_.push_back({best_kind, best->display, u.path.substr(best->path.size() + 1), std::move(message)});
      } else {
        DocIssue(u.path, std::move(message));
      }
    }
  }

  // ---- shared field handling --------------------------------------------------------------------

  // Fields Kong accepts on every entity of a declarative file but that carry nothing here.
  static void Meta(SchemaReader& r) {
    for (const char* k : {"_comment", "_ignore", "created_at", "updated_at"}) {
      r.Keep(k);
      r.output().erase(k);
    }
  }

  std::string ReadId(SchemaReader& r, std::string_view collection, const std::string& key,
                     std::unordered_set<std::string>& seen) {
    std::string id;
    if (auto given = r.OptString("id")) {
      if (!IsValidUuid(*given)) {
        r.Fail("id", "expected a valid UUID");
      }
      id = Lower(*given);
    } else {
      id = GenerateId(collection, key);
    }
    if (!seen.insert(id).second) {
      r.Fail("id", "uniqueness violation: '" + std::string(collection) + "' entity with primary key set to '" + id +
                       "' already declared");
    }
    r.output()["id"] = id;
    return id;
  }

  // A foreign key: a name/username or an id (string), or {id: ...} / {name: ...}.
  int Ref(SchemaReader& r, std::string_view field, std::string_view target, const Index& index, const Raw& raw) {
    const auto* v = r.Raw(field);
    r.Keep(field);
    bool nested = !raw.parent_kind.empty();
    if (v == nullptr) {
      r.output()[field] = nullptr;
      return -1;
    }
    if (nested) {
      // Kong: an entity nested under its parent cannot name foreign keys itself.
      r.Fail(field, "value must be null");
      return -1;
    }
    std::string key;
    if (v->is_string()) {
      key = std::string(v->get_string());
    } else if (const auto* o = v->if_object()) {
      for (const char* k : {"id", "name", "username"}) {
        if (const auto* x = o->if_contains(k); x != nullptr && x->is_string()) {
          key = std::string(x->get_string());
          break;
        }
      }
    }
    if (key.empty()) {
      r.Fail(field, "expected a string (name or id)");
      return -1;
    }
    auto found = index.Find(key);
    if (!found) {
      r.Fail(field, "invalid reference '" + std::string(field) + ": " + key + "' (no such entry in '" +
                        std::string(target) + "')");
      return -1;
    }
    r.output()[field] = json::object{{"id", index.ids[static_cast<std::size_t>(*found)]}};
    return *found;
  }

  // Resolves the entity's parent (nested) or its foreign key (top level).
  int Parent(SchemaReader& r, const Raw& raw, std::string_view field, std::string_view parent_kind,
             const Index& index) {
    int ref = Ref(r, field, parent_kind, index, raw);
    if (raw.parent_kind == parent_kind) {
      r.output()[field] = json::object{{"id", index.ids[static_cast<std::size_t>(raw.parent)]}};
      return raw.parent;
    }
    return ref;
  }

  void UniqueName(SchemaReader& r, std::string_view collection, std::string_view field, const std::string& value,
                  std::unordered_set<std::string>& seen) {
    if (!seen.insert(value).second) {
      r.Fail(field, "uniqueness violation: '" + std::string(collection) + "' entity with unique field '" +
                        std::string(field) + "' set to '" + value + "' already declared");
    }
  }

  std::string ParentIdOf(const Raw& raw) {
    if (raw.parent_kind == "services") return services_index_.ids[static_cast<std::size_t>(raw.parent)];
    if (raw.parent_kind == "routes") return routes_index_.ids[static_cast<std::size_t>(raw.parent)];
    if (raw.parent_kind == "consumers") return consumers_index_.ids[static_cast<std::size_t>(raw.parent)];
    if (raw.parent_kind == "upstreams") return upstreams_index_.ids[static_cast<std::size_t>(raw.parent)];
    return "";
  }

  // Key for the id of an unnamed entity: stable as long as the file keeps its order.
  std::string PositionalKey(const Raw& raw) { return "#" + ParentIdOf(raw) + ":" + std::to_string(raw.position); }

  // ---- services ---------------------------------------------------------------------------------

  struct ParsedUrl {
    std::string protocol, host, path;
    int port = 0;
  };

  static std::optional<std::string> ParseUrl(const std::string& url, ParsedUrl& out) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos || scheme_end == 0) return "missing scheme in url";
    out.protocol = Lower(url.substr(0, scheme_end));
    std::string rest = url.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?#");
    std::string authority = rest.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "" : rest.substr(path_start);
    if (auto q = path.find_first_of("?#"); q != std::string::npos) path.resize(q);  // Kong drops it too
    if (authority.find('@') != std::string::npos) return "credentials in url are not supported";
    if (authority.empty()) return "missing host in url";
    std::optional<int> port;
    if (!SplitHostPort(authority, out.host, port)) return "invalid port in url";
    if (out.host.empty()) return "missing host in url";
    out.port = port ? *port : (out.protocol == "https" || out.protocol == "grpcs" || out.protocol == "wss" ? 443 : 80);
    out.path = path;
    return std::nullopt;
  }

  void Protocol(SchemaReader& r, std::string_view field, const std::string& protocol) {
    if (protocol == "http" || protocol == "https") return;
    if (Contains(kKongProtocols, protocol)) {
      r.Fail(field, "protocol '" + protocol + "' is not supported by this gateway (http, https)");
    } else {
      r.Fail(field, "expected one of: " + Join(kKongProtocols));
    }
  }

  void LoadService(int i) {
    const Raw& raw = services_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "services", raw.display, "");
    Service s;
    if (auto name = r.OptString("name")) {
      s.name = *name;
      if (!IsUtf8Name(s.name)) {
        r.Fail("name", "invalid value '" + s.name +
                           "': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
      }
      UniqueName(r, "services", "name", s.name, service_names_);
    }
    s.id = ReadId(r, "services", s.name.empty() ? PositionalKey(raw) : s.name, service_ids_);
    auto url = r.OptString("url");
    r.output().erase("url");  // a shorthand: Kong stores protocol/host/port/path, not url
    s.protocol = r.String("protocol", "http");
    auto host = r.OptString("host");
    s.port = static_cast<std::uint16_t>(r.Int("port", 80, 0, 65535));
    auto path = r.OptString("path");
    std::string protocol_field = "protocol";
    if (url) {
      ParsedUrl parsed;
      if (auto err = ParseUrl(*url, parsed)) {
        r.Fail("url", *err);
      } else {
        s.protocol = parsed.protocol;
        host = parsed.host;
        s.port = static_cast<std::uint16_t>(parsed.port);
        path = parsed.path.empty() ? std::nullopt : std::optional<std::string>(parsed.path);
        protocol_field = "url";
        r.output()["protocol"] = s.protocol;
        r.output()["host"] = parsed.host;
        r.output()["port"] = parsed.port;
        r.output()["path"] = path ? json::value(*path) : json::value(nullptr);
      }
    }
    Protocol(r, protocol_field, s.protocol);
    if (!host) {
      if (!url) r.Fail("host", "required field missing");
    } else {
      s.host = *host;
      if (!IsHost(s.host)) r.Fail(url ? "url" : "host", "invalid hostname: " + s.host);
    }
    if (path) {
      s.path = *path;
      if (s.path.empty() || s.path.front() != '/') r.Fail("path", "should start with: /");
    }
    s.retries = static_cast<int>(r.Int("retries", 5, 0, 32767));
    s.connect_timeout = std::chrono::milliseconds(r.Int("connect_timeout", 60000, 1, 2147483646));
    s.write_timeout = std::chrono::milliseconds(r.Int("write_timeout", 60000, 1, 2147483646));
    s.read_timeout = std::chrono::milliseconds(r.Int("read_timeout", 60000, 1, 2147483646));
    s.enabled = r.Bool("enabled", true);
    s.tags = r.StringArray("tags", {});
    // TLS settings towards the upstream are accepted for compatibility; not used by this gateway.
    r.Bool("tls_verify", true);
    r.OptInt("tls_verify_depth", 0, 64);
    r.Keep("ca_certificates");
    r.Keep("client_certificate");
    for (const char* nested : {"routes", "plugins"}) {
      r.Keep(nested);
      r.output().erase(nested);
    }
    Meta(r);
    r.RejectUnknown();
    services_index_.Add(s.id, s.name, i);
    s.source = r.output();
    config_->services.push_back(std::move(s));
  }

  // ---- routes -----------------------------------------------------------------------------------

  void LoadRoute(int i) {
    const Raw& raw = routes_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "routes", raw.display, "");
    Route rt;
    if (auto name = r.OptString("name")) {
      rt.name = *name;
      if (!IsUtf8Name(rt.name)) {
        r.Fail("name", "invalid value '" + rt.name +
                           "': the only accepted ascii characters are alphanumerics or ., -, _, and ~");
      }
      UniqueName(r, "routes", "name", rt.name, route_names_);
    }
    rt.id = ReadId(r, "routes", rt.name.empty() ? PositionalKey(raw) : rt.name, route_ids_);
    rt.protocols = r.StringArray("protocols", {"http", "https"});
    for (std::size_t k = 0; k < rt.protocols.size(); ++k) {
      Protocol(r, "protocols[" + std::to_string(k + 1) + "]", rt.protocols[k]);
    }
    if (rt.protocols.empty()) r.Fail("protocols", "length must be at least 1");
    rt.methods = r.StringArray("methods", {});
    for (std::size_t k = 0; k < rt.methods.size(); ++k) {
      const auto& m = rt.methods[k];
      bool upper = !m.empty() && std::all_of(m.begin(), m.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (!upper) r.Fail("methods[" + std::to_string(k + 1) + "]", "invalid value: " + m + " (methods are upper-case)");
    }
    auto hosts = r.StringArray("hosts", {});
    for (std::size_t k = 0; k < hosts.size(); ++k) {
      std::string h = Lower(hosts[k]);
      std::string field = "hosts[" + std::to_string(k + 1) + "]";
      auto stars = std::count(h.begin(), h.end(), '*');
      std::string host_part;
      std::optional<int> port;
      if (stars > 1) {
        r.Fail(field, "invalid wildcard: must have at most one wildcard");
      } else if (stars == 1 && !(h.rfind("*.", 0) == 0 || (h.size() > 2 && h.compare(h.size() - 2, 2, ".*") == 0))) {
        r.Fail(field, "invalid wildcard: must be placed at leftmost or rightmost label");
      } else if (!SplitHostPort(h, host_part, port)) {
        r.Fail(field, "invalid hostname: " + hosts[k]);
      } else {
        std::string check = host_part;
        std::replace(check.begin(), check.end(), '*', 'x');
        if (!IsHost(check)) r.Fail(field, "invalid hostname: " + hosts[k]);
      }
      rt.hosts.push_back(std::move(h));
    }
    auto paths = r.StringArray("paths", {});
    json::array paths_out;
    for (std::size_t k = 0; k < paths.size(); ++k) {
      std::string p = paths[k];
      std::string field = "paths[" + std::to_string(k + 1) + "]";
      if (format_version_ != "3.0" && !p.empty() && p.front() == '/' && LooksLikeRegex(p)) p = "~" + p;
      paths_out.emplace_back(p);
      RoutePath rp;
      if (!p.empty() && p.front() == '~') {
        rp.is_regex = true;
        rp.value = p.substr(1);
        try {
          // Anchored at the start, as Kong's traditional_compatible router does ("^" .. regex).
          rp.regex = std::make_shared<const std::regex>("^" + ToEcmaRegex(rp.value), std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          r.Fail(field, "invalid regex: '" + rp.value + "' (" + e.what() + ")");
        }
      } else if (p.empty() || p.front() != '/') {
        r.Fail(field, "should start with: / (fixed path) or ~/ (regex path)");
        rp.value = p;
      } else {
        rp.value = p;
      }
      rt.paths.push_back(std::move(rp));
    }
    r.output()["paths"] = std::move(paths_out);
    if (const auto* headers = r.Raw("headers")) {
      r.Keep("headers");
      json::object out;
      if (const auto* obj = headers->if_object()) {
        for (const auto& [name, values] : *obj) {
          std::string lname = Lower(std::string(name));
          std::string field = "headers." + std::string(name);
          if (lname == "host") {
            r.Fail("headers", "cannot contain 'host' header, which must be specified in the 'hosts' attribute");
            continue;
          }
          std::vector<std::string> list;
          json::array list_out;
          if (const auto* arr = values.if_array(); arr != nullptr && !arr->empty()) {
            for (std::size_t k = 0; k < arr->size(); ++k) {
              if (!(*arr)[k].is_string()) {
                r.Fail(field + "[" + std::to_string(k + 1) + "]", "expected a string");
                continue;
              }
              list.emplace_back((*arr)[k].get_string());
              list_out.emplace_back((*arr)[k].get_string());
            }
          } else {
            r.Fail(field, "expected a non-empty array of strings");
          }
          rt.headers.emplace_back(lname, std::move(list));
          out[lname] = std::move(list_out);
        }
      } else {
        r.Fail("headers", "expected a map");
      }
      r.output()["headers"] = std::move(out);
    } else {
      r.Keep("headers");
    }
    auto snis = r.StringArray("snis", {});
    for (const char* stream_field : {"sources", "destinations"}) {
      if (r.Raw(stream_field) != nullptr) r.Fail(stream_field, "not supported by this gateway (stream routes)");
      r.Keep(stream_field);
    }
    rt.strip_path = r.Bool("strip_path", true);
    rt.preserve_host = r.Bool("preserve_host", false);
    rt.path_handling = r.String("path_handling", "v0", {"v0", "v1"});
    rt.regex_priority = static_cast<int>(r.Int("regex_priority", 0, INT_MIN, INT_MAX));
    rt.https_redirect_status_code = static_cast<int>(r.Int("https_redirect_status_code", 426, 100, 999));
    if (!Contains({"426", "301", "302", "307", "308"}, std::to_string(rt.https_redirect_status_code))) {
      r.Fail("https_redirect_status_code", "expected one of: 426, 301, 302, 307, 308");
    }
    r.Bool("request_buffering", true);
    r.Bool("response_buffering", true);
    rt.tags = r.StringArray("tags", {});
    rt.service = Parent(r, raw, "service", "services", services_index_);
    bool http = std::find(rt.protocols.begin(), rt.protocols.end(), "http") != rt.protocols.end();
    bool https = std::find(rt.protocols.begin(), rt.protocols.end(), "https") != rt.protocols.end();
    if ((http || https) && rt.methods.empty() && rt.hosts.empty() && rt.headers.empty() && rt.paths.empty() &&
        (http || snis.empty())) {
      r.Fail("", http ? "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"
                      : "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'");
    }
    r.Keep("plugins");
    r.output().erase("plugins");
    Meta(r);
    r.RejectUnknown();
    routes_index_.Add(rt.id, rt.name, i);
    rt.source = r.output();
    config_->routes.push_back(std::move(rt));
  }

  // ---- consumers and credentials ----------------------------------------------------------------

  void LoadConsumer(int i) {
    const Raw& raw = consumers_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "consumers", raw.display, "");
    Consumer c;
    if (auto u = r.OptString("username")) {
      c.username = *u;
      UniqueName(r, "consumers", "username", c.username, consumer_usernames_);
    }
    if (auto cid = r.OptString("custom_id")) {
      c.custom_id = *cid;
      UniqueName(r, "consumers", "custom_id", c.custom_id, consumer_custom_ids_);
    }
    if (c.username.empty() && c.custom_id.empty()) {
      r.Fail("", "at least one of these fields must be non-empty: 'custom_id', 'username'");
    }
    c.id = ReadId(r, "consumers",
                  !c.username.empty()    ? c.username
                  : !c.custom_id.empty() ? "custom_id:" + c.custom_id
                                         : PositionalKey(raw),
                  consumer_ids_);
    c.tags = r.StringArray("tags", {});
    for (const char* nested : {"plugins", "keyauth_credentials", "jwt_secrets"}) {
      r.Keep(nested);
    }
    Meta(r);
    r.RejectUnknown();
    consumers_index_.Add(c.id, c.username, i);
    config_->consumers.push_back(std::move(c));
  }

  void LoadKeyAuth(int i) {
    const Raw& raw = keyauths_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "keyauth_credentials", raw.display, "");
    KeyAuthCredential cred;
    cred.consumer = Parent(r, raw, "consumer", "consumers", consumers_index_);
    if (raw.parent_kind.empty() && r.Raw("consumer") == nullptr) r.Fail("consumer", "required field missing");
    auto key = r.OptString("key");
    if (key && key->empty()) r.Fail("key", "length must be at least 1");
    if (key && !key->empty()) {
      if (!keyauth_keys_.insert(*key).second) {
        r.Fail("key", "uniqueness violation: another key-auth credential already uses this key");
      }
    }
    std::string consumer_id =
        cred.consumer >= 0 ? consumers_index_.ids[static_cast<std::size_t>(cred.consumer)] : std::string();
    cred.id = ReadId(r, "keyauth_credentials", key ? *key : "#" + consumer_id + ":" + std::to_string(raw.position),
                     keyauth_ids_);
    cred.key = key ? *key : RandomHex(16);  // Kong generates a random key when none is given
    if (r.Raw("ttl") != nullptr) r.Fail("ttl", "not supported by this gateway");
    r.Keep("ttl");
    r.StringArray("tags", {});
    Meta(r);
    r.RejectUnknown();
    config_->keyauth_credentials.push_back(std::move(cred));
  }

  void LoadJwt(int i) {
    const Raw& raw = jwts_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "jwt_secrets", raw.display, "");
    JwtSecret s;
    s.consumer = Parent(r, raw, "consumer", "consumers", consumers_index_);
    if (raw.parent_kind.empty() && r.Raw("consumer") == nullptr) r.Fail("consumer", "required field missing");
    auto key = r.OptString("key");
    if (key && !jwt_keys_.insert(*key).second) {
      r.Fail("key", "uniqueness violation: another jwt secret already uses this key");
    }
    std::string consumer_id =
        s.consumer >= 0 ? consumers_index_.ids[static_cast<std::size_t>(s.consumer)] : std::string();
    s.id = ReadId(r, "jwt_secrets", key ? *key : "#" + consumer_id + ":" + std::to_string(raw.position), jwt_ids_);
    s.key = key ? *key : RandomHex(16);
    auto secret = r.OptString("secret");
    s.secret = secret ? *secret : RandomHex(16);
    s.algorithm = r.String("algorithm", "HS256");
    const bool asymmetric = IsAsymmetricJwtAlgorithm(s.algorithm);
    if (!asymmetric && !Contains({"HS256", "HS384", "HS512"}, s.algorithm)) {
      r.Fail("algorithm",
             "expected one of: HS256, HS384, HS512, RS256, RS384, RS512, ES256, ES384, ES512, PS256, "
             "PS384, PS512, EdDSA");
    }
    // Kong's jwt_secrets entity check: the asymmetric algorithms need a key that OpenSSL reads
    // ("invalid key" otherwise). The key is parsed once here, not per token.
    auto pem = r.OptString("rsa_public_key");
    if (pem) s.rsa_public_key = *pem;
    if (asymmetric) {
      if (!pem || pem->empty()) {
        r.Fail("rsa_public_key", "required field missing");
      } else {
        std::string error;
        s.public_key = JwtPublicKey::Parse(*pem, error);
        if (!s.public_key) {
          r.Fail("rsa_public_key", "invalid key: " + error);
        } else if (auto mismatch = s.public_key->CheckAlgorithm(s.algorithm); !mismatch.empty()) {
          r.Fail("rsa_public_key", "invalid key: " + mismatch);
        }
      }
    }
    r.StringArray("tags", {});
    Meta(r);
    r.RejectUnknown();
    config_->jwt_secrets.push_back(std::move(s));
  }

  // ---- upstreams and targets --------------------------------------------------------------------

  static std::vector<int> ToInts(const std::vector<std::int64_t>& v) { return {v.begin(), v.end()}; }

  void HealthcheckType(SchemaReader& r, std::string& type) {
    type = r.String("type", "http");
    if (type == "grpc" || type == "grpcs") {
      r.Fail("type", "health check type '" + type + "' is not supported by this gateway (tcp, http, https)");
    } else if (!Contains({"tcp", "http", "https"}, type)) {
      r.Fail("type", "expected one of: tcp, http, https, grpc, grpcs");
    }
  }

  void LoadHealthchecks(SchemaReader& hc, Healthchecks& out) {
    {
      SchemaReader active = hc.Record("active");
      auto& a = out.active;
      HealthcheckType(active, a.type);
      a.timeout = active.Number("timeout", 1, 0, 65535);
      a.concurrency = static_cast<int>(active.Int("concurrency", 10, 1, 2147483648LL));
      a.http_path = active.String("http_path", "/");
      if (a.http_path.empty() || a.http_path.front() != '/') active.Fail("http_path", "should start with: /");
      active.OptString("https_sni");
      active.Bool("https_verify_certificate", true);
      if (const auto* headers = active.Raw("headers")) {
        if (const auto* obj = headers->if_object()) {
          for (const auto& [name, values] : *obj) {
            if (const auto* arr = values.if_array()) {
              for (const auto& v : *arr) {
                if (v.is_string()) {
                  a.headers.emplace_back(std::string(name), std::string(v.get_string()));
                } else {
                  active.Fail("headers." + std::string(name), "expected an array of strings");
                }
              }
            } else {
              active.Fail("headers." + std::string(name), "expected an array of strings");
            }
          }
        } else {
          active.Fail("headers", "expected a map");
        }
      }
      active.Keep("headers");
      {
        SchemaReader healthy = active.Record("healthy");
        a.healthy.interval = healthy.Number("interval", 0, 0, 65535);
        a.healthy.http_statuses = ToInts(healthy.IntArray("http_statuses", {200, 302}, 100, 999));
        a.healthy.successes = static_cast<int>(healthy.Int("successes", 0, 0, 255));
        healthy.RejectUnknown();
      }
      {
        SchemaReader unhealthy = active.Record("unhealthy");
        a.unhealthy.interval = unhealthy.Number("interval", 0, 0, 65535);
        a.unhealthy.http_statuses =
            ToInts(unhealthy.IntArray("http_statuses", {429, 404, 500, 501, 502, 503, 504, 505}, 100, 999));
        a.unhealthy.tcp_failures = static_cast<int>(unhealthy.Int("tcp_failures", 0, 0, 255));
        a.unhealthy.timeouts = static_cast<int>(unhealthy.Int("timeouts", 0, 0, 255));
        a.unhealthy.http_failures = static_cast<int>(unhealthy.Int("http_failures", 0, 0, 255));
        unhealthy.RejectUnknown();
      }
      active.RejectUnknown();
    }
    {
      SchemaReader passive = hc.Record("passive");
      auto& p = out.passive;
      HealthcheckType(passive, p.type);
      {
        SchemaReader healthy = passive.Record("healthy");
        p.healthy.http_statuses = ToInts(healthy.IntArray(
            "http_statuses",
            {200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307, 308}, 100, 999));
        p.healthy.successes = static_cast<int>(healthy.Int("successes", 0, 0, 255));
        healthy.RejectUnknown();
      }
      {
        SchemaReader unhealthy = passive.Record("unhealthy");
        p.unhealthy.http_statuses = ToInts(unhealthy.IntArray("http_statuses", {429, 500, 503}, 100, 999));
        p.unhealthy.tcp_failures = static_cast<int>(unhealthy.Int("tcp_failures", 0, 0, 255));
        p.unhealthy.timeouts = static_cast<int>(unhealthy.Int("timeouts", 0, 0, 255));
        p.unhealthy.http_failures = static_cast<int>(unhealthy.Int("http_failures", 0, 0, 255));
        unhealthy.RejectUnknown();
      }
      passive.RejectUnknown();
    }
    out.threshold = hc.Number("threshold", 0, 0, 100);
    hc.RejectUnknown();
  }

  void LoadUpstream(int i) {
    const Raw& raw = upstreams_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "upstreams", raw.display, "");
    Upstream u;
    if (auto name = r.OptString("name")) {
      u.name = *name;
      if (u.name.find(':') != std::string::npos && !IsIpv6(u.name)) {
        r.Fail("name", "Invalid name ('" + u.name + "'); no port allowed");
      } else if (IsIpv4(u.name) || IsIpv6(u.name)) {
        r.Fail("name", "Invalid name ('" + u.name + "'); no ip addresses allowed");
      } else if (!IsHostname(u.name)) {
        r.Fail("name", "Invalid name ('" + u.name + "'); must be a valid hostname");
      }
      UniqueName(r, "upstreams", "name", u.name, upstream_names_);
    } else {
      r.Fail("name", "required field missing");
    }
    u.id = ReadId(r, "upstreams", u.name.empty() ? PositionalKey(raw) : u.name, upstream_ids_);
    u.algorithm = r.String("algorithm", "round-robin");
    if (u.algorithm == "latency") {
      r.Fail("algorithm",
             "algorithm 'latency' is not supported by this gateway (round-robin, least-connections, "
             "consistent-hashing)");
    } else if (!Contains({"round-robin", "least-connections", "consistent-hashing"}, u.algorithm)) {
      r.Fail("algorithm", "expected one of: consistent-hashing, least-connections, round-robin, latency");
    }
    auto hash_field = [&](std::string_view key) {
      std::string v = r.String(key, "none");
      if (v == "uri_capture") {
        r.Fail(key, "hash input 'uri_capture' is not supported by this gateway");
      } else if (!Contains({"none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture"}, v)) {
        r.Fail(key, "expected one of: none, consumer, ip, header, cookie, path, query_arg, uri_capture");
      }
      return v;
    };
    u.hash_on = hash_field("hash_on");
    u.hash_fallback = hash_field("hash_fallback");
    auto opt = [&](std::string_view key) { return r.OptString(key).value_or(""); };
    u.hash_on_header = opt("hash_on_header");
    u.hash_fallback_header = opt("hash_fallback_header");
    u.hash_on_cookie = opt("hash_on_cookie");
    u.hash_on_cookie_path = r.String("hash_on_cookie_path", "/");
    if (u.hash_on_cookie_path.empty() || u.hash_on_cookie_path.front() != '/') {
      r.Fail("hash_on_cookie_path", "should start with: /");
    }
    u.hash_on_query_arg = opt("hash_on_query_arg");
    u.hash_fallback_query_arg = opt("hash_fallback_query_arg");
    r.OptString("hash_on_uri_capture");
    r.OptString("hash_fallback_uri_capture");
    u.slots = static_cast<int>(r.Int("slots", 10000, 10, 65536));
    u.host_header = opt("host_header");
    if (!u.host_header.empty() && !IsHost(u.host_header)) r.Fail("host_header", "invalid hostname: " + u.host_header);
    r.Bool("use_srv_name", false);
    if (r.Raw("client_certificate") != nullptr) r.Fail("client_certificate", "not supported by this gateway");
    r.Keep("client_certificate");
    {
      SchemaReader hc = r.Record("healthchecks");
      LoadHealthchecks(hc, u.healthchecks);
    }
    // Kong's upstreams entity checks.
    if (u.hash_on == "header" && u.hash_on_header.empty()) r.Fail("hash_on_header", "required field missing");
    if (u.hash_fallback == "header" && u.hash_fallback_header.empty()) {
      r.Fail("hash_fallback_header", "required field missing");
    }
    if ((u.hash_on == "cookie" || u.hash_fallback == "cookie") && u.hash_on_cookie.empty()) {
      r.Fail("hash_on_cookie", "required field missing");
    }
    if (u.hash_on == "query_arg" && u.hash_on_query_arg.empty()) r.Fail("hash_on_query_arg", "required field missing");
    if (u.hash_fallback == "query_arg" && u.hash_fallback_query_arg.empty()) {
      r.Fail("hash_fallback_query_arg", "required field missing");
    }
    if ((u.hash_on == "none" || u.hash_on == "cookie") && u.hash_fallback != "none") {
      r.Fail("hash_fallback", "expected one of: none");
    }
    if (u.hash_on == u.hash_fallback && u.hash_on != "none" && u.hash_on != "header" && u.hash_on != "query_arg") {
      r.Fail("hash_fallback", "must be different from hash_on");
    }
    if (u.hash_on == "header" && u.hash_fallback == "header" &&
        Lower(u.hash_on_header) == Lower(u.hash_fallback_header)) {
      r.Fail("hash_fallback_header",
             "values of these fields must be distinct: 'hash_on_header', 'hash_fallback_header'");
    }
    if (u.hash_on == "query_arg" && u.hash_fallback == "query_arg" &&
        u.hash_on_query_arg == u.hash_fallback_query_arg) {
      r.Fail("hash_fallback_query_arg",
             "values of these fields must be distinct: 'hash_on_query_arg', 'hash_fallback_query_arg'");
    }
    // Kong 3.x: hashing on anything implies the consistent-hashing balancer.
    if (u.hash_on != "none" && u.algorithm != "latency") {
      u.algorithm = "consistent-hashing";
      r.output()["algorithm"] = u.algorithm;
    }
    u.tags = r.StringArray("tags", {});
    r.Keep("targets");
    r.output().erase("targets");
    Meta(r);
    r.RejectUnknown();
    upstreams_index_.Add(u.id, u.name, i);
    u.source = r.output();
    config_->upstreams.push_back(std::move(u));
  }

  void LoadTarget(int i) {
    const Raw& raw = targets_[static_cast<std::size_t>(i)];
    SchemaReader r(raw.value, issues_, "targets", raw.display, "");
    Target t;
    int upstream = Parent(r, raw, "upstream", "upstreams", upstreams_index_);
    if (raw.parent_kind.empty() && r.Raw("upstream") == nullptr) r.Fail("upstream", "required field missing");
    auto target = r.OptString("target");
    if (!target) {
      r.Fail("target", "required field missing");
    } else {
      std::string host;
      std::optional<int> port;
      if (!SplitHostPort(*target, host, port) || !IsHost(host) || (port && *port == 0)) {
        r.Fail("target", "Invalid target ('" + *target + "'); not a valid hostname or ip address");
      }
      t.host = host;
      t.port = static_cast<std::uint16_t>(port.value_or(8000));
      t.target = host + ":" + std::to_string(t.port);
    }
    std::string upstream_key = raw.parent_kind.empty() ? (r.Raw("upstream") != nullptr && r.Raw("upstream")->is_string()
                                                              ? std::string(r.Raw("upstream")->get_string())
                                                              : std::string())
                                                       : ParentIdOf(raw);
    t.id = ReadId(r, "targets", target ? *target + ":" + upstream_key : PositionalKey(raw), target_ids_);
    t.weight = static_cast<int>(r.Int("weight", 100, 0, 65535));
    t.tags = r.StringArray("tags", {});
    Meta(r);
    r.RejectUnknown();
    if (upstream >= 0 && !t.target.empty()) {
      auto& list = config_->upstreams[static_cast<std::size_t>(upstream)].targets;
      bool duplicate = std::any_of(list.begin(), list.end(), [&](const Target& o) { return o.target == t.target; });
      if (duplicate) {
        r.Fail("target", "duplicate target '" + t.target + "' in upstream '" +
                             config_->upstreams[static_cast<std::size_t>(upstream)].name + "'");
      } else {
        list.push_back(std::move(t));
      }
    }
  }

  // ---- plugins ----------------------------------------------------------------------------------

  std::string ScopeKey(const SchemaReader& r, const Raw& raw, std::string_view field, std::string_view kind) {
    if (raw.parent_kind == kind) return ParentIdOf(raw);
    const auto* v = r.Raw(field);
    if (v != nullptr && v->is_string()) return std::string(v->get_string());
    return "";
  }

  void LoadPlugin(int i) {
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
    std::string key = p.instance_name.empty() ? "plugins:" + p.name + ":" + ScopeKey(r, raw, "route", "routes") + ":" +
                                                    ScopeKey(r, raw, "service", "services") + ":" +
                                                    ScopeKey(r, raw, "consumer", "consumers")
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

  // ---- lookups ----------------------------------------------------------------------------------

  void BuildLookups() {
    auto& c = *config_;
    for (std::size_t i = 0; i < c.upstreams.size(); ++i) {
      if (!c.upstreams[i].name.empty()) c.upstream_by_name.emplace(c.upstreams[i].name, static_cast<int>(i));
    }
    for (std::size_t i = 0; i < c.consumers.size(); ++i) {
      const auto& con = c.consumers[i];
      c.consumer_by_name.emplace(con.id, static_cast<int>(i));
      if (!con.username.empty()) c.consumer_by_name.emplace(con.username, static_cast<int>(i));
      if (!con.custom_id.empty()) c.consumer_by_name.emplace(con.custom_id, static_cast<int>(i));
    }
    for (std::size_t i = 0; i < c.keyauth_credentials.size(); ++i) {
      const auto& k = c.keyauth_credentials[i];
      c.consumer_by_key.emplace(k.key, k.consumer);
      c.credential_by_key.emplace(k.key, static_cast<int>(i));
    }
    for (std::size_t i = 0; i < c.jwt_secrets.size(); ++i)
      c.jwt_by_key.emplace(c.jwt_secrets[i].key, static_cast<int>(i));
  }

  const PluginEnv& env_;
  std::vector<ConfigIssue>& issues_;
  std::unique_ptr<Config> config_;
  std::string format_version_;
  std::vector<Raw> services_, routes_, consumers_, upstreams_, targets_, plugins_, keyauths_, jwts_;
  Index services_index_, routes_index_, consumers_index_, upstreams_index_;
  std::unordered_set<std::string> service_names_, route_names_, upstream_names_, consumer_usernames_,
      consumer_custom_ids_, plugin_instance_names_, keyauth_keys_, jwt_keys_, plugin_scopes_;
  std::unordered_set<std::string> service_ids_, route_ids_, upstream_ids_, consumer_ids_, target_ids_, plugin_ids_,
      keyauth_ids_, jwt_ids_;
};

}  // namespace

LoadResult LoadDeclarative(std::string_view text, const PluginEnv& env, EnvLookup env_lookup) {
  LoadResult result;
  try {
    ParsedDocument parsed = ParseDocument(text, env_lookup);
    if (!parsed.error.empty()) {
      result.issues.push_back({"", "", "", "failed parsing declarative configuration: " + parsed.error});
      return result;
    }
    Loader loader(env, result.issues);
    std::unique_ptr<Config> config = loader.Run(parsed.doc, parsed.unknown);
    if (config && result.issues.empty()) {
      config->hash = Md5Hex(CanonicalJson(parsed.doc));
      result.config = std::move(config);
    }
  } catch (const std::exception& e) {
    // Only resource failures (allocation, OpenSSL) get here; the document never throws.
    result.config.reset();
    result.issues.push_back({"", "", "", std::string("failed loading declarative configuration: ") + e.what()});
  }
  return result;
}

EnvLookup ProcessEnvLookup() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

}  // namespace comptoir::gateway
